// Worker processes applying transitions to the same orders: no lost update, every success in history, versions gapless and unique.
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import { openTarget } from '../support/storage-target.js';
import { paidOrder } from '../support/transitions.js';
import { RELIABILITY_ADAPTERS } from './adapters.js';
import { runWorker } from './spawn-worker.js';

const WORKERS = 4;
const PER_WORKER = 20;
const ORDERS = ['ord-a', 'ord-b', 'ord-c'];

for (const adapter of RELIABILITY_ADAPTERS) {
  describe.skipIf(adapter.skipReason !== undefined)(`concurrent transitions on ${adapter.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    it(`${WORKERS} processes x ${PER_WORKER} transitions on ${ORDERS.length} shared orders lose nothing`, async () => {
      const { target, cleanup } = adapter.fresh();
      cleanups.push(cleanup);
      const storage = openTarget(target);
      try {
        await storage.migrate();
        for (const id of ORDERS) await storage.commit(paidOrder(id, systemClock).writes);
        const results = await Promise.all(
          Array.from({ length: WORKERS }, (_, w) =>
            runWorker<{ successes: { orderId: string; eventId: string; version: number }[]; conflicts: number }>({
              job: 'transition',
              target,
              worker: `w${w}`,
              orderIds: ORDERS,
              count: PER_WORKER,
            }),
          ),
        );
        const successes = results.flatMap((r) => r.successes);
        expect(successes).toHaveLength(WORKERS * PER_WORKER);
        for (const id of ORDERS) {
          const mine = successes.filter((s) => s.orderId === id);
          const history = await storage.orders.history(id);
          // Created (v1) and paid (v2), then one entry per successful transition.
          expect(history.map((entry) => entry.version)).toEqual(Array.from({ length: 2 + mine.length }, (_, i) => i + 1));
          const applied = new Map(history.map((entry) => [entry.eventId, entry.version]));
          for (const success of mine) expect(applied.get(success.eventId), `event ${success.eventId} in history`).toBe(success.version);
          const order = await storage.orders.get(id);
          expect(order?.version).toBe(2 + mine.length);
          // Each committed transition left its outbox event, committed with it (ids derive from the event id).
          const outboxIds = new Set((await storage.outbox.list()).filter((m) => m.key === id).map((m) => m.id));
          for (const success of mine) expect(outboxIds.has(`${id}:${success.eventId}:0`), `outbox event of ${success.eventId}`).toBe(true);
        }
      } finally {
        await storage.close();
      }
    });
  });
}
