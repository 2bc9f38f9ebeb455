// SQLite scheduled tasks: due-ness by the caller's instant, leases claimed under the database write lock.
import type { Instant } from '../../../clock/instant.js';
import { StorageError } from '../../../errors/storage-error.js';
import type { JsonValue } from '../../../ports/json.js';
import type { Task, TaskClaimOptions, TaskInput, TaskStore } from '../../../ports/task-port.js';
import { TASK_COLUMNS, toTask as taskFromRow, type TaskRow as SharedTaskRow } from '../shared/task-rows.js';
import { jsonList, limitValue, type SqliteContext } from './sqlite-driver.js';

type TaskRow = SharedTaskRow<string>;

const toTask = (row: TaskRow): Task => taskFromRow(row, JSON.parse(row.payload) as JsonValue);

/** Creates the task store. */
export function createSqliteTasks(context: SqliteContext): TaskStore {
  const t = context.tables;

  const settle = (operation: string, sql: string, ...params: (string | null)[]): Promise<boolean> =>
    context.read(operation, (session) => session.run(sql, ...params) > 0);

  return {
    enqueue(input: TaskInput, id: string, at: Instant): Promise<{ readonly task: Task; readonly created: boolean }> {
      const payload = JSON.stringify(input.payload);
      return context.write('tasks.enqueue', (session) => {
        const unfinished = session.get<TaskRow>(`SELECT ${TASK_COLUMNS} FROM ${t.tasks} WHERE queue = ? AND key = ? AND status IN ('pending', 'leased')`, input.queue, input.key);
        if (unfinished !== undefined) return { task: toTask(unfinished), created: false };
        if (session.get(`SELECT 1 FROM ${t.tasks} WHERE id = ?`, id) !== undefined) {
          throw new StorageError('DUPLICATE_KEY', { operation: 'tasks.enqueue', message: `task id "${id}" already exists`, hint: 'give every task a new id' });
        }
        session.run(
          `INSERT INTO ${t.tasks} (id, queue, key, payload, due_at, status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
          id, input.queue, input.key, payload, input.dueAt, at, at,
        );
        return { task: toTask(session.get<TaskRow>(`SELECT ${TASK_COLUMNS} FROM ${t.tasks} WHERE id = ?`, id) as TaskRow), created: true };
      });
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

    complete(id: string, owner: string, at: Instant): Promise<boolean> {
      return settle(
        'tasks.complete',
        `UPDATE ${t.tasks} SET status = 'completed', lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'leased' AND lease_owner = ?`,
        at, id, owner,
      );
    },

    fail(id: string, owner: string, failure: { readonly error: string; readonly nextDueAt: Instant; readonly at: Instant }): Promise<boolean> {
      return settle(
        'tasks.fail',
        `UPDATE ${t.tasks} SET status = 'pending', due_at = ?, last_error = ?, first_failed_at = COALESCE(first_failed_at, ?), lease_owner = NULL, lease_until = NULL, updated_at = ?
         WHERE id = ? AND status = 'leased' AND lease_owner = ?`,
        failure.nextDueAt, failure.error, failure.at, failure.at, id, owner,
      );
    },

    deadLetter(id: string, owner: string, failure: { readonly error: string; readonly at: Instant }): Promise<boolean> {
      return settle(
        'tasks.deadLetter',
        `UPDATE ${t.tasks} SET status = 'dead', last_error = ?, first_failed_at = COALESCE(first_failed_at, ?), lease_owner = NULL, lease_until = NULL, updated_at = ?
         WHERE id = ? AND status = 'leased' AND lease_owner = ?`,
        failure.error, failure.at, failure.at, id, owner,
      );
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
