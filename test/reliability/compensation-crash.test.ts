// A compensation worker killed with SIGKILL in the middle of its tasks: another worker takes them
// over once their leases end, every task completes once, and no outcome of the dead worker is kept.
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createCompensationScheduler } from '../../src/app/index.js';
import { addDuration, createFixedClock, systemClock } from '../../src/clock/index.js';
import { openTarget } from '../support/storage-target.js';
import { tempDir } from '../support/sqlite.js';
import { RELIABILITY_ADAPTERS } from './adapters.js';
import { startWorker } from './spawn-worker.js';

const TASKS = 40;
const LEASE_MS = 10_000;

for (const adapter of RELIABILITY_ADAPTERS) {
  describe.skipIf(adapter.skipReason !== undefined)(`compensation worker crash on ${adapter.name}`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    it('a worker killed mid-task loses its leases; another retries those tasks and every task completes once', async () => {
      const { target, cleanup } = adapter.fresh();
      cleanups.push(cleanup);
      const logs = tempDir('ordo-comp-log-');
      cleanups.push(() => logs.remove());
      const logFile = logs.file('handled.log');
      const storage = openTarget(target);
      try {
        await storage.migrate();
        const now = systemClock.now();
        for (let n = 0; n < TASKS; n += 1) {
          await storage.tasks.enqueue({ queue: 'sync.compensation', key: `k${n}`, payload: { kind: 'push', payload: { n } }, dueAt: now, firstFailedAt: now, history: [{ at: now, error: 'timeout' }] }, `t${n}`, now);
        }
        const { child, done } = startWorker({ job: 'compensate', target, owner: 'doomed', logFile, leaseMs: LEASE_MS });
        const handledBy = (owner: string) => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter((line) => line.startsWith(`${owner} `)) : []);
        const deadline = Date.now() + 60_000;
        while (handledBy('doomed').length < 12 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        child.kill('SIGKILL');
        expect((await done).signal).toBe('SIGKILL');

        const leased = await storage.tasks.list({ queue: 'sync.compensation', status: 'leased' });
        expect(leased.length, 'the dead worker held tasks it never settled').toBeGreaterThan(0);
        expect(leased.every((task) => task.leaseOwner === 'doomed')).toBe(true);

        // Before the leases end, nobody may take them; after, another worker does.
        const handled: number[] = [];
        const survivor = (at: ReturnType<typeof systemClock.now>) =>
          createCompensationScheduler({ storage, clock: createFixedClock(at), owner: 'survivor', handlers: { push: async (payload) => void handled.push((payload as { n: number }).n) } });
        const early = survivor(systemClock.now());
        while ((await early.runOnce()).succeeded > 0);
        expect(handled.filter((n) => leased.some((task) => task.key === `k${n}`))).toEqual([]);
        const late = survivor(addDuration(systemClock.now(), LEASE_MS + 1_000));
        while ((await late.runOnce()).succeeded > 0);
        expect(handled.filter((n) => leased.some((task) => task.key === `k${n}`)).sort((a, b) => a - b)).toEqual(leased.map((task) => Number(task.key.slice(1))).sort((a, b) => a - b));

        const tasks = await storage.tasks.list({ queue: 'sync.compensation', limit: 1_000 });
        expect(tasks.filter((task) => task.status === 'completed')).toHaveLength(TASKS);
        const succeeded = (await storage.outbox.list({ limit: 1_000 })).filter((message) => message.topic === 'sync.compensation.succeeded');
        expect(new Set(succeeded.map((message) => message.key)).size).toBe(TASKS);
        expect(succeeded).toHaveLength(TASKS);
      } finally {
        await storage.close();
      }
    }, 120_000);
  });
}
