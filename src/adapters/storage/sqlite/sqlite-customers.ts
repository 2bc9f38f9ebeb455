// SQLite customer store: profiles, golden profiles with their source mapping, blocking postings with counts, merge audit.
import type { CustomerStore, GoldenProfile, MergeAuditRecord } from '../../../ports/customer-store-port.js';
import { StorageError } from '../../../errors/storage-error.js';
import type { Customer } from '../../../model/customer.js';
import { jsonList, type SqliteContext } from './sqlite-driver.js';

/** The asked keys once each: a repeated key must not count twice. */
const distinct = (keys: readonly string[]): string[] => [...new Set(keys)];

/** A `LIMIT` for getPostings, read as the memory store's `slice(0, limit)` reads it. */
function postingsLimit(limit: number): number {
  if (Number.isNaN(limit)) return 0;
  if (limit === Number.POSITIVE_INFINITY) return -1;
  return Math.max(0, Math.floor(limit));
}

/** Creates the customer store. Documents are stored as JSON text and parsed on the way out, so callers get copies. */
export function createSqliteCustomers(context: SqliteContext): CustomerStore {
  const t = context.tables;

  return {
    putProfile(profile: Customer): Promise<void> {
      const data = JSON.stringify(profile);
      return context.read('customers.putProfile', (session) => {
        session.run(`INSERT INTO ${t.customerProfiles} (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data`, profile.id, data);
      });
    },

    getProfile(id: string): Promise<Customer | null> {
      return context.read('customers.getProfile', (session) => {
        const row = session.get<{ data: string }>(`SELECT data FROM ${t.customerProfiles} WHERE id = ?`, id);
        return row === undefined ? null : (JSON.parse(row.data) as Customer);
      });
    },

    getProfiles(ids: readonly string[]): Promise<Customer[]> {
      if (ids.length === 0) return context.read('customers.getProfiles', () => []);
      return context.read('customers.getProfiles', (session) => {
        // One statement whatever the count: the ids travel as one JSON array, so no bound-parameter limit applies.
        const rows = session.all<{ id: string; data: string }>(
          `SELECT id, data FROM ${t.customerProfiles} WHERE id IN (SELECT value FROM json_each(?))`,
          jsonList(distinct(ids)),
        );
        const byId = new Map(rows.map((row) => [row.id, row.data]));
        return ids.flatMap((id) => {
          const data = byId.get(id);
          return data === undefined ? [] : [JSON.parse(data) as Customer];
        });
      });
    },

    deleteProfile(id: string): Promise<boolean> {
      return context.read('customers.deleteProfile', (session) => session.run(`DELETE FROM ${t.customerProfiles} WHERE id = ?`, id) > 0);
    },

    putGolden(golden: GoldenProfile): Promise<void> {
      const data = JSON.stringify(golden);
      const sources = jsonList(distinct(golden.sourceIds));
      // One transaction: readers never see the golden profile with half of its source mappings.
      return context.write('customers.putGolden', (session) => {
        session.run(
          `INSERT INTO ${t.customerGoldens} (id, version, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, data = excluded.data`,
          golden.id, golden.version, data,
        );
        session.run(`DELETE FROM ${t.customerGoldenSources} WHERE golden_id = ? AND source_id NOT IN (SELECT value FROM json_each(?))`, golden.id, sources);
        // A source another golden profile held moves to this one. (`WHERE true` lets SQLite parse the upsert after a SELECT.)
        session.run(
          `INSERT INTO ${t.customerGoldenSources} (source_id, golden_id) SELECT value, ? FROM json_each(?) WHERE true
           ON CONFLICT (source_id) DO UPDATE SET golden_id = excluded.golden_id`,
          golden.id, sources,
        );
      });
    },

    getGolden(id: string): Promise<GoldenProfile | null> {
      return context.read('customers.getGolden', (session) => {
        const row = session.get<{ data: string }>(`SELECT data FROM ${t.customerGoldens} WHERE id = ?`, id);
        return row === undefined ? null : (JSON.parse(row.data) as GoldenProfile);
      });
    },

    findGoldenBySource(sourceId: string): Promise<GoldenProfile | null> {
      return context.read('customers.findGoldenBySource', (session) => {
        const row = session.get<{ data: string }>(
          `SELECT g.data FROM ${t.customerGoldenSources} s JOIN ${t.customerGoldens} g ON g.id = s.golden_id WHERE s.source_id = ?`,
          sourceId,
        );
        return row === undefined ? null : (JSON.parse(row.data) as GoldenProfile);
      });
    },

    deleteGolden(id: string): Promise<boolean> {
      return context.write('customers.deleteGolden', (session) => {
        session.run(`DELETE FROM ${t.customerGoldenSources} WHERE golden_id = ?`, id);
        return session.run(`DELETE FROM ${t.customerGoldens} WHERE id = ?`, id) > 0;
      });
    },

    addPostings(recordId: string, keys: readonly string[]): Promise<void> {
      const unique = distinct(keys);
      if (unique.length === 0) return context.read('customers.addPostings', () => undefined);
      // A count moves only when its posting row really changed, so repeats stay idempotent.
      return context.write('customers.addPostings', (session) => {
        for (const key of unique) {
          if (session.run(`INSERT INTO ${t.customerPostings} (key, record_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, key, recordId) === 0) continue;
          session.run(`INSERT INTO ${t.customerPostingCounts} (key, total) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET total = total + 1`, key);
        }
      });
    },

    removePostings(recordId: string, keys: readonly string[]): Promise<void> {
      const unique = distinct(keys);
      if (unique.length === 0) return context.read('customers.removePostings', () => undefined);
      return context.write('customers.removePostings', (session) => {
        for (const key of unique) {
          if (session.run(`DELETE FROM ${t.customerPostings} WHERE key = ? AND record_id = ?`, key, recordId) === 0) continue;
          // The last holder takes the count row with it (the table holds positive counts only).
          if (session.run(`DELETE FROM ${t.customerPostingCounts} WHERE key = ? AND total <= 1`, key) > 0) continue;
          session.run(`UPDATE ${t.customerPostingCounts} SET total = total - 1 WHERE key = ?`, key);
        }
      });
    },

    getPostings(key: string, limit: number): Promise<{ readonly ids: readonly string[]; readonly total: number }> {
      const cap = postingsLimit(limit);
      // Two primary-key lookups; better-sqlite3 runs them back to back, so this process's writes
      // never fall between them (another process's commit may, and only shifts the total by it).
      return context.read('customers.getPostings', (session) => {
        const total = session.get<{ total: number }>(`SELECT total FROM ${t.customerPostingCounts} WHERE key = ?`, key)?.total ?? 0;
        if (total === 0 || cap === 0) return { ids: [], total };
        const ids = session.all<{ record_id: string }>(`SELECT record_id FROM ${t.customerPostings} WHERE key = ? ORDER BY record_id LIMIT ?`, key, cap);
        return { ids: ids.map((row) => row.record_id), total };
      });
    },

    appendAudit(record: MergeAuditRecord): Promise<void> {
      const data = JSON.stringify(record);
      return context.read('customers.appendAudit', (session) => {
        const inserted = session.run(
          `INSERT INTO ${t.customerAudit} (id, golden_id, at, data) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
          record.id, record.goldenId, record.at, data,
        );
        if (inserted === 0) {
          throw new StorageError('DUPLICATE_KEY', { operation: 'customers.appendAudit', message: `merge audit record ${record.id} already exists`, hint: 'audit records are append-only; use a new id' });
        }
      });
    },

    getAudit(id: string): Promise<MergeAuditRecord | null> {
      return context.read('customers.getAudit', (session) => {
        const row = session.get<{ data: string }>(`SELECT data FROM ${t.customerAudit} WHERE id = ?`, id);
        return row === undefined ? null : (JSON.parse(row.data) as MergeAuditRecord);
      });
    },

    listAudit(goldenId: string): Promise<MergeAuditRecord[]> {
      return context.read('customers.listAudit', (session) =>
        session.all<{ data: string }>(`SELECT data FROM ${t.customerAudit} WHERE golden_id = ? ORDER BY seq`, goldenId).map((row) => JSON.parse(row.data) as MergeAuditRecord),
      );
    },
  };
}
