// The memory task store: dedupe by (queue, key), due-time claims with leases, owner-only settling;
// writes other than claims are one-change units of work.
import type { Task, TaskClaimOptions, TaskStore } from '../../../ports/task-port.js';
import { taskWrites } from '../shared/unit-conveniences.js';
import { memoryRunner } from './memory-commit.js';
import { copy, take, type MemoryState } from './memory-state.js';

/** Earliest due first; creation order (Map order, stable sort) breaks ties. */
function byDue(a: Task, b: Task): number {
  return a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0;
}

/** Creates the task store of a memory storage. */
export function createMemoryTasks(state: MemoryState): TaskStore {
  const { tasks } = state.tables;

  return {
    ...taskWrites(memoryRunner(state)),

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
