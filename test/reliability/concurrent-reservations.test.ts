// Worker processes reserving the same SKUs: the total reserved never exceeds stock, and when demand exceeds it, equals it exactly.
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import { openTarget } from '../support/storage-target.js';
import { RELIABILITY_ADAPTERS } from './adapters.js';
import { runWorker } from './spawn-worker.js';

const WORKERS = 4;
const SKUS = ['TEA-1', 'TEA-2', 'CUP-1'];
const STOCK = 25;

for (const adapter of RELIABILITY_ADAPTERS) {
  describe.skipIf(adapter.skipReason !== undefined)(`concurrent reservations on ${adapter.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    it(`${WORKERS} processes over-demanding ${SKUS.length} SKUs reserve exactly the stock, never more`, async () => {
      const { target, cleanup } = adapter.fresh();
      cleanups.push(cleanup);
      const storage = openTarget(target);
      try {
        await storage.migrate();
        for (const sku of SKUS) await storage.inventory.setStock('WH-1', sku, STOCK, systemClock.now());
        const results = await Promise.all(
          Array.from({ length: WORKERS }, (_, w) =>
            runWorker<{ reserved: { sku: string; quantity: number }[]; refused: number }>({ job: 'reserve', target, worker: `w${w}`, warehouseId: 'WH-1', skus: SKUS, attempts: 24 }),
          ),
        );
        // Demand (4 x 24 attempts of 1-3 units, plus sweeps) far exceeds 3 x 25 units: some were refused.
        expect(results.reduce((sum, r) => sum + r.refused, 0)).toBeGreaterThan(0);
        for (const sku of SKUS) {
          const granted = results.flatMap((r) => r.reserved).filter((r) => r.sku === sku).reduce((sum, r) => sum + r.quantity, 0);
          expect(granted, `units of ${sku} granted to workers`).toBe(STOCK);
          expect(await storage.inventory.getStock('WH-1', sku)).toMatchObject({ onHand: STOCK, reserved: STOCK, available: 0 });
        }
      } finally {
        await storage.close();
      }
    });
  });
}
