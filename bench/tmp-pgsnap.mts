import { createPostgresStorage } from '../src/adapters/postgres.js';
import { collectStoredMetrics } from '../src/app/index.js';
import { instant } from '../src/clock/index.js';
import { compileSlas } from '../src/ops/index.js';
const storage = createPostgresStorage({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', schema: process.argv[2] ?? 'ordo_metrics_1m' });
const AT = instant('2026-11-30T12:00:00.000Z');
const cal = { zone: 'Asia/Shanghai', workingHours: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] } } as const;
const variants = {
  none: compileSlas([]),
  elapsed: compileSlas([{ id: 'pay', from: 'pending_payment', to: ['paid', 'cancelled'], within: { minutes: 30 } }]),
  both: compileSlas([{ id: 'pay', from: 'pending_payment', to: ['paid', 'cancelled'], within: { minutes: 30 } }, { id: 'ship', from: 'paid', to: ['shipped'], within: { hours: 24 }, calendar: cal as never }]),
};
for (let round = 0; round < 2; round++) for (const [name, slas] of Object.entries(variants)) {
  const s = process.hrtime.bigint();
  await collectStoredMetrics({ orders: storage.orders, slas, at: AT });
  console.log(name, (Number(process.hrtime.bigint() - s) / 1e6).toFixed(0), 'ms');
}
await storage.close();
