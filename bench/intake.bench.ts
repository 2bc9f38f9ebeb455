// Intake benchmark: payloads/s through validation, normalisation and idempotent insert, on memory, SQLite and PostgreSQL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createMemoryStorage } from '../src/adapters/memory.js';
import { createPostgresStorage } from '../src/adapters/postgres.js';
import { createSqliteStorage } from '../src/adapters/sqlite.js';
import { createFixedClock } from '../src/clock/index.js';
import { BUILT_IN_CHANNELS } from '../src/intake/index.js';
import { ingest, type IngestPayload, type IngestReport } from '../src/app/index.js';
import type { StoragePort } from '../src/ports/index.js';
import { channelFixture, type FixtureChannel } from '../src/testing/index.js';
import { POSTGRES_URL, postgresProblem } from './bench-postgres.js';

/** Payloads per adapter (memory gets twice as many: it is fast enough). */
const PAYLOADS = Number(process.env['INTAKE_BENCH_PAYLOADS'] ?? 3_000);
/** Payloads per `ingest` call. */
const BATCH = Number(process.env['INTAKE_BENCH_BATCH'] ?? 200);
/** Orders stored side by side within a batch on PostgreSQL. */
const PG_CONCURRENCY = Number(process.env['INTAKE_BENCH_PG_CONCURRENCY'] ?? 8);

const clock = createFixedClock('2026-06-18T03:00:00Z');
const fixture = (channel: string): Record<string, unknown> => channelFixture(channel as FixtureChannel, 'paid');

/** Six channels in turn, each payload a distinct 'paid' order (so each is an insert plus a pay event). */
function payloads(count: number, offset: number): IngestPayload[] {
  const seeds = {
    tmall: fixture('tmall'),
    jd: fixture('jd'),
    douyin: fixture('douyin'),
    pinduoduo: fixture('pinduoduo'),
    'wechat-mini': fixture('wechat-mini'),
    pos: fixture('pos'),
  };
  return Array.from({ length: count }, (_, k): IngestPayload => {
    const i = offset + k;
    switch (i % 6) {
      case 0:
        return { channel: 'tmall', payload: { ...seeds.tmall, tid: String(3_862_000_000_000_000 + i) } };
      case 1:
        return { channel: 'jd', payload: { ...seeds.jd, orderId: String(289_000_000_000 + i) } };
      case 2:
        return { channel: 'douyin', payload: { ...seeds.douyin, order_id: `6921${String(i).padStart(15, '0')}` } };
      case 3:
        return { channel: 'pinduoduo', payload: { ...seeds.pinduoduo, order_sn: `260618-${String(i).padStart(12, '0')}` } };
      case 4:
        return { channel: 'wechat-mini', payload: { ...seeds['wechat-mini'], out_trade_no: `WX${String(i).padStart(12, '0')}` } };
      default:
        return { channel: 'pos', payload: { ...seeds.pos, receipt_no: `SH01-${String(i).padStart(10, '0')}` } };
    }
  });
}

async function ingestAll(storage: StoragePort, items: readonly IngestPayload[], concurrency: number): Promise<{ rate: number; report: Record<string, number> }> {
  const totals: Record<string, number> = {};
  const started = performance.now();
  for (let start = 0; start < items.length; start += BATCH) {
    const report: IngestReport = await ingest(items.slice(start, start + BATCH), { storage, clock, channels: BUILT_IN_CHANNELS, concurrency });
    for (const [outcome, n] of Object.entries(report.counts)) totals[outcome] = (totals[outcome] ?? 0) + n;
  }
  const rate = (items.length * 1000) / (performance.now() - started);
  return { rate, report: totals };
}

function normaliseOnly(items: readonly IngestPayload[]): number {
  const byId = new Map(BUILT_IN_CHANNELS.map((c) => [c.id as string, c]));
  const started = performance.now();
  let ok = 0;
  for (const item of items) if (byId.get(item.channel)?.normalise(item.payload).ok) ok += 1;
  if (ok !== items.length) throw new Error(`normalise-only: ${items.length - ok} payloads failed`);
  return (items.length * 1000) / (performance.now() - started);
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(9);
const nonZero = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');


/** Runs the intake benchmark and prints payloads/s per adapter, with ratios to validation alone. */
export async function run(): Promise<void> {
  console.log(`intake: ${PAYLOADS} distinct 'paid' payloads per adapter over six channels, batches of ${BATCH}; each = validate + normalise + insert + pay event`);
  const pure = normaliseOnly(payloads(PAYLOADS * 2, 0));
  console.log(`  validate + normalise only (no storage)      ${fmt(pure)} payloads/s`);

  const line = (name: string, result: { rate: number; report: Record<string, number> }): void => {
    console.log(`  ${name.padEnd(43)}${fmt(result.rate)} payloads/s   (${(result.rate / pure).toFixed(3)}x of normalise-only; ${nonZero(result.report)})`);
  };

  const memory = createMemoryStorage();
  const memoryItems = payloads(PAYLOADS * 2, 0);
  const memoryRun = await ingestAll(memory, memoryItems, 1);
  line('memory, ingest', memoryRun);
  const redelivery = await ingestAll(memory, memoryItems, 1);
  line('memory, redelivery (all duplicates)', redelivery);

  const dir = mkdtempSync(join(tmpdir(), 'ordo-intake-bench-'));
  try {
    const sqlite = createSqliteStorage({ file: join(dir, 'intake.db') });
    await sqlite.migrate();
    const sqliteRun = await ingestAll(sqlite, payloads(PAYLOADS, 0), 1);
    line('sqlite (file, WAL), ingest', sqliteRun);
    console.log(`    ratio sqlite / memory: ${(sqliteRun.rate / memoryRun.rate).toFixed(3)}`);
    await sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const problem = await postgresProblem();
  if (problem !== undefined) {
    console.log(`  postgres skipped: ${POSTGRES_URL} does not answer (${problem})`);
    return;
  }
  const schema = `ordo_bench_intake_${randomBytes(4).toString('hex')}`;
  const storage = createPostgresStorage({ connectionString: POSTGRES_URL, schema, maxConnections: PG_CONCURRENCY + 2 });
  try {
    await storage.migrate();
    const sequential = await ingestAll(storage, payloads(Math.min(PAYLOADS, 1_000), 0), 1);
    line('postgres, batched, concurrency 1', sequential);
    const batched = await ingestAll(storage, payloads(PAYLOADS, 1_000_000), PG_CONCURRENCY);
    line(`postgres, batched, concurrency ${PG_CONCURRENCY}`, batched);
    console.log(`    ratio postgres (concurrency ${PG_CONCURRENCY}) / memory: ${(batched.rate / memoryRun.rate).toFixed(3)}`);
  } finally {
    await storage.close();
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
