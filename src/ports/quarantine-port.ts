// Quarantine: records that failed validation, kept with their issues until fixed and replayed.
import type { Instant } from '../clock/instant.js';
import type { ValidationIssue } from '../errors/validation-error.js';
import type { JsonValue } from './json.js';

/** A record that could not be accepted. */
export interface QuarantineInput {
  readonly id: string;
  /** Where it came from, e.g. `intake:tmall`. */
  readonly source: string;
  /** The payload exactly as received. */
  readonly payload: JsonValue;
  readonly issues: readonly ValidationIssue[];
  readonly receivedAt: Instant;
}

/** A quarantined record as stored. */
export interface QuarantineRecord extends QuarantineInput {
  readonly status: 'open' | 'replayed' | 'discarded';
  readonly updatedAt: Instant;
  /** How many times it was fixed (payload replaced). */
  readonly revisions: number;
}

/**
 * One quarantine change of a unit of work ({@link UnitOfWork.quarantine}); applied at the unit's `at`.
 * - `put`: a no-op when the id exists (a redelivered bad payload never overwrites a record being fixed).
 * - `fix`, `markReplayed`, `discard`: the record must be open, or the unit fails with
 *   `CONCURRENCY_CONFLICT` (entity `quarantine record`, expected status `open`).
 */
export type QuarantineChange =
  | { readonly type: 'put'; readonly record: QuarantineInput }
  | { readonly type: 'fix'; readonly id: string; readonly payload: JsonValue; readonly issues: readonly ValidationIssue[] }
  | { readonly type: 'markReplayed'; readonly id: string }
  | { readonly type: 'discard'; readonly id: string };

/** The quarantine change types. */
export const QUARANTINE_CHANGE_TYPES = ['put', 'fix', 'markReplayed', 'discard'] as const;

/**
 * Quarantine access. The writes are conveniences over a one-change unit of work
 * ({@link QuarantineChange}); `fix` answers `null` and `markReplayed`/`discard` answer `false`
 * for a record that is not open.
 */
export interface QuarantineStore {
  put(record: QuarantineInput): Promise<QuarantineRecord>;
  get(id: string): Promise<QuarantineRecord | null>;
  list(options?: { readonly source?: string; readonly status?: QuarantineRecord['status']; readonly limit?: number }): Promise<QuarantineRecord[]>;
  /** Replaces the payload with a fixed one (and the issues found on it, if any remain). */
  fix(id: string, payload: JsonValue, issues: readonly ValidationIssue[], at: Instant): Promise<QuarantineRecord | null>;
  /** Marks it replayed after the fixed payload was accepted. */
  markReplayed(id: string, at: Instant): Promise<boolean>;
  /** Gives up on it, keeping it for audit. */
  discard(id: string, at: Instant): Promise<boolean>;
}
