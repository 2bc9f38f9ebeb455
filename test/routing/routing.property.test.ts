// Properties: the split search equals brute force on random small instances; route never oversells, always fills exactly, is deterministic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillFrom, searchSplit, type SplitProblem, type SplitSolution } from '../../src/routing/split-search.js';
import { compileRouting } from '../../src/routing/index.js';
import { MONDAY_MORNING } from './helpers.js';

function subsets(count: number, max: number): number[][] {
  const out: number[][] = [];
  for (let mask = 1; mask < 1 << count; mask++) {
    const members = [...Array(count).keys()].filter((i) => (mask >> i) & 1);
    if (members.length <= max) out.push(members);
  }
  return out;
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  return a.length < b.length;
}

/** Every subset (members in rank order), best by (size, cost when the objective is cost, rank positions). */
function bruteForce(problem: SplitProblem, rankOf: readonly number[]): SplitSolution | null {
  let best: SplitSolution | null = null;
  let bestPositions: number[] = [];
  for (const subset of subsets(problem.count, problem.maxShipments)) {
    if (subset.length > 1 && subset.some((m) => problem.wholeOnly[m])) continue;
    const members = [...subset].sort((a, b) => (rankOf[a] as number) - (rankOf[b] as number));
    const positions = members.map((m) => rankOf[m] as number);
    const solution = fillFrom(problem, members);
    if (solution === null) continue;
    const better =
      best === null ||
      members.length < best.members.length ||
      (members.length === best.members.length &&
        (problem.objective === 'cost' && solution.cost !== best.cost ? solution.cost < best.cost : lexLess(positions, bestPositions)));
    if (better) {
      best = solution;
      bestPositions = positions;
    }
  }
  return best;
}

const problemArbitrary = fc
  .record({
    candidates: fc.integer({ min: 1, max: 8 }),
    lines: fc.integer({ min: 1, max: 4 }),
    seedAvailable: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 32, maxLength: 32 }),
    // A rank order that is not the index order, so the search must sort by `compare`.
    rankSeed: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
    quantities: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 4, maxLength: 4 }),
    grams: fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: 4, maxLength: 4 }),
    caps: fc.array(fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 12 })), { minLength: 8, maxLength: 8 }),
    wholeOnly: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }).map((flags) => flags.map((f, i) => f && i % 3 === 0)),
    prices: fc.array(fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 3, maxLength: 3 }), { minLength: 8, maxLength: 8 }),
    maxShipments: fc.integer({ min: 1, max: 8 }),
    objective: fc.constantFrom('cost' as const, 'rank' as const),
  })
  .map((r): { problem: SplitProblem; rankOf: number[] } => {
    const bands = (c: number) => r.prices[c] as number[];
    const byRank = Array.from({ length: r.candidates }, (_, c) => c).sort((a, b) => (r.rankSeed[a] as number) - (r.rankSeed[b] as number) || a - b);
    const rankOf = new Array<number>(r.candidates);
    byRank.forEach((c, position) => (rankOf[c] = position));
    const problem: SplitProblem = {
      lines: r.lines,
      quantities: r.quantities.slice(0, r.lines),
      unitGrams: r.grams.slice(0, r.lines),
      count: r.candidates,
      compare: (a, b) => (rankOf[a] as number) - (rankOf[b] as number),
      available: Array.from({ length: r.candidates * r.lines }, (_, i) => r.seedAvailable[Math.floor(i / r.lines) * 4 + (i % r.lines)] as number),
      unitCaps: r.caps.slice(0, r.candidates),
      wholeOnly: r.wholeOnly.slice(0, r.candidates),
      // Three weight bands, not necessarily rising in price: the search must not assume they do.
      cost: (c, grams) => (grams <= 1000 ? bands(c)[0] : grams <= 3000 ? bands(c)[1] : bands(c)[2]) as number,
      minCost: Array.from({ length: r.candidates }, (_, c) => Math.min(...bands(c))),
      maxShipments: r.maxShipments,
      objective: r.objective,
      budget: 100_000,
    };
    return { problem, rankOf };
  });

describe('the split search', () => {
  it('finds exactly what brute force finds (size, then cost or rank, then rank) on instances of up to 8 candidates', () => {
    fc.assert(
      fc.property(problemArbitrary, ({ problem, rankOf }) => {
        const searched = searchSplit(problem);
        const brute = bruteForce(problem, rankOf);
        expect(searched.optimal).toBe(true);
        expect(searched.solution?.members ?? null).toEqual(brute?.members ?? null);
        expect(searched.solution?.cost ?? null).toEqual(brute?.cost ?? null);
      }),
      { numRuns: 400 },
    );
  });

  it('says optimal: false when its budget ran out, and never examines more than the budget', () => {
    const count = 40;
    const problem: SplitProblem = {
      lines: 1,
      quantities: [3],
      unitGrams: [100],
      count,
      available: Array.from({ length: count }, () => 1),
      unitCaps: Array.from({ length: count }, () => Infinity),
      wholeOnly: Array.from({ length: count }, () => false),
      cost: (c) => 1000 - c,
      minCost: Array.from({ length: count }, () => 0), // no useful bound, so nothing is pruned by cost
      maxShipments: 3,
      objective: 'cost',
      budget: 1000, // sizes 1 and 2 take 40 + 780 combinations; size 3 starts but cannot finish
    };
    const outcome = searchSplit(problem);
    expect(outcome.optimal).toBe(false);
    expect(outcome.examined).toBeLessThanOrEqual(count + 1000); // the single-warehouse scan, then the budget
    expect(outcome.solution?.members.length).toBe(3);
  });
});

describe('route over random networks', () => {
  const ids = ['W0', 'W1', 'W2', 'W3', 'W4', 'W5'];
  const network = {
    currency: 'CNY',
    warehouses: ids.map((id, i) => ({
      id,
      name: id,
      zone: ['Asia/Shanghai', 'Europe/London', 'America/New_York'][i % 3] as string,
      rank: i % 2,
      defaultSafetyStock: i % 2,
      capacity: { units: 15 },
      shipping: [{ carrier: 'c', zones: [{ regions: ['CN'], bands: [{ maxGrams: 1000, amount: 100 + i }, { maxGrams: null, amount: 900 - i }] }] }],
    })),
  };
  const router = compileRouting({
    network,
    policy: { id: 'p', version: '1', rules: [{ id: 'split', split: { allowed: true, maxShipments: 3, objective: 'cost' }, fallback: { type: 'backorder' } }] },
  });
  const skus = ['A', 'B', 'C'];

  it('allocates every line exactly, never beyond stock after safety stock or unit capacity, and decides the same twice', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 18, maxLength: 18 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }),
        (levels, quantities) => {
          const stockList = levels.map((available, i) => ({ warehouseId: ids[Math.floor(i / 3)] as string, sku: skus[i % 3] as string, available }));
          const order = {
            id: 'o',
            lines: quantities.map((quantity, l) => ({ lineId: `L${l}`, sku: skus[l] as string, quantity })),
            shippingAddress: { country: 'CN', province: '浙江省', city: '杭州市', street: '文三路 1 号' },
          };
          const snapshot = router.snapshot({ at: MONDAY_MORNING, stock: stockList });
          const decision = router.route(order, snapshot);
          expect(router.route(order, snapshot)).toEqual(decision);
          if (decision.outcome !== 'allocate') {
            expect(decision.lines.length).toBeGreaterThan(0);
            return;
          }
          for (const line of order.lines) {
            expect(decision.allocations.filter((a) => a.lineId === line.lineId).reduce((s, a) => s + a.quantity, 0)).toBe(line.quantity);
          }
          for (const a of decision.allocations) {
            const index = ids.indexOf(a.warehouseId);
            const level = stockList.find((s) => s.warehouseId === a.warehouseId && s.sku === order.lines.find((l) => l.lineId === a.lineId)?.sku);
            expect(a.quantity).toBeLessThanOrEqual((level?.available ?? 0) - (index % 2));
          }
          for (const shipment of decision.shipments) expect(shipment.units).toBeLessThanOrEqual(15);
          expect(decision.shipments.length).toBeLessThanOrEqual(3);
        },
      ),
      { numRuns: 300 },
    );
  });
});
