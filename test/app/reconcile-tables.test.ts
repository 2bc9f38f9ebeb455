// Reconciling two PostgreSQL tables: the checksum-and-bisection mode reports what the streaming mode
// reports, on tables with different column names and representations, while fetching only the ranges that differ.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile, reconcileTables, type ReconcileTablesOptions, type ReconciliationDifference } from '../../src/app/index.js';
import { mulberry32 } from '../../src/testing/index.js';
import { postgresTarget, testSchema, type TestSchema } from '../support/postgres.js';

const postgres = await postgresTarget();

describe.skipIf(postgres.skipReason !== undefined)('reconcileTables on PostgreSQL', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  const N = 4_000;
  const expectedKinds = new Map<string, string>();
  let wmsRows = 0;
  /** Rows that differ at all, within the tolerance too: the ones checksums cannot tell from real differences. */
  let unequalRows = 0;

  beforeAll(async () => {
    schema = testSchema(postgres.url as string, 'ordo_recon_');
    pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
    const s = `"${schema.name}"`;
    await pool.query(`CREATE SCHEMA ${s}`);
    // Ordo's side stores the order as JSON; the WMS has its own columns and names.
    await pool.query(`CREATE TABLE ${s}.orders (id text PRIMARY KEY, status text NOT NULL, data jsonb NOT NULL)`);
    await pool.query(`CREATE TABLE ${s}.wms_orders (order_no text PRIMARY KEY, state text, amount_fen bigint)`);
    const next = mulberry32(7);
    const oms: unknown[][] = [];
    const wms: unknown[][] = [];
    for (let i = 0; i < N; i += 1) {
      const id = `O${String(i).padStart(6, '0')}`;
      const total = 1_000 + Math.floor(next() * 100_000);
      oms.push([id, 'shipped', JSON.stringify({ total: { amount: total, currency: 'CNY' } })]);
      const roll = next();
      if (roll < 0.003) {
        expectedKinds.set(id, 'missing');
        continue; // the WMS never got it
      }
      let amount = total;
      let state = 'shipped';
      if (roll < 0.006) {
        amount = total + 50;
        expectedKinds.set(id, 'mismatch');
      } else if (roll < 0.009) {
        amount = total + 1; // within the 1-fen tolerance: not a difference
      } else if (roll < 0.011) {
        state = 'cancelled';
        expectedKinds.set(id, 'mismatch');
      }
      if (amount !== total || state !== 'shipped') unequalRows += 1;
      wms.push([id, state, amount]);
    }
    wms.push(['Z999999', 'shipped', 100]);
    wmsRows = wms.length;
    expectedKinds.set('Z999999', 'missing');
    for (let start = 0; start < oms.length; start += 500) {
      const chunk = oms.slice(start, start + 500);
      await pool.query(`INSERT INTO ${s}.orders SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])`, [chunk.map((r) => r[0]), chunk.map((r) => r[1]), chunk.map((r) => r[2])]);
    }
    for (let start = 0; start < wms.length; start += 500) {
      const chunk = wms.slice(start, start + 500);
      await pool.query(`INSERT INTO ${s}.wms_orders SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])`, [chunk.map((r) => r[0]), chunk.map((r) => r[1]), chunk.map((r) => r[2])]);
    }
  }, 60_000);

  afterAll(async () => {
    await pool?.end();
    await schema?.drop();
  });

  const options = (): ReconcileTablesOptions => ({
    source: { name: 'oms', db: pool, table: `"${schema.name}".orders`, key: 'id', columns: { status: 'status', total: "(data->'total'->>'amount')::bigint" } },
    target: { name: 'wms', db: pool, table: `"${schema.name}".wms_orders`, key: 'order_no', columns: { status: 'state', total: 'amount_fen' } },
    spec: { fields: { total: { compare: 'money', currency: 'CNY', tolerance: 1 } } },
  });

  async function run(mode: 'stream' | 'checksum', segmentRows?: number): Promise<{ found: ReconciliationDifference[]; summary: Awaited<ReturnType<typeof reconcileTables>> }> {
    const found: ReconciliationDifference[] = [];
    const summary = await reconcileTables({ ...options(), mode, ...(segmentRows === undefined ? {} : { segmentRows }), pageRows: 700, onDifference: (d) => void found.push(d) });
    return { found, summary };
  }

  it('checksum bisection reports exactly what streaming reports, and what reconcile reports on the same rows', async () => {
    const streamed = await run('stream');
    const bisected = await run('checksum', 50);
    expect(bisected.found).toEqual(streamed.found);
    expect(new Map(streamed.found.map((d) => [d.key, d.kind]))).toEqual(expectedKinds);
    expect(streamed.summary).toMatchObject({ mode: 'sorted-merge', records: { oms: N, wms: wmsRows } });
    expect(bisected.summary).toMatchObject({ mode: 'checksum-bisection', records: streamed.summary.records, keys: streamed.summary.keys, inSync: streamed.summary.inSync, differences: streamed.summary.differences });

    // The same rows through the in-memory streaming API.
    const rows = async (sql: string) => (await pool.query(sql)).rows.map((row) => row['r'] as unknown);
    const s = `"${schema.name}"`;
    const direct: ReconciliationDifference[] = [];
    await reconcile({
      sides: [
        { name: 'oms', records: await rows(`SELECT json_build_object('id', id, 'status', status, 'total', (data->'total'->>'amount')::bigint) AS r FROM ${s}.orders ORDER BY id COLLATE "C"`), sorted: true },
        { name: 'wms', records: await rows(`SELECT json_build_object('id', order_no, 'status', state, 'total', amount_fen) AS r FROM ${s}.wms_orders ORDER BY order_no COLLATE "C"`), sorted: true },
      ],
      key: 'id',
      spec: options().spec,
      onDifference: (d) => void direct.push(d),
    });
    expect(direct.map((d) => `${d.key} ${d.kind} ${d.path?.join('.') ?? ''}`)).toEqual(streamed.found.map((d) => `${d.key} ${d.kind} ${d.path?.join('.') ?? ''}`));
  }, 60_000);

  it('fetches only the ranges whose checksums differ', async () => {
    const { summary } = await run('checksum', 20);
    const differing = unequalRows + [...expectedKinds.values()].filter((kind) => kind === 'missing').length;
    // Each unequal row costs at most one leaf range of up to 20 rows per side.
    expect(summary.checksum?.fetchedRows).toBeLessThanOrEqual(differing * 2 * 20);
    expect(summary.checksum?.fetchedRows).toBeLessThan(N / 2);
    expect(summary.checksum?.equalSegments).toBeGreaterThan(0);
  }, 60_000);

  it('equal tables cost one checksum query per side', async () => {
    const same = options();
    const { summary } = { summary: await reconcileTables({ ...same, target: { ...same.source, name: 'copy' } }) };
    expect(summary).toMatchObject({ differences: 0, inSync: N, checksum: { queries: 2, equalSegments: 1, fetchedRows: 0 } });
  });

  it('refuses wrong options with paths', async () => {
    await expect(reconcileTables({ ...options(), target: { ...options().target, name: 'oms', columns: { 'bad name': 'x' } }, segmentRows: 0 })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      issues: [expect.objectContaining({ path: ['target', 'columns'] }), expect.objectContaining({ path: ['target', 'name'] }), expect.objectContaining({ path: ['segmentRows'] })],
    });
  });
});
