// The compensation scheduler on a manual clock across 72 hours, on memory, SQLite and PostgreSQL,
// with restarts, leases lost and taken over, timeouts, non-retryable errors and recurring jobs.
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { createCompensationScheduler, type CompensationHandler, type CompensationScheduler } from '../../src/app/index.js';
import { addDuration, createManualClock, instant, type Instant, type ManualClock } from '../../src/clock/index.js';
import { ValidationError } from '../../src/errors/index.js';
import type { StoragePort } from '../../src/ports/index.js';
import { BACKENDS } from '../support/backends.js';
import { RELIABILITY_ADAPTERS } from '../reliability/adapters.js';
import { openTarget } from '../support/storage-target.js';

const T0 = instant('2026-11-11T00:00:00.000Z');
const QUEUE = 'sync.compensation';


/** Runs due work, then jumps the clock to the next due task, until `until`. */
async function drive(clock: ManualClock, scheduler: CompensationScheduler, storage: StoragePort, until: Instant): Promise<void> {
  for (;;) {
    for (;;) {
      const round = await scheduler.runOnce();
      if (round.succeeded + round.retried + round.deadLettered + round.lost === 0) break;
    }
    const next = (await storage.tasks.list({ queue: QUEUE, status: 'pending', limit: 1 }))[0]?.dueAt;
    if (next === undefined || next > until) {
      clock.set(until);
      return;
    }
    if (next > clock.now()) clock.set(next);
  }
}

/** A WMS that is down until `upAt` (forever when undefined); it records when it was called. */
function wms(clock: ManualClock, upAt?: Instant): { calls: Instant[]; handler: CompensationHandler } {
  const calls: Instant[] = [];
  return {
    calls,
    handler: async () => {
      calls.push(clock.now());
      if (upAt === undefined || clock.now() < upAt) throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443'), { code: 'ECONNREFUSED' });
      return { accepted: true };
    },
  };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skipReason !== undefined)(`compensation scheduler on ${backend.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });
    async function fresh() {
      const opened = await backend.open();
      cleanups.push(opened.cleanup);
      return opened;
    }
    const scheduler = (storage: StoragePort, clock: ManualClock, handlers: Record<string, CompensationHandler>, extra: object = {}) =>
      createCompensationScheduler({ storage, clock, owner: 'worker-1', handlers, ...extra });

    it('a target down for 2 hours converges: retries every 15 minutes, the 9th attempt succeeds', async () => {
      const { storage } = await fresh();
      const clock = createManualClock(T0);
      const target = wms(clock, addDuration(T0, { hours: 2 }));
      const compensation = scheduler(storage, clock, { 'wms.push': target.handler });
      const { task, created } = await compensation.schedule({ kind: 'wms.push', key: 'wms:o-1', payload: { orderId: 'o-1' }, failure: { error: new Error('timeout') } });
      expect(created).toBe(true);
      expect(task).toMatchObject({ dueAt: addDuration(T0, { minutes: 15 }), firstFailedAt: T0, history: [{ at: T0, error: 'Error: timeout' }] });
      expect((await compensation.schedule({ kind: 'wms.push', key: 'wms:o-1', payload: null, failure: { error: 'again' } })).created, 'one waiting task per key').toBe(false);

      await drive(clock, compensation, storage, addDuration(T0, { hours: 80 }));
      expect(target.calls).toEqual(Array.from({ length: 8 }, (_, i) => addDuration(T0, { minutes: 15 * (i + 1) })));
      const done = await storage.tasks.get(task.id);
      expect(done?.status).toBe('completed');
      expect(done?.history).toHaveLength(8);
      const events = (await storage.outbox.list({ limit: 100 })).filter((m) => m.key === 'wms:o-1');
      expect(events.map((m) => m.topic)).toEqual([...Array<string>(7).fill('sync.compensation.retry_scheduled'), 'sync.compensation.succeeded']);
      expect(events.at(-1)?.payload).toMatchObject({ attempt: 9, result: { accepted: true } });
    });

    it('a target down forever is dead-lettered at exactly 72 hours with 289 attempts; restarts change nothing', async () => {
      const opened = await fresh();
      let storage = opened.storage;
      const clock = createManualClock(T0);
      const target = wms(clock);
      let compensation = scheduler(storage, clock, { 'wms.push': target.handler });
      const { task } = await compensation.schedule({ kind: 'wms.push', key: 'wms:o-2', payload: { orderId: 'o-2' }, failure: { error: new Error('HTTP 503') } });
      for (const hours of [13, 30, 55, 80]) {
        await drive(clock, compensation, storage, addDuration(T0, { hours }));
        // A restart: the process and its connections go; only the database remains.
        storage = await opened.reopen();
        compensation = scheduler(storage, clock, { 'wms.push': target.handler });
      }
      const dead = await storage.tasks.get(task.id);
      expect(dead?.status).toBe('dead');
      expect(dead?.updatedAt).toBe(addDuration(T0, { hours: 72 }));
      expect(dead?.history).toHaveLength(289);
      expect(target.calls).toHaveLength(288);
      expect(dead?.history.at(-1)).toEqual({ at: addDuration(T0, { hours: 72 }), error: 'Error: connect ECONNREFUSED 10.0.0.7:443', code: 'ECONNREFUSED' });
      expect((await compensation.deadLetters()).map((t) => t.id)).toEqual([task.id]);
      const last = (await storage.outbox.list({ limit: 1000 })).filter((m) => m.key === 'wms:o-2').at(-1);
      expect(last).toMatchObject({ topic: 'sync.compensation.dead_lettered', payload: { reason: 'deadline', attempt: 289 } });
    });

    it('a non-retryable error is dead-lettered at once, by the handler or at scheduling', async () => {
      const { storage } = await fresh();
      const clock = createManualClock(T0);
      let calls = 0;
      const compensation = scheduler(
        storage,
        clock,
        {
          'wms.push': async () => {
            calls += 1;
            throw new ValidationError('WMS response', [{ code: 'invalid_type', path: ['data', 'status'], message: 'Expected a string' }]);
          },
        },
        { retry: { nonRetryableErrorCodes: ['VALIDATION_FAILED'] } },
      );
      const { task } = await compensation.schedule({ kind: 'wms.push', key: 'a', payload: null, failure: { error: new Error('timeout') } });
      await drive(clock, compensation, storage, addDuration(T0, { hours: 1 }));
      expect(calls).toBe(1);
      expect(await storage.tasks.get(task.id)).toMatchObject({ status: 'dead', updatedAt: addDuration(T0, { minutes: 15 }) });

      const refused = await compensation.schedule({ kind: 'wms.push', key: 'b', payload: null, failure: { error: new ValidationError('WMS response', []) } });
      expect(refused.task.dueAt).toBe(clock.now());
      await compensation.runOnce();
      expect(calls, 'not run again').toBe(1);
      expect((await storage.tasks.get(refused.task.id))?.status).toBe('dead');
    });

    it('a worker that dies mid-task loses its lease; another worker runs it; the dead worker\'s late outcome is refused', async () => {
      const { storage } = await fresh();
      const clock = createManualClock(T0);
      const target = wms(clock, T0);
      const a = createCompensationScheduler({ storage, clock, owner: 'worker-a', handlers: { 'wms.push': target.handler }, timeoutMs: 1_000, leaseMs: 60_000 });
      const b = createCompensationScheduler({ storage, clock, owner: 'worker-b', handlers: { 'wms.push': target.handler }, timeoutMs: 1_000, leaseMs: 60_000 });
      const { task } = await a.schedule({ kind: 'wms.push', key: 'k', payload: null, failure: { error: 'x', at: T0 } });
      clock.set(task.dueAt);
      // worker-a claims, then "dies" (never settles): its lease runs for a minute.
      const [claimed] = await storage.tasks.claim({ queue: QUEUE, owner: 'worker-a', now: clock.now(), leaseUntil: addDuration(clock.now(), { minutes: 1 }), limit: 1 });
      expect(claimed?.id).toBe(task.id);
      expect(await b.runOnce(), 'leased: not run twice at once').toEqual({ succeeded: 0, retried: 0, deadLettered: 0, lost: 0 });
      clock.advance({ minutes: 1 });
      expect(await b.runOnce()).toEqual({ succeeded: 1, retried: 0, deadLettered: 0, lost: 0 });
      expect(await storage.tasks.complete(task.id, 'worker-a', clock.now()), 'the late worker cannot settle it').toBe(false);
      expect(target.calls).toHaveLength(1);
    });

    it('a handler that runs too long is aborted and its attempt fails with TIMEOUT', async () => {
      const { storage } = await fresh();
      const clock = createManualClock(T0);
      let aborted = false;
      const compensation = scheduler(
        storage,
        clock,
        {
          'wms.push': (_payload, { signal }) =>
            new Promise((_, reject) => {
              signal.addEventListener('abort', () => {
                aborted = true;
                reject(signal.reason);
              });
            }),
        },
        { timeoutMs: 50 },
      );
      const { task } = await compensation.schedule({ kind: 'wms.push', key: 'slow', payload: null, failure: { error: 'x' } });
      clock.set(task.dueAt);
      expect(await compensation.runOnce()).toMatchObject({ retried: 1 });
      expect(aborted).toBe(true);
      expect((await storage.tasks.get(task.id))?.history.at(-1)).toMatchObject({ code: 'TIMEOUT', error: 'TimeoutError: the handler ran longer than 50 ms' });
    });

    it('keeps personal data out of the attempt history, whatever the handler threw', async () => {
      const { storage } = await fresh();
      const clock = createManualClock(T0);
      const compensation = scheduler(storage, clock, {
        'wms.push': async () => {
          throw new Error('rejected receiver 13812345678 "Li Lei" at 文三路 478 号');
        },
      });
      const { task } = await compensation.schedule({ kind: 'wms.push', key: 'pii', payload: null, failure: { error: new Error('phone 13912345678 invalid') } });
      clock.set(task.dueAt);
      await compensation.runOnce();
      const text = JSON.stringify(await storage.tasks.get(task.id));
      for (const secret of ['13812345678', '13912345678', 'Li Lei']) expect(text).not.toContain(secret);
    });

    it('a recurring job registered by several workers runs once per occurrence, every Sunday 22:00 Beijing time, across restarts', async () => {
      const opened = await fresh();
      let storage = opened.storage;
      const clock = createManualClock('2026-11-30T00:00:00Z');
      const runs: Instant[] = [];
      const handlers: Record<string, CompensationHandler> = {
        reconcile: async (_payload, { occurrence }) => {
          runs.push(occurrence as Instant);
        },
      };
      const job = { name: 'weekly-reconciliation', schedule: { zone: 'Asia/Shanghai', time: '22:00', weekdays: ['sun'] as const }, kind: 'reconcile' };
      const first = await scheduler(storage, clock, handlers).recurring(job);
      const second = await createCompensationScheduler({ storage, clock, owner: 'worker-2', handlers }).recurring(job);
      expect(second.id).toBe(first.id);
      expect(first.dueAt).toBe('2026-12-06T14:00:00.000Z');
      await drive(clock, scheduler(storage, clock, handlers), storage, instant('2026-12-10T00:00:00Z'));
      storage = await opened.reopen();
      await scheduler(storage, clock, handlers).recurring(job);
      await drive(clock, scheduler(storage, clock, handlers), storage, instant('2026-12-21T00:00:00Z'));
      expect(runs).toEqual(['2026-12-06T14:00:00.000Z', '2026-12-13T14:00:00.000Z', '2026-12-20T14:00:00.000Z']);
      expect((await storage.tasks.list({ queue: QUEUE, status: 'pending' })).map((t) => t.dueAt)).toEqual(['2026-12-27T14:00:00.000Z']);
    });
  });
}

describe('createCompensationScheduler options and requests', () => {
  const storage = createMemoryStorage();
  const clock = createManualClock(T0);

  it('refuses wrong options with every problem at its path', () => {
    expect(() => createCompensationScheduler({ storage, clock, owner: '', handlers: { a: 1 as never }, retry: { jitter: 3 }, timeoutMs: 0 } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS' }),
    );
    expect(() => createCompensationScheduler({ storage, clock, owner: 'w', handlers: {}, retry: { jitter: 3 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['retry', 'jitter'] })] }),
    );
    expect(() => createCompensationScheduler({ storage, clock, owner: 'w', handlers: {}, timeoutMs: 5_000, leaseMs: 5_000 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['leaseMs'] })] }),
    );
  });

  it('refuses a request for an unknown kind or without a failure, with paths', async () => {
    const compensation = createCompensationScheduler({ storage, clock, owner: 'w', handlers: { known: async () => undefined } });
    await expect(compensation.schedule({ kind: 'unknown', key: '', payload: undefined as never, failure: null as never })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [expect.objectContaining({ path: ['kind'] }), expect.objectContaining({ path: ['key'] }), expect.objectContaining({ path: ['payload'] }), expect.objectContaining({ path: ['failure'] })],
    });
  });
});

for (const adapter of RELIABILITY_ADAPTERS) {
  describe.skipIf(adapter.skipReason !== undefined)(`several compensation workers on ${adapter.name}`, () => {
    it('four workers, each with its own connections, run each of 120 due tasks exactly once', async () => {
      const { target, cleanup } = adapter.fresh();
      const storages = Array.from({ length: 4 }, () => openTarget(target));
      try {
        await storages[0]?.migrate();
        const clock = createManualClock(T0);
        const runs = new Map<string, number>();
        const handler: CompensationHandler = async (payload) => {
          const id = String((payload as { n: number }).n);
          runs.set(id, (runs.get(id) ?? 0) + 1);
          // Yield so the workers interleave.
          await new Promise((resolve) => setImmediate(resolve));
        };
        const workers = storages.map((storage, i) => createCompensationScheduler({ storage, clock, owner: `worker-${i}`, handlers: { push: handler }, batchSize: 7 }));
        for (let n = 0; n < 120; n += 1) await workers[n % 4]?.schedule({ kind: 'push', key: `k-${n}`, payload: { n }, failure: { error: 'x', at: T0 } });
        clock.set(addDuration(T0, { minutes: 15 }));
        const rounds = async (worker: CompensationScheduler): Promise<number> => {
          let done = 0;
          for (;;) {
            const round = await worker.runOnce();
            const count = round.succeeded + round.retried + round.deadLettered + round.lost;
            if (count === 0) return done;
            done += round.succeeded;
          }
        };
        const done = await Promise.all(workers.map(rounds));
        expect(done.reduce((a, b) => a + b, 0)).toBe(120);
        expect(runs.size).toBe(120);
        expect([...runs.values()].every((count) => count === 1)).toBe(true);
      } finally {
        for (const storage of storages) await storage.close();
        await cleanup();
      }
    }, 120_000);

    it('four workers registering and running one recurring job fire each occurrence once, none skipped', async () => {
      const { target, cleanup } = adapter.fresh();
      const storages = Array.from({ length: 4 }, () => openTarget(target));
      try {
        await storages[0]?.migrate();
        const clock = createManualClock('2026-11-30T00:00:00Z');
        const runs: Instant[] = [];
        const handlers: Record<string, CompensationHandler> = {
          reconcile: async (_payload, { occurrence }) => {
            runs.push(occurrence as Instant);
            await new Promise((resolve) => setImmediate(resolve));
          },
        };
        const workers = storages.map((storage, i) => createCompensationScheduler({ storage, clock, owner: `worker-${i}`, handlers }));
        const job = { name: 'nightly', schedule: { zone: 'Asia/Shanghai', time: '02:00' }, kind: 'reconcile' };
        await Promise.all(workers.map((worker) => worker.recurring(job)));
        // Ten nights, every worker polling at once each night.
        for (let night = 0; night < 10; night += 1) {
          clock.set(addDuration(instant('2026-11-30T18:00:00Z'), { days: night }));
          await Promise.all(workers.map((worker) => worker.runOnce()));
        }
        expect(runs.sort()).toEqual(Array.from({ length: 10 }, (_, night) => addDuration(instant('2026-11-30T18:00:00Z'), { days: night })));
      } finally {
        for (const storage of storages) await storage.close();
        await cleanup();
      }
    }, 120_000);
  });
}
