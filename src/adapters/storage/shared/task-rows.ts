// The tasks table as the SQL adapters read it: one row shape and one mapping to the port's Task.
import type { Instant } from '../../../clock/instant.js';
import type { JsonValue } from '../../../ports/json.js';
import type { Task, TaskAttempt, TaskChange, TaskInput } from '../../../ports/task-port.js';

/**
 * A task row as SQLite and PostgreSQL return it. `P` is the payload as the driver hands it over:
 * JSON text from SQLite, an already parsed value from PostgreSQL's json column.
 */
export interface TaskRow<P> {
  id: string;
  queue: string;
  key: string;
  payload: P;
  due_at: Instant;
  status: Task['status'];
  attempts: number;
  first_failed_at: Instant | null;
  last_error: string | null;
  /** JSON text from SQLite, parsed from PostgreSQL's jsonb. */
  history: string | TaskAttempt[];
  lease_owner: string | null;
  lease_until: Instant | null;
  created_at: Instant;
  updated_at: Instant;
}

/** The task columns, in {@link TaskRow}'s order. */
export const TASK_COLUMNS = 'id, queue, key, payload, due_at, status, attempts, first_failed_at, last_error, history, lease_owner, lease_until, created_at, updated_at';

/** Maps a task row to the port's {@link Task}, with the payload the adapter decoded; absent optionals are left out. */
export function toTask<P>(row: TaskRow<P>, payload: JsonValue): Task {
  return {
    id: row.id,
    queue: row.queue,
    key: row.key,
    payload,
    dueAt: row.due_at,
    status: row.status,
    attempts: row.attempts,
    ...(row.first_failed_at === null ? {} : { firstFailedAt: row.first_failed_at }),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    history: typeof row.history === 'string' ? (JSON.parse(row.history) as TaskAttempt[]) : row.history,
    ...(row.lease_owner === null ? {} : { leaseOwner: row.lease_owner }),
    ...(row.lease_until === null ? {} : { leaseUntil: row.lease_until }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The attempt a `fail` or `deadLetter` change appends to the task's history. */
export function attemptOf(change: Extract<TaskChange, { type: 'fail' | 'deadLetter' }>, at: Instant): TaskAttempt {
  return change.code === undefined ? { at, error: change.error } : { at, error: change.error, code: change.code };
}

/** The history a task is queued with, as JSON text. */
export function initialHistory(input: TaskInput): string {
  return JSON.stringify((input.history ?? []).map((attempt) => (attempt.code === undefined ? { at: attempt.at, error: attempt.error } : { at: attempt.at, error: attempt.error, code: attempt.code })));
}
