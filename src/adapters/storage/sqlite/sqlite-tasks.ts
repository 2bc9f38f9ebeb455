// SQLite scheduled tasks: due-ness by the caller's instant, leases claimed under the database write lock.
import type { JsonValue } from '../../../ports/json.js';
import type { Task, TaskClaimOptions, TaskStore } from '../../../ports/task-port.js';
import { taskWrites } from '../shared/unit-conveniences.js';
import { commitSqlite } from './sqlite-orders.js';
import { TASK_COLUMNS, toTask as taskFromRow, type TaskRow as SharedTaskRow } from '../shared/task-rows.js';
import { jsonList, limitValue, type SqliteContext } from './sqlite-driver.js';

type TaskRow = SharedTaskRow<string>;

const toTask = (row: TaskRow): Task => taskFromRow(row, JSON.parse(row.payload) as JsonValue);

/** Creates the task store. */
export function createSqliteTasks(context: SqliteContext): TaskStore {
  const t = context.tables;

  return {
    ...taskWrites((unit, operation) => commitSqlite(context, unit, operation)),

    claim(options: TaskClaimOptions): Promise<Task[]> {
      const limit = limitValue(options.limit);
      if (limit === 0) return Promise.resolve([]);
      return context.write('tasks.claim', (session) => {
        const due = session.all<TaskRow>(
          `SELECT ${TASK_COLUMNS} FROM ${t.tasks}
           WHERE queue = ? AND ((status = 'pending' AND due_at <= ?) OR (status = 'leased' AND lease_until <= ?))
           ORDER BY due_at, seq LIMIT ?`,
          options.queue, options.now, options.now, limit,
        );
        if (due.length === 0) return [];
        session.run(
          `UPDATE ${t.tasks} SET status = 'leased', attempts = attempts + 1, lease_owner = ?, lease_until = ?, updated_at = ? WHERE id IN (SELECT value FROM json_each(?))`,
          options.owner, options.leaseUntil, options.now, jsonList(due.map((row) => row.id)),
        );
        return due.map((row) =>
          toTask({ ...row, status: 'leased', attempts: row.attempts + 1, lease_owner: options.owner, lease_until: options.leaseUntil, updated_at: options.now }),
        );
      });
    },

    get(id: string): Promise<Task | null> {
      return context.read('tasks.get', (session) => {
        const row = session.get<TaskRow>(`SELECT ${TASK_COLUMNS} FROM ${t.tasks} WHERE id = ?`, id);
        return row === undefined ? null : toTask(row);
      });
    },

    list(options: { readonly queue?: string; readonly status?: Task['status']; readonly limit?: number }): Promise<Task[]> {
      return context.read('tasks.list', (session) =>
        session
          .all<TaskRow>(
            `SELECT ${TASK_COLUMNS} FROM ${t.tasks} WHERE (? IS NULL OR queue = ?) AND (? IS NULL OR status = ?) ORDER BY due_at, seq LIMIT ?`,
            options.queue ?? null, options.queue ?? null, options.status ?? null, options.status ?? null, limitValue(options.limit),
          )
          .map(toTask),
      );
    },
  };
}
