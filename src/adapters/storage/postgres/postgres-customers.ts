// PostgreSQL customer store: profiles, golden profiles with their source mapping, blocking postings with counts, merge audit.
import type { CustomerStore, GoldenProfile, MergeAuditRecord } from '../../../ports/customer-store-port.js';
import { StorageError } from '../../../errors/storage-error.js';
import type { Customer } from '../../../model/customer.js';
import type { PgContext } from './postgres-driver.js';

/** The asked keys once each, sorted: rows are locked in one order, so two writers never deadlock on them. */
const distinctSorted = (values: readonly string[]): string[] => [...new Set(values)].sort();

/** A `LIMIT` for getPostings, read as the memory store's `slice(0, limit)` reads it; null is no limit. */
function postingsLimit(limit: number): number | null {
  if (Number.isNaN(limit)) return 0;
  if (limit === Number.POSITIVE_INFINITY) return null;
  return Math.max(0, Math.floor(limit));
}

/**
 * Creates the customer store. Every method is one statement, so one round trip and atomic on its
 * own: multi-row writes send their rows as arrays and unnest them; related writes (a golden
 * profile and its source rows, a posting and its count) are data-modifying CTEs of one statement.
 */
export function createPostgresCustomers(context: PgContext): CustomerStore {
  const t = context.tables;

  const goldenFrom = (rows: unknown[]): GoldenProfile | null => (rows[0] as { data: GoldenProfile } | undefined)?.data ?? null;

  return {
    async putProfile(profile: Customer): Promise<void> {
      await context.query(
        'customers.putProfile',
        `INSERT INTO ${t.customerProfiles} (id, data) VALUES ($1, $2::json) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data`,
        [profile.id, JSON.stringify(profile)],
        'customers_put_profile',
      );
    },

    async getProfile(id: string): Promise<Customer | null> {
      const result = await context.query('customers.getProfile', `SELECT data FROM ${t.customerProfiles} WHERE id = $1`, [id], 'customers_get_profile');
      return (result.rows[0] as { data: Customer } | undefined)?.data ?? null;
    },

    async getProfiles(ids: readonly string[]): Promise<Customer[]> {
      const result = await context.query(
        'customers.getProfiles',
        `SELECT id, data FROM ${t.customerProfiles} WHERE id = ANY($1::text[])`,
        [[...new Set(ids)]],
        'customers_get_profiles',
      );
      const byId = new Map((result.rows as { id: string; data: Customer }[]).map((row) => [row.id, row.data]));
      // Asked twice, returned twice: each a separate copy, as the memory store does.
      const seen = new Set<string>();
      return ids.flatMap((id) => {
        const data = byId.get(id);
        if (data === undefined) return [];
        const copy = seen.has(id) ? structuredClone(data) : data;
        seen.add(id);
        return [copy];
      });
    },

    async deleteProfile(id: string): Promise<boolean> {
      const result = await context.query('customers.deleteProfile', `DELETE FROM ${t.customerProfiles} WHERE id = $1`, [id]);
      return (result.rowCount ?? 0) > 0;
    },

    async putGolden(golden: GoldenProfile): Promise<void> {
      // One statement, so one transaction: the row, the dropped mappings and the new ones commit
      // together. The CTEs touch disjoint rows (sources not in the list, sources in it); a source
      // another golden profile held moves to this one.
      await context.query(
        'customers.putGolden',
        `WITH golden AS (
           INSERT INTO ${t.customerGoldens} (id, version, data) VALUES ($1, $2, $3::json)
           ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, data = EXCLUDED.data
         ), dropped AS (
           DELETE FROM ${t.customerGoldenSources} WHERE golden_id = $1 AND NOT (source_id = ANY($4::text[]))
         )
         INSERT INTO ${t.customerGoldenSources} (source_id, golden_id)
         SELECT s, $1 FROM unnest($4::text[]) AS s ORDER BY s
         ON CONFLICT (source_id) DO UPDATE SET golden_id = EXCLUDED.golden_id`,
        [golden.id, golden.version, JSON.stringify(golden), distinctSorted(golden.sourceIds)],
        'customers_put_golden',
      );
    },

    async getGolden(id: string): Promise<GoldenProfile | null> {
      const result = await context.query('customers.getGolden', `SELECT data FROM ${t.customerGoldens} WHERE id = $1`, [id], 'customers_get_golden');
      return goldenFrom(result.rows);
    },

    async findGoldenBySource(sourceId: string): Promise<GoldenProfile | null> {
      const result = await context.query(
        'customers.findGoldenBySource',
        `SELECT g.data FROM ${t.customerGoldenSources} s JOIN ${t.customerGoldens} g ON g.id = s.golden_id WHERE s.source_id = $1`,
        [sourceId],
        'customers_find_golden_by_source',
      );
      return goldenFrom(result.rows);
    },

    async deleteGolden(id: string): Promise<boolean> {
      const result = await context.query(
        'customers.deleteGolden',
        `WITH unmapped AS (DELETE FROM ${t.customerGoldenSources} WHERE golden_id = $1)
         DELETE FROM ${t.customerGoldens} WHERE id = $1`,
        [id],
      );
      return (result.rowCount ?? 0) > 0;
    },

    async addPostings(recordId: string, keys: readonly string[]): Promise<void> {
      // Counts move by the rows really inserted (RETURNING skips the ones already there), so a
      // repeat is idempotent; the upsert adds under the count row's lock, so concurrent writers
      // never lose an increment.
      await context.query(
        'customers.addPostings',
        `WITH added AS (
           INSERT INTO ${t.customerPostings} (key, record_id)
           SELECT k, $1 FROM unnest($2::text[]) AS k ORDER BY k
           ON CONFLICT DO NOTHING RETURNING key
         )
         INSERT INTO ${t.customerPostingCounts} AS c (key, total)
         SELECT key, count(*) FROM added GROUP BY key ORDER BY key
         ON CONFLICT (key) DO UPDATE SET total = c.total + EXCLUDED.total`,
        [recordId, distinctSorted(keys)],
        'customers_add_postings',
      );
    },

    async removePostings(recordId: string, keys: readonly string[]): Promise<void> {
      const result = await context.query(
        'customers.removePostings',
        `WITH removed AS (
           DELETE FROM ${t.customerPostings} WHERE key = ANY($2::text[]) AND record_id = $1 RETURNING key
         )
         UPDATE ${t.customerPostingCounts} AS c SET total = c.total - r.n
         FROM (SELECT key, count(*)::integer AS n FROM removed GROUP BY key) AS r
         WHERE c.key = r.key RETURNING c.key, c.total`,
        [recordId, distinctSorted(keys)],
        'customers_remove_postings',
      );
      // Keys nobody holds any more lose their count row; rare, so a second statement only then.
      // It deletes only rows still at zero, so a concurrent addPostings keeps its count.
      const emptied = (result.rows as { key: string; total: number }[]).filter((row) => row.total === 0).map((row) => row.key);
      if (emptied.length > 0) {
        await context.query('customers.removePostings', `DELETE FROM ${t.customerPostingCounts} WHERE key = ANY($1::text[]) AND total = 0`, [emptied]);
      }
    },

    async getPostings(key: string, limit: number): Promise<{ readonly ids: readonly string[]; readonly total: number }> {
      // One statement, one snapshot: the ids and the total agree. The ids are the first of the
      // key's range of the primary key ("C" order); the total is one row, not a count.
      const result = await context.query(
        'customers.getPostings',
        `SELECT coalesce((SELECT total FROM ${t.customerPostingCounts} WHERE key = $1), 0) AS total,
                ARRAY(SELECT record_id FROM ${t.customerPostings} WHERE key = $1 ORDER BY record_id LIMIT $2) AS ids`,
        [key, postingsLimit(limit)],
        'customers_get_postings',
      );
      const row = result.rows[0] as { total: number; ids: string[] };
      return { ids: row.ids, total: row.total };
    },

    async appendAudit(record: MergeAuditRecord): Promise<void> {
      const result = await context.query(
        'customers.appendAudit',
        `INSERT INTO ${t.customerAudit} (id, golden_id, at, data) VALUES ($1, $2, $3, $4::json) ON CONFLICT (id) DO NOTHING`,
        [record.id, record.goldenId, record.at, JSON.stringify(record)],
      );
      if ((result.rowCount ?? 0) === 0) {
        throw new StorageError('DUPLICATE_KEY', { operation: 'customers.appendAudit', message: `merge audit record ${record.id} already exists`, hint: 'audit records are append-only; use a new id' });
      }
    },

    async getAudit(id: string): Promise<MergeAuditRecord | null> {
      const result = await context.query('customers.getAudit', `SELECT data FROM ${t.customerAudit} WHERE id = $1`, [id]);
      return (result.rows[0] as { data: MergeAuditRecord } | undefined)?.data ?? null;
    },

    async listAudit(goldenId: string): Promise<MergeAuditRecord[]> {
      const result = await context.query('customers.listAudit', `SELECT data FROM ${t.customerAudit} WHERE golden_id = $1 ORDER BY seq`, [goldenId]);
      return (result.rows as { data: MergeAuditRecord }[]).map((row) => row.data);
    },
  };
}
