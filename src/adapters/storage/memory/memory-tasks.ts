// The memory task store: dedupe by (queue, key), due-time claims with leases, owner-only settling.
import type { Instant } from '../../../clock/instant.js';
import { StorageError } from '../../../errors/storage-error.js';
import type { Task, TaskClaimOptions, TaskInput, TaskStore } from '../../../ports/task-port.js';
import { copy, take, type MemoryState } from './memory-state.js';

/** Earliest due first; creation order (Map order, stable sort) breaks ties. */
function byDue(a: Task, b: Task): number {
  return a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0;
}

/** The task without its lease fields (exactOptionalPropertyTypes: absent, not undefined). */
function withoutLease(task: Task): Task {
  const { leaseOwner: _owner, leaseUntil: _until, ...rest } = task;
  return rest;
}

/** Creates the task store of a memory storage. */
export function createMemoryTasks(state: MemoryState): TaskStore {
  const { tasks } = state.tables;

  const leasedBy = (id: string, owner: string): Task | undefined => {
    const task = tasks.get(id);
    return task !== undefined && task.status === 'leased' && task.leaseOwner === owner ? task : undefined;
  };

  return {
    async enqueue(input: TaskInput, id: string, at: Instant): Promise<{ readonly task: Task; readonly created: boolean }> {
      state.enter('tasks.enqueue');
      for (const task of tasks.values()) {
        if (task.queue === input.queue && task.key === input.key && (task.status === 'pending' || task.status === 'leased')) {
          return { task: copy(task), created: false };
        }
      }
      if (tasks.has(id)) {
        throw new StorageError('DUPLICATE_KEY', { operation: 'tasks.enqueue', message: `task id "${id}" already exists`, hint: 'give every task a new id' });
      }
      const task: Task = { ...copy(input), id, status: 'pending', attempts: 0, createdAt: at, updatedAt: at };
      tasks.set(id, task);
      return { task: copy(task), created: true };
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
      state.enter('tasks.complete');
      const task = leasedBy(id, owner);
      if (task === undefined) return false;
      tasks.set(id, { ...withoutLease(task), status: 'completed', updatedAt: at });
      return true;
    },

    async fail(id: string, owner: string, failure: { readonly error: string; readonly nextDueAt: Instant; readonly at: Instant }): Promise<boolean> {
      state.enter('tasks.fail');
      const task = leasedBy(id, owner);
      if (task === undefined) return false;
      tasks.set(id, {
        ...withoutLease(task),
        status: 'pending',
        dueAt: failure.nextDueAt,
        lastError: failure.error,
        firstFailedAt: task.firstFailedAt ?? failure.at,
        updatedAt: failure.at,
      });
      return true;
    },

    async deadLetter(id: string, owner: string, failure: { readonly error: string; readonly at: Instant }): Promise<boolean> {
      state.enter('tasks.deadLetter');
      const task = leasedBy(id, owner);
      if (task === undefined) return false;
      tasks.set(id, {
        ...withoutLease(task),
        status: 'dead',
        lastError: failure.error,
        firstFailedAt: task.firstFailedAt ?? failure.at,
        updatedAt: failure.at,
      });
      return true;
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
