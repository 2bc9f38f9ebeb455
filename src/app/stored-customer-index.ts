// The customer index over a CustomerStore: the same blocking and matching, with profiles and postings in storage.
import { z } from 'zod';
import { option, parseOptions } from '../errors/options.js';
import { expectObject } from '../errors/validation-error.js';
import type { Customer } from '../model/customer.js';
import type { IndexMatch, IndexMatchOptions } from '../customers/customer-index.js';
import type { CustomerChange, CustomerStore } from '../ports/customer-store-port.js';
import type { CustomerMatcher, MatchContext, MatchResult } from '../customers/matcher.js';

/** Options of {@link createStoredCustomerIndex}. */
export interface StoredCustomerIndexOptions {
  /**
   * Blocking keys held by more records than this are skipped and reported.
   * @default 100
   */
  readonly maxBlockSize?: number;
}

/** An index whose profiles and postings live in a {@link CustomerStore} (memory, SQLite, PostgreSQL). */
export interface StoredCustomerIndex {
  /** Stores the profile and its blocking postings, replacing an earlier version of it. */
  add(customer: Customer): Promise<void>;
  /** Removes the profile and its postings; false when it was not there. */
  remove(id: string): Promise<boolean>;
  /** Ranked candidates above the threshold, each explained. */
  match(customer: Customer, options?: IndexMatchOptions): Promise<IndexMatch>;
}

/**
 * Creates a storage-backed index. Several processes can share one store; the in-memory
 * {@link createCustomerIndex} is the fast path for one process.
 * @example const index = createStoredCustomerIndex(matcher, createMemoryCustomerStore());
 */
export function createStoredCustomerIndex<P>(matcher: CustomerMatcher<Customer, P>, store: CustomerStore, options: StoredCustomerIndexOptions = {}): StoredCustomerIndex {
  expectObject('createStoredCustomerIndex matcher', matcher, 'a matcher from createCustomerMatcher()');
  expectObject('createStoredCustomerIndex store', store, 'a CustomerStore');
  const { maxBlockSize } = parseOptions('stored customer index options', z.strictObject({ maxBlockSize: option.positiveInt().default(100) }), options);
  /** Blocking keys, then the keys counted only for frequency (payment real names). */
  const postedKeys = (prepared: P): string[] => [...matcher.blockingKeys(prepared), ...matcher.frequencyKeys(prepared)];
  /** The changes that take a stored profile and its postings out. */
  const removal = (existing: Customer): CustomerChange[] => [
    { type: 'removePostings', recordId: existing.id, keys: postedKeys(matcher.prepare(existing)) },
    { type: 'deleteProfile', id: existing.id },
  ];
  return Object.freeze({
    // Each write reads, decides the postings purely and commits one unit: a crash between two
    // awaits can no longer leave a profile without its postings or postings without a profile.
    async add(customer: Customer) {
      const existing = await store.getProfile(customer.id);
      await store.commit([
        ...(existing === null ? [] : removal(existing)),
        { type: 'putProfile', profile: customer },
        { type: 'addPostings', recordId: customer.id, keys: postedKeys(matcher.prepare(customer)) },
      ]);
    },
    async remove(id: string) {
      const existing = await store.getProfile(id);
      if (existing === null) return false;
      await store.commit(removal(existing));
      return true;
    },
    async match(customer: Customer, matchOptions: IndexMatchOptions = {}) {
      const threshold = matchOptions.threshold ?? matcher.threshold;
      const limit = matchOptions.limit ?? 10;
      const prepared = matcher.prepare(customer);
      const totals = new Map<string, number>();
      const ids = new Set<string>();
      const oversizedKeys: string[] = [];
      for (const key of matcher.blockingKeys(prepared)) {
        const postings = await store.getPostings(key, maxBlockSize);
        totals.set(key, postings.total);
        if (postings.total > maxBlockSize) {
          oversizedKeys.push(key);
          continue;
        }
        for (const id of postings.ids) if (id !== customer.id) ids.add(id);
      }
      for (const key of matcher.frequencyKeys(prepared)) totals.set(key, (await store.getPostings(key, 0)).total);
      const context: MatchContext = { frequency: (field, key) => totals.get(`${field}:${key}`) ?? 1 };
      const candidates: MatchResult[] = [];
      for (const other of await store.getProfiles([...ids])) {
        const result = matcher.compare(prepared, matcher.prepare(other), context);
        if (result.score >= threshold && !result.conflict) candidates.push(result);
      }
      candidates.sort((a, b) => b.score - a.score || (a.rightId < b.rightId ? -1 : 1));
      return { candidates: candidates.slice(0, limit), comparisons: ids.size, oversizedKeys };
    },
  });
}
