// A process killed with SIGKILL in the middle of a stream of multi-part units: after restart, every unit is whole or absent.
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openTarget } from '../support/storage-target.js';
import { tempDir } from '../support/sqlite.js';
import { partsOf } from '../support/units.js';
import { RELIABILITY_ADAPTERS } from './adapters.js';
import { startWorker } from './spawn-worker.js';

/** Unit numbers the worker logged as committed. */
function committed(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((line) => line !== '').map(Number);
}

for (const adapter of RELIABILITY_ADAPTERS) {
  describe.skipIf(adapter.skipReason !== undefined)(`SIGKILL during units of work on ${adapter.name}`, () => {
    if (adapter.skipReason !== undefined) console.warn(`skipping the SIGKILL unit test on ${adapter.name}: ${adapter.skipReason}`);
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    it('leaves only whole units: every part of a unit is stored, or none is', async () => {
      const { target, cleanup } = adapter.fresh();
      cleanups.push(cleanup);
      const logs = tempDir('ordo-units-log-');
      cleanups.push(() => logs.remove());
      const logFile = logs.file('committed.log');
      const setup = openTarget(target);
      const warehouseId = 'WH-KILL';
      const sku = 'SKU-KILL';
      try {
        await setup.migrate();
        await setup.inventory.setStock(warehouseId, sku, 1_000_000, '2026-03-01T00:00:00.000Z' as never);
      } finally {
        await setup.close();
      }

      const worker = startWorker({ job: 'units', target, logFile, warehouseId, sku, goldenId: 'G-KILL' });
      // Kill it well into the stream, while it is committing (it never stops on its own).
      while (committed(logFile).length < 40) {
        if (worker.child.exitCode !== null) throw new Error(`the worker ended before it could be killed: ${(await worker.done).stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      worker.child.kill('SIGKILL');
      const killed = await worker.done;
      expect(killed.signal).toBe('SIGKILL');

      // Restart: open the storage again, as a new process would.
      const storage = openTarget(target);
      try {
        await storage.migrate();
        const logged = committed(logFile);
        const last = Math.max(...logged);
        let whole = 0;
        // Past the last logged unit, at most one more was in flight (committed or not).
        for (let n = 0; n <= last + 3; n += 1) {
          const parts = await partsOf(storage, n);
          const stored = parts.filter(Boolean).length;
          expect(stored === 0 || stored === parts.length, `unit ${n} has ${stored} of ${parts.length} parts`).toBe(true);
          if (stored === parts.length) whole += 1;
          if (n <= last) expect(stored, `unit ${n} was logged as committed`).toBe(parts.length);
        }
        expect(whole).toBeGreaterThanOrEqual(logged.length);
        // The stock counter moved exactly once per whole unit.
        expect((await storage.inventory.getStock(warehouseId, sku))?.reserved).toBe(whole);
        expect((await storage.outbox.list()).length).toBe(whole);
        expect(await storage.customers.listAudit('G-KILL')).toHaveLength(whole);
      } finally {
        await storage.close();
      }
    }, 180_000);
  });
}
