// The in-memory blocking index: add, remove and match one customer against many, in a handful of comparisons.
import { expectObject, ValidationError } from '../errors/validation-error.js';
import type { CustomerMatcher, MatchContext, MatchResult } from './matcher.js';

/** Options of {@link createCustomerIndex}. */
export interface CustomerIndexOptions {
  /**
   * A blocking key held by more records than this is not used to find candidates (a shared
   * office phone, a placeholder device) and is reported in `oversizedKeys`.
   * @default 100
   */
  readonly maxBlockSize?: number;
}

/** Options of {@link CustomerIndex.match}. */
export interface IndexMatchOptions {
  /**
   * Minimum score of a returned candidate.
   * @default the matcher's threshold
   */
  readonly threshold?: number;
  /**
   * Maximum number of candidates returned.
   * @default 10
   */
  readonly limit?: number;
}

/** The candidates for one customer, best first, each with its explanation. */
export interface IndexMatch {
  readonly candidates: readonly MatchResult[];
  /** How many records were compared (the blocking's work). */
  readonly comparisons: number;
  /** Blocking keys skipped for holding more than `maxBlockSize` records. */
  readonly oversizedKeys: readonly string[];
}

/** An in-memory index of prepared records. Synchronous: a storage-backed index wraps the same pieces. */
export interface CustomerIndex<R, P> {
  readonly size: number;
  /** Prepares and indexes a record, replacing any record with the same id; returns the prepared record. */
  add(record: R): P;
  /** Indexes an already prepared record. */
  addPrepared(record: P): P;
  /** Removes a record; false when it was not there. */
  remove(id: string): boolean;
  /** The prepared record, or null. */
  get(id: string): P | null;
  /** Ranked candidates above the threshold for a record (indexed or not); itself excluded. */
  match(record: R | P, options?: IndexMatchOptions): IndexMatch;
  /** How many records hold a blocking key. */
  postingCount(key: string): number;
  /** Frequencies for common-value and term-frequency adjustment. */
  readonly context: MatchContext;
}

type Posting = string | string[];

/**
 * Creates an in-memory index over a matcher's blocking keys.
 * @example
 * const index = createCustomerIndex(createCustomerMatcher(chineseRetailPreset()));
 * index.add(customer);
 * index.match(newCustomer).candidates[0]?.score
 */
export function createCustomerIndex<R, P>(matcher: CustomerMatcher<R, P>, options: CustomerIndexOptions = {}): CustomerIndex<R, P> {
  expectObject('createCustomerIndex matcher', matcher, 'a matcher from createCustomerMatcher()');
  expectObject('createCustomerIndex options', options);
  const maxBlockSize = options.maxBlockSize ?? 100;
  if (!Number.isInteger(maxBlockSize) || maxBlockSize < 1) {
    throw new ValidationError('customer index options', [{ code: 'out_of_range', path: ['maxBlockSize'], message: 'Expected a positive integer' }]);
  }
  const records = new Map<string, P>();
  const keysOf = new Map<string, readonly string[]>();
  // Most keys are held by one record: a bare string until a second record shares it saves memory.
  const postings = new Map<string, Posting>();

  // Values that count for frequency but do not block (payment real names): counts only.
  const counts = new Map<string, number>();
  const count = (key: string): number => {
    const p = postings.get(key);
    return p === undefined ? (counts.get(key) ?? 0) : typeof p === 'string' ? 1 : p.length;
  };
  const tally = (record: P, delta: 1 | -1): void => {
    for (const key of matcher.frequencyKeys(record)) {
      const next = (counts.get(key) ?? 0) + delta;
      if (next > 0) counts.set(key, next);
      else counts.delete(key);
    }
  };
  const context: MatchContext = {
    frequency: (field, key) => count(`${field}:${key}`),
    get total() {
      return records.size;
    },
  };

  function post(key: string, id: string): void {
    const p = postings.get(key);
    if (p === undefined) postings.set(key, id);
    else if (typeof p === 'string') {
      if (p !== id) postings.set(key, [p, id]);
    } else if (!p.includes(id)) p.push(id);
  }
  function unpost(key: string, id: string): void {
    const p = postings.get(key);
    if (p === undefined) return;
    if (typeof p === 'string') {
      if (p === id) postings.delete(key);
      return;
    }
    const at = p.indexOf(id);
    if (at >= 0) p.splice(at, 1);
    if (p.length === 1) postings.set(key, p[0] ?? '');
  }

  function remove(id: string): boolean {
    const keys = keysOf.get(id);
    if (keys === undefined) return false;
    for (const key of keys) unpost(key, id);
    const record = records.get(id);
    if (record !== undefined) tally(record, -1);
    keysOf.delete(id);
    records.delete(id);
    return true;
  }

  function addPrepared(record: P): P {
    const id = matcher.id(record);
    remove(id);
    const keys = matcher.blockingKeys(record);
    for (const key of keys) post(key, id);
    tally(record, 1);
    records.set(id, record);
    keysOf.set(id, keys);
    return record;
  }

  const isPrepared = (record: R | P): record is P => keysOf.has(matcher.id(record as P)) && records.get(matcher.id(record as P)) === record;

  return {
    get size() {
      return records.size;
    },
    add: (record) => addPrepared(matcher.prepare(record)),
    addPrepared,
    remove,
    get: (id) => records.get(id) ?? null,
    postingCount: count,
    context,
    match(record, matchOptions = {}) {
      const threshold = matchOptions.threshold ?? matcher.threshold;
      const limit = matchOptions.limit ?? 10;
      const prepared = isPrepared(record) ? record : matcher.prepare(record as R);
      const selfId = matcher.id(prepared);
      const seen = new Set<string>();
      const oversizedKeys: string[] = [];
      const scored: { id: string; score: number }[] = [];
      for (const key of matcher.blockingKeys(prepared)) {
        const p = postings.get(key);
        if (p === undefined) continue;
        const ids = typeof p === 'string' ? [p] : p;
        if (ids.length > maxBlockSize) {
          oversizedKeys.push(key);
          continue;
        }
        for (const id of ids) {
          if (id === selfId || seen.has(id)) continue;
          seen.add(id);
          const other = records.get(id);
          if (other === undefined) continue;
          const score = matcher.score(prepared, other, context);
          if (score >= threshold) scored.push({ id, score });
        }
      }
      scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
      const candidates: MatchResult[] = [];
      for (const { id } of scored) {
        if (candidates.length >= limit) break;
        const other = records.get(id);
        if (other === undefined) continue;
        const result = matcher.compare(prepared, other, context);
        if (!result.conflict) candidates.push(result);
      }
      return { candidates, comparisons: seen.size, oversizedKeys };
    },
  };
}
