// Steering the flow: SLAs and a metrics snapshot from storage, a guarded auto-cancel job (dry run, kill switch, blast radius), waybills on allocation, and the live board.
import { createServer } from 'node:http';
import { autoCancelUnpaidJob, collectStoredMetrics, compileSlas, createJobRunner, createManualClock, createOrderHub, createWaybillService, formatPrometheusMetrics } from 'ordo';
import { createMemoryCarrier } from 'ordo/adapters/carrier';
import { createOpsBoard } from 'ordo/adapters/ops-board';

const clock = createManualClock('2026-11-11T09:00:00+08:00');
const hub = createOrderHub({ clock });
const shipTo = { country: 'CN', province: '上海市', city: '上海市', district: '浦东新区', street: '世纪大道 100 号', recipient: '王小二', phone: '13812345678' };
for (let i = 1; i <= 6; i += 1) {
  await hub.createOrder({ channel: 'tmall', channelOrderId: `TM-${i}`, customerRef: `buyer-${i}`, currency: 'CNY', shippingAddress: shipTo, lines: [{ lineId: 'L1', sku: 'LONGJING-250G', quantity: 1, unitPrice: { amount: 12800, currency: 'CNY' } }] });
}

// Service levels in working time of a named zone; a snapshot reads counts and measures, never whole orders.
const workdays = { zone: 'Asia/Shanghai', workingHours: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] } } as const;
const slas = compileSlas([
  { id: 'pay-within-30-min', from: 'pending_payment', to: ['paid', 'cancelled'], within: { minutes: 30 } },
  { id: 'paid-to-shipped', from: 'paid', to: ['shipped', 'partially_shipped'], within: { hours: 24 }, calendar: workdays },
]);
clock.advance({ minutes: 45 });
const metrics = await collectStoredMetrics({ orders: hub.storage.orders, slas, clock });
console.log(metrics.ordersPerStatus, metrics.overdueBySla); // { pending_payment: 6 } { 'pay-within-30-min': 6, 'paid-to-shipped': 0 }
console.log(formatPrometheusMetrics(metrics).split('\n').filter((line) => line.startsWith('ordo_orders{')));

// A guarded job: it cancels, so its first run is a dry run whose plan someone confirms; the blast radius stops a run that would cancel too much.
const job = autoCancelUnpaidJob({ after: { hours: 2 }, limits: { maxOrders: 100, maxShare: 0.5, shareFrom: 5 } });
const runner = createJobRunner({ storage: hub.storage, clock, machine: hub.machine, owner: 'ops-worker-1', jobs: [job] });
clock.advance({ hours: 2 });
const dry = await runner.run(job.id);
console.log(dry.outcome, dry.planned.length); // 'awaiting_confirmation' 6: a cancelling job's first run is a dry run
await runner.confirmPlan(job.id, { by: 'ops-lead' });
console.log((await runner.run(job.id)).outcome, (await runner.breaker(job.id))?.breach); // 'blocked' { limit: 'maxShare', actions: 6, examined: 6, allowed: 0.5 }
await runner.engageKillSwitch({ by: 'ops-lead', reason: 'investigating the backlog' }); // every job stops, across restarts

// Waybills on allocation: one per warehouse, with a printable 100 x 150 mm label in the `waybill.created` event.
const carrier = createMemoryCarrier({ clock, name: 'YTO' });
const waybills = createWaybillService({ storage: hub.storage, clock, carrier, owner: 'ops-worker-1', sender: { country: 'CN', province: '浙江省', city: '杭州市', street: '仓前街道 1 号', recipient: '杭州仓', phone: '057100000000' } });
const [first] = await hub.storage.orders.listByStatus('pending_payment', { limit: 1 });
await hub.storage.inventory.setStock('WH-HZ', 'LONGJING-250G', 10, clock.now());
await hub.apply(first!.id, { id: 'pay-1', type: 'pay' });
await hub.apply(first!.id, { id: 'approve-1', type: 'approve' });
await hub.apply(first!.id, { id: 'allocate-1', type: 'allocate', allocations: [{ lineId: 'L1', warehouseId: 'WH-HZ', quantity: 1 }] });
const { issued } = await waybills.requestFor(first!.id);
console.log(issued.map((w) => `${w.carrier} ${w.waybillNo} ${w.sortCode}`), issued[0]?.printData[0]?.content.length, 'bytes of SVG');

// The live board: a node:http handler (or Express middleware) with the page, snapshot.json and server-sent events.
const board = createOpsBoard({ storage: hub.storage, clock, slas, runner, basePath: '/ops' });
const server = createServer(board).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const { port } = server.address() as { port: number };
const snapshot = (await (await fetch(`http://127.0.0.1:${port}/ops/snapshot.json`)).json()) as { killSwitch: unknown; metrics: { ordersPerStatus: unknown } };
console.log(snapshot.killSwitch, snapshot.metrics.ordersPerStatus);
board.close();
server.close();
await hub.close();
