// The README's quick start, kept runnable: create an order, apply events, see a refusal, relay events.
import { createManualClock, createOrdo } from 'ordo';

const clock = createManualClock('2026-11-11T00:00:00+08:00'); // or systemClock in production
const ordo = createOrdo({ clock, approval: false }); // memory storage + memory transport; approval decided by hand here

const { order } = await ordo.createOrder({
  channel: 'tmall', channelOrderId: 'TM-1', customerRef: 'buyer-9', currency: 'CNY',
  lines: [{ lineId: 'L1', sku: 'LONGJING-250G', quantity: 2, unitPrice: { amount: 12800, currency: 'CNY' } }],
});
await ordo.apply(order.id, { id: 'evt-1', type: 'pay' });
await ordo.review(order.id, { decision: 'approve', by: 'ops:alice', reason: 'known buyer' });
const result = await ordo.apply(order.id, { id: 'evt-3', type: 'ship', shipmentId: 'S1', lines: [{ lineId: 'L1', quantity: 2 }] });
if (result && !result.ok) console.log(result.error.code, result.error.message);

await ordo.settle(); // the relay delivers committed events to the transports (and runs the pipeline's steps)
console.log((await ordo.get(order.id))?.history.map((h) => `${h.from} -> ${h.to} at ${h.at}`));
await ordo.close();
