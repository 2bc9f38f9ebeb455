// Metrics snapshot benchmark: collectStoredMetrics over 100k and then 1M stored orders on SQLite and
// PostgreSQL: time, and heap and RSS growth during the snapshot (flat means the same at both sizes).
import { collectStoredMetrics } from '../src/app/index.js';
import { addDuration, createFixedClock, instant, type Instant } from '../src/clock/index.js';
import { compileSlas } from '../src/ops/index.js';
import { createOrder, type HistoryEntry, type Order } from '../src/orders/index.js';
import type { StoragePort } from '../src/ports/index.js';
import { benchStorages } from './bench-storages.js';

const SIZES = (process.env['ORDO_BENCH_METRICS_SIZES'] ?? '100000,1000000').split(',').map(Number);
const AT = instant('2026-11-30T12:00:00.000Z');
const DAYS = 180;
const START = addDuration(AT, { days: -DAYS });
const SLAS = compileSlas([
  { id: 'pay-within-30-min', from: 'pending_payment', to: ['paid', 'cancelled'], within: { minutes: 30 } },
  { id: 'paid-to-shipped', from: 'paid', to: ['shipped'], within: { hours: 24 }, calendar: { zone: 'Asia/Shanghai', workingHours: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] } } },
]);

/**
 * Order `i`: placed over 180 days before AT; each one paid, allocated, shipped, delivered and
 * completed over the next days unless AT comes first; 3% cancelled, 0.5% never paid, 0.5% stuck
 * after payment. About 3% are open at AT, as in a store that keeps half a year of orders.
 */
export function orderOf(i: number): Order<string> {
  const placed = addDuration(START, { seconds: Math.floor((i * 7919) % (DAYS * 86_400)) });
  let order = createOrder<string>(
    { id: `b-${String(i).padStart(8, '0')}`, channel: 'shop', channelOrderId: `c-${i}`, customerRef: `buyer-${i % 50_000}`, currency: 'CNY', lines: [{ sku: `SKU-${i % 500}`, quantity: 1 + (i % 3), unitPrice: { amount: 1990, currency: 'CNY' } }] },
    { clock: createFixedClock(placed), initialStatus: 'pending_payment' },
  );
  const steps: [string, number][] =
    i % 200 === 1
      ? []
      : i % 200 === 2
        ? [['paid', 10]]
        : i % 100 === 5
          ? [['cancelled', 20 + (i % 30)]]
          : [['paid', 5 + (i % 20)], ['allocated', 60 * (2 + (i % 4))], ['shipped', 60 * (6 + (i % 24))], ['delivered', 60 * (24 + (i % 48))], ['completed', 60 * 24]];
  let at: Instant = placed;
  for (const [step, [to, minutes]] of steps.entries()) {
    at = addDuration(at, { minutes });
    if (at > AT) break;
    const entry: HistoryEntry<string> = { eventId: `e-${step}`, type: to, from: order.status, to, actor: 'bench', at, version: order.version + 1 };
    order = { ...order, status: to, version: order.version + 1, updatedAt: at, statusEnteredAt: { ...order.statusEnteredAt, [to]: at }, history: [...order.history, entry] };
  }
  return order;
}

export async function seed(storage: StoragePort, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 1000) {
    const batch: Order<string>[] = [];
    for (let j = i; j < Math.min(to, i + 1000); j += 1) batch.push(orderOf(j));
    await storage.commit({ orders: batch.map((order) => ({ order, expectedVersion: null, newHistory: order.history })) });
  }
}

/** Runs one snapshot, sampling heap and RSS while it runs. */
async function snapshot(storage: StoragePort): Promise<{ seconds: number; heapGrowthMb: number; rssGrowthMb: number; overdue: number; stages: number }> {
  global.gc?.();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  }, 5);
  const started = process.hrtime.bigint();
  const metrics = await collectStoredMetrics({ orders: storage.orders, slas: SLAS, at: AT, window: { hours: 24 } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  const after = process.memoryUsage();
  peakHeap = Math.max(peakHeap, after.heapUsed);
  peakRss = Math.max(peakRss, after.rss);
  return {
    seconds,
    heapGrowthMb: (peakHeap - before.heapUsed) / 2 ** 20,
    rssGrowthMb: (peakRss - before.rss) / 2 ** 20,
    overdue: Object.values(metrics.overdueBySla).reduce((a, b) => a + b, 0),
    stages: metrics.stages.reduce((sum, stage) => sum + stage.count, 0),
  };
}

/** Runs the metrics benchmark. */
export async function run(): Promise<void> {
  const subjects = await benchStorages(['sqlite', 'postgres']);
  console.log(`metrics: collectStoredMetrics (2 SLAs, 24 h window, 1 h buckets) over orders placed over 180 days (about 3% open at the snapshot); heap/RSS growth during the snapshot${global.gc === undefined ? ' (run node with --expose-gc for steadier heap figures)' : ''}`);
  for (const subject of subjects) {
    const { storage, settle, cleanup } = await subject.make();
    try {
      let seeded = 0;
      for (const size of SIZES) {
        const seedStarted = process.hrtime.bigint();
        await seed(storage, seeded, size);
        const seedSeconds = Number(process.hrtime.bigint() - seedStarted) / 1e9;
        seeded = size;
        await settle();
        await snapshot(storage); // warm: caches and prepared statements
        const f = await snapshot(storage);
        console.log(
          `  ${subject.name.padEnd(20)} ${size.toLocaleString('en-US').padStart(9)} orders: ${f.seconds.toFixed(3).padStart(6)} s  heap +${f.heapGrowthMb.toFixed(0).padStart(3)} MB  RSS +${f.rssGrowthMb.toFixed(0).padStart(3)} MB  (${f.overdue.toLocaleString('en-US')} overdue, ${f.stages.toLocaleString('en-US')} stages in window; seeded in ${seedSeconds.toFixed(0)} s)`,
        );
      }
    } finally {
      await cleanup();
    }
  }
  console.log('  goal: 1M orders under 1 s on PostgreSQL, memory flat (the same growth at 100k and 1M)');
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
