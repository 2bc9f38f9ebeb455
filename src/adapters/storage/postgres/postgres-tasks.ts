// PostgreSQL scheduled tasks: due-ness by the caller's instant, leases claimed with FOR UPDATE SKIP LOCKED.
import type { Instant } from '../../../clock/instant.js';
import { StorageError } from '../../../errors/storage-error.js';
import type { JsonValue } from '../../../ports/json.js';
import type { Task, TaskClaimOptions, TaskInput, TaskStore } from '../../../ports/task-port.js';
import { TASK_COLUMNS, toTask as taskFromRow, type TaskRow as SharedTaskRow } from '../shared/task-rows.js';
import { limitParam, type PgContext } from './postgres-driver.js';

/** A row with its insertion order, for ties of due instants. */
type TaskRow = SharedTaskRow<JsonValue> & { seq: string };

const COLUMNS = `seq, ${TASK_COLUMNS}`;

const toTask = (row: TaskRow): Task => taskFromRow(row, row.payload);

/** Earliest due first, creation order next. */
function byDue(a: TaskRow, b: TaskRow): number {
  return a.due_at < b.due_at ? -1 : a.due_at > b.due_at ? 1 : Number(a.seq) - Number(b.seq);
}

/** Creates the task store. */
export function createPostgresTasks(context: PgContext): TaskStore {
  const t = context.tables;

  return {
    async enqueue(input: TaskInput, id: string, at: Instant): Promise<{ readonly task: Task; readonly created: boolean }> {
      // The partial unique index on unfinished (queue, key) decides races between workers.
      for (let attempt = 1; ; attempt += 1) {
        const inserted = await context.query(
          'tasks.enqueue',
          `INSERT INTO ${t.tasks} (id, queue, key, payload, due_at, status, attempts, created_at, updated_at)
           VALUES ($1, $2, $3, $4::jsonb, $5, 'pending', 0, $6, $6) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
          [id, input.queue, input.key, JSON.stringify(input.payload), input.dueAt, at],
          'task_enqueue',
        );
        const row = inserted.rows[0] as TaskRow | undefined;
        if (row !== undefined) return { task: toTask(row), created: true };
        const existing = await context.query(
          'tasks.enqueue',
          `SELECT ${COLUMNS} FROM ${t.tasks} WHERE queue = $1 AND key = $2 AND status IN ('pending', 'leased')`,
          [input.queue, input.key],
        );
        const unfinished = existing.rows[0] as TaskRow | undefined;
        if (unfinished !== undefined) return { task: toTask(unfinished), created: false };
        const sameId = await context.query('tasks.enqueue', `SELECT 1 FROM ${t.tasks} WHERE id = $1`, [id]);
        if (sameId.rows.length > 0) {
          throw new StorageError('DUPLICATE_KEY', { operation: 'tasks.enqueue', message: `task id "${id}" already exists`, hint: 'give every task a new id' });
        }
        // The unfinished task finished between the two statements: try the insert again.
        if (attempt >= 3) {
          throw new StorageError('STORAGE_FAILURE', { operation: 'tasks.enqueue', message: `task (${input.queue}, ${input.key}) kept changing under concurrent workers` });
        }
      }
    },

    async claim(options: TaskClaimOptions): Promise<Task[]> {
      const limit = limitParam(options.limit) ?? 0;
      if (limit === 0) return [];
      const result = await context.query(
        'tasks.claim',
        `UPDATE ${t.tasks} SET status = 'leased', attempts = attempts + 1, lease_owner = $2, lease_until = $4, updated_at = $3
         WHERE id IN (
           SELECT id FROM ${t.tasks}
           WHERE queue = $1 AND status IN ('pending', 'leased') AND due_at <= $3
             AND (status = 'pending' OR lease_until <= $3)
           ORDER BY due_at, seq LIMIT $5 FOR UPDATE SKIP LOCKED)
         RETURNING ${COLUMNS}`,
        [options.queue, options.owner, options.now, options.leaseUntil, limit],
        'task_claim',
      );
      // An expired lease is claimable whatever its due time; those rows have due_at <= their lease start.
      return (result.rows as TaskRow[]).sort(byDue).map(toTask);
    },

    async complete(id: string, owner: string, at: Instant): Promise<boolean> {
      const result = await context.query(
        'tasks.complete',
        `UPDATE ${t.tasks} SET status = 'completed', lease_owner = NULL, lease_until = NULL, updated_at = $3
         WHERE id = $1 AND status = 'leased' AND lease_owner = $2`,
        [id, owner, at],
        'task_complete',
      );
      return (result.rowCount ?? 0) > 0;
    },

    async fail(id: string, owner: string, failure: { readonly error: string; readonly nextDueAt: Instant; readonly at: Instant }): Promise<boolean> {
      const result = await context.query(
        'tasks.fail',
        `UPDATE ${t.tasks} SET status = 'pending', due_at = $3, last_error = $4, first_failed_at = COALESCE(first_failed_at, $5),
           lease_owner = NULL, lease_until = NULL, updated_at = $5
         WHERE id = $1 AND status = 'leased' AND lease_owner = $2`,
        [id, owner, failure.nextDueAt, failure.error, failure.at],
      );
      return (result.rowCount ?? 0) > 0;
    },

    async deadLetter(id: string, owner: string, failure: { readonly error: string; readonly at: Instant }): Promise<boolean> {
      const result = await context.query(
        'tasks.deadLetter',
        `UPDATE ${t.tasks} SET status = 'dead', last_error = $3, first_failed_at = COALESCE(first_failed_at, $4),
           lease_owner = NULL, lease_until = NULL, updated_at = $4
         WHERE id = $1 AND status = 'leased' AND lease_owner = $2`,
        [id, owner, failure.error, failure.at],
      );
      return (result.rowCount ?? 0) > 0;
    },

    async get(id: string): Promise<Task | null> {
      const result = await context.query('tasks.get', `SELECT ${COLUMNS} FROM ${t.tasks} WHERE id = $1`, [id]);
      const row = result.rows[0] as TaskRow | undefined;
      return row === undefined ? null : toTask(row);
    },

    async list(options: { readonly queue?: string; readonly status?: Task['status']; readonly limit?: number }): Promise<Task[]> {
      const result = await context.query(
        'tasks.list',
        `SELECT ${COLUMNS} FROM ${t.tasks} WHERE ($1::text IS NULL OR queue = $1) AND ($2::text IS NULL OR status = $2)
         ORDER BY due_at, seq LIMIT $3`,
        [options.queue ?? null, options.status ?? null, limitParam(options.limit)],
      );
      return (result.rows as TaskRow[]).map(toTask);
    },
  };
}
