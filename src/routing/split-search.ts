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
   * The weights (grams, ascending) up to which candidate `c`'s price holds, each the top of a
   * band: `cost(c, g)` is constant between two of them. With it, a pair's cheapest split is
   * bounded tightly without trying splits, and most pairs need no search. @default unknown
   */
  readonly limits?: (candidate: number) => ArrayLike<number>;
  /**
   * Rank order: negative when candidate `a` ranks before `b`; never 0 for two candidates.
   * @default candidate index order
   */
  readonly compare?: (a: number, b: number) => number;
  readonly maxShipments: number;
  readonly objective: 'cost' | 'rank';
  /** Combinations of two or more candidates evaluated at most. */
  readonly budget: number;
  /**
   * Partial unit distributions explored at most per combination when looking for its cheapest
   * split of units (objective `cost`). @default 50000
   */
  readonly distributionBudget?: number;
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
  /**
   * Why the answer is not proven best: `set_budget` (more combinations than `budget`) or
   * `distribution_budget` (a combination's unit splits were too many to try every one).
   */
  readonly unproven?: 'set_budget' | 'distribution_budget';
}

/** One partial distribution: units and grams per member after some lines, and how it got there. */
interface DistributionState {
  readonly units: number[];
  readonly grams: number[];
  readonly previous: DistributionState | null;
  /** Units per member of the last line distributed. */
  readonly line: number[];
}

/**
 * The cheapest way for members `members[0..size)` to ship every line: any split of each line's
 * units among them within stock and unit caps, every member shipping something, priced per parcel
 * by weight. The greedy fill (`take`, costing `greedyCost`; -1 when it could not fill every line,
 * as unit caps can make it) is kept unless a split is strictly cheaper (so ties keep the
 * best-ranked member's share); a better one is written into `take`. Answers the cost (-1 when no
 * split fills every line), exact unless more than `budget` partial splits were needed.
 */
/** Units and grams of the whole order. */
function orderSize(problem: SplitProblem): { units: number; grams: number } {
  let units = 0;
  let grams = 0;
  for (let l = 0; l < problem.lines; l++) {
    units += problem.quantities[l] as number;
    grams += (problem.quantities[l] as number) * (problem.unitGrams[l] as number);
  }
  return { units, grams };
}

/** True when every unit weighs whole grams (so a state packs into one number). */
function wholeGrams(problem: SplitProblem): boolean {
  for (let l = 0; l < problem.lines; l++) if (!Number.isSafeInteger(problem.unitGrams[l])) return false;
  return true;
}

/**
 * {@link cheapestDistribution} without allocating per state: the last member ships what the others
 * leave, so a state is the other members' units and grams packed into one number (mixed radix).
 * Each line's reachable states are kept to trace the cheapest one back. Null when the states
 * would not fit in a number exactly (then the general search runs).
 */
function cheapestPackedDistribution(problem: SplitProblem, members: ArrayLike<number>, size: number, take: number[], greedyCost: number, budget: number): { cost: number; exact: boolean } | null {
  const lines = problem.lines;
  const { units: totalUnits, grams: totalGrams } = orderSize(problem);
  // Member m (but the last) has digits units (radix totalUnits + 1) and grams (radix totalGrams + 1).
  const unitRadix = totalUnits + 1;
  const gramRadix = totalGrams + 1;
  const free = size - 1;
  const place = new Array<number>(free * 2);
  let scale = 1;
  for (let m = 0; m < free; m++) {
    place[2 * m] = scale;
    scale *= unitRadix;
    place[2 * m + 1] = scale;
    scale *= gramRadix;
  }
  if (scale > Number.MAX_SAFE_INTEGER) return null;
  const digit = (state: number, i: number): number => Math.floor(state / (place[i] as number)) % (i % 2 === 0 ? unitRadix : gramRadix);
  const last = members[free] as number;
  const layers: Set<number>[] = [new Set([0])];
  const share = new Array<number>(size).fill(0);
  let explored = 0;
  let over = false;
  for (let l = 0; l < lines && !over; l++) {
    const quantity = problem.quantities[l] as number;
    const grams = problem.unitGrams[l] as number;
    const lastMost = problem.available[last * lines + l] as number;
    const next = new Set<number>();
    for (const state of layers[l] as Set<number>) {
      // Every split of this line among the members but the last, within stock and caps; the last takes the rest.
      const spread = (m: number, left: number, packed: number): void => {
        if (over) return;
        if (m === free) {
          if (left > lastMost) return;
          if (++explored > budget) {
            over = true;
            return;
          }
          next.add(packed);
          return;
        }
        const c = members[m] as number;
        const most = Math.min(left, problem.available[c * lines + l] as number, (problem.unitCaps[c] as number) - digit(state, 2 * m));
        for (let x = most; x >= 0; x--) {
          share[m] = x;
          spread(m + 1, left - x, packed + x * (place[2 * m] as number) + x * grams * (place[2 * m + 1] as number));
        }
      };
      spread(0, quantity, state);
    }
    if (next.size === 0) return { cost: greedyCost, exact: true };
    layers.push(next);
  }
  if (over) return { cost: greedyCost, exact: false };
  let best = -1;
  let bestCost = greedyCost;
  for (const state of layers[lines] as Set<number>) {
    let unitsLeft = totalUnits;
    let gramsLeft = totalGrams;
    let cost = 0;
    let usable = true;
    for (let m = 0; m < free && usable; m++) {
      const units = digit(state, 2 * m);
      const weight = digit(state, 2 * m + 1);
      if (units === 0) usable = false;
      unitsLeft -= units;
      gramsLeft -= weight;
      cost += problem.cost(members[m] as number, weight);
    }
    if (!usable || unitsLeft === 0 || unitsLeft > (problem.unitCaps[last] as number)) continue;
    cost += problem.cost(last, gramsLeft);
    if (bestCost < 0 || cost < bestCost) {
      best = state;
      bestCost = cost;
    }
  }
  if (best === -1) return { cost: greedyCost, exact: true };
  // Back through the layers: at each line, a split of it that leads from a reachable state.
  let state = best;
  for (let l = lines - 1; l >= 0; l--) {
    const quantity = problem.quantities[l] as number;
    const grams = problem.unitGrams[l] as number;
    const previous = layers[l] as Set<number>;
    let found = false;
    const undo = (m: number, left: number, packed: number): void => {
      if (found) return;
      if (m === free) {
        if (left <= (problem.available[last * lines + l] as number) && previous.has(packed)) {
          found = true;
          for (let i = 0; i < free; i++) take[i * lines + l] = share[i] as number;
          take[free * lines + l] = left;
          state = packed;
        }
        return;
      }
      const c = members[m] as number;
      const most = Math.min(left, problem.available[c * lines + l] as number, digit(state, 2 * m));
      for (let x = most; x >= 0 && !found; x--) {
        if (digit(state, 2 * m + 1) < x * grams) continue;
        share[m] = x;
        undo(m + 1, left - x, packed - x * (place[2 * m] as number) - x * grams * (place[2 * m + 1] as number));
      }
    };
    undo(0, quantity, state);
  }
  return { cost: bestCost, exact: true };
}

function cheapestDistribution(problem: SplitProblem, members: ArrayLike<number>, size: number, take: number[], greedyCost: number, budget: number): { cost: number; exact: boolean } {
  const lines = problem.lines;
  // No split beats every member at its cheapest parcel.
  let floor = 0;
  for (let m = 0; m < size; m++) floor += problem.minCost[members[m] as number] as number;
  if (greedyCost >= 0 && greedyCost <= floor) return { cost: greedyCost, exact: true };
  if (wholeGrams(problem)) {
    const packed = cheapestPackedDistribution(problem, members, size, take, greedyCost, budget);
    if (packed !== null) return packed;
  }
  let layer: DistributionState[] = [{ units: new Array<number>(size).fill(0), grams: new Array<number>(size).fill(0), previous: null, line: [] }];
  let explored = 0;
  for (let l = 0; l < lines; l++) {
    const quantity = problem.quantities[l] as number;
    const grams = problem.unitGrams[l] as number;
    const next = new Map<string, DistributionState>();
    const share = new Array<number>(size).fill(0);
    for (const state of layer) {
      // Every split of this line's units among the members, each within its stock and unit cap.
      const place = (m: number, left: number): boolean => {
        const c = members[m] as number;
        const most = Math.min(left, problem.available[c * lines + l] as number, (problem.unitCaps[c] as number) - (state.units[m] as number));
        if (m === size - 1) {
          if (left > most) return true;
          share[m] = left;
          if (++explored > budget) return false;
          const units = state.units.map((u, i) => u + (share[i] as number));
          const weights = state.grams.map((g, i) => g + (share[i] as number) * grams);
          const key = `${units.join(',')}|${weights.join(',')}`;
          if (!next.has(key)) next.set(key, { units, grams: weights, previous: state, line: [...share] });
          return true;
        }
        for (let units = most; units >= 0; units--) {
          share[m] = units;
          if (!place(m + 1, left - units)) return false;
        }
        return true;
      };
      if (!place(0, quantity)) return { cost: greedyCost, exact: false };
    }
    layer = [...next.values()];
  }
  let best: DistributionState | null = null;
  let bestCost = greedyCost;
  for (const state of layer) {
    if (state.units.some((units) => units === 0)) continue;
    let cost = 0;
    for (let m = 0; m < size && (bestCost < 0 || cost < bestCost); m++) cost += problem.cost(members[m] as number, state.grams[m] as number);
    if (bestCost < 0 || cost < bestCost) {
      best = state;
      bestCost = cost;
    }
  }
  if (best === null) return { cost: greedyCost, exact: true };
  for (let l = lines - 1, state: DistributionState | null = best; l >= 0 && state !== null; l--, state = state.previous) {
    for (let m = 0; m < size; m++) take[m * lines + l] = state.line[m] as number;
  }
  return { cost: bestCost, exact: true };
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
  const { units, grams } = orderSize(problem);
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
 * lexicographically), filled from its best-ranked member first; `cost` the cheapest over every set
 * and every split of the units among its members (weight bands make moving units between the same
 * warehouses matter), the best-ranked set and the best-ranked member's share among equal costs.
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
  let inexact = false;
  const distributionBudget = problem.distributionBudget ?? 50_000;
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

  /** True when some member's unit cap is below what it could otherwise ship of the order: the greedy fill may then miss a split. */
  const capsBind = (size: number): boolean => {
    for (let m = 0; m < size; m++) {
      const c = members[m] as number;
      let most = 0;
      for (let l = 0; l < lines; l++) most += Math.min(problem.available[c * lines + l] as number, problem.quantities[l] as number);
      if ((problem.unitCaps[c] as number) < most) return true;
    }
    return false;
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
        // Objective cost: a tight lower bound of the set's cheapest split, first: a set that cannot
        // beat the best so far needs no fill at all.
        const least = problem.objective === 'cost' ? lowerBoundOf(members, size, bound) : 0;
        if (problem.objective === 'cost' && bestSize > 0 && least >= bestCost) continue;
        let cost = fillInto(problem, members, size, take, caps);
        if (problem.objective === 'cost' && (cost >= 0 || capsBind(size))) {
          // The greedy fill fixes which member ships what. With weight bands another split of the
          // same members' units can be cheaper ("cheapest" must include it); with unit caps it can
          // come up short where another split fills every line. At the bound, neither can be.
          if (cost < 0 || cost > least) {
            const split = cheapestDistribution(problem, members, size, take, cost, distributionBudget);
            cost = split.cost;
            if (!split.exact) inexact = true;
          }
        } else if (cost < 0 && capsBind(size)) {
          // With unit caps the greedy fill can come up short where another split fills every line.
          const split = cheapestDistribution(problem, members, size, take, cost, distributionBudget);
          cost = split.cost;
          if (!split.exact) inexact = true;
        }
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

  /**
   * A lower bound of a set's cheapest split: its members' cheapest parcels; with known price
   * limits and whole grams, the cheapest choice of one price band per member whose weight ranges
   * (within what each member could carry) can add up to the order's weight. Exact for the
   * relaxation that lets weight move a gram at a time, so never above the true cheapest.
   */
  const integralGrams = wholeGrams(problem);
  const total = orderSize(problem).grams;
  const lowest = new Array<number>(maxSize).fill(0);
  const highest = new Array<number>(maxSize).fill(0);
  const pooled = new Array<number>(lines).fill(0);
  // Per candidate, made once per search when first needed: its band tops and the price in each.
  const tops: (ArrayLike<number> | undefined)[] = new Array(count);
  const prices: (Float64Array | undefined)[] = new Array(count);
  const bandsOf = (c: number): void => {
    if (tops[c] !== undefined) return;
    const limits = problem.limits?.(c) ?? [];
    const each = new Float64Array(limits.length);
    for (let i = 0; i < limits.length; i++) each[i] = problem.cost(c, Math.min(limits[i] as number, Number.MAX_SAFE_INTEGER));
    tops[c] = limits;
    prices[c] = each;
  };
  let bound = Infinity;
  // One band per member, in weight order; a choice stands when its weight ranges can sum to the total.
  const choose = (set: ArrayLike<number>, size: number, m: number, price: number, low: number, high: number): void => {
    if (price >= bound) return;
    if (m === size) {
      if (low <= total && total <= high) bound = price;
      return;
    }
    const c = set[m] as number;
    const limits = tops[c] as ArrayLike<number>;
    const each = prices[c] as Float64Array;
    let from = 0;
    for (let i = 0; i < limits.length; i++) {
      const to = limits[i] as number;
      const lo = Math.max(from, lowest[m] as number);
      const hi = Math.min(to, highest[m] as number);
      if (lo <= hi) choose(set, size, m + 1, price + (each[i] as number), low + lo, high + hi);
      from = to + 1;
    }
  };
  /**
   * A lower bound of a set's cheapest split: its members' cheapest parcels; with known price
   * limits and whole grams, the cheapest choice of one price band per member whose weight ranges
   * (within what each member could carry) can add up to the order's weight. Exact for the
   * relaxation that lets weight move a gram at a time, so never above the true cheapest.
   */
  const lowerBoundOf = (set: ArrayLike<number>, size: number, floor: number): number => {
    if (problem.limits === undefined || !integralGrams) return floor;
    for (let l = 0; l < lines; l++) {
      let sum = 0;
      for (let m = 0; m < size; m++) sum += problem.available[(set[m] as number) * lines + l] as number;
      pooled[l] = sum;
    }
    let lowSum = 0;
    let highSum = 0;
    for (let m = 0; m < size; m++) {
      const c = set[m] as number;
      bandsOf(c);
      let least = 0;
      let most = 0;
      for (let l = 0; l < lines; l++) {
        const quantity = problem.quantities[l] as number;
        const grams = problem.unitGrams[l] as number;
        const own = problem.available[c * lines + l] as number;
        least += Math.max(0, quantity - ((pooled[l] as number) - own)) * grams;
        most += Math.min(quantity, own) * grams;
      }
      lowest[m] = least;
      highest[m] = most;
      lowSum += least;
      highSum += most;
    }
    if (lowSum > total || highSum < total) return floor;
    bound = Infinity;
    choose(set, size, 0, 0, 0, 0);
    return bound === Infinity ? floor : Math.max(floor, bound);
  };

  for (let size = 2; size <= maxSize; size++) {
    extend(0, 0, size, 0);
    if (bestSize > 0 || exhausted) break;
  }
  examined += evaluated;
  const solution = bestSize === 0 ? null : solutionOf(bestMembers, bestSize, bestTake, lines, bestCost);
  return { solution, examined, optimal: !exhausted && !inexact, ...(exhausted ? { unproven: 'set_budget' as const } : inexact ? { unproven: 'distribution_budget' as const } : {}) };
}
