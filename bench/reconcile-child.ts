// One reconciliation run in its own process, so its peak RSS is its own: `tsx bench/reconcile-child.ts <records> <sides> <sorted|unsorted>`.
import { reconcile } from '../src/app/index.js';

const [records = 100_000, sides = 2] = process.argv.slice(2, 4).map(Number);
const sorted = process.argv[4] !== 'unsorted';
// A prime that does not divide any size used: i -> (i * STRIDE) mod n is a permutation.
const STRIDE = 1_000_003;

/** One system's records, made as they are read (the dataset is never held in memory). */
function* side(index: number): Generator<Record<string, unknown>> {
  for (let i = 0; i < records; i += 1) {
    const n = sorted ? i : (i * STRIDE + index * 7) % records;
    const id = `ORD${String(n).padStart(9, '0')}`;
    // One record in a hundred differs in its total, one in a thousand in its status, per side.
    const drift = index > 0 && n % 100 === index;
    yield {
      id,
      channel: 'tmall',
      status: index > 0 && n % 1000 === 500 ? 'cancelled' : 'shipped',
      total: { amount: 10_000 + (n % 5_000) + (drift ? 7 : 0), currency: 'CNY' },
      updatedAt: '2026-11-11T02:00:00.000Z',
      sku: `SKU-${n % 997}`,
      quantity: 1 + (n % 3),
      warehouse: n % 2 === 0 ? 'HZ' : 'BJ',
    };
  }
}

let written = 0;
const start = performance.now();
const summary = await reconcile({
  sides: Array.from({ length: sides }, (_, i) => ({ name: ['oms', 'wms', 'finance'][i] as string, records: side(i), sorted })),
  key: 'id',
  spec: { fields: { total: { compare: 'money', tolerance: 1 }, updatedAt: { compare: 'instant', tolerance: { seconds: 5 } } } },
  jsonl: { write: (chunk: string) => ((written += chunk.length), true) },
});
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ seconds, peakRssMb: (process.resourceUsage().maxRSS * 1024) / 2 ** 20, keys: summary.keys, differences: summary.differences, partitions: summary.partitions ?? 0, reportBytes: written }));
