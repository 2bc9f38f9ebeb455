// SQLite customer store: profiles, golden profiles with their source mapping, blocking postings with
// counts, merge audit. Writes are units of work (customer parts), the same path as storage.commit.
import type { CustomerStore, GoldenProfile, MergeAuditRecord } from '../../../ports/customer-store-port.js';
import { customerWrites } from '../shared/unit-conveniences.js';
import { commitSqlite } from './sqlite-orders.js';
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
    ...customerWrites((unit, operation) => commitSqlite(context, unit, operation)),

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
