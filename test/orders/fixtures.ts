// Shared fixtures for the order machine tests: a two-line order, a clock, and a way to reach any status.
import { createFixedClock } from '../../src/clock/index.js';
import { createOrderMachine, type DefaultOrderEvent, type Order, type OrderStatus } from '../../src/orders/index.js';

export const clock = createFixedClock('2026-03-01T08:00:00Z');
export const context = { clock, actor: 'tester' };
export const machine = createOrderMachine();

export const cny = (amount: number) => ({ amount, currency: 'CNY' });

/** A valid shipping address (invented). */
export const newAddress = {
  country: 'CN',
  province: '浙江省',
  city: '杭州市',
  district: '滨江区',
  street: '江南大道 3888 号 2 幢 101',
  recipient: '李四',
  phone: '13900001111',
} as const;

/** L1: 2 x CNY 10.00, L2: 1 x CNY 5.00; total CNY 25.00. */
export function newOrder(): Order {
  return machine.createOrder(
    {
      id: 'ord-1',
      channel: 'tmall',
      channelOrderId: 'T-1',
      customerRef: 'buyer-1',
      currency: 'CNY',
      lines: [
        { sku: 'TEA', quantity: 2, unitPrice: cny(1000) },
        { sku: 'CUP', quantity: 1, unitPrice: cny(500) },
      ],
    },
    { clock },
  );
}

const allocateAll: DefaultOrderEvent = {
  id: 'e-allocate',
  type: 'allocate',
  allocations: [
    { lineId: 'L1', warehouseId: 'W1', quantity: 2 },
    { lineId: 'L2', warehouseId: 'W1', quantity: 1 },
  ],
};
const shipAll: DefaultOrderEvent = {
  id: 'e-ship',
  type: 'ship',
  shipmentId: 'S1',
  lines: [
    { lineId: 'L1', quantity: 2 },
    { lineId: 'L2', quantity: 1 },
  ],
};

const PATHS: Record<OrderStatus, readonly DefaultOrderEvent[]> = {
  pending_payment: [],
  paid: [{ id: 'e-pay', type: 'pay' }],
  on_hold: [{ id: 'e-pay', type: 'pay' }, { id: 'e-hold', type: 'hold', reason: 'risk score 80' }],
  approved: [{ id: 'e-pay', type: 'pay' }, { id: 'e-approve', type: 'approve' }],
  allocated: [{ id: 'e-pay', type: 'pay' }, { id: 'e-approve', type: 'approve' }, allocateAll],
  picking: [{ id: 'e-pay', type: 'pay' }, { id: 'e-approve', type: 'approve' }, allocateAll, { id: 'e-pick', type: 'start_picking' }],
  packed: [
    { id: 'e-pay', type: 'pay' },
    { id: 'e-approve', type: 'approve' },
    allocateAll,
    { id: 'e-pick', type: 'start_picking' },
    { id: 'e-pack', type: 'pack' },
  ],
  partially_shipped: [
    { id: 'e-pay', type: 'pay' },
    { id: 'e-approve', type: 'approve' },
    allocateAll,
    { id: 'e-ship-1', type: 'ship', shipmentId: 'S0', lines: [{ lineId: 'L1', quantity: 1 }] },
  ],
  shipped: [{ id: 'e-pay', type: 'pay' }, { id: 'e-approve', type: 'approve' }, allocateAll, shipAll],
  delivered: [{ id: 'e-pay', type: 'pay' }, { id: 'e-approve', type: 'approve' }, allocateAll, shipAll, { id: 'e-deliver', type: 'deliver' }],
  completed: [
    { id: 'e-pay', type: 'pay' },
    { id: 'e-approve', type: 'approve' },
    allocateAll,
    shipAll,
    { id: 'e-deliver', type: 'deliver' },
    { id: 'e-complete', type: 'complete' },
  ],
  cancelled: [{ id: 'e-pay', type: 'pay' }, { id: 'e-cancel', type: 'cancel' }],
  rejected: [{ id: 'e-pay', type: 'pay' }, { id: 'e-reject', type: 'reject' }],
  return_requested: [
    { id: 'e-pay', type: 'pay' },
    { id: 'e-approve', type: 'approve' },
    allocateAll,
    shipAll,
    { id: 'e-deliver', type: 'deliver' },
    { id: 'e-return', type: 'request_return', lines: [{ lineId: 'L1', quantity: 1 }] },
  ],
  returned: [
    { id: 'e-pay', type: 'pay' },
    { id: 'e-approve', type: 'approve' },
    allocateAll,
    shipAll,
    { id: 'e-deliver', type: 'deliver' },
    { id: 'e-return', type: 'request_return', lines: [{ lineId: 'L1', quantity: 1 }] },
    { id: 'e-received', type: 'receive_return', lines: [{ lineId: 'L1', quantity: 1 }] },
  ],
  refunded: [
    { id: 'e-pay', type: 'pay' },
    { id: 'e-approve', type: 'approve' },
    allocateAll,
    shipAll,
    { id: 'e-deliver', type: 'deliver' },
    { id: 'e-return', type: 'request_return', lines: [{ lineId: 'L1', quantity: 1 }] },
    { id: 'e-received', type: 'receive_return', lines: [{ lineId: 'L1', quantity: 1 }] },
    { id: 'e-refund', type: 'refund', amount: cny(1000) },
  ],
  exception: [{ id: 'e-pay', type: 'pay' }, { id: 'e-flag', type: 'flag_exception', reason: 'parcel lost' }],
};

/** An order driven to `status` through the default lifecycle. */
export function orderAt(status: OrderStatus): Order {
  const result = machine.apply(newOrder(), PATHS[status], context);
  if (!result.ok) throw result.error;
  if (result.value.order.status !== status) throw new Error(`fixture reached ${result.value.order.status}, not ${status}`);
  return result.value.order;
}

/** A valid event of `type` for `order` (ships and returns everything that is left). */
export function validEvent(type: DefaultOrderEvent['type'], order: Order, id = `v-${type}`): DefaultOrderEvent {
  switch (type) {
    case 'pay':
      return { id, type };
    case 'hold':
    case 'flag_exception':
      return { id, type, reason: 'because' };
    case 'allocate':
      return { id, type, allocations: order.lines.map((l) => ({ lineId: l.lineId, warehouseId: 'W1', quantity: l.quantity })) };
    case 'ship':
      return {
        id,
        type,
        shipmentId: `S-${id}`,
        lines: order.lines
          .filter((l) => l.allocations.reduce((n, a) => n + a.quantity, 0) > l.shippedQuantity)
          .map((l) => ({ lineId: l.lineId, quantity: l.allocations.reduce((n, a) => n + a.quantity, 0) - l.shippedQuantity })),
      };
    case 'request_return':
      return { id, type };
    case 'receive_return':
      return {
        id,
        type,
        lines: order.lines.filter((l) => l.shippedQuantity > l.returnedQuantity).map((l) => ({ lineId: l.lineId, quantity: l.shippedQuantity - l.returnedQuantity })),
      };
    case 'refund':
      return { id, type, amount: cny(order.payment.paid.amount - order.payment.refunded.amount) };
    case 'change_address':
      return { id, type, address: newAddress };
    default:
      return { id, type } as DefaultOrderEvent;
  }
}

/** Freezes an object graph so any mutation throws (tests run in strict mode). */
export function deepFreeze<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value === 'object' && value !== null && !seen.has(value)) {
    seen.add(value);
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key], seen);
  }
  return value;
}
