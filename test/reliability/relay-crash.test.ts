// A relay process killed with SIGKILL in the middle of a batch, then another started: every outbox event delivered at least once.
import { readFileSync, existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import type { OutboxMessage } from '../../src/ports/index.js';
import { openTarget } from '../support/storage-target.js';
import { tempDir } from '../support/sqlite.js';
import { RELIABILITY_ADAPTERS } from './adapters.js';
import { runWorker, startWorker } from './spawn-worker.js';

const MESSAGES = 240;
const KEYS = 12;

function logged(file: string): { owner: string; id: string }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [owner, id] = line.split(' ');
      return { owner: owner as string, id: id as string };
    });
}

for (const adapter of RELIABILITY_ADAPTERS) {
  describe.skipIf(adapter.skipReason !== undefined)(`relay crash on ${adapter.name}`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    it('a relay killed mid-batch loses nothing: a restarted relay delivers the rest after the lease ends', async () => {
      const { target, cleanup } = adapter.fresh();
      cleanups.push(cleanup);
      const logs = tempDir('ordo-relay-log-');
      cleanups.push(() => logs.remove());
      const logFile = logs.file('published.log');
      const storage = openTarget(target);
      try {
        await storage.migrate();
        const createdAt = systemClock.now();
        const messages: OutboxMessage[] = Array.from({ length: MESSAGES }, (_, i) => ({
          id: `m${String(i).padStart(4, '0')}`,
          topic: 'order.status_changed',
          key: `order-${i % KEYS}`,
          payload: { n: i },
          createdAt,
        }));
        await storage.commit({ outbox: messages });

        const first = startWorker({ job: 'relay', target, owner: 'relay-a', logFile, batchSize: 40, leaseMs: 1_500, publishDelayMs: 25 });
        // Kill it once it is well into a batch (past the first 40, not at a batch boundary).
        while (logged(logFile).length < 50) {
          if (first.child.exitCode !== null) throw new Error('the first relay ended before it could be killed');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        first.child.kill('SIGKILL');
        const killed = await first.done;
        expect(killed.signal).toBe('SIGKILL');
        const beforeRestart = logged(logFile).length;
        expect(beforeRestart).toBeLessThan(MESSAGES);
        // Killed mid-batch: some messages reached the transport but were never marked delivered.
        expect((await storage.outbox.list({ status: 'delivered' })).length).toBeLessThan(beforeRestart);

        await runWorker({ job: 'relay', target, owner: 'relay-b', logFile, batchSize: 40, leaseMs: 1_500, publishDelayMs: 0 });

        const published = logged(logFile);
        const ids = new Set(published.map((entry) => entry.id));
        // At least once: what the dead relay published unmarked went out again.
        expect(published.length).toBeGreaterThan(MESSAGES);
        expect([...ids].sort()).toEqual(messages.map((m) => m.id));
        expect(await storage.outbox.list({ status: 'pending' })).toEqual([]);
        expect((await storage.outbox.list({ status: 'delivered' })).length).toBe(MESSAGES);
        // The survivor kept per-key order for what it delivered.
        const byKey = new Map<string, number[]>();
        for (const entry of published.filter((e) => e.owner === 'relay-b')) {
          const n = Number(entry.id.slice(1));
          const key = `order-${n % KEYS}`;
          byKey.set(key, [...(byKey.get(key) ?? []), n]);
        }
        for (const [key, sequence] of byKey) expect(sequence, key).toEqual([...sequence].sort((a, b) => a - b));
      } finally {
        await storage.close();
      }
    });
  });
}
