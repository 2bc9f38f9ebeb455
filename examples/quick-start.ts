// The README's quick start, kept runnable: create an order, apply events, see a refusal, relay events.
import { createManualClock, createOrderHub } from 'ordo';

const clock = createManualClock('2026-11-11T00:00:00+08:00'); // or systemClock in production
const hub = createOrderHub({ clock }); // memory storage + memory transport by default

const { order } = await hub.createOrder({
  channel: 'tmall', channelOrderId: 'TM-1', customerRef: 'buyer-9', currency: 'CNY',
  lines: [{ lineId: 'L1', sku: 'LONGJING-250G', quantity: 2, unitPrice: { amount: 12800, currency: 'CNY' } }],
});
await hub.apply(order.id, { id: 'evt-1', type: 'pay' });
await hub.apply(order.id, { id: 'evt-2', type: 'approve' });
const result = await hub.apply(order.id, { id: 'evt-3', type: 'ship', shipmentId: 'S1', lines: [{ lineId: 'L1', quantity: 2 }] });
if (result && !result.ok) console.log(result.error.code, result.error.message);

await hub.publishPending(); // the outbox relay delivers committed events to the transport
console.log((await hub.history(order.id)).map((h) => `${h.from} -> ${h.to} at ${h.at}`));
await hub.close();
