// Properties: the split search equals brute force on random small instances; route never oversells, always fills exactly, is deterministic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillFrom, searchSplit, type SplitProblem, type SplitSolution } from '../../src/routing/split-search.js';
import { bruteForceSplit as bruteForce } from '../support/split-brute-force.js';
import { compileRouting } from '../../src/routing/index.js';
import { MONDAY_MORNING } from './helpers.js';

/** The search's allocation is one: every line exactly, within stock and caps, every member shipping, priced as it says. */
function expectValid(problem: SplitProblem, solution: SplitSolution): void {
  for (let l = 0; l < problem.lines; l++) {
    expect(solution.take.reduce((sum, row) => sum + (row[l] as number), 0)).toBe(problem.quantities[l]);
    solution.members.forEach((c, m) => expect((solution.take[m] as number[])[l]).toBeLessThanOrEqual(problem.available[c * problem.lines + l] as number));
  }
  solution.members.forEach((c, m) => {
    const units = (solution.take[m] as number[]).reduce((a, b) => a + b, 0);
    expect(units).toBeGreaterThan(0);
    expect(units).toBeLessThanOrEqual(problem.unitCaps[c] as number);
  });
  const cost = solution.members.reduce((sum, c, m) => sum + problem.cost(c, (solution.take[m] as number[]).reduce((g, n, l) => g + n * (problem.unitGrams[l] as number), 0)), 0);
  expect(solution.cost).toBe(cost);
}

const problemArbitrary = fc
  .record({
    candidates: fc.integer({ min: 1, max: 10 }),
    lines: fc.integer({ min: 1, max: 5 }),
    seedAvailable: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 50, maxLength: 50 }),
    // A rank order that is not the index order, so the search must sort by `compare`.
    rankSeed: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 10, maxLength: 10 }),
    quantities: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 5, maxLength: 5 }),
    // Whole grams mostly; a half gram now and then takes the search's general path.
    grams: fc.array(fc.oneof({ arbitrary: fc.integer({ min: 0, max: 1500 }), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 1500 }).map((g) => g + 0.5), weight: 1 }), { minLength: 5, maxLength: 5 }),
    caps: fc.array(fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 12 })), { minLength: 10, maxLength: 10 }),
    wholeOnly: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }).map((flags) => flags.map((f, i) => f && i % 3 === 0)),
    prices: fc.array(fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 3, maxLength: 3 }), { minLength: 10, maxLength: 10 }),
    maxShipments: fc.integer({ min: 1, max: 3 }),
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
      available: Array.from({ length: r.candidates * r.lines }, (_, i) => r.seedAvailable[Math.floor(i / r.lines) * 5 + (i % r.lines)] as number),
      unitCaps: r.caps.slice(0, r.candidates),
      wholeOnly: r.wholeOnly.slice(0, r.candidates),
      // Three weight bands, not necessarily rising in price: the search must not assume they do.
      cost: (c, grams) => (grams <= 1000 ? bands(c)[0] : grams <= 2500 ? bands(c)[1] : bands(c)[2]) as number,
      minCost: Array.from({ length: r.candidates }, (_, c) => Math.min(...bands(c))),
      // Half the instances tell the search where prices change (as the router does), half do not.
      ...(r.rankSeed[0] !== undefined && r.rankSeed[0] < 0.5 ? { limits: () => [1000, 2500, Infinity] } : {}),
      maxShipments: r.maxShipments,
      objective: r.objective,
      budget: 100_000,
    };
    return { problem, rankOf };
  });

describe('the split search', () => {
  it('finds exactly what an exhaustive search over every set and every split of units finds (size, then cost or rank, then rank), up to 10 candidates and 5 lines', () => {
    fc.assert(
      fc.property(problemArbitrary, ({ problem, rankOf }) => {
        const searched = searchSplit(problem);
        const brute = bruteForce(problem, rankOf);
        expect(searched.optimal).toBe(true);
        expect(searched.solution?.members ?? null).toEqual(brute?.members ?? null);
        if (searched.solution !== null) expectValid(problem, searched.solution);
        // "Optimal" means the lowest total cost among allocations with the fewest shipments, unit split included.
        if (problem.objective === 'cost') expect(searched.solution?.cost ?? null).toEqual(brute?.cost ?? null);
      }),
      { numRuns: 400 },
    );
  });

  it('moves units between the same two warehouses when a weight band makes it cheaper (the CNY 28 where CNY 20 ships it)', () => {
    // Two lines of 1 kg units, 3 each. A ships up to 2 kg for 10.00 and more for 18.00; B ships any
    // weight for 10.00. Greedy from A first puts 4 kg on A (18.00) and 2 kg on B (10.00): 28.00.
    // Two units on A and four on B ship the same lines from the same warehouses for 20.00.
    const problem: SplitProblem = {
      lines: 2,
      quantities: [3, 3],
      unitGrams: [1000, 1000],
      count: 2,
      available: [3, 1, 2, 3],
      unitCaps: [Infinity, Infinity],
      wholeOnly: [false, false],
      cost: (c, grams) => (c === 0 ? (grams <= 2000 ? 1000 : 1800) : grams <= 2000 ? 1000 : 1000),
      minCost: [1000, 1000],
      maxShipments: 2,
      objective: 'cost',
      budget: 1000,
    };
    const greedy = fillFrom(problem, [0, 1]);
    expect(greedy?.cost).toBe(2800);
    const searched = searchSplit(problem);
    expect(searched).toMatchObject({ optimal: true, solution: { members: [0, 1], cost: 2000 } });
    expectValid(problem, searched.solution as SplitSolution);
  });

  it('finds a split the greedy fill misses when unit caps bind', () => {
    // A may ship 2 units today. Greedy gives A both of line 1, then B cannot ship line 2; A ships line 2, B line 1.
    const problem: SplitProblem = {
      lines: 2,
      quantities: [2, 2],
      unitGrams: [100, 100],
      count: 2,
      available: [2, 2, 2, 0],
      unitCaps: [2, Infinity],
      wholeOnly: [false, false],
      cost: () => 500,
      minCost: [500, 500],
      maxShipments: 2,
      objective: 'rank',
      budget: 1000,
    };
    expect(fillFrom(problem, [0, 1])).toBeNull();
    const searched = searchSplit(problem);
    expect(searched.solution).toMatchObject({ members: [0, 1], take: [[0, 2], [2, 0]] });
  });

  it('says optimal: false with the reason when a distribution budget ran out', () => {
    const problem: SplitProblem = {
      lines: 3,
      quantities: [8, 8, 8],
      unitGrams: [700, 300, 900],
      count: 3,
      available: [8, 0, 8, 0, 8, 0, 8, 8, 0],
      unitCaps: [Infinity, Infinity, Infinity],
      wholeOnly: [false, false, false],
      cost: (c, grams) => (grams <= 3000 ? 500 + c : 900 + c),
      minCost: [0, 0, 0],
      maxShipments: 3,
      objective: 'cost',
      budget: 1000,
      distributionBudget: 10,
    };
    expect(searchSplit(problem)).toMatchObject({ optimal: false, unproven: 'distribution_budget' });
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
    expect(outcome.unproven).toBe('set_budget');
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
