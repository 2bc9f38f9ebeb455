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
});
