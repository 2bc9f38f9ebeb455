// Routing the seed case: East China from Hangzhou first, fresh goods only from Hangzhou, a 16:00 cut-off; the trace of one decision, then routed and reserved in storage.
import { compileRouting, createManualClock, createOrderHub, formatRoutingTrace, SEED_ROUTING_NETWORK, SEED_ROUTING_POLICY } from 'ordo';

const router = compileRouting({ network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY }); // every problem at once, with paths
const clock = createManualClock('2026-11-30T10:00:00+08:00'); // Monday morning in Shanghai, before the cut-off

// Pure: an order to Shanghai with two lines, against stock as inventory.getStockLevels returns it.
const order = {
  id: 'o-1001',
  lines: [
    { lineId: 'L1', sku: 'LONGJING-250G', quantity: 3, category: 'home' },
    { lineId: 'L2', sku: 'TEA-CUP', quantity: 1, category: 'home' },
  ],
  shippingAddress: { country: 'CN', province: '上海', street: '浦东新区世纪大道 100 号' },
};
const stock = [
  { warehouseId: 'HZ', sku: 'LONGJING-250G', available: 4 }, // 2 kept back as safety stock
  { warehouseId: 'HZ', sku: 'TEA-CUP', available: 10 },
  { warehouseId: 'WH', sku: 'LONGJING-250G', available: 20 },
  { warehouseId: 'BJ', sku: 'LONGJING-250G', available: 50 },
];
const decision = router.route(order, router.snapshot({ at: clock.now(), stock, weights: { 'LONGJING-250G': 300, 'TEA-CUP': 450 } }));
console.log(formatRoutingTrace(decision));

// With storage: reservations, daily capacity, the allocate event and its outbox message in one unit.
const hub = createOrderHub({ clock, router });
for (const level of stock) await hub.storage.inventory.setStock(level.warehouseId, level.sku, level.available, clock.now());
const { order: stored } = await hub.createOrder({
  channel: 'tmall', channelOrderId: 'TM-1001', customerRef: 'buyer-9', currency: 'CNY',
  shippingAddress: { country: 'CN', province: '上海', street: '浦东新区世纪大道 100 号' },
  lines: order.lines.map((line) => ({ ...line, unitPrice: { amount: 12800, currency: 'CNY' } })),
});
await hub.apply(stored.id, { id: 'pay-1', type: 'pay' });
await hub.apply(stored.id, { id: 'approve-1', type: 'approve' });
const routed = await hub.route(stored.id, { weights: { 'LONGJING-250G': 300, 'TEA-CUP': 450 } });
if (routed?.ok) console.log('\n' + routed.value.outcome, (await hub.storage.inventory.listReservations(stored.id)).map((r) => `${r.warehouseId} ${r.sku} x${r.quantity}`));
await hub.close();
