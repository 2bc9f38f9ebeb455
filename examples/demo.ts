// The main demo: one createOrdo definition runs a few orders through their lifecycle on a manual clock, embedded, with no server.
import {
  autoCancelUnpaidJob,
  collectStoredMetrics,
  createManualClock,
  createOrdo,
  createTimeWindow,
  EXAMPLE_WMS_STATUSES,
  formatInZone,
  formatMoney,
  windowState,
  SEED_ROUTING_NETWORK,
  SEED_ROUTING_POLICY,
  type DefaultOrderEvent,
  type JsonValue,
  type Order,
  type SyncTarget,
} from 'ordo';

const cny = (amount: number) => ({ amount, currency: 'CNY' });
const SHANGHAI = 'Asia/Shanghai';

// Singles' Day, midnight in Shanghai. Nothing below reads the process clock or time zone.
const clock = createManualClock('2026-11-11T00:00:00+08:00');

// The WMS, down at first: every change is pushed, read back and diffed; what fails is compensated.
const wmsHeld = new Map<string, JsonValue>();
let wmsUp = false;
const wms: SyncTarget = {
  system: 'wms',
  async push(key, record) {
    if (!wmsUp) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    wmsHeld.set(key, record);
  },
  read: async (key) => wmsHeld.get(key),
};
const toWms = (record: JsonValue): JsonValue => {
  const order = record as unknown as Order;
  return { id: order.id, status: EXAMPLE_WMS_STATUSES.fromCanonical(order.status), total: order.totals.total.amount };
};

// The whole definition: approval on the seed policy (your CRM answers for credit), routing on the
// seed network, waybills from the memory carrier, the WMS kept in step, one guarded job, one SLA.
const ordo = createOrdo({
  clock,
  zone: SHANGHAI,
  approval: { customerFacts: async (order) => (order.channel === 'tmall' ? { creditScore: 720, isBlocked: false } : null) },
  routing: { network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY },
  sync: { targets: [{ target: wms, toTarget: toWms, unmappedStatus: 'skip', spec: { fields: { status: { compare: 'status', source: EXAMPLE_WMS_STATUSES, target: EXAMPLE_WMS_STATUSES }, total: { compare: 'money', currency: 'CNY', tolerance: 1 } } } }] },
  jobs: [autoCancelUnpaidJob({ after: { minutes: 30 } })],
  metrics: { slas: [{ id: 'pay-within-30-min', from: 'pending_payment', to: ['paid', 'cancelled'], within: { minutes: 30 } }] },
});
for (const [warehouse, sku, units] of [['HZ', 'LONGJING-250G', 12], ['HZ', 'GAIWAN-SET', 4], ['WH', 'LONGJING-250G', 30]] as const) {
  await ordo.storage.inventory.setStock(warehouse, sku, units, clock.now());
}
console.log(`The pipeline: ${ordo.pipeline.map((line) => `${line.step} (on ${line.to?.join('/') ?? 'every change'})`).join(' -> ')}`);

const published: string[] = [];
await ordo.transport.subscribe({ topic: 'order.#', group: 'demo-erp', handler: async ({ message }) => void published.push(message.topic) });

// A promotion written in New York time: compared as instants, never as wall times.
const promotion = createTimeWindow({ start: '2026-11-10T00:00', end: '2026-11-12T00:00', zone: 'America/New_York' });
console.log(`Promotion (America/New_York) is ${windowState(promotion, clock.now())} at ${formatInZone(clock.now(), SHANGHAI)}\n`);

async function run(id: string, events: DefaultOrderEvent[]): Promise<void> {
  for (const event of events) {
    clock.advance({ minutes: 17 });
    const result = await ordo.apply(id, event, { actor: event.type === 'ship' ? 'wms:hangzhou' : 'ops:alice' });
    if (result && !result.ok) console.log(`  refused ${event.type}: [${result.error.code}] ${result.error.message}`);
    if (result?.ok && result.value.duplicate) console.log(`  ${event.id} was already applied: redelivery ignored`);
  }
}

const teaInput = {
  channel: 'tmall',
  channelOrderId: 'TM-20261111-0001',
  customerRef: 'tmall:buyer-8848',
  currency: 'CNY',
  lines: [
    { lineId: 'L1', sku: 'LONGJING-250G', quantity: 2, unitPrice: cny(12800), category: 'tea' },
    { lineId: 'L2', sku: 'GAIWAN-SET', quantity: 1, unitPrice: cny(8900), category: 'teaware' },
  ],
  shipping: cny(0),
  discount: cny(2000),
  paymentMethod: 'alipay',
  shippingAddress: { country: 'CN', province: '上海', street: '浦东新区世纪大道 100 号' },
};
const { order: tea } = await ordo.createOrder(teaInput);
await run(tea.id, [{ id: 'tea-pay', type: 'pay' }]);
// Paid: the pipeline approves it (good credit), routes it and reserves the stock in one unit, requests its waybill.
await ordo.settle();
const routed = (await ordo.get(tea.id))?.history.at(-1);
console.log(`${tea.id} ${routed?.from} -> ${routed?.to} by ${routed?.actor}; ${(await ordo.explain(tea.id))?.text.split('\n').filter((line) => line.includes('waybill')).join('').trim()}`);
await run(tea.id, [
  { id: 'tea-pick', type: 'start_picking' },
  { id: 'tea-ship-1', type: 'ship', shipmentId: 'SF-1', lines: [{ lineId: 'L1', quantity: 2 }], carrier: 'SF', trackingNumber: 'SF1234567890' },
  { id: 'tea-ship-2', type: 'ship', shipmentId: 'SF-2', lines: [{ lineId: 'L2', quantity: 1 }], carrier: 'SF', trackingNumber: 'SF1234567891' },
  { id: 'tea-ship-2', type: 'ship', shipmentId: 'SF-2', lines: [{ lineId: 'L2', quantity: 1 }], carrier: 'SF', trackingNumber: 'SF1234567891' }, // a redelivered webhook: a no-op
  { id: 'tea-ship-2', type: 'ship', shipmentId: 'SF-3', lines: [{ lineId: 'L2', quantity: 1 }] }, // the same id for another shipment: refused, never silently dropped
  { id: 'tea-deliver', type: 'deliver' },
  { id: 'tea-cancel', type: 'cancel' }, // too late: refused, nothing changes
]);
const longjing = await ordo.storage.inventory.getStock('HZ', 'LONGJING-250G');
console.log(`Hangzhou LONGJING-250G after shipping: ${longjing?.onHand} on hand, ${longjing?.reserved} reserved (the reservation was committed with the shipment)`);

// A JD buyer your CRM knows nothing about: the policy holds the order (fail closed), a person rejects it.
const jdInput = { channel: 'jd', channelOrderId: 'JD-88001', customerRef: 'jd:user-17', currency: 'CNY', lines: [{ lineId: 'L1', sku: 'PUER-CAKE', quantity: 1, unitPrice: cny(35900) }], shippingAddress: { country: 'CN', province: '北京', street: '朝阳区建国路 1 号' } };
const { order: jd } = await ordo.createOrder(jdInput);
await run(jd.id, [{ id: 'jd-pay', type: 'pay' }]);
await ordo.settle();
clock.advance({ minutes: 17 });
await ordo.review(jd.id, { decision: 'reject', by: 'ops:alice', reason: 'no credit record and a new account' });
await run(jd.id, [{ id: 'jd-refund', type: 'refund', amount: cny(35900) }]);

// The same channel order delivered twice: stored once.
console.log(`\nRedelivered JD-88001 created a new order: ${(await ordo.createOrder(jdInput)).created}`);

for (const id of [tea.id, jd.id]) console.log(`\n${(await ordo.explain(id))?.text}`);

const settled = await ordo.settle();
console.log(`\nThe relay delivered ${settled.relayed} more events; the ERP subscriber received ${published.length} order events in all.`);

// The WMS comes back: 15 minutes later compensation pushes what it missed; then a reconciliation.
wmsUp = true;
clock.advance({ minutes: 15 });
await ordo.settle();
const check = await ordo.reconcile();
for (const target of check.targets) console.log(`Reconciliation OMS vs ${target.system}: ${target.compared} compared, ${target.inSync} in step, ${target.different} different, ${target.missing} missing`);

// Ops: a metrics snapshot from storage, and a guarded job that cancels what was never paid.
for (const i of [1, 2]) {
  await ordo.createOrder({ channel: 'tmall', channelOrderId: `TM-20261111-UNPAID-${i}`, customerRef: `tmall:buyer-${i}`, currency: 'CNY', lines: [{ lineId: 'L1', sku: 'LONGJING-250G', quantity: 1, unitPrice: cny(12800) }] });
}
clock.advance({ minutes: 45 });
const metrics = await collectStoredMetrics({ orders: ordo.storage.orders, slas: ordo.slas, clock, window: { hours: 24 } });
console.log(`\nOrders per status ${JSON.stringify(metrics.ordersPerStatus)}; unpaid past 30 minutes: ${metrics.overdueBySla['pay-within-30-min']}`);
const runner = ordo.jobs!;
const firstRun = await runner.run('auto-cancel-unpaid');
console.log(`Job auto-cancel-unpaid, first run (${firstRun.outcome}): would cancel ${firstRun.planned.length}; cancelled ${firstRun.acted.length}`);
await runner.confirmPlan('auto-cancel-unpaid', { by: 'ops:alice' });
await runner.confirmCanary('auto-cancel-unpaid', { by: 'ops:alice' }); // two test orders: no canary to wait for
await runner.engageKillSwitch({ by: 'ops:alice', reason: 'checking the peak first' });
console.log(`With the kill switch engaged: ${(await runner.run('auto-cancel-unpaid')).outcome}`);
await runner.releaseKillSwitch({ by: 'ops:alice', reason: 'all clear' });
const cancelled = await runner.run('auto-cancel-unpaid');
const last = (await ordo.get(cancelled.acted[0] as string))?.history.at(-1);
console.log(`Released: ${cancelled.outcome} ${cancelled.acted.length}; history says ${last?.from} -> ${last?.to} by ${last?.actor} (${last?.reason})`);

console.log('\nNext events for the delivered tea order:');
for (const next of ordo.machine.nextEvents((await ordo.get(tea.id)) as Order, { clock })) {
  console.log(`  ${next.type.padEnd(16)} ${next.allowed ? 'allowed' : 'blocked'}`);
}

console.log('\nThe default lifecycle (Mermaid):\n');
console.log(ordo.machine.toMermaid());
console.log(`\nTotal of the tea order: ${formatMoney(tea.totals.total)}`);
await ordo.close();
