// The PostgreSQL the benchmarks use, and whether it answers (a benchmark skips its PostgreSQL part with the reason).
import pg from 'pg';

/** `ORDO_BENCH_POSTGRES_URL`, else `ORDO_TEST_POSTGRES_URL`, else the local default. */
export const POSTGRES_URL = process.env['ORDO_BENCH_POSTGRES_URL'] ?? process.env['ORDO_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL cannot be reached at {@link POSTGRES_URL}, or undefined when it answers. */
export async function postgresProblem(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 1_500 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || String(error) : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}
