// Accuracy measures on labelled data: pairwise precision, recall and F1, pairs completeness, reduction ratio.
import { expectArray, expectObject } from '../errors/validation-error.js';
import { forEachCandidatePair } from '../customers/dedupe.js';

/** Pairwise accuracy of a clustering against the truth. */
export interface ClusterAccuracy {
  /** Predicted same-person pairs that are truly the same person. */
  readonly truePositives: number;
  readonly predictedPairs: number;
  readonly truePairs: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

const pairsIn = (size: number): number => (size * (size - 1)) / 2;

/**
 * Pairwise precision, recall and F1 of clusters against a labelling (record id to true entity).
 * @example evaluateClusters(result.clusters, (id) => truth.get(id))
 */
export function evaluateClusters(clusters: readonly (readonly string[])[], entityOf: (id: string) => string | undefined): ClusterAccuracy {
  expectArray('evaluateClusters clusters', clusters);
  if (typeof entityOf !== 'function') expectObject('evaluateClusters entityOf', undefined, 'a function (id) => entity');
  let predictedPairs = 0;
  let truePositives = 0;
  const entitySizes = new Map<string, number>();
  for (const cluster of clusters) {
    predictedPairs += pairsIn(cluster.length);
    const byEntity = new Map<string, number>();
    for (const id of cluster) {
      const entity = entityOf(id) ?? `#${id}`;
      byEntity.set(entity, (byEntity.get(entity) ?? 0) + 1);
      entitySizes.set(entity, (entitySizes.get(entity) ?? 0) + 1);
    }
    for (const count of byEntity.values()) truePositives += pairsIn(count);
  }
  let truePairs = 0;
  for (const size of entitySizes.values()) truePairs += pairsIn(size);
  const precision = predictedPairs === 0 ? 1 : truePositives / predictedPairs;
  const recall = truePairs === 0 ? 1 : truePositives / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePositives, predictedPairs, truePairs, precision, recall, f1 };
}

/** How good a blocking scheme is on labelled data. */
export interface BlockingQuality {
  readonly candidatePairs: number;
  readonly truePairs: number;
  /** True pairs among the candidates. */
  readonly truePairsFound: number;
  /** truePairsFound / truePairs: the recall ceiling blocking leaves to the matcher. */
  readonly pairsCompleteness: number;
  /** 1 - candidatePairs / all pairs: the work blocking saves. */
  readonly reductionRatio: number;
}

/**
 * Pairs completeness and reduction ratio of a matcher's blocking keys on labelled records.
 * @example evaluateBlocking(matcher, prepared, (r) => truth.get(r.id), 100)
 */
export function evaluateBlocking<P>(
  matcher: { blockingKeys(record: P): string[] },
  records: readonly P[],
  entityOf: (record: P) => string | undefined,
  maxBlockSize = 100,
): BlockingQuality {
  expectArray('evaluateBlocking records', records);
  if (typeof entityOf !== 'function') expectObject('evaluateBlocking entityOf', undefined, 'a function (record) => entity');
  const entities = records.map((r, i) => entityOf(r) ?? `#${i}`);
  let candidatePairs = 0;
  let truePairsFound = 0;
  forEachCandidatePair(matcher, records, maxBlockSize, (i, j) => {
    candidatePairs += 1;
    if (entities[i] === entities[j]) truePairsFound += 1;
  });
  const sizes = new Map<string, number>();
  for (const e of entities) sizes.set(e, (sizes.get(e) ?? 0) + 1);
  let truePairs = 0;
  for (const size of sizes.values()) truePairs += pairsIn(size);
  const n = records.length;
  return {
    candidatePairs,
    truePairs,
    truePairsFound,
    pairsCompleteness: truePairs === 0 ? 1 : truePairsFound / truePairs,
    reductionRatio: n < 2 ? 1 : 1 - candidatePairs / pairsIn(n),
  };
}
