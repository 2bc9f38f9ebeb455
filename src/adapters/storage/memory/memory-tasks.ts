// The memory task store: dedupe by (queue, key), due-time claims with leases, owner-only settling;
// writes other than claims are one-change units of work.
import type { Instant } from '../../../clock/instant.js';
import { hasErrorCode } from '../../../errors/ordo-error.js';
import type { Task, TaskChange, TaskClaimOptions, TaskInput, TaskStore } from '../../../ports/task-port.js';
import { asArgumentError } from '../shared/unit-plan.js';
import { commitUnit } from './memory-commit.js';
import { copy, take, type MemoryState } from './memory-state.js';

/** Earliest due first; creation order (Map order, stable sort) breaks ties. */
function byDue(a: Task, b: Task): number {
  return a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0;
}

/** Creates the task store of a memory storage. */
export function createMemoryTasks(state: MemoryState): TaskStore {
  const { tasks } = state.tables;

  /** A one-change unit; a settle answers false, not an error, for a lease this owner lost. */
  const one = (operation: string, change: TaskChange, at: Instant): unknown => {
    state.enter(operation);
    try {
      return commitUnit(state, { tasks: [change], at }).tasks[0];
    } catch (error) {
      if (change.type !== 'enqueue' && hasErrorCode(error, 'LEASE_LOST')) return false;
      throw asArgumentError(error, ['tasks', 0], 'task');
    }
  };

  return {
    async enqueue(input: TaskInput, id: string, at: Instant): Promise<{ readonly task: Task; readonly created: boolean }> {
      return one('tasks.enqueue', { type: 'enqueue', id, task: input }, at) as { task: Task; created: boolean };
    },

    async claim(options: TaskClaimOptions): Promise<Task[]> {
      state.enter('tasks.claim');
      const { queue, owner, now, leaseUntil, limit } = options;
      const due = [...tasks.values()]
        .filter(
          (task) =>
            task.queue === queue &&
            ((task.status === 'pending' && task.dueAt <= now) ||
              (task.status === 'leased' && task.leaseUntil !== undefined && task.leaseUntil <= now)),
        )
        .sort(byDue);
      return take(due, limit).map((task) => {
        const leased: Task = { ...task, status: 'leased', attempts: task.attempts + 1, leaseOwner: owner, leaseUntil, updatedAt: now };
        tasks.set(task.id, leased);
        return copy(leased);
      });
    },

    async complete(id: string, owner: string, at: Instant): Promise<boolean> {
      return one('tasks.complete', { type: 'complete', id, owner }, at) as boolean;
    },

    async fail(id: string, owner: string, failure: { readonly error: string; readonly nextDueAt: Instant; readonly at: Instant }): Promise<boolean> {
      return one('tasks.fail', { type: 'fail', id, owner, error: failure.error, nextDueAt: failure.nextDueAt }, failure.at) as boolean;
    },

    async deadLetter(id: string, owner: string, failure: { readonly error: string; readonly at: Instant }): Promise<boolean> {
      return one('tasks.deadLetter', { type: 'deadLetter', id, owner, error: failure.error }, failure.at) as boolean;
    },

    async get(id: string): Promise<Task | null> {
      state.enter('tasks.get');
      const task = tasks.get(id);
      return task === undefined ? null : copy(task);
    },

    async list(options: { readonly queue?: string; readonly status?: Task['status']; readonly limit?: number }): Promise<Task[]> {
      state.enter('tasks.list');
      const matching = [...tasks.values()]
        .filter((task) => (options.queue === undefined || task.queue === options.queue) && (options.status === undefined || task.status === options.status))
        .sort(byDue);
      return take(matching, options.limit).map((task) => copy(task));
    },
  };
}
