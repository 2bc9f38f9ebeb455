// PostgreSQL customer store: profiles, golden profiles with their source mapping, blocking postings with counts, merge audit.
import type { CustomerStore, GoldenProfile, MergeAuditRecord } from '../../../ports/customer-store-port.js';
import { customerWrites } from '../shared/unit-conveniences.js';
import { commitPostgres } from './postgres-orders.js';
import type { Customer } from '../../../model/customer.js';
import type { PgContext } from './postgres-driver.js';

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
    ...customerWrites((unit, operation) => commitPostgres(context, unit, operation)),

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
