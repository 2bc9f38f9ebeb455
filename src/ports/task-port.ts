// Scheduled tasks with leases: sync compensation and ops jobs, safe with several workers.
import type { Instant } from '../clock/instant.js';
import type { JsonValue } from './json.js';

/** One failed attempt of a task, as its history keeps it. */
export interface TaskAttempt {
  readonly at: Instant;
  /** What went wrong, already masked (no personal data). */
  readonly error: string;
  /** A stable error code, when the failure had one (e.g. `TRANSPORT_FAILURE`, `TIMEOUT`). */
  readonly code?: string;
}

/** A task to run at or after `dueAt`. */
export interface TaskInput {
  /** The queue, e.g. `sync.compensation`. */
  readonly queue: string;
  /** Deduplication key within the queue: enqueueing a key that has an unfinished task is a no-op. */
  readonly key: string;
  readonly payload: JsonValue;
  readonly dueAt: Instant;
  /** For a task queued because something already failed (a sync push): when, so retry windows count from there. */
  readonly firstFailedAt?: Instant;
  /** Failures before the task was queued; every later `fail` and `deadLetter` appends one. */
  readonly history?: readonly TaskAttempt[];
}

/** A task as stored. */
export interface Task extends TaskInput {
  readonly id: string;
  readonly status: 'pending' | 'leased' | 'completed' | 'dead';
  /** Claims so far, including one in progress. */
  readonly attempts: number;
  /** When the first failure happened; retry windows (e.g. 72 h) count from here. */
  readonly firstFailedAt?: Instant;
  readonly lastError?: string;
  /** Every failure, oldest first: the ones it was queued with, then one per `fail` and `deadLetter`. */
  readonly history: readonly TaskAttempt[];
  readonly leaseOwner?: string;
  readonly leaseUntil?: Instant;
  readonly createdAt: Instant;
  readonly updatedAt: Instant;
}

/** Options for {@link TaskStore.claim}. */
export interface TaskClaimOptions {
  readonly queue: string;
  readonly owner: string;
  /** Due-ness is decided with this instant from the caller's clock, never the database's `now()`. */
  readonly now: Instant;
  readonly leaseUntil: Instant;
  readonly limit: number;
}

/**
 * One task change of a unit of work ({@link UnitOfWork.tasks}); applied at the unit's `at`.
 * - `enqueue`: a no-op when the queue has an unfinished task with the key; a used `id` fails the
 *   unit with `DUPLICATE_KEY`.
 * - `complete`, `fail` (rescheduled at `nextDueAt`), `deadLetter`: the task must be leased by
 *   `owner`, or the unit fails with `LEASE_LOST`. `fail` and `deadLetter` append `{ at, error, code }`
 *   to the task's history.
 */
export type TaskChange =
  | { readonly type: 'enqueue'; readonly id: string; readonly task: TaskInput }
  | { readonly type: 'complete'; readonly id: string; readonly owner: string }
  | { readonly type: 'fail'; readonly id: string; readonly owner: string; readonly error: string; readonly code?: string; readonly nextDueAt: Instant }
  | { readonly type: 'deadLetter'; readonly id: string; readonly owner: string; readonly error: string; readonly code?: string };

/** The task change types. */
export const TASK_CHANGE_TYPES = ['enqueue', 'complete', 'fail', 'deadLetter'] as const;

/**
 * Scheduled task access. The writes other than `claim` are conveniences over a one-change unit
 * of work ({@link TaskChange}); `complete`, `fail` and `deadLetter` answer `false` where the
 * unit would fail with `LEASE_LOST`.
 */
export interface TaskStore {
  /** Adds a task; returns the existing unfinished task with the same (queue, key) instead, if any. */
  enqueue(task: TaskInput, id: string, at: Instant): Promise<{ readonly task: Task; readonly created: boolean }>;
  /** Leases due tasks (pending with `dueAt <= now`, or leased with an expired lease), earliest due first. */
  claim(options: TaskClaimOptions): Promise<Task[]>;
  /** Completes a leased task; false when the lease was lost. */
  complete(id: string, owner: string, at: Instant): Promise<boolean>;
  /** Records a failure and reschedules at `nextDueAt`; false when the lease was lost. */
  fail(id: string, owner: string, failure: { readonly error: string; readonly code?: string; readonly nextDueAt: Instant; readonly at: Instant }): Promise<boolean>;
  /** Gives up on a leased task; false when the lease was lost. */
  deadLetter(id: string, owner: string, failure: { readonly error: string; readonly code?: string; readonly at: Instant }): Promise<boolean>;
  /** A task by id, or null. */
  get(id: string): Promise<Task | null>;
  /** Tasks of a queue by status, earliest due first. */
  list(options: { readonly queue?: string; readonly status?: Task['status']; readonly limit?: number }): Promise<Task[]>;
}
