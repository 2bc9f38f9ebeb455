// One unit of work across stores: reserve stock, enqueue the pick task and record the event
// together, or not at all. Run: npx tsx examples/unit-of-work.ts
import { createMemoryStorage } from 'ordo/adapters/memory';
import { createManualClock, isUnitOfWorkError } from 'ordo';

const clock = createManualClock('2026-11-11T00:00:00+08:00');
const storage = createMemoryStorage(); // the same unit commits on SQLite and PostgreSQL
await storage.inventory.setStock('WH-HZ', 'LONGJING-250G', 3, clock.now());

const reserveAndNotify = (orderId: string, quantity: number) =>
  storage.commit({
    at: clock.now(),
    inventory: [{ type: 'reserve', requests: [{ reservationId: `${orderId}:L1`, orderId, lineId: 'L1', warehouseId: 'WH-HZ', sku: 'LONGJING-250G', quantity }] }],
    tasks: [{ type: 'enqueue', id: `pick:${orderId}`, task: { queue: 'wms.pick', key: orderId, payload: { orderId }, dueAt: clock.now() } }],
    outbox: [{ id: `reserved:${orderId}`, topic: 'order.reserved', key: orderId, payload: { orderId, quantity }, createdAt: clock.now() }],
  });

await reserveAndNotify('o-1', 2);
try {
  await reserveAndNotify('o-2', 2); // only 1 left: the whole unit is refused
} catch (error) {
  if (!isUnitOfWorkError(error)) throw error;
  console.log(error.code, error.part, error.details['available']);
  // INSUFFICIENT_STOCK { store: 'inventory', index: 0, type: 'reserve' } 1
}
console.log((await storage.tasks.list({ queue: 'wms.pick' })).map((task) => task.key)); // [ 'o-1' ]: o-2 left no task behind
