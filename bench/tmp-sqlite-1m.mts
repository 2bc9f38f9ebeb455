import { existsSync } from 'node:fs';
import { createSqliteStorage } from '../src/adapters/sqlite.js';
import { addDuration, instant } from '../src/clock/index.js';
import { seed } from './metrics.bench.js';
const file = '/tmp/ordo-metrics-1m.sqlite';
const fresh = !existsSync(file);
const storage = createSqliteStorage({ file });
await storage.migrate();
if (fresh) await seed(storage, 0, 1000000);
const t = async (name: string, fn: () => Promise<number>) => { const s = process.hrtime.bigint(); const n = await fn(); console.log(name.padEnd(28), String(n).padStart(8), (Number(process.hrtime.bigint() - s) / 1e6).toFixed(1), 'ms'); };
const AT = instant('2026-11-30T12:00:00.000Z');
const from = addDuration(AT, { hours: -24 });
for (let round = 0; round < 2; round++) {
  const counts = await storage.orders.countByStatus();
  await t('count', async () => Object.keys(await storage.orders.countByStatus()).length);
  for (const status of Object.keys(counts).filter((s) => !['completed', 'cancelled'].includes(s))) {
    await t(`measure ${status}`, async () => { let n = 0; let after: string | null = null; do { const p = await storage.orders.measure({ status, after, limit: 2000 }); n += p.items.length; after = p.next; } while (after); return n; });
  }
  await t('changed', async () => { let n = 0; let after: string | null = null; do { const p = await storage.orders.measure({ updatedAfter: from, after, limit: 2000 }); n += p.items.length; after = p.next; } while (after); return n; });
  const boundaries = Array.from({ length: 25 }, (_, i) => addDuration(from, { hours: i }));
  await t('countTransitions', async () => (await storage.orders.countTransitions({ boundaries })).length);
}
await storage.close();
