// The task worker's own surface: work queued without a failure, handlers contributed by services,
// and which outcomes become outbox events.
import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { createTaskWorker } from '../../src/app/index.js';
import { createManualClock, instant } from '../../src/clock/index.js';

const T0 = instant('2026-11-11T00:00:00.000Z');

describe('createTaskWorker', () => {
  it('runs work queued for now, once per key while it waits, by a handler registered later', async () => {
    const storage = createMemoryStorage();
    const clock = createManualClock(T0);
    const worker = createTaskWorker({ storage, clock, owner: 'w1', queue: 'ordo.tasks' });
    const ran: string[] = [];
    expect(() => worker.enqueueChange({ kind: 'pick', key: 'k', payload: null })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: ['kind'] })] }));
    worker.register('pick', async (payload) => void ran.push(String(payload)));
    expect(() => worker.register('pick', async () => undefined)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(worker.kinds).toEqual(['pick']);
    expect((await worker.enqueue({ kind: 'pick', key: 'order-1', payload: 'first' })).created).toBe(true);
    expect((await worker.enqueue({ kind: 'pick', key: 'order-1', payload: 'again' })).created).toBe(false);
    await worker.enqueue({ kind: 'pick', key: 'order-2', payload: 'later', dueAt: instant('2026-11-11T01:00:00.000Z') });
    expect(await worker.runOnce()).toEqual({ succeeded: 1, retried: 0, deadLettered: 0, lost: 0 });
    expect(ran).toEqual(['first']);
    clock.advance({ hours: 1 });
    await worker.runOnce();
    expect(ran).toEqual(['first', 'later']);
  });

  it.each([
    ['all', ['t.succeeded', 't.retry_scheduled', 't.dead_lettered']],
    ['failures', ['t.retry_scheduled', 't.dead_lettered']],
    ['dead', ['t.dead_lettered']],
  ] as const)('outcomeEvents %s commits events for %j', async (outcomeEvents, topics) => {
    const storage = createMemoryStorage();
    const clock = createManualClock(T0);
    const worker = createTaskWorker({
      storage,
      clock,
      owner: 'w1',
      topic: 't',
      outcomeEvents,
      retry: { maximumAttempts: 2, initialInterval: { seconds: 1 } },
      handlers: { ok: async () => undefined, broken: async () => Promise.reject(Object.assign(new Error('down'), { code: 'ECONNREFUSED' })) },
    });
    await worker.enqueue({ kind: 'ok', key: 'a', payload: null });
    await worker.enqueue({ kind: 'broken', key: 'b', payload: null });
    await worker.runOnce();
    clock.advance({ seconds: 2 });
    await worker.runOnce();
    const published = (await storage.outbox.list({ limit: 100 })).map((message) => message.topic).sort();
    expect(published).toEqual([...topics].sort());
  });

  it('commits a round as one unit, and when that fails, each outcome alone: one poisoned outcome fails no neighbour', async () => {
    const storage = createMemoryStorage();
    const clock = createManualClock(T0);
    let units = 0;
    const poisoned = new Set<string>();
    const guarded = {
      ...storage,
      tasks: storage.tasks,
      async commit(unit: Parameters<typeof storage.commit>[0]) {
        units += 1;
        if ((unit.tasks ?? []).some((change) => poisoned.has(change.id))) throw Object.assign(new Error('could not write'), { code: 'STORAGE_FAILURE' });
        return storage.commit(unit);
      },
    };
    const worker = createTaskWorker({ storage: guarded, clock, owner: 'w1', handlers: { ok: async () => undefined } });
    for (const key of ['a', 'b', 'c']) await worker.enqueue({ kind: 'ok', key, payload: null });
    units = 0;
    expect(await worker.runOnce()).toEqual({ succeeded: 3, retried: 0, deadLettered: 0, lost: 0 });
    expect(units).toBe(1);

    for (const key of ['d', 'e', 'f']) await worker.enqueue({ kind: 'ok', key, payload: null });
    const bad = (await storage.tasks.list({ status: 'pending' })).find((task) => task.key === 'e');
    poisoned.add(bad?.id ?? '');
    units = 0;
    await expect(worker.runOnce()).rejects.toMatchObject({ code: 'STORAGE_FAILURE' });
    expect(units).toBe(4);
    expect((await storage.tasks.list({ status: 'completed' })).map((task) => task.key).sort()).toEqual(['a', 'b', 'c', 'd', 'f']);
    expect((await storage.tasks.list({ status: 'leased' })).map((task) => task.key)).toEqual(['e']);
  });

  it('lets a kind bring its own retry policy, time and outcome topic', async () => {
    const storage = createMemoryStorage();
    const clock = createManualClock(T0);
    const worker = createTaskWorker({ storage, clock, owner: 'w1', topic: 'ordo.task', retry: { initialInterval: { seconds: 1 } }, timeoutMs: 1_000, leaseMs: 5_000 });
    const down = async (): Promise<never> => Promise.reject(Object.assign(new Error('down'), { code: 'ECONNREFUSED' }));
    worker.register('fast', down);
    worker.register('sync:wms', down, { retry: { initialInterval: { minutes: 15 } }, topic: 'sync.compensation' });
    expect(() => worker.register('too-slow', down, { timeoutMs: 5_000 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['handlers', 'too-slow', 'timeoutMs'] })] }));
    expect(() => worker.register('bad-retry', down, { retry: { jitter: 3 } })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: ['handlers', 'bad-retry', 'retry', 'jitter'] })] }));
    await worker.enqueue({ kind: 'fast', key: 'a', payload: null });
    await worker.enqueue({ kind: 'sync:wms', key: 'b', payload: null });
    expect(await worker.runOnce()).toMatchObject({ retried: 2 });
    const due = Object.fromEntries((await storage.tasks.list({ status: 'pending' })).map((task) => [task.key, task.dueAt]));
    expect(due).toEqual({ a: '2026-11-11T00:00:01.000Z', b: '2026-11-11T00:15:00.000Z' });
    expect((await storage.outbox.list({ limit: 10 })).map((message) => message.topic).sort()).toEqual(['ordo.task.retry_scheduled', 'sync.compensation.retry_scheduled']);
  });
});
