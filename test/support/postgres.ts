// Test helper: finds the PostgreSQL to test against (ORDO_TEST_POSTGRES_URL or the local default) and isolates each file in its own schema.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the development and CI machines run; tried when the variable is unset. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Where PostgreSQL tests run, or why they are skipped. */
export type PostgresTarget = { readonly url: string; readonly skipReason?: undefined } | { readonly url?: undefined; readonly skipReason: string };

async function reachable(url: string, timeoutMs: number): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || String(error) : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

let cached: Promise<PostgresTarget> | undefined;

/**
 * The PostgreSQL target. With ORDO_TEST_POSTGRES_URL set, an unreachable server fails the run
 * loudly (CI must not pass by skipping). Unset, the local default is tried briefly and, when it
 * does not answer, the suites are skipped with a printed reason.
 */
export function postgresTarget(): Promise<PostgresTarget> {
  cached ??= (async (): Promise<PostgresTarget> => {
    const configured = process.env['ORDO_TEST_POSTGRES_URL'];
    if (configured !== undefined && configured !== '') {
      const problem = await reachable(configured, 5_000);
      if (problem !== undefined) throw new Error(`ORDO_TEST_POSTGRES_URL is set but PostgreSQL does not answer there: ${problem}`);
      return { url: configured };
    }
    const problem = await reachable(DEFAULT_POSTGRES_URL, 1_500);
    if (problem === undefined) return { url: DEFAULT_POSTGRES_URL };
    const skipReason = `PostgreSQL tests skipped: ORDO_TEST_POSTGRES_URL is unset and ${DEFAULT_POSTGRES_URL} does not answer (${problem})`;
    console.warn(skipReason);
    return { skipReason };
  })();
  return cached;
}

/** A random lower-case identifier, safe as a schema name or table prefix. */
export function randomName(prefix: string): string {
  return `${prefix}${randomBytes(6).toString('hex')}`;
}

/** A schema private to one test file, dropped (with everything in it) by `drop()`. */
export interface TestSchema {
  readonly name: string;
  /** A pool on the same database, for backdoor reads and setup. */
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

/** Creates nothing yet (the adapter's migrate creates the schema); `drop()` removes it and ends the pool. */
export function testSchema(url: string, prefix = 'ordo_test_'): TestSchema {
  const name = randomName(prefix);
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5_000 });
  pool.on('error', () => undefined);
  return {
    name,
    pool,
    async drop() {
      try {
        await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
}

const TABLES = ['migrations', 'orders', 'order_history', 'outbox', 'idempotency', 'stock', 'reservations', 'tasks', 'quarantine', 'customer_profiles', 'customer_goldens', 'customer_golden_sources', 'customer_postings', 'customer_posting_counts', 'customer_audit'];

/**
 * Drops one storage's tables and functions (a table prefix inside a test schema). Tests that
 * make many prefixed storages call it after each, so the final `DROP SCHEMA` stays small: a
 * cascade over thousands of objects can exhaust PostgreSQL's shared lock table.
 */
export async function dropPrefix(pool: pg.Pool, schema: string, prefix: string): Promise<void> {
  const tables = TABLES.map((table) => `"${schema}"."${prefix}${table}"`).join(', ');
  await pool.query(`DROP TABLE IF EXISTS ${tables} CASCADE`);
  await pool.query(`DROP FUNCTION IF EXISTS "${schema}"."${prefix}commit_unit"(json, json, json)`);
}
