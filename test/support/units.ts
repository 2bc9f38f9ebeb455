// Test helper: unit number n of a stream of multi-part units (every store), and how to tell whether it landed whole.
import { createFixedClock } from '../../src/clock/index.js';
import type { Instant } from '../../src/clock/index.js';
import { createOrder } from '../../src/orders/index.js';
import type { StoragePort, UnitOfWork } from '../../src/ports/index.js';

const AT = '2026-03-01T00:00:00.000Z' as Instant;

/** The ids unit `n` writes, one per part. */
export function unitIds(n: number): { order: string; message: string; key: string; reservation: string; task: string; profile: string; audit: string; quarantine: string } {
  return { order: `o-${n}`, message: `m-${n}`, key: `k-${n}`, reservation: `r-${n}`, task: `t-${n}`, profile: `c-${n}`, audit: `a-${n}`, quarantine: `q-${n}` };
}

/** Unit `n`: an order with its history and event, an idempotency record, a reservation, a task, a profile, an audit record and a quarantine record. */
export function unitNumber(n: number, where: { readonly warehouseId: string; readonly sku: string; readonly goldenId: string }): UnitOfWork {
  const ids = unitIds(n);
  const order = createOrder<string>(
    { id: ids.order, channel: 'kill', channelOrderId: `K-${n}`, customerRef: ids.profile, currency: 'CNY', lines: [{ sku: where.sku, quantity: 1, unitPrice: { amount: 100, currency: 'CNY' } }] },
    { clock: createFixedClock(AT), initialStatus: 'paid' },
  );
  return {
    at: AT,
    orders: [{ order, expectedVersion: null, newHistory: order.history }],
    outbox: [{ id: ids.message, topic: 'order.created', key: order.id, payload: { n }, createdAt: AT }],
    idempotency: [{ key: ids.key, fingerprint: 'f', result: { n }, createdAt: AT }],
    inventory: [{ type: 'reserve', requests: [{ reservationId: ids.reservation, orderId: order.id, lineId: 'L1', warehouseId: where.warehouseId, sku: where.sku, quantity: 1 }] }],
    tasks: [{ type: 'enqueue', id: ids.task, task: { queue: 'kill', key: ids.task, payload: { n }, dueAt: AT } }],
    customers: [
      { type: 'putProfile', profile: { id: ids.profile, names: ['测试'], phones: [], emails: [], addresses: [], paymentAccounts: [], deviceIds: [], attributes: { n } } },
      { type: 'appendAudit', record: { id: ids.audit, action: 'merge', goldenId: where.goldenId, actor: 'kill', at: AT, reason: `unit ${n}`, evidence: [], before: { profiles: [], goldens: [] }, after: { profiles: [], goldens: [] } } },
    ],
    quarantine: [{ type: 'put', record: { id: ids.quarantine, source: 'kill', payload: { n }, issues: [], receivedAt: AT } }],
  };
}

/** Which of unit `n`'s parts are stored, read through the port. */
export async function partsOf(storage: StoragePort, n: number): Promise<boolean[]> {
  const ids = unitIds(n);
  return [
    (await storage.orders.get(ids.order)) !== null,
    (await storage.idempotency.get(ids.key)) !== null,
    (await storage.inventory.getReservation(ids.reservation)) !== null,
    (await storage.tasks.get(ids.task)) !== null,
    (await storage.customers.getProfile(ids.profile)) !== null,
    (await storage.customers.getAudit(ids.audit)) !== null,
    (await storage.quarantine.get(ids.quarantine)) !== null,
  ];
}
