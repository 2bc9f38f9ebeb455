// SQLite scheduled tasks: due-ness by the caller's instant, leases claimed under the database write lock.
import type { Instant } from '../../../clock/instant.js';
import { hasErrorCode } from '../../../errors/ordo-error.js';
import type { JsonValue } from '../../../ports/json.js';
import type { Task, TaskChange, TaskClaimOptions, TaskInput, TaskStore } from '../../../ports/task-port.js';
import { asArgumentError } from '../shared/unit-plan.js';
import { commitSqlite } from './sqlite-orders.js';
import { TASK_COLUMNS, toTask as taskFromRow, type TaskRow as SharedTaskRow } from '../shared/task-rows.js';
import { jsonList, limitValue, type SqliteContext } from './sqlite-driver.js';

type TaskRow = SharedTaskRow<string>;

const toTask = (row: TaskRow): Task => taskFromRow(row, JSON.parse(row.payload) as JsonValue);

/** Creates the task store. */
export function createSqliteTasks(context: SqliteContext): TaskStore {
  const t = context.tables;

  /** A one-change unit; a settle answers false, not an error, for a lease this owner lost. */
  const one = async (operation: string, change: TaskChange, at: Instant): Promise<unknown> => {
    try {
      return (await commitSqlite(context, { tasks: [change], at }, operation)).tasks[0];
    } catch (error) {
      if (change.type !== 'enqueue' && hasErrorCode(error, 'LEASE_LOST')) return false;
      throw asArgumentError(error, ['tasks', 0], 'task');
    }
  };

  return {
    async enqueue(input: TaskInput, id: string, at: Instant): Promise<{ readonly task: Task; readonly created: boolean }> {
      return (await one('tasks.enqueue', { type: 'enqueue', id, task: input }, at)) as { task: Task; created: boolean };
    },

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

    async complete(id: string, owner: string, at: Instant): Promise<boolean> {
      return (await one('tasks.complete', { type: 'complete', id, owner }, at)) as boolean;
    },

    async fail(id: string, owner: string, failure: { readonly error: string; readonly nextDueAt: Instant; readonly at: Instant }): Promise<boolean> {
      return (await one('tasks.fail', { type: 'fail', id, owner, error: failure.error, nextDueAt: failure.nextDueAt }, failure.at)) as boolean;
    },

    async deadLetter(id: string, owner: string, failure: { readonly error: string; readonly at: Instant }): Promise<boolean> {
      return (await one('tasks.deadLetter', { type: 'deadLetter', id, owner, error: failure.error }, failure.at)) as boolean;
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
