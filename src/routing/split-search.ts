// The split search: the fewest shipments, then the lowest cost or the best rank, exact within a budget of combinations.

/** What the search needs, candidates already in rank order (best first). */
export interface SplitProblem {
  /** Units ordered per line. */
  readonly quantities: readonly number[];
  /** Grams per unit per line. */
  readonly unitGrams: readonly number[];
  /** `available[c][l]`: units candidate `c` can ship of line `l`. */
  readonly available: readonly (readonly number[])[];
  /** Units each candidate may ship in total today (daily unit capacity left); Infinity for no limit. */
  readonly unitCaps: readonly number[];
  /** True for a candidate that ships whole orders only (never part of a split). */
  readonly wholeOnly: readonly boolean[];
  /** Price of one parcel of these grams from candidate `c`; Infinity when no tariff covers it. */
  readonly cost: (candidate: number, grams: number) => number;
  /** A lower bound of any parcel's price from candidate `c` (for pruning). */
  readonly minCost: readonly number[];
  readonly maxShipments: number;
  readonly objective: 'cost' | 'rank';
  /** Combinations evaluated at most. */
  readonly budget: number;
}

/** The search's answer: the chosen candidates (rank order) and the units each ships per line. */
export interface SplitSolution {
  readonly members: readonly number[];
  /** `take[m][l]`: units member `m` (index into `members`) ships of line `l`. */
  readonly take: readonly (readonly number[])[];
  readonly cost: number;
}

/** The solution (or null), how many combinations were evaluated, and whether the answer is proven best. */
export interface SplitOutcome {
  readonly solution: SplitSolution | null;
  readonly examined: number;
  readonly optimal: boolean;
}

/**
 * Fills the lines from a set of candidates: each line in line order, from the best-ranked member
 * first, within each member's unit cap. Null when a line stays short or a member ships nothing
 * (then a smaller set is the same allocation).
 */
export function fillFrom(problem: SplitProblem, members: readonly number[]): SplitSolution | null {
  const caps = members.map((c) => problem.unitCaps[c] as number);
  const take = members.map(() => new Array<number>(problem.quantities.length).fill(0));
  for (let l = 0; l < problem.quantities.length; l++) {
    let remaining = problem.quantities[l] as number;
    for (let m = 0; m < members.length && remaining > 0; m++) {
      const units = Math.min(remaining, (problem.available[members[m] as number] as readonly number[])[l] as number, caps[m] as number);
      if (units <= 0) continue;
      (take[m] as number[])[l] = units;
      caps[m] = (caps[m] as number) - units;
      remaining -= units;
    }
    if (remaining > 0) return null;
  }
  let cost = 0;
  for (let m = 0; m < members.length; m++) {
    const row = take[m] as number[];
    let grams = 0;
    let units = 0;
    for (let l = 0; l < row.length; l++) {
      units += row[l] as number;
      grams += (row[l] as number) * (problem.unitGrams[l] as number);
    }
    if (units === 0) return null;
    cost += problem.cost(members[m] as number, grams);
  }
  return { members, take, cost };
}

/**
 * Searches sets of 1, 2, ... `maxShipments` candidates in lexicographic order of their rank
 * positions, so the first feasible set of a size is also the best-ranked one. Objective `rank`:
 * that first set. Objective `cost`: the cheapest set of the smallest feasible size, the
 * best-ranked among equal costs; sets whose cost lower bound cannot beat the best are pruned.
 * Sets that cannot cover some line even with every later candidate are pruned too. When the
 * budget runs out the best set found so far is returned with `optimal: false`.
 */
export function searchSplit(problem: SplitProblem): SplitOutcome {
  const count = problem.available.length;
  const lines = problem.quantities.length;
  // suffix[c][l]: units of line l that candidates c..count-1 have together.
  const suffix: number[][] = Array.from({ length: count + 1 }, () => new Array<number>(lines).fill(0));
  for (let c = count - 1; c >= 0; c--) {
    for (let l = 0; l < lines; l++) {
      (suffix[c] as number[])[l] = ((suffix[c + 1] as number[])[l] as number) + ((problem.available[c] as readonly number[])[l] as number);
    }
  }
  let examined = 0;
  let exhausted = false;
  let best: SplitSolution | null = null;
  const chosen: number[] = [];
  const covered = new Array<number>(lines).fill(0);

  const evaluate = (): void => {
    if (examined >= problem.budget) {
      exhausted = true;
      return;
    }
    examined++;
    const solution = fillFrom(problem, [...chosen]);
    if (solution !== null && (best === null || solution.cost < best.cost)) best = solution;
  };

  const extend = (start: number, size: number, lowerBound: number): boolean => {
    for (let c = start; c < count; c++) {
      if (exhausted) return true;
      if (size > 1 && problem.wholeOnly[c] === true) continue;
      const bound = lowerBound + (problem.minCost[c] as number);
      if (problem.objective === 'cost' && best !== null && bound >= (best as SplitSolution).cost) continue;
      // Can chosen + c + everything after c still cover every line?
      let reachable = true;
      for (let l = 0; l < lines; l++) {
        if ((covered[l] as number) + ((suffix[c] as number[])[l] as number) < (problem.quantities[l] as number)) {
          reachable = false;
          break;
        }
      }
      if (!reachable) return false; // later c see even less
      chosen.push(c);
      if (chosen.length === size) evaluate();
      else {
        for (let l = 0; l < lines; l++) covered[l] = (covered[l] as number) + ((problem.available[c] as readonly number[])[l] as number);
        extend(c + 1, size, bound);
        for (let l = 0; l < lines; l++) covered[l] = (covered[l] as number) - ((problem.available[c] as readonly number[])[l] as number);
      }
      chosen.pop();
      if (best !== null && problem.objective === 'rank') return true;
    }
    return false;
  };

  for (let size = 1; size <= Math.min(problem.maxShipments, count); size++) {
    extend(0, size, 0);
    if (best !== null || exhausted) break;
  }
  return { solution: best, examined, optimal: !exhausted };
}
