// Sync benchmark: field diff of 20-field orders (records/s) with tolerances, beside microdiff and jsondiffpatch
// measured in the same run, rounds alternating so machine load hits all alike.
import { diff as jsonDiff } from 'jsondiffpatch';
import microdiff from 'microdiff';
import { EXAMPLE_WMS_STATUSES, compileDiffSpec, diffRecords } from '../src/sync/index.js';

const PAIRS = Number(process.env.ORDO_BENCH_DIFF_PAIRS ?? 20_000);
const ROUNDS = 7;
const ROUND_MS = 300;

/** A deterministic generator (mulberry32), so every run diffs the same records. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

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

/** Runs the sync benchmark and prints records/s per contender and the ratio to microdiff. */
export async function run(): Promise<void> {
  const next = random(20_261_201);
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
