// The whole pipeline from one createOrdo definition: six channels, approval, routing and reservation, waybills, WMS and finance sync through a WMS outage, RabbitMQ and a signed webhook; no glue.
import { createServer } from 'node:http';
import { createManualClock, createOrdo, EXAMPLE_WMS_STATUSES, SEED_ROUTING_NETWORK, SEED_ROUTING_POLICY, type JsonValue, type Order, type SyncTarget } from 'ordo';
import { createMemoryCarrier } from 'ordo/adapters/carrier';
import { createMemoryStorage } from 'ordo/adapters/memory';
import { createPostgresStorage } from 'ordo/adapters/postgres';
import { createRabbitMqTransport } from 'ordo/adapters/rabbitmq';
import { createWebhookTransport, generateWebhookSecret, verifyWebhook } from 'ordo/adapters/webhook';
import { channelFixture, FIXTURE_CHANNELS } from 'ordo/testing';

// Your systems, faked here: a WMS that is down for the first 20 minutes, a finance ledger, a partner that takes webhooks.
const clock = createManualClock('2026-11-11T00:05:00+08:00');
const system = (name: string, isUp: () => boolean): SyncTarget & { held: Map<string, JsonValue> } => {
  const held = new Map<string, JsonValue>();
  return { system: name, held, async push(key, record) { if (!isUp()) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }); held.set(key, record); }, read: async (key) => held.get(key) };
};
let wmsUp = false;
const wms = system('wms', () => wmsUp);
const finance = system('finance', () => true);
const secret = generateWebhookSecret();
const partnerHeard: string[] = [];
const partner = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk)).on('end', () => {
    const verified = verifyWebhook(request.headers, body, { secrets: secret, clock });
    if (verified.ok) partnerHeard.push(verified.value.id);
    response.writeHead(verified.ok ? 204 : 401).end();
  });
});
await new Promise<void>((listening) => partner.listen(0, '127.0.0.1', listening));
const port = (partner.address() as { port: number }).port;
const postgres = process.env.ORDO_EXAMPLE_POSTGRES_URL;
const rabbitmq = process.env.ORDO_EXAMPLE_RABBITMQ_URL;
const toWms = (record: JsonValue) => ({ id: (record as unknown as Order).id, status: EXAMPLE_WMS_STATUSES.fromCanonical((record as unknown as Order).status) });

// The definition: what an ERP team writes.
const ordo = createOrdo({
  storage: postgres ? createPostgresStorage({ connectionString: postgres, tablePrefix: process.env.ORDO_EXAMPLE_TABLE_PREFIX ?? 'pipeline_' }) : createMemoryStorage(),
  transports: [
    ...(rabbitmq ? [{ name: 'rabbitmq', transport: createRabbitMqTransport({ url: rabbitmq, exchange: 'ordo-pipeline.events', queuePrefix: 'ordo-pipeline.' }) }] : []),
    { name: 'partner', topics: ['order.status_changed'], transport: (context) => createWebhookTransport({ ...context, allowHttp: true, allowPrivateNetworks: true, endpoints: [{ id: 'partner', url: `http://127.0.0.1:${port}/hooks`, secrets: secret, topics: ['order.*'] }] }) },
  ],
  clock,
  zone: 'Asia/Shanghai',
  catalogue: (sku) => ({ category: sku.startsWith('FRESH') ? 'fresh' : 'home', weightGrams: 400 }),
  approval: { customerFacts: async () => ({ creditScore: 720, isBlocked: false }) }, // your CRM's answer
  routing: { network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY },
  waybills: { carrier: createMemoryCarrier({ clock }), sender: { country: 'CN', province: '浙江省', city: '杭州市', street: '仓前街道 1 号' } },
  sync: {
    targets: [
      { target: wms, statuses: ['allocated', 'shipped', 'cancelled'], toTarget: toWms, spec: { fields: { status: { compare: 'status', source: EXAMPLE_WMS_STATUSES, target: EXAMPLE_WMS_STATUSES } } } },
      { target: finance, toTarget: (record) => ({ id: (record as unknown as Order).id, total: (record as unknown as Order).totals.total.amount }), spec: { fields: { total: { compare: 'money', currency: 'CNY' } } } },
    ],
  },
});
await ordo.migrate();

// One paid order from each of the six channels; the warehouses' stock feed has what they ask for.
const payloads = FIXTURE_CHANNELS.map((channel) => ({ channel, payload: channelFixture(channel, 'paid') }));
const report = await ordo.ingest(payloads);
for (const item of report.items) {
  for (const line of (await ordo.get(item.orderId as string))?.lines ?? []) await ordo.storage.inventory.setStock('HZ', line.sku, 100, clock.now());
}
await ordo.settle();
wmsUp = true;
clock.advance({ minutes: 20 }); // the WMS is back; compensation catches up
await ordo.settle();

for (const item of report.items) console.log((await ordo.explain(item.orderId as string))?.text.split('\n').slice(0, 1).join(''));
console.log((await ordo.explain(report.items[0]?.orderId as string))?.text);
const orders = await Promise.all(report.items.map((item) => ordo.get(item.orderId as string)));
const allocated = orders.filter((order) => order?.status === 'allocated');
console.log(`\n${report.counts.accepted} accepted; ${allocated.length} allocated with ${(await Promise.all(allocated.map((order) => ordo.waybills?.waybillsOf(order!.id)))).flat().length} waybills; WMS holds ${wms.held.size}, finance ${finance.held.size}; the partner verified ${partnerHeard.length} webhooks`);
await ordo.close();
partner.close();
