// Customers benchmark: accuracy (precision, recall, F1, pairs completeness, reduction ratio), batch dedupe time and memory, match latency.
// Default scale finishes in about two minutes; ORDO_BENCH_SCALE=1000000 (or --scale=1000000) runs the million-record version.
import {
  chineseRetailPreset,
  createCustomerIndex,
  createCustomerMatcher,
  dedupe,
  estimateFellegiSunter,
} from '../src/customers/index.js';
import { evaluateBlocking, evaluateClusters, generateSyntheticCustomers } from '../src/testing/index.js';

const arg = process.argv.find((a) => a.startsWith('--scale='));
const SCALE = Number(arg?.slice('--scale='.length) ?? process.env.ORDO_BENCH_SCALE ?? 100_000);
const QUERIES = 5_000;

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** Runs the customers benchmark and prints its figures. */
export async function run(): Promise<void> {
  const matcher = createCustomerMatcher(chineseRetailPreset());
  console.log(`customers bench: ${SCALE.toLocaleString('en')} records (set ORDO_BENCH_SCALE to change), Node ${process.version}`);

  let t = performance.now();
  const { customers, entityOf, people } = generateSyntheticCustomers({ records: SCALE, seed: 20_260_301 });
  const indexed = customers;
  // Latency queries: later records of people whose earlier records stay in the index.
  const heldOut = new Set<number>();
  for (let i = 1; i < customers.length && heldOut.size < QUERIES; i += 7) {
    if (entityOf.get(customers[i]?.id ?? '') === entityOf.get(customers[i - 1]?.id ?? '')) heldOut.add(i);
  }
  const queries = [...heldOut].map((i) => customers[i]).filter((c) => c !== undefined);
  console.log(`generate          ${((performance.now() - t) / 1000).toFixed(1)} s  (${people.toLocaleString('en')} people)`);

  t = performance.now();
  const prepared = indexed.map((c) => matcher.prepare(c));
  const prepareSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const result = dedupe(matcher, prepared);
  const dedupeSeconds = (performance.now() - t) / 1000;
  console.log(`normalise         ${prepareSeconds.toFixed(1)} s  (${((prepareSeconds * 1e6) / SCALE).toFixed(1)} µs/record)`);
  console.log(`dedupe            ${dedupeSeconds.toFixed(1)} s  (blocking + ${result.stats.candidatePairs.toLocaleString('en')} comparisons + clustering)`);
  console.log(`normalise+dedupe  ${(prepareSeconds + dedupeSeconds).toFixed(1)} s wall; peak RSS so far ${mb(peakRss())}`);

  const accuracy = evaluateClusters(result.clusters, (id) => entityOf.get(id));
  console.log(`evidence mode     precision ${pct(accuracy.precision)}  recall ${pct(accuracy.recall)}  F1 ${accuracy.f1.toFixed(4)}  (threshold ${matcher.threshold})`);
  console.log(`guards            refused for ID conflict ${result.stats.refusedForConflict}, for chaining ${result.stats.refusedForChaining}, oversized keys ${result.stats.oversizedKeys.length}`);
  const blocking = evaluateBlocking(matcher, prepared, (p) => entityOf.get(p.id));
  console.log(`blocking          pairs completeness ${pct(blocking.pairsCompleteness)}  reduction ratio ${blocking.reductionRatio.toFixed(8)}  candidate pairs ${blocking.candidatePairs.toLocaleString('en')} of ${((SCALE * (SCALE - 1)) / 2).toExponential(2)}`);

  // Peer: brute force over a sample, the work blocking avoids (all n(n-1)/2 comparisons).
  const sample = prepared.slice(0, 2000);
  t = performance.now();
  let bruteComparisons = 0;
  for (let i = 0; i < sample.length; i += 1) for (let j = i + 1; j < sample.length; j += 1) {
    matcher.score(sample[i] ?? prepared[0]!, sample[j] ?? prepared[0]!);
    bruteComparisons += 1;
  }
  const perComparison = (performance.now() - t) / 1000 / bruteComparisons;
  const bruteSeconds = perComparison * ((SCALE * (SCALE - 1)) / 2);
  console.log(`peer: brute force ${(perComparison * 1e9).toFixed(0)} ns/comparison -> ${(bruteSeconds / 3600).toFixed(1)} h extrapolated for all pairs; blocked dedupe is ${(bruteSeconds / dedupeSeconds).toFixed(0)}x faster`);

  if (SCALE <= 200_000) {
    t = performance.now();
    const estimate = estimateFellegiSunter(matcher, prepared, { uSamplePairs: 200_000 });
    const fs = matcher.with({ mode: 'fellegi-sunter', fellegiSunter: estimate, threshold: 0.9 });
    const fsResult = dedupe(fs, prepared);
    const fsAccuracy = evaluateClusters(fsResult.clusters, (id) => entityOf.get(id));
    console.log(`fellegi-sunter    EM ${estimate.iterations} iterations, prior ${estimate.prior.toFixed(3)}; precision ${pct(fsAccuracy.precision)}  recall ${pct(fsAccuracy.recall)}  F1 ${fsAccuracy.f1.toFixed(4)}  (${((performance.now() - t) / 1000).toFixed(1)} s incl. estimation)`);
  }

  if (SCALE <= 200_000) {
    // Robustness: the same data with typos that never sound like the original (no pinyin IME).
    const hard = generateSyntheticCustomers({ records: SCALE, seed: 20_260_301, homophoneTypoShare: 0 });
    const hardAccuracy = evaluateClusters(dedupe(matcher, hard.customers.map((c) => matcher.prepare(c))).clusters, (id) => hard.entityOf.get(id));
    console.log(`no homophone typos precision ${pct(hardAccuracy.precision)}  recall ${pct(hardAccuracy.recall)}  F1 ${hardAccuracy.f1.toFixed(4)}  (every name typo sounds different)`);
  }

  t = performance.now();
  const index = createCustomerIndex(matcher);
  prepared.forEach((p, i) => {
    if (!heldOut.has(i)) index.addPrepared(p);
  });
  console.log(`index build       ${((performance.now() - t) / 1000).toFixed(1)} s for ${index.size.toLocaleString('en')} prepared records; peak RSS ${mb(peakRss())}`);
  for (const q of queries.slice(0, 500)) index.match(q);
  const latencies: number[] = [];
  let comparisons = 0;
  let found = 0;
  for (const q of queries) {
    const start = performance.now();
    const m = index.match(q);
    latencies.push(performance.now() - start);
    comparisons += m.comparisons;
    if (m.candidates.length > 0) found += 1;
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `match latency     p50 ${(quantile(latencies, 0.5) * 1000).toFixed(0)} µs  p99 ${(quantile(latencies, 0.99) * 1000).toFixed(0)} µs  max ${((latencies.at(-1) ?? 0) * 1000).toFixed(0)} µs  (${queries.length} held-out duplicates, raw, incl. normalisation; ${(comparisons / QUERIES).toFixed(1)} comparisons each; ${pct(found / queries.length)} found their person)`,
  );
  console.log(`peak RSS          ${mb(peakRss())}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
