import pg from 'pg';
import { createPostgresStorage } from '../src/adapters/postgres.js';
import { addDuration, instant } from '../src/clock/index.js';
import { seed } from './metrics.bench.js';
const url = 'postgres://postgres@127.0.0.1:5432/test';
const schema = process.argv[3] ?? 'ordo_metrics_1m';
const n = Number(process.argv[2] ?? 1000000);
const admin = new pg.Client({ connectionString: url });
await admin.connect();
const exists = (await admin.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'orders'`, [schema])).rowCount;
const storage = createPostgresStorage({ connectionString: url, schema });
await storage.migrate();
if (!exists) { await seed(storage, 0, n); await admin.query(`VACUUM ANALYZE ${schema}.orders, ${schema}.order_history`); console.log('seeded'); }
const t = async (name: string, fn: () => Promise<number>) => { const s = process.hrtime.bigint(); const r = await fn(); console.log(name.padEnd(28), String(r).padStart(8), (Number(process.hrtime.bigint() - s) / 1e6).toFixed(1), 'ms'); };
const AT = instant('2026-11-30T12:00:00.000Z');
const from = addDuration(AT, { hours: -24 });
for (let round = 0; round < 2; round++) {
  const counts = await storage.orders.countByStatus();
  await t('count', async () => Object.keys(await storage.orders.countByStatus()).length);
  for (const status of Object.keys(counts).filter((s) => !['completed', 'cancelled'].includes(s))) {
    await t(`measure ${status}`, async () => { let k = 0; let after: string | null = null; do { const p = await storage.orders.measure({ status, after, limit: 2000 }); k += p.items.length; after = p.next; } while (after); return k; });
  }
  await t('changed', async () => { let k = 0; let after: string | null = null; do { const p = await storage.orders.measure({ updatedAfter: from, after, limit: 2000 }); k += p.items.length; after = p.next; } while (after); return k; });
  const boundaries = Array.from({ length: 25 }, (_, i) => addDuration(from, { hours: i }));
  await t('countTransitions', async () => (await storage.orders.countTransitions({ boundaries })).length);
}
const ex = async (sql: string) => console.log((await admin.query('EXPLAIN (ANALYZE, BUFFERS) ' + sql)).rows.map((r) => r['QUERY PLAN']).join('\n'));
if (process.argv.includes('--explain')) {
  await ex(`SELECT status, count(*) FROM ${schema}.orders GROUP BY status`);
  await ex(`SELECT id, status, updated_at, status_entered_at FROM ${schema}.orders WHERE status = 'shipped' AND updated_at > '' AND (updated_at, id) > ('', '') ORDER BY updated_at, id LIMIT 2001`);
  await ex(`SELECT id, status, updated_at, status_entered_at FROM ${schema}.orders WHERE updated_at > '${from}' AND (updated_at, id) > ('', '') ORDER BY updated_at, id LIMIT 2001`);
  await ex(`SELECT (SELECT count(*) FROM unnest(ARRAY['${from}','${AT}']::text[]) AS b(at) WHERE b.at < (entry->>'at'))::int AS bucket, entry->>'to', count(*) FROM ${schema}.order_history WHERE (entry->>'at') > '${from}' AND (entry->>'at') <= '${AT}' GROUP BY 1, 2`);
}
await storage.close(); await admin.end();
