// The main demo: a few orders travel their lifecycle on a manual clock, embedded, with no server.
import {
  autoCancelUnpaidJob,
  collectStoredMetrics,
  compileSlas,
  createJobRunner,
  compileRouting,
  createManualClock,
  createSyncService,
  EXAMPLE_WMS_STATUSES,
  reconcile,
  createOrderHub,
  createSequentialIdSource,
  createTimeWindow,
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
import { createMemoryTransport } from 'ordo/adapters/memory';

const cny = (amount: number) => ({ amount, currency: 'CNY' });
const SHANGHAI = 'Asia/Shanghai';

// Singles' Day, midnight in Shanghai. Nothing below reads the process clock or time zone.
const clock = createManualClock('2026-11-11T00:00:00+08:00');
const transport = createMemoryTransport();
// Five warehouses; East China ships from Hangzhou first (the seed routing policy).
const router = compileRouting({ network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY });
const hub = createOrderHub({ clock, transport, ids: createSequentialIdSource('ord-'), router });
for (const [warehouse, sku, units] of [['HZ', 'LONGJING-250G', 12], ['HZ', 'GAIWAN-SET', 4], ['WH', 'LONGJING-250G', 30]] as const) {
  await hub.storage.inventory.setStock(warehouse, sku, units, clock.now());
}

const published: string[] = [];
await transport.subscribe({
  topic: 'order.#',
  group: 'demo-wms',
  handler: async ({ message }) => {
    published.push(message.topic);
  },
});

// A promotion written in New York time: compared as instants, never as wall times.
const promotion = createTimeWindow({ start: '2026-11-10T00:00', end: '2026-11-12T00:00', zone: 'America/New_York' });
console.log(`Promotion (America/New_York) is ${windowState(promotion, clock.now())} at ${formatInZone(clock.now(), SHANGHAI)}\n`);

async function run(order: Order, events: DefaultOrderEvent[]): Promise<void> {
  for (const event of events) {
    clock.advance({ minutes: 17 });
    const result = await hub.apply(order.id, event, { actor: event.type === 'ship' ? 'wms:hangzhou' : 'ops:alice' });
    if (result && !result.ok) console.log(`  refused ${event.type}: [${result.error.code}] ${result.error.message}`);
    if (result?.ok && result.value.duplicate) console.log(`  ${event.id} was already applied: redelivery ignored`);
  }
}

const { order: tea } = await hub.createOrder({
  channel: 'tmall',
  channelOrderId: 'TM-20261111-0001',
  customerRef: 'tmall-buyer-8848',
  currency: 'CNY',
  lines: [
    { lineId: 'L1', sku: 'LONGJING-250G', quantity: 2, unitPrice: cny(12800), category: 'tea' },
    { lineId: 'L2', sku: 'GAIWAN-SET', quantity: 1, unitPrice: cny(8900), category: 'teaware' },
  ],
  shipping: cny(0),
  discount: cny(2000),
  paymentMethod: 'alipay',
  shippingAddress: { country: 'CN', province: '上海', street: '浦东新区世纪大道 100 号' },
});

await run(tea, [
  { id: 'tea-pay', type: 'pay' },
  { id: 'tea-approve', type: 'approve' },
]);
// Routing picks the warehouse and reserves the stock, the allocate event committed with them.
const routed = await hub.route(tea.id, { weights: { 'LONGJING-250G': 300, 'GAIWAN-SET': 900 } });
if (routed?.ok && routed.value.decision?.outcome === 'allocate') {
  const decision = routed.value.decision;
  for (const s of decision.shipments) {
    console.log(`Routed ${tea.channelOrderId} by rule ${decision.rule}: ${s.warehouseId} ships ${s.lines.map((l) => `${l.lineId}x${l.quantity}`).join(', ')} by ${s.estimatedShipLocal} ${s.zone}, ${s.carrier} ${s.cost ? formatMoney(s.cost) : ''}`);
  }
}
await run(tea, [
  { id: 'tea-pick', type: 'start_picking' },
  { id: 'tea-ship-1', type: 'ship', shipmentId: 'SF-1', lines: [{ lineId: 'L1', quantity: 2 }], carrier: 'SF', trackingNumber: 'SF1234567890' },
  { id: 'tea-ship-2', type: 'ship', shipmentId: 'SF-2', lines: [{ lineId: 'L2', quantity: 1 }], carrier: 'SF', trackingNumber: 'SF1234567891' },
  { id: 'tea-ship-2', type: 'ship', shipmentId: 'SF-2', lines: [{ lineId: 'L2', quantity: 1 }], carrier: 'SF', trackingNumber: 'SF1234567891' }, // a redelivered webhook: a no-op
  { id: 'tea-ship-2', type: 'ship', shipmentId: 'SF-3', lines: [{ lineId: 'L2', quantity: 1 }] }, // the same id for another shipment: refused, never silently dropped
  { id: 'tea-deliver', type: 'deliver' },
  { id: 'tea-cancel', type: 'cancel' }, // too late: refused, nothing changes
]);

const longjing = await hub.storage.inventory.getStock('HZ', 'LONGJING-250G');
console.log(`Hangzhou LONGJING-250G after shipping: ${longjing?.onHand} on hand, ${longjing?.reserved} reserved (the reservation was committed with the shipment)`);

const { order: jd } = await hub.createOrder({
  channel: 'jd',
  channelOrderId: 'JD-88001',
  customerRef: 'jd-user-17',
  currency: 'CNY',
  lines: [{ lineId: 'L1', sku: 'PUER-CAKE', quantity: 1, unitPrice: cny(35900) }],
});
await run(jd, [
  { id: 'jd-pay', type: 'pay' },
  { id: 'jd-hold', type: 'hold', reason: 'amount above the review threshold' },
  { id: 'jd-reject', type: 'reject' },
  { id: 'jd-refund', type: 'refund', amount: cny(35900) },
]);

// The same channel order delivered twice: stored once.
const again = await hub.createOrder({
  channel: 'jd',
  channelOrderId: 'JD-88001',
  customerRef: 'jd-user-17',
  currency: 'CNY',
  lines: [{ lineId: 'L1', sku: 'PUER-CAKE', quantity: 1, unitPrice: cny(35900) }],
});
console.log(`\nRedelivered JD-88001 created a new order: ${again.created}`);

for (const id of [tea.id, jd.id]) {
  const order = (await hub.get(id)) as Order;
  console.log(`\n${order.id} (${order.channel} ${order.channelOrderId}) ${order.status}, version ${order.version}, total ${formatMoney(order.totals.total)}`);
  for (const entry of await hub.history(id)) {
    const move = entry.from === entry.to ? entry.to : `${entry.from} -> ${entry.to}`;
    console.log(`  v${entry.version} ${formatInZone(entry.at, SHANGHAI)}  ${entry.type.padEnd(14)} ${move.padEnd(36)} by ${entry.actor}${entry.reason ? ` (${entry.reason})` : ''}`);
  }
}

const relayed = await hub.publishPending();
await transport.idle();
console.log(`\nOutbox relay delivered ${relayed.delivered} events; the WMS consumer received ${published.length}.`);

// Keeping the WMS in step: push, read back, diff; the WMS is down at first, so compensation retries 15 minutes later.
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
const spec = { fields: { status: { compare: 'status', source: EXAMPLE_WMS_STATUSES, target: EXAMPLE_WMS_STATUSES }, total: { compare: 'money', currency: 'CNY', tolerance: 1 } } } as const;
const sync = createSyncService({ storage: hub.storage, clock, owner: 'demo-sync', targets: [{ target: wms, toTarget: toWms, spec }] });
const teaNow = (await hub.get(tea.id)) as Order;
const [first] = await sync.sync(tea.id, teaNow as unknown as JsonValue);
console.log(`\nSync ${tea.id} to the WMS: ${first?.status} (${first?.error?.code})`);
wmsUp = true;
clock.advance({ minutes: 15 });
console.log(`15 minutes later, compensation: ${JSON.stringify(await sync.compensation.runOnce())}`);
const byId = (a: JsonValue, b: JsonValue) => ((a as { id: string }).id < (b as { id: string }).id ? -1 : 1);
const omsRows = (await Promise.all([tea.id, jd.id].map(async (id) => toWms((await hub.get(id)) as unknown as JsonValue)))).sort(byId);
const summary = await reconcile({
  sides: [
    { name: 'oms', records: omsRows, sorted: true },
    { name: 'wms', records: [...wmsHeld.values()].sort(byId), sorted: true },
  ],
  key: 'id',
  spec,
});
console.log(`Reconciliation OMS vs WMS: ${summary.keys} orders, ${summary.inSync} in step, differences ${JSON.stringify(summary.byKind)} (the rejected JD order never reached the WMS)`);

// Ops: a metrics snapshot from storage, and a guarded job that cancels what was never paid.
for (const i of [1, 2]) {
  await hub.createOrder({ channel: 'tmall', channelOrderId: `TM-20261111-UNPAID-${i}`, customerRef: `tmall-buyer-${i}`, currency: 'CNY', lines: [{ lineId: 'L1', sku: 'LONGJING-250G', quantity: 1, unitPrice: cny(12800) }] });
}
const slas = compileSlas([{ id: 'pay-within-30-min', from: 'pending_payment', to: ['paid', 'cancelled'], within: { minutes: 30 } }]);
clock.advance({ minutes: 45 });
const metrics = await collectStoredMetrics({ orders: hub.storage.orders, slas, clock, window: { hours: 24 } });
console.log(`\nOrders per status ${JSON.stringify(metrics.ordersPerStatus)}; unpaid past 30 minutes: ${metrics.overdueBySla['pay-within-30-min']}`);
const job = autoCancelUnpaidJob({ after: { minutes: 30 } });
const runner = createJobRunner({ storage: hub.storage, clock, machine: hub.machine, owner: 'demo-ops', jobs: [job] });
const firstRun = await runner.run(job.id);
console.log(`Job ${job.id}, first run (${firstRun.outcome}): would cancel ${firstRun.planned.length}; cancelled ${firstRun.acted.length}`);
await runner.confirmPlan(job.id, { by: 'ops:alice' });
await runner.confirmCanary(job.id, { by: 'ops:alice' }); // two test orders: no canary to wait for
await runner.engageKillSwitch({ by: 'ops:alice', reason: 'checking the peak first' });
console.log(`With the kill switch engaged: ${(await runner.run(job.id)).outcome}`);
await runner.releaseKillSwitch({ by: 'ops:alice', reason: 'all clear' });
const cancelled = await runner.run(job.id);
const last = (await hub.history(cancelled.acted[0] as string)).at(-1);
console.log(`Released: ${cancelled.outcome} ${cancelled.acted.length}; history says ${last?.from} -> ${last?.to} by ${last?.actor} (${last?.reason})`);

console.log('\nNext events for the delivered tea order:');
for (const next of (await hub.nextEvents(tea.id)) ?? []) {
  console.log(`  ${next.type.padEnd(16)} ${next.allowed ? 'allowed' : 'blocked'}`);
}

console.log('\nThe default lifecycle (Mermaid):\n');
console.log(hub.machine.toMermaid());
await hub.close();
