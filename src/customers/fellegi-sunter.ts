// Fellegi-Sunter parameters from unlabelled data: u from sampled random pairs, m and the prior by EM.
import { expectObject, expectArray, ValidationError } from '../errors/validation-error.js';
import { forEachCandidatePair } from './dedupe.js';
import type { ComparisonLevel, CustomerMatcher, FellegiSunterParameters, LevelProbabilities } from './matcher.js';
import { mulberry32 } from './seeded-random.js';

/** Options of {@link estimateFellegiSunter}. */
export interface EstimateOptions {
  /**
   * Random pairs sampled to estimate u (agreement among non-matches).
   * @default 200_000
   */
  readonly uSamplePairs?: number;
  /**
   * Seed of the pair sampler, so an estimate is reproducible.
   * @default 1
   */
  readonly seed?: number;
  /**
   * EM iterations at most.
   * @default 50
   */
  readonly maxIterations?: number;
  /**
   * Stop when no parameter moves by more than this.
   * @default 1e-5
   */
  readonly tolerance?: number;
  /**
   * Blocks above this size produce no candidate pairs.
   * @default 100
   */
  readonly maxBlockSize?: number;
}

/** Estimated parameters and how the estimation went. */
export interface FellegiSunterEstimate extends FellegiSunterParameters {
  readonly iterations: number;
  readonly converged: boolean;
  /** Candidate pairs EM ran on. */
  readonly pairs: number;
}

const LEVELS = ['exact', 'close', 'different'] as const;
const SMOOTHING = 1e-4;

const levelIndex = (level: ComparisonLevel): number => (level === 'exact' ? 0 : level === 'close' ? 1 : level === 'different' ? 2 : 3);

function normalise(counts: number[]): LevelProbabilities {
  const total = (counts[0] ?? 0) + (counts[1] ?? 0) + (counts[2] ?? 0) + 3 * SMOOTHING;
  return { exact: ((counts[0] ?? 0) + SMOOTHING) / total, close: ((counts[1] ?? 0) + SMOOTHING) / total, different: ((counts[2] ?? 0) + SMOOTHING) / total };
}

/**
 * Estimates Fellegi-Sunter m/u probabilities from unlabelled records, as Splink does: u from
 * random pairs (almost all non-matches), then m and the prior (share of matches among the
 * blocked candidate pairs) by expectation-maximisation with u held fixed. Identical comparison
 * vectors are aggregated, so EM costs little even on millions of pairs.
 * @example
 * const estimate = estimateFellegiSunter(matcher, prepared);
 * const fs = matcher.with({ mode: 'fellegi-sunter', fellegiSunter: estimate });
 */
export function estimateFellegiSunter<R, P>(matcher: CustomerMatcher<R, P>, records: readonly P[], options: EstimateOptions = {}): FellegiSunterEstimate {
  expectObject('estimateFellegiSunter matcher', matcher, 'a matcher from createCustomerMatcher()');
  expectArray('estimateFellegiSunter records', records);
  expectObject('estimateFellegiSunter options', options);
  const n = records.length;
  if (n < 2) throw new ValidationError('Fellegi-Sunter estimation input', [{ code: 'too_small', path: ['records'], message: 'Expected at least two records' }]);
  const fieldNames = matcher.fieldNames;
  const f = fieldNames.length;
  const random = mulberry32(options.seed ?? 1);
  const uCounts = fieldNames.map(() => [0, 0, 0]);
  const samples = options.uSamplePairs ?? 200_000;
  for (let s = 0; s < samples; s += 1) {
    const i = Math.floor(random() * n);
    let j = Math.floor(random() * (n - 1));
    if (j >= i) j += 1;
    matcher.levels(records[i] as P, records[j] as P).forEach((level, k) => {
      const l = levelIndex(level);
      const row = uCounts[k];
      if (l < 3 && row !== undefined) row[l] = (row[l] ?? 0) + 1;
    });
  }
  const u = uCounts.map(normalise);

  // Aggregate the candidate pairs' comparison vectors: pattern -> count.
  const patterns = new Map<string, number>();
  let pairs = 0;
  forEachCandidatePair(matcher, records, options.maxBlockSize ?? 100, (i, j) => {
    pairs += 1;
    const key = matcher.levels(records[i] as P, records[j] as P).map(levelIndex).join('');
    patterns.set(key, (patterns.get(key) ?? 0) + 1);
  });
  const vectors = [...patterns].map(([key, count]) => ({ levels: [...key].map(Number), count }));

  let m: LevelProbabilities[] = fieldNames.map(() => ({ exact: 0.9, close: 0.05, different: 0.05 }));
  let prior = 0.5;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-5;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations += 1;
    const mCounts = fieldNames.map(() => [0, 0, 0]);
    let matchMass = 0;
    let total = 0;
    for (const v of vectors) {
      let pm = prior;
      let pu = 1 - prior;
      for (let k = 0; k < f; k += 1) {
        const l = v.levels[k] ?? 3;
        if (l === 3) continue;
        const level = LEVELS[l] ?? 'different';
        pm *= m[k]?.[level] ?? 1;
        pu *= u[k]?.[level] ?? 1;
      }
      const posterior = pm / (pm + pu);
      matchMass += posterior * v.count;
      total += v.count;
      for (let k = 0; k < f; k += 1) {
        const l = v.levels[k] ?? 3;
        const row = mCounts[k];
        if (l < 3 && row !== undefined) row[l] = (row[l] ?? 0) + posterior * v.count;
      }
    }
    const nextM = mCounts.map(normalise);
    const nextPrior = Math.min(Math.max(matchMass / Math.max(total, 1), 1e-6), 1 - 1e-6);
    let delta = Math.abs(nextPrior - prior);
    nextM.forEach((row, k) => {
      for (const level of LEVELS) delta = Math.max(delta, Math.abs(row[level] - (m[k]?.[level] ?? 0)));
    });
    m = nextM;
    prior = nextPrior;
    converged = delta < tolerance;
  }
  const byName = (rows: LevelProbabilities[]): Record<string, LevelProbabilities> => Object.fromEntries(fieldNames.map((name, k) => [name, rows[k] ?? { exact: 0, close: 0, different: 1 }]));
  return { prior, m: byName(m), u: byName(u), iterations, converged, pairs };
}
