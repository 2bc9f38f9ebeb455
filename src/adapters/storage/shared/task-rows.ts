// The tasks table as the SQL adapters read it: one row shape and one mapping to the port's Task.
import type { Instant } from '../../../clock/instant.js';
import type { JsonValue } from '../../../ports/json.js';
import type { Task } from '../../../ports/task-port.js';

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
  lease_owner: string | null;
  lease_until: Instant | null;
  created_at: Instant;
  updated_at: Instant;
}

/** The task columns, in {@link TaskRow}'s order. */
export const TASK_COLUMNS = 'id, queue, key, payload, due_at, status, attempts, first_failed_at, last_error, lease_owner, lease_until, created_at, updated_at';

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
    ...(row.lease_owner === null ? {} : { leaseOwner: row.lease_owner }),
    ...(row.lease_until === null ? {} : { leaseUntil: row.lease_until }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
