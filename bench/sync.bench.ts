// Sync benchmark: field diff of 20-field orders (records/s) with tolerances, beside microdiff and jsondiffpatch
// measured in the same run, rounds alternating so machine load hits all alike.
import { randomBytes } from 'node:crypto';
import { diff as jsonDiff } from 'jsondiffpatch';
import microdiff from 'microdiff';
import pg from 'pg';
import { createPostgresStorage } from '../src/adapters/postgres.js';
import { createCompensationScheduler } from '../src/app/index.js';
import { createFixedClock, instant } from '../src/clock/index.js';
import { EXAMPLE_WMS_STATUSES, compileDiffSpec, diffRecords } from '../src/sync/index.js';
import { mulberry32 } from '../src/testing/index.js';
import { POSTGRES_URL, postgresProblem } from './bench-postgres.js';

const PAIRS = Number(process.env.ORDO_BENCH_DIFF_PAIRS ?? 20_000);
const ROUNDS = 7;
const ROUND_MS = 300;


const STATUSES = ['allocated', 'picking', 'packed', 'shipped'] as const;
const WMS_CODE: Record<string, string> = { allocated: 'NEW', picking: 'PICKING', packed: 'PACKED', shipped: 'SHIPPED' };

/** Twenty fields: ids, status, money, instants, a buyer, an address, tags and two lines. */
function order(next: () => number, i: number): Record<string, unknown> {
  const cny = (amount: number) => ({ amount, currency: 'CNY' });
  const at = Date.UTC(2026, 10, 11) + Math.floor(next() * 86_400_000);
  return {
    id: `ord_${i}`,
    channel: 'tmall',
    channelOrderId: String(4_000_000_000 + i),
    status: STATUSES[i % STATUSES.length],
    customerRef: `cust_${Math.floor(next() * 50_000)}`,
    currency: 'CNY',
    total: cny(Math.floor(next() * 100_000)),
    shippingFee: cny(800),
    discount: cny(Math.floor(next() * 1000)),
    placedAt: new Date(at).toISOString(),
    updatedAt: new Date(at + 60_000).toISOString(),
    buyerName: `Buyer ${i % 997}`,
    buyerPhone: `+86138${String(10_000_000 + i).slice(-8)}`,
    province: '浙江省',
    city: '杭州市',
    district: '西湖区',
    street: `文三路 ${i % 400} 号`,
    postalCode: '310012',
    tags: i % 3 === 0 ? ['vip', 'gift'] : ['gift'],
    lines: [
      { lineId: 'L1', sku: `SKU-${i % 500}`, quantity: 1 + (i % 3), unitPrice: cny(4_995) },
      { lineId: 'L2', sku: 'CUP-01', quantity: 1, unitPrice: cny(3_000) },
    ],
  };
}

/** What the WMS holds: the same order in its own words, one in ten with a real difference. */
function counterpart(next: () => number, source: Record<string, unknown>, i: number): Record<string, unknown> {
  const copy = structuredClone(source);
  copy['status'] = WMS_CODE[source['status'] as string];
  if (i % 10 === 0) copy['total'] = { amount: (source['total'] as { amount: number }).amount + 5, currency: 'CNY' };
  if (i % 10 === 5) (copy['lines'] as { quantity: number }[])[0]!.quantity += 1;
  if (next() < 0.3) copy['updatedAt'] = new Date(Date.parse(source['updatedAt'] as string) + 20_000).toISOString();
  return copy;
}

const spec = compileDiffSpec({
  fields: {
    status: { compare: 'status', target: EXAMPLE_WMS_STATUSES, severity: 'critical' },
    total: { compare: 'money', tolerance: 1 },
    shippingFee: { compare: 'money', tolerance: 1 },
    discount: { compare: 'money', tolerance: 1 },
    placedAt: { compare: 'instant', tolerance: { seconds: 30 } },
    updatedAt: { compare: 'instant', tolerance: { seconds: 30 } },
    buyerName: { compare: 'text', caseInsensitive: true, personal: 'name' },
    buyerPhone: { compare: 'text', personal: 'phone' },
    street: { compare: 'text', widthInsensitive: true, personal: 'address' },
    tags: 'set',
    lines: { compare: 'lines', key: 'lineId', fields: { unitPrice: { compare: 'money' } } },
  },
});
const exactSpec = compileDiffSpec({});

type Contender = { readonly name: string; readonly once: (a: Record<string, unknown>, b: Record<string, unknown>) => number };

const CONTENDERS: readonly Contender[] = [
  { name: 'ordo diffRecords, 11 comparators with tolerances', once: (a, b) => diffRecords(a, b, spec).differences.length },
  { name: 'ordo diffRecords, exact (no spec)', once: (a, b) => diffRecords(a, b, exactSpec).differences.length },
  { name: 'microdiff 1.6 (exact, no tolerances)', once: (a, b) => microdiff(a, b).length },
  { name: 'jsondiffpatch 0.7 (exact, no tolerances)', once: (a, b) => (jsonDiff(a, b) === undefined ? 0 : 1) },
];

function measure(pairs: readonly [Record<string, unknown>, Record<string, unknown>][], once: Contender['once']): number {
  let sink = 0;
  let done = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ROUND_MS) {
    for (const [a, b] of pairs) sink += once(a, b);
    done += pairs.length;
    elapsed = performance.now() - start;
  }
  if (sink < 0) throw new Error('optimised away');
  return (done / elapsed) * 1000;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const WORKERS = 8;
const TASKS = Number(process.env.ORDO_BENCH_COMPENSATION_TASKS ?? 4_000);


/**
 * Compensation throughput on PostgreSQL: 8 workers (each its own connections) claim due tasks,
 * run a no-op handler and commit each outcome with its outbox event; beside it, in alternating
 * rounds, the bare task queue (claim, then complete) the scheduler is built on.
 */
async function benchCompensation(): Promise<void> {
  const problem = await postgresProblem();
  if (problem !== undefined) {
    console.log(`  compensation: skipped, PostgreSQL does not answer at ${POSTGRES_URL} (${problem})`);
    return;
  }
  const clock = createFixedClock(instant('2026-11-11T03:00:00Z'));
  const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
  const rates: { scheduler: number[]; bare: number[] } = { scheduler: [], bare: [] };
  try {
    for (let round = 0; round < 4; round += 1) {
      const kind = round % 2 === 0 ? 'scheduler' : 'bare';
      const schema = `ordo_bench_comp_${randomBytes(4).toString('hex')}`;
      const storages = Array.from({ length: WORKERS }, () => createPostgresStorage({ connectionString: POSTGRES_URL, schema, maxConnections: 2 }));
      try {
        await storages[0]?.migrate();
        const seed = storages[0] as (typeof storages)[number];
        for (let start = 0; start < TASKS; start += 200) {
          await Promise.all(
            Array.from({ length: Math.min(200, TASKS - start) }, (_, j) =>
              seed.tasks.enqueue({ queue: 'sync.compensation', key: `k${start + j}`, payload: { kind: 'push', payload: { n: start + j } }, dueAt: clock.now(), firstFailedAt: clock.now(), history: [{ at: clock.now(), error: 'timeout' }] }, `t${start + j}`, clock.now()),
            ),
          );
        }
        let done = 0;
        const started = performance.now();
        await Promise.all(
          storages.map(async (storage, w) => {
            if (kind === 'scheduler') {
              const scheduler = createCompensationScheduler({ storage, clock, owner: `w${w}`, handlers: { push: async () => undefined } });
              for (;;) {
                const result = await scheduler.runOnce();
                if (result.succeeded + result.retried + result.deadLettered + result.lost === 0) return;
                done += result.succeeded;
              }
            }
            for (;;) {
              const claimed = await storage.tasks.claim({ queue: 'sync.compensation', owner: `w${w}`, now: clock.now(), leaseUntil: instant('2026-11-11T04:00:00Z'), limit: 10 });
              if (claimed.length === 0) return;
              for (const task of claimed) if (await storage.tasks.complete(task.id, `w${w}`, clock.now())) done += 1;
            }
          }),
        );
        if (done !== TASKS) throw new Error(`${kind}: ${done} of ${TASKS} tasks completed`);
        rates[kind].push((done / (performance.now() - started)) * 1000);
      } finally {
        for (const storage of storages) await storage.close();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      }
    }
  } finally {
    await admin.end();
  }
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  console.log(`  compensation on PostgreSQL, ${WORKERS} workers, ${fmt(TASKS)} due tasks, two alternating rounds each:`);
  console.log(`    createCompensationScheduler (run + outcome and outbox event in one unit) ${fmt(mean(rates.scheduler)).padStart(7)} tasks/s`);
  console.log(`    bare task queue (claim, complete)                                      ${fmt(mean(rates.bare)).padStart(7)} tasks/s`);
  console.log(`    ratio scheduler / bare queue: ${(mean(rates.scheduler) / mean(rates.bare)).toFixed(2)}x`);
}

/** Runs the sync benchmark: the diff beside microdiff and jsondiffpatch, then compensation throughput. */
export async function run(): Promise<void> {
  await benchDiff();
  await benchCompensation();
}

async function benchDiff(): Promise<void> {
  const next = mulberry32(20_261_201); // the same records every run
  const pairs = Array.from({ length: PAIRS }, (_, i): [Record<string, unknown>, Record<string, unknown>] => {
    const source = order(next, i);
    return [source, counterpart(next, source, i)];
  });
  const flagged = pairs.filter(([a, b]) => !diffRecords(a, b, spec).equal).length;
  console.log(`sync diff: ${PAIRS.toLocaleString('en')} pairs of 20-field orders, ${flagged.toLocaleString('en')} with a difference beyond tolerance; ${ROUNDS} rounds of ${ROUND_MS} ms each, contenders alternating`);

  const rates = CONTENDERS.map(() => [] as number[]);
  for (const contender of CONTENDERS) measure(pairs.slice(0, 2_000), contender.once); // warm-up
  for (let round = 0; round < ROUNDS; round += 1) {
    // Rotate the order each round so no contender always runs first (or last) under the same load.
    for (let k = 0; k < CONTENDERS.length; k += 1) {
      const index = (round + k) % CONTENDERS.length;
      rates[index]!.push(measure(pairs, CONTENDERS[index]!.once));
    }
  }
  const micro = median(rates[2]!);
  for (const [index, contender] of CONTENDERS.entries()) {
    const rate = median(rates[index]!);
    console.log(`  ${contender.name.padEnd(50)} ${fmt(rate).padStart(11)} records/s  (${(rate / micro).toFixed(2)}x microdiff)`);
  }
  console.log('  goal: ordo with tolerances at least as fast as microdiff (>= 1.00x)');
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
