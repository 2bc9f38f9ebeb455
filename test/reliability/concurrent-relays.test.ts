// Several relay processes on one outbox: no message published twice while leases hold, and per key in commit order.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import type { OutboxMessage } from '../../src/ports/index.js';
import { tempDir } from '../support/sqlite.js';
import { openTarget } from '../support/storage-target.js';
import { RELIABILITY_ADAPTERS } from './adapters.js';
import { runWorker } from './spawn-worker.js';

const RELAYS = 3;
const MESSAGES = 600;
const KEYS = 60;

for (const adapter of RELIABILITY_ADAPTERS) {
  describe.skipIf(adapter.skipReason !== undefined)(`concurrent relays on ${adapter.name}`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    it(`${RELAYS} relay processes deliver every message exactly once (leases hold), each key in commit order`, async () => {
      const { target, cleanup } = adapter.fresh();
      cleanups.push(cleanup);
      const logs = tempDir('ordo-relays-log-');
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
        // Several commits, as a live system would make them.
        for (let start = 0; start < MESSAGES; start += 50) await storage.commit({ outbox: messages.slice(start, start + 50) });

        const relays = Promise.all(
          Array.from({ length: RELAYS }, (_, r) =>
            runWorker({ job: 'relay', target, owner: `relay-${r}`, logFile, batchSize: 10, leaseMs: 60_000, publishDelayMs: 15, barrierDir: logs.path }),
          ),
        );
        // Start them together once all are up (process start-up times differ by hundreds of ms).
        const ready = (): number => readdirSync(logs.path).filter((name) => name.startsWith('ready-')).length;
        while (ready() < RELAYS) await new Promise((resolve) => setTimeout(resolve, 20));
        writeFileSync(logs.file('go'), '');
        await relays;

        const published = existsSync(logFile)
          ? readFileSync(logFile, 'utf8')
              .split('\n')
              .filter((line) => line !== '')
              .map((line) => line.split(' ') as [string, string])
          : [];
        const ids = published.map(([, id]) => id);
        expect(ids.length).toBe(MESSAGES);
        expect(new Set(ids).size).toBe(MESSAGES);
        // Started together on 60 keys, all of them get work: the point of the test.
        expect(new Set(published.map(([owner]) => owner)).size).toBeGreaterThan(1);
        // The log is appended in publish order across processes: per key it must be commit order.
        for (let k = 0; k < KEYS; k += 1) {
          const ofKey = ids.map((id) => Number(id.slice(1))).filter((n) => n % KEYS === k);
          expect(ofKey, `key order-${k}`).toEqual([...ofKey].sort((a, b) => a - b));
        }
        expect((await storage.outbox.list({ status: 'delivered' })).length).toBe(MESSAGES);
      } finally {
        await storage.close();
      }
    });
  });
}
