// PostgreSQL scheduled tasks: due-ness by the caller's instant, leases claimed with FOR UPDATE SKIP LOCKED.
import type { JsonValue } from '../../../ports/json.js';
import type { Task, TaskClaimOptions, TaskStore } from '../../../ports/task-port.js';
import { taskWrites } from '../shared/unit-conveniences.js';
import { commitPostgres } from './postgres-orders.js';
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
    ...taskWrites((unit, operation) => commitPostgres(context, unit, operation)),

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
