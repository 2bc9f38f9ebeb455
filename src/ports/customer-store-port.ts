// The storage port of the customers module: profiles, golden records, blocking postings, merge audit.
import type { Instant } from '../clock/instant.js';
import type { Customer } from '../model/customer.js';
import type { MatchResult } from '../customers/matcher.js';

/** A merged person: one profile built from several source profiles, every source identity kept. */
export interface GoldenProfile {
  /** From the injected id source. */
  readonly id: string;
  /** The survived profile (its `id` is the golden id). */
  readonly profile: Customer;
  /** Ids of the source profiles merged into it, in merge order. */
  readonly sourceIds: readonly string[];
  /** Which source each surviving single-valued field came from, e.g. `{ idNumber: 'c2' }`. */
  readonly lineage: Readonly<Record<string, string>>;
  /** Starts at 1, +1 per change, for optimistic concurrency in storage adapters. */
  readonly version: number;
  readonly createdAt: Instant;
  readonly updatedAt: Instant;
}

/** What a merge audit record is about. */
export const MERGE_AUDIT_ACTIONS = ['merge', 'unmerge'] as const;
/** What a merge audit record is about. */
export type MergeAuditAction = (typeof MERGE_AUDIT_ACTIONS)[number];

/** The stored state a merge touched: source profiles and golden profiles. */
export interface MergeSnapshot {
  readonly profiles: readonly Customer[];
  readonly goldens: readonly GoldenProfile[];
}

/** One merge or unmerge: who, when, why, the evidence, and the exact state before and after. */
export interface MergeAuditRecord {
  readonly id: string;
  readonly action: MergeAuditAction;
  readonly goldenId: string;
  /** A user id, `system`, `matcher:v2`. */
  readonly actor: string;
  /** From the injected clock. */
  readonly at: Instant;
  readonly reason: string;
  /** The pairwise explanations behind the merge (values masked). */
  readonly evidence: readonly MatchResult[];
  /**
   * Snapshots. These hold personal data unmasked, because unmerge restores them exactly: store
   * them as you store profiles, not as log text.
   */
  readonly before: MergeSnapshot;
  readonly after: MergeSnapshot;
  /** For an unmerge, the merge it undid. */
  readonly undoes?: string;
}

/**
 * One customer change of a unit of work, applied in order with the unit's other changes.
 * - `putGolden`: `expectedVersion` is the stored version the writer read (`null`: none may
 *   exist); the golden profile's own `version` must be one more (1 for a new one). A stale
 *   expectation fails the unit with `CONCURRENCY_CONFLICT` (entity `golden profile`).
 * - `deleteGolden`: removes it and its source mappings; with `expectedVersion`, only that version.
 * - `deleteProfile`, `removePostings` of what is not there change nothing.
 * - `appendAudit`: an existing id fails the unit with `DUPLICATE_KEY`.
 */
export type CustomerChange =
  | { readonly type: 'putProfile'; readonly profile: Customer }
  | { readonly type: 'deleteProfile'; readonly id: string }
  | { readonly type: 'putGolden'; readonly golden: GoldenProfile; readonly expectedVersion: number | null }
  | { readonly type: 'deleteGolden'; readonly id: string; readonly expectedVersion?: number }
  | { readonly type: 'addPostings'; readonly recordId: string; readonly keys: readonly string[] }
  | { readonly type: 'removePostings'; readonly recordId: string; readonly keys: readonly string[] }
  | { readonly type: 'appendAudit'; readonly record: MergeAuditRecord };

/** The customer change types. */
export const CUSTOMER_CHANGE_TYPES = ['putProfile', 'deleteProfile', 'putGolden', 'deleteGolden', 'addPostings', 'removePostings', 'appendAudit'] as const;

/**
 * What the customer index and the merge service need from storage. Every method is async so SQL
 * adapters fit; not found is `null`; adapters return copies, never live references. Adapters
 * wrap their own failures in `StorageError`.
 */
export interface CustomerStore {
  /**
   * Applies customer changes atomically, in order: all of them or none. For a store inside a
   * `StoragePort` this is `storage.commit({ customers: changes })`.
   * @throws ConcurrencyError `CONCURRENCY_CONFLICT` for a stale golden version; StorageError
   * `DUPLICATE_KEY` for an existing audit id; each names the failing part (`details.part`).
   */
  commit(changes: readonly CustomerChange[]): Promise<void>;

  /** Inserts or replaces a source profile. */
  putProfile(profile: Customer): Promise<void>;
  getProfile(id: string): Promise<Customer | null>;
  /** Profiles by id, in the order asked, skipping missing ones. */
  getProfiles(ids: readonly string[]): Promise<Customer[]>;
  /** False when it was not there. */
  deleteProfile(id: string): Promise<boolean>;

  /**
   * Writes a golden profile and maps each of its source ids to it, optimistically: a profile
   * with `version` 1 must be new, any other must find `version - 1` stored.
   * @throws ConcurrencyError `CONCURRENCY_CONFLICT` otherwise; nothing is written then.
   */
  putGolden(golden: GoldenProfile): Promise<void>;
  getGolden(id: string): Promise<GoldenProfile | null>;
  /** The golden profile a source profile was merged into, or null. */
  findGoldenBySource(sourceId: string): Promise<GoldenProfile | null>;
  /** Removes a golden profile and its source mappings; false when it was not there. */
  deleteGolden(id: string): Promise<boolean>;

  /** Adds a record id to blocking keys' postings (idempotent). */
  addPostings(recordId: string, keys: readonly string[]): Promise<void>;
  /** Removes a record id from blocking keys' postings. */
  removePostings(recordId: string, keys: readonly string[]): Promise<void>;
  /**
   * Record ids under a key, up to `limit` (sorted by id), with the full count so callers can
   * skip oversized blocks.
   */
  getPostings(key: string, limit: number): Promise<{ readonly ids: readonly string[]; readonly total: number }>;

  /** Appends an audit record; a second record with the same id is refused (`DUPLICATE_KEY`). */
  appendAudit(record: MergeAuditRecord): Promise<void>;
  getAudit(id: string): Promise<MergeAuditRecord | null>;
  /** Audit records of a golden profile, oldest first. */
  listAudit(goldenId: string): Promise<MergeAuditRecord[]>;
}
