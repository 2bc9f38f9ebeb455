// Test and bench helper: the split search's answer found by brute force, over every set of
// candidates and every split of every line's units among a set's members. Exponential: small instances only.
import type { SplitProblem } from '../../src/routing/split-search.js';

/** Every non-empty subset of `count` candidates with at most `max` members, members ascending. */
export function subsets(count: number, max: number): number[][] {
  const out: number[][] = [];
  for (let mask = 1; mask < 1 << count; mask++) {
    const members = [...Array(count).keys()].filter((i) => (mask >> i) & 1);
    if (members.length <= max) out.push(members);
  }
  return out;
}

/** Lexicographic order of rank positions: the better-ranked set first. */
export function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  return a.length < b.length;
}

/** Every split of `quantity` units among `size` members, member m taking at most `most[m]`. */
function splits(quantity: number, most: readonly number[]): number[][] {
  if (most.length === 1) return quantity <= (most[0] as number) ? [[quantity]] : [];
  const out: number[][] = [];
  for (let units = 0; units <= Math.min(quantity, most[0] as number); units++) for (const rest of splits(quantity - units, most.slice(1))) out.push([units, ...rest]);
  return out;
}

/**
 * Every way the members (in rank order) can ship the order: every split of every line's units,
 * within stock and unit caps, every member shipping something. The cheapest, or null.
 */
export function cheapestAllocation(problem: SplitProblem, members: readonly number[]): { cost: number; take: number[][] } | null {
  let best: { cost: number; take: number[][] } | null = null;
  const take = members.map(() => new Array<number>(problem.lines).fill(0));
  const visit = (l: number): void => {
    if (l === problem.lines) {
      const units = take.map((row) => row.reduce((a, b) => a + b, 0));
      if (units.some((u, m) => u === 0 || u > (problem.unitCaps[members[m] as number] as number))) return;
      const cost = members.reduce((sum, c, m) => sum + problem.cost(c, (take[m] as number[]).reduce((g, n, line) => g + n * (problem.unitGrams[line] as number), 0)), 0);
      if (best === null || cost < best.cost) best = { cost, take: take.map((row) => [...row]) };
      return;
    }
    for (const split of splits(problem.quantities[l] as number, members.map((c) => problem.available[c * problem.lines + l] as number))) {
      split.forEach((units, m) => ((take[m] as number[])[l] = units));
      visit(l + 1);
    }
  };
  visit(0);
  return best;
}

/** Exhaustive: the fewest shipments; among those the cheapest over every set and every split of units (objective cost) or the best-ranked set; ties to the best-ranked set. */
export function bruteForceSplit(problem: SplitProblem, rankOf: readonly number[]): { members: number[]; cost: number } | null {
  for (let size = 1; size <= Math.min(problem.maxShipments, problem.count); size++) {
    let best: { members: number[]; cost: number; positions: number[] } | null = null;
    for (const subset of subsets(problem.count, size)) {
      if (subset.length !== size || (size > 1 && subset.some((m) => problem.wholeOnly[m]))) continue;
      const members = [...subset].sort((a, b) => (rankOf[a] as number) - (rankOf[b] as number));
      const positions = members.map((m) => rankOf[m] as number);
      const allocation = cheapestAllocation(problem, members);
      if (allocation === null) continue;
      const better = best === null || (problem.objective === 'cost' && allocation.cost !== best.cost ? allocation.cost < best.cost : lexLess(positions, best.positions));
      if (better) best = { members, cost: allocation.cost, positions };
    }
    if (best !== null) return { members: best.members, cost: best.cost };
  }
  return null;
}

