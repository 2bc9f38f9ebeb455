// Batch dedupe: blocking, pairwise scoring and clustering with a guard against chaining.
import { expectArray, expectObject, ValidationError } from '../errors/validation-error.js';
import type { CustomerMatcher, MatchContext } from './matcher.js';

/** Options of {@link dedupe}. */
export interface DedupeOptions {
  /**
   * Minimum score of a link.
   * @default the matcher's threshold
   */
  readonly threshold?: number;
  /**
   * Blocking keys held by more records than this produce no candidate pairs and are reported.
   * @default 100
   */
  readonly maxBlockSize?: number;
  /**
   * Anti-chaining guard: two clusters are joined only when no pair across them disagrees (a
   * different ID number, a clearly different name) without itself scoring above the threshold.
   * So a shared family phone or device links a record to one household member, never the
   * household into one profile.
   * @default true
   */
  readonly chainingGuard?: boolean;
  /**
   * Clusters never grow beyond this size; a refused join is counted in the stats.
   * @default 50
   */
  readonly maxClusterSize?: number;
}

/** A scored link between two records (indexes into the input). */
export interface DedupeLink {
  readonly left: number;
  readonly right: number;
  readonly score: number;
}

/** What a batch dedupe did and found. */
export interface DedupeStats {
  readonly records: number;
  /** Distinct candidate pairs produced by blocking (and compared). */
  readonly candidatePairs: number;
  /** 1 - candidatePairs / (n(n-1)/2). */
  readonly reductionRatio: number;
  /** Links at or above the threshold. */
  readonly links: number;
  /** Links refused because an identity field (ID number) differs across the two clusters. */
  readonly refusedForConflict: number;
  /** Links refused by the average-linkage or size guard. */
  readonly refusedForChaining: number;
  /** Blocking keys skipped for holding more than `maxBlockSize` records, with their sizes. */
  readonly oversizedKeys: readonly { readonly key: string; readonly size: number }[];
}

/** Clusters of record ids (every record is in exactly one cluster; singletons included). */
export interface DedupeResult {
  readonly clusters: readonly (readonly string[])[];
  readonly links: readonly DedupeLink[];
  readonly stats: DedupeStats;
}

function validateOptions(options: DedupeOptions): void {
  const issues = [];
  if (options.maxBlockSize !== undefined && !(Number.isInteger(options.maxBlockSize) && options.maxBlockSize >= 2)) issues.push({ code: 'out_of_range', path: ['maxBlockSize'], message: 'Expected an integer of at least 2' });
  if (options.threshold !== undefined && !(options.threshold >= 0 && options.threshold <= 1)) issues.push({ code: 'out_of_range', path: ['threshold'], message: 'Expected a threshold in [0, 1]' });
  if (options.maxClusterSize !== undefined && !(Number.isInteger(options.maxClusterSize) && options.maxClusterSize >= 2)) issues.push({ code: 'out_of_range', path: ['maxClusterSize'], message: 'Expected an integer of at least 2' });
  if (issues.length > 0) throw new ValidationError('dedupe options', issues);
}

/**
 * Candidate pairs from blocking: every pair sharing a key held by at most `maxBlockSize` records.
 * Calls `visit(i, j)` once per distinct pair (i < j). Returns the oversized keys.
 */
export function forEachCandidatePair<P>(
  matcher: { blockingKeys(record: P): string[] },
  records: readonly P[],
  maxBlockSize: number,
  visit: (i: number, j: number) => void,
): { readonly key: string; readonly size: number }[] {
  expectObject('forEachCandidatePair matcher', matcher, 'a matcher with blockingKeys');
  expectArray('forEachCandidatePair records', records);
  if (typeof visit !== 'function') expectObject('forEachCandidatePair visit', undefined, 'a function (i, j) => void');
  const postings = blockingPostings(matcher, records);
  return forEachPairIn(postings.byKey, postings.keysOf, maxBlockSize, visit);
}

interface Postings {
  readonly byKey: Map<string, number[]>;
  readonly keysOf: string[][];
}

function blockingPostings<P>(matcher: { blockingKeys(record: P): string[] }, records: readonly P[]): Postings {
  const byKey = new Map<string, number[]>();
  const keysOf: string[][] = new Array<string[]>(records.length);
  for (let i = 0; i < records.length; i += 1) {
    const keys = matcher.blockingKeys(records[i] as P);
    keysOf[i] = keys;
    for (const key of keys) {
      const list = byKey.get(key);
      if (list === undefined) byKey.set(key, [i]);
      else list.push(i);
    }
  }
  return { byKey, keysOf };
}

function forEachPairIn(byKey: Map<string, number[]>, keysOf: string[][], maxBlockSize: number, visit: (i: number, j: number) => void): { key: string; size: number }[] {
  const oversized: { key: string; size: number }[] = [];
  for (const [key, list] of byKey) if (list.length > maxBlockSize) oversized.push({ key, size: list.length });
  // Per record, the union of its blocks' later members: each pair is visited once without a global pair set.
  const seen = new Set<number>();
  for (let i = 0; i < keysOf.length; i += 1) {
    seen.clear();
    for (const key of keysOf[i] ?? []) {
      const list = byKey.get(key);
      if (list === undefined || list.length < 2 || list.length > maxBlockSize) continue;
      for (const j of list) {
        if (j <= i || seen.has(j)) continue;
        seen.add(j);
        visit(i, j);
      }
    }
  }
  return oversized;
}

/**
 * Finds the clusters of one person in a batch: blocking, scoring, then greedy single linkage
 * from the strongest link down, where a link joins two clusters only when no identity field
 * differs between them and no pair across them disagrees (see `chainingGuard`).
 * @example dedupe(matcher, customers.map(matcher.prepare)).clusters.filter((c) => c.length > 1)
 */
export function dedupe<R, P>(matcher: CustomerMatcher<R, P>, records: readonly P[], options: DedupeOptions = {}): DedupeResult {
  expectArray('dedupe records', records);
  expectObject('dedupe matcher', matcher, 'a matcher from createCustomerMatcher()');
  expectObject('dedupe options', options);
  validateOptions(options);
  const threshold = options.threshold ?? matcher.threshold;
  const maxBlockSize = options.maxBlockSize ?? 100;
  const chainingGuard = options.chainingGuard ?? true;
  const maxClusterSize = options.maxClusterSize ?? 50;
  const n = records.length;
  const postings = blockingPostings(matcher, records);
  // Values that count for frequency but do not block (payment real names) are counted apart.
  const counts = new Map<string, number>();
  for (const record of records) for (const key of matcher.frequencyKeys(record)) counts.set(key, (counts.get(key) ?? 0) + 1);
  const context: MatchContext = {
    frequency: (field, key) => {
      const k = `${field}:${key}`;
      return postings.byKey.get(k)?.length ?? counts.get(k) ?? 1;
    },
    total: n,
  };
  const leftOf: number[] = [];
  const rightOf: number[] = [];
  const scoreOf: number[] = [];
  let candidatePairs = 0;
  const oversizedKeys = forEachPairIn(postings.byKey, postings.keysOf, maxBlockSize, (i, j) => {
    candidatePairs += 1;
    const score = matcher.score(records[i] as P, records[j] as P, context);
    if (score >= threshold) {
      leftOf.push(i);
      rightOf.push(j);
      scoreOf.push(score);
    }
  });
  const order = Array.from(scoreOf.keys()).sort((a, b) => (scoreOf[b] ?? 0) - (scoreOf[a] ?? 0) || a - b);

  const parent = new Int32Array(n);
  for (let i = 0; i < n; i += 1) parent[i] = i;
  const members = new Map<number, number[]>();
  const identity = new Map<number, string[]>();
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r] ?? r;
    while (parent[x] !== r) {
      const next = parent[x] ?? r;
      parent[x] = r;
      x = next;
    }
    return r;
  };
  const membersOf = (r: number): number[] => members.get(r) ?? [r];
  const identityOf = (r: number): string[] => identity.get(r) ?? matcher.identityKeys(records[r] as P);
  const identityConflict = (a: string[], b: string[]): boolean => {
    for (const ka of a) {
      const field = ka.slice(0, ka.indexOf(':') + 1);
      let sameField = false;
      for (const kb of b) {
        if (!kb.startsWith(field)) continue;
        if (kb === ka) return false;
        sameField = true;
      }
      if (sameField) return true;
    }
    return false;
  };

  // Large clusters are checked on their first members only, which bounds the cost per join.
  const crossDisagreement = (ma: number[], mb: number[]): boolean => {
    for (const a of ma.slice(0, 8)) {
      for (const b of mb.slice(0, 8)) {
        const ra = records[a] as P;
        const rb = records[b] as P;
        if (matcher.disagrees(ra, rb) && matcher.score(ra, rb, context) < threshold) return true;
      }
    }
    return false;
  };

  let refusedForConflict = 0;
  let refusedForChaining = 0;
  const links: DedupeLink[] = [];
  for (const e of order) {
    const i = leftOf[e] ?? 0;
    const j = rightOf[e] ?? 0;
    const ri = find(i);
    const rj = find(j);
    if (ri === rj) continue;
    const idA = identityOf(ri);
    const idB = identityOf(rj);
    if (identityConflict(idA, idB)) {
      refusedForConflict += 1;
      continue;
    }
    const ma = membersOf(ri);
    const mb = membersOf(rj);
    if (ma.length + mb.length > maxClusterSize) {
      refusedForChaining += 1;
      continue;
    }
    if (chainingGuard && ma.length + mb.length > 2 && crossDisagreement(ma, mb)) {
      refusedForChaining += 1;
      continue;
    }
    const [root, child] = ma.length >= mb.length ? [ri, rj] : [rj, ri];
    parent[child] = root;
    members.set(root, [...membersOf(root), ...membersOf(child)]);
    members.delete(child);
    identity.set(root, [...new Set([...idA, ...idB])]);
    identity.delete(child);
    links.push({ left: i, right: j, score: scoreOf[e] ?? 0 });
  }

  const clusters: string[][] = [];
  for (let i = 0; i < n; i += 1) {
    if (find(i) !== i) continue;
    clusters.push(membersOf(i).map((m) => matcher.id(records[m] as P)));
  }
  const totalPairs = (n * (n - 1)) / 2;
  return {
    clusters,
    links,
    stats: {
      records: n,
      candidatePairs,
      reductionRatio: totalPairs === 0 ? 1 : 1 - candidatePairs / totalPairs,
      links: scoreOf.length,
      refusedForConflict,
      refusedForChaining,
      oversizedKeys,
    },
  };
}
