// The split search: the fewest shipments, then the lowest cost or the best rank, exact within a budget of combinations.

/** What the search needs about the candidate warehouses of one order. */
export interface SplitProblem {
  /** Order lines. */
  readonly lines: number;
  /** Units ordered per line. */
  readonly quantities: ArrayLike<number>;
  /** Grams per unit per line. */
  readonly unitGrams: ArrayLike<number>;
  /** Candidates. */
  readonly count: number;
  /** Units candidate `c` can ship of line `l`, at `c * lines + l`. */
  readonly available: ArrayLike<number>;
  /** Units each candidate may ship in total today (daily unit capacity left); Infinity for no limit. */
  readonly unitCaps: ArrayLike<number>;
  /** Non-zero for a candidate that ships whole orders only (never part of a split). */
  readonly wholeOnly: ArrayLike<number | boolean>;
  /** Price of one parcel of these grams from candidate `c`; Infinity when no tariff covers it. */
  readonly cost: (candidate: number, grams: number) => number;
  /** A lower bound of any parcel's price from candidate `c` (for pruning). */
  readonly minCost: ArrayLike<number>;
  /**
   * Rank order: negative when candidate `a` ranks before `b`; never 0 for two candidates.
   * @default candidate index order
   */
  readonly compare?: (a: number, b: number) => number;
  readonly maxShipments: number;
  readonly objective: 'cost' | 'rank';
  /** Combinations of two or more candidates evaluated at most. */
  readonly budget: number;
}

/** The search's answer: the chosen candidates in rank order and the units each ships per line. */
export interface SplitSolution {
  readonly members: readonly number[];
  /** `take[m][l]`: units member `m` (index into `members`) ships of line `l`. */
  readonly take: readonly (readonly number[])[];
  readonly cost: number;
}

/** The solution (or null), how many candidate sets were evaluated, and whether the answer is proven best. */
export interface SplitOutcome {
  readonly solution: SplitSolution | null;
  readonly examined: number;
  readonly optimal: boolean;
}

const byIndex = (a: number, b: number): number => a - b;

/**
 * Fills the lines from candidates `members[0..size)` (rank order) into `take` (size x lines,
 * row-major): each line in line order, from the best-ranked member first, within each member's
 * unit cap. Returns the set's cost, or -1 when a line stays short or a member ships nothing
 * (then a smaller set is the same allocation).
 */
function fillInto(problem: SplitProblem, members: ArrayLike<number>, size: number, take: number[], caps: number[]): number {
  const lines = problem.lines;
  for (let m = 0; m < size; m++) caps[m] = problem.unitCaps[members[m] as number] as number;
  for (let i = 0; i < size * lines; i++) take[i] = 0;
  for (let l = 0; l < lines; l++) {
    let remaining = problem.quantities[l] as number;
    for (let m = 0; m < size && remaining > 0; m++) {
      const units = Math.min(remaining, problem.available[(members[m] as number) * lines + l] as number, caps[m] as number);
      if (units <= 0) continue;
      take[m * lines + l] = units;
      caps[m] = (caps[m] as number) - units;
      remaining -= units;
    }
    if (remaining > 0) return -1;
  }
  let cost = 0;
  for (let m = 0; m < size; m++) {
    let grams = 0;
    let units = 0;
    for (let l = 0; l < lines; l++) {
      const n = take[m * lines + l] as number;
      units += n;
      grams += n * (problem.unitGrams[l] as number);
    }
    if (units === 0) return -1;
    cost += problem.cost(members[m] as number, grams);
  }
  return cost;
}

function solutionOf(members: ArrayLike<number>, size: number, take: ArrayLike<number>, lines: number, cost: number): SplitSolution {
  const chosen = Array.from({ length: size }, (_, m) => members[m] as number);
  return { members: chosen, take: chosen.map((_, m) => Array.from({ length: lines }, (_, l) => take[m * lines + l] as number)), cost };
}

/**
 * The allocation one set of candidates (in rank order) makes: each line in line order, from the
 * best-ranked member first, within unit caps. Null when the set cannot fill every line, or one
 * of its members would ship nothing.
 */
export function fillFrom(problem: SplitProblem, members: readonly number[]): SplitSolution | null {
  const lines = problem.lines;
  const take: number[] = [];
  const cost = fillInto(problem, members, members.length, take, []);
  return cost < 0 ? null : solutionOf(members, members.length, take, lines, cost);
}

/**
 * The best single candidate: one that can ship every line alone, comparing (and so ranking) only
 * those. Objective `rank`: the
 * best-ranked; `cost`: the cheapest, the best-ranked among equal costs. A linear scan, no sort.
 */
export function bestSingle(problem: SplitProblem, compare: (a: number, b: number) => number = problem.compare ?? byIndex): SplitSolution | null {
  const lines = problem.lines;
  let units = 0;
  let grams = 0;
  for (let l = 0; l < lines; l++) {
    units += problem.quantities[l] as number;
    grams += (problem.quantities[l] as number) * (problem.unitGrams[l] as number);
  }
  let best = -1;
  let bestCost = Infinity;
  for (let c = 0; c < problem.count; c++) {
    if ((problem.unitCaps[c] as number) < units) continue;
    let fills = true;
    for (let l = 0; l < lines; l++) {
      if ((problem.available[c * lines + l] as number) < (problem.quantities[l] as number)) {
        fills = false;
        break;
      }
    }
    if (!fills) continue;
    if (problem.objective === 'rank') {
      if (best === -1 || compare(c, best) < 0) best = c;
      continue;
    }
    const cost = problem.cost(c, grams);
    if (best === -1 || cost < bestCost || (cost === bestCost && compare(c, best) < 0)) {
      best = c;
      bestCost = cost;
    }
  }
  if (best === -1) return null;
  return { members: [best], take: [Array.from({ length: lines }, (_, l) => problem.quantities[l] as number)], cost: problem.cost(best, grams) };
}

/**
 * Finds the allocation with the fewest shipments (at most `maxShipments`), then by the objective:
 * `rank` takes the best-ranked set (sets compared by their members' rank positions,
 * lexicographically), `cost` the cheapest, the best-ranked among equal costs.
 *
 * One warehouse first, by a linear scan. Then sets of 2, 3, ... in lexicographic order of rank
 * positions, so the first feasible set of a size is the best-ranked one. Pruned: sets whose cost
 * lower bound cannot beat the best so far, and partial sets that cannot cover some line even with
 * the best remaining candidates in the free places. When `budget` sets of two or more have been
 * evaluated, the best so far comes back with `optimal: false`.
 */
export function searchSplit(problem: SplitProblem): SplitOutcome {
  const single = bestSingle(problem);
  if (single !== null || problem.maxShipments < 2 || problem.count < 2) return { solution: single, examined: problem.count, optimal: true };
  return searchSplits(problem);
}

/**
 * The part of {@link searchSplit} after no single candidate could ship the whole order: sets of
 * 2, 3, ... `maxShipments` candidates.
 */
export function searchSplits(problem: SplitProblem): SplitOutcome {
  const compare = problem.compare ?? byIndex;
  const count = problem.count;
  const lines = problem.lines;
  const maxSize = Math.min(problem.maxShipments, count);
  // Rank order of the candidates that may be part of a split.
  const order: number[] = [];
  for (let c = 0; c < count; c++) if (!problem.wholeOnly[c]) order.push(c);
  if (problem.compare !== undefined) order.sort(compare);
  const k = order.length;
  // Each candidate's units per line within its unit cap: what it can add to a set at most.
  const capped = new Array<number>(count * lines);
  for (let c = 0; c < count; c++) {
    const cap = problem.unitCaps[c] as number;
    for (let l = 0; l < lines; l++) capped[c * lines + l] = Math.min(problem.available[c * lines + l] as number, cap);
  }
  // Per position p (in `order`), line l and j = 1..maxSize: the most units of l that any j of
  // the candidates at positions p..k-1 have together (the sum of the j largest).
  const width = maxSize + 1;
  const best = new Array<number>((k + 1) * lines * width).fill(0);
  const top = new Array<number>(maxSize).fill(0);
  for (let p = k - 1; p >= 0; p--) {
    const c = order[p] as number;
    for (let l = 0; l < lines; l++) {
      const units = Math.min(problem.available[c * lines + l] as number, problem.unitCaps[c] as number);
      const next = ((p + 1) * lines + l) * width;
      const here = (p * lines + l) * width;
      // The j largest after p are best[next + j] - best[next + j - 1]; insert `units` among them.
      let inserted = false;
      let t = 0;
      for (let j = 1; j <= maxSize && t < maxSize; j++) {
        const value = (best[next + j] as number) - (best[next + j - 1] as number);
        if (!inserted && units >= value) {
          top[t++] = units;
          inserted = true;
          if (t >= maxSize) break;
        }
        top[t++] = value;
      }
      if (!inserted && t < maxSize) top[t++] = units;
      let sum = 0;
      for (let j = 1; j <= maxSize; j++) {
        sum += j <= t ? (top[j - 1] as number) : 0;
        best[here + j] = sum;
      }
    }
  }
  const members: number[] = new Array<number>(maxSize).fill(0);
  const covered: number[] = new Array<number>(lines).fill(0);
  const take: number[] = new Array<number>(maxSize * lines).fill(0);
  const caps: number[] = new Array<number>(maxSize).fill(0);
  let examined = count;
  let evaluated = 0;
  let exhausted = false;
  // The best set so far lives in buffers; it becomes a solution object once, at the end.
  let bestSize = 0;
  let bestCost = Infinity;
  const bestMembers: number[] = new Array<number>(maxSize).fill(0);
  const bestTake: number[] = new Array<number>(maxSize * lines).fill(0);

  // Can the chosen members plus `free` more from position p onwards still cover every line?
  const reachable = (p: number, free: number): boolean => {
    for (let l = 0; l < lines; l++) {
      if ((covered[l] as number) + (best[(p * lines + l) * width + free] as number) < (problem.quantities[l] as number)) return false;
    }
    return true;
  };
  // Does candidate c, as the last member, cover what the chosen ones leave of every line?
  const fits = (c: number): boolean => {
    for (let l = 0; l < lines; l++) {
      if ((covered[l] as number) + (capped[c * lines + l] as number) < (problem.quantities[l] as number)) return false;
    }
    return true;
  };

  /** Fills place `depth` of a set of `size` from position `start` on; true once the search should stop. */
  const extend = (start: number, depth: number, size: number, lowerBound: number): boolean => {
    const free = size - depth;
    for (let p = start; p <= k - free; p++) {
      // Later positions only see less of the suffix, so none of them can reach either.
      if (!reachable(p, free)) return false;
      const c = order[p] as number;
      if (free === 1 && !fits(c)) continue;
      const bound = lowerBound + (problem.minCost[c] as number);
      if (problem.objective === 'cost' && bestSize > 0 && bound >= bestCost) continue;
      members[depth] = c;
      if (free === 1) {
        if (evaluated >= problem.budget) {
          exhausted = true;
          return true;
        }
        evaluated++;
        const cost = fillInto(problem, members, size, take, caps);
        if (cost >= 0 && (bestSize === 0 || cost < bestCost)) {
          bestSize = size;
          bestCost = cost;
          for (let m = 0; m < size; m++) bestMembers[m] = members[m] as number;
          for (let i = 0; i < size * lines; i++) bestTake[i] = take[i] as number;
          if (problem.objective === 'rank') return true;
        }
        continue;
      }
      for (let l = 0; l < lines; l++) covered[l] = (covered[l] as number) + (capped[c * lines + l] as number);
      const stop = extend(p + 1, depth + 1, size, bound);
      for (let l = 0; l < lines; l++) covered[l] = (covered[l] as number) - (capped[c * lines + l] as number);
      if (stop) return true;
    }
    return false;
  };

  for (let size = 2; size <= maxSize; size++) {
    extend(0, 0, size, 0);
    if (bestSize > 0 || exhausted) break;
  }
  examined += evaluated;
  const solution = bestSize === 0 ? null : solutionOf(bestMembers, bestSize, bestTake, lines, bestCost);
  return { solution, examined, optimal: !exhausted };
}
