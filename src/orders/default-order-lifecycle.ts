// The default order lifecycle as a definition: statuses, events, transitions, data changes and effects.
import type { Instant } from '../clock/instant.js';
import { addressSchema } from '../model/address.js';
import { addMoney } from '../money/money.js';
import type { AddressChangedEffect, CommitReservationsEffect, OrderEffect, RefundPaymentEffect } from './order-effects.js';
import type {
  AllocateEvent,
  AnyOrderEvent,
  ChangeAddressEvent,
  LineAllocation,
  LineQuantity,
  OrderEventType,
  PayEvent,
  ReceiveReturnEvent,
  RefundEvent,
  RequestReturnEvent,
  ShipEvent,
} from './order-events.js';
import { DEFAULT_ORDER_GUARDS, type DEFAULT_ORDER_GUARD_NAMES } from './order-guards.js';
import type { OrderEventSpec, OrderPatch, OrderStatusSpec, OrderTransitionSpec, TransitionChange } from './order-machine-types.js';
import { BEFORE_SHIPMENT_STATUSES, ORDER_STATUS_DEFINITIONS, type OrderStatus } from './order-statuses.js';
import type { Order, OrderLine, Shipment } from './order.js';

type Guard = (typeof DEFAULT_ORDER_GUARD_NAMES)[number];
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type TransitionSpec = OrderTransitionSpec<OrderStatus, Guard>;
/** A default event: never without a transition, so `transitions[0]` is always there to reuse. */
type EventSpec = OrderEventSpec<OrderStatus, Guard> & { readonly description: string; readonly transitions: readonly [TransitionSpec, ...TransitionSpec[]] };

function applyPay(order: Order<string>, event: AnyOrderEvent): OrderPatch {
  const pay = event as unknown as PayEvent;
  const amount = pay.amount ?? { amount: order.totals.total.amount - order.payment.paid.amount, currency: order.currency };
  const method = pay.method ?? order.payment.method;
  const deposit = pay.deposit === true ? amount : order.payment.deposit;
  const balanceDueAt = pay.deposit === true ? pay.balanceDueAt : order.payment.balanceDueAt;
  return {
    payment: {
      paid: addMoney(order.payment.paid, amount),
      refunded: order.payment.refunded,
      ...(method === undefined ? {} : { method }),
      ...(deposit === undefined ? {} : { deposit }),
      ...(balanceDueAt === undefined ? {} : { balanceDueAt }),
    },
  };
}

/** A deposit leaves the order waiting for its balance; a payment of what is due makes it paid. */
function choosePayTarget(next: Order<string>): OrderStatus {
  return next.payment.paid.amount < next.totals.total.amount ? 'pending_payment' : 'paid';
}

function applyAllocate(order: Order<string>, event: AnyOrderEvent): OrderPatch {
  const allocations = (event as unknown as AllocateEvent).allocations;
  const lines = order.lines.map((line): OrderLine => {
    const mine: { warehouseId: string; quantity: number }[] = [];
    for (const item of allocations) {
      if (item.lineId !== line.lineId) continue;
      const same = mine.find((a) => a.warehouseId === item.warehouseId);
      if (same) same.quantity += item.quantity;
      else mine.push({ warehouseId: item.warehouseId, quantity: item.quantity });
    }
    return mine.length === 0 ? line : { ...line, allocations: mine };
  });
  return { lines };
}

/** Adds quantities to one counter of the named lines, copying only the lines that change. */
function addToLines(order: Order<string>, items: readonly LineQuantity[], field: 'shippedQuantity' | 'returnedQuantity'): OrderLine[] {
  const lines = order.lines.slice();
  for (const item of items) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as OrderLine;
      if (line.lineId !== item.lineId) continue;
      lines[i] = field === 'shippedQuantity'
        ? { ...line, shippedQuantity: line.shippedQuantity + item.quantity }
        : { ...line, returnedQuantity: line.returnedQuantity + item.quantity };
      break;
    }
  }
  return lines;
}

function applyShip(order: Order<string>, event: AnyOrderEvent, at: Instant): OrderPatch {
  const ship = event as unknown as ShipEvent;
  // Optional fields assigned, not spread: conditional spreads are the slow path of a hot function.
  const shipment: Shipment = { shipmentId: ship.shipmentId, lines: ship.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })), shippedAt: at };
  if (ship.warehouseId !== undefined) shipment.warehouseId = ship.warehouseId;
  if (ship.carrier !== undefined) shipment.carrier = ship.carrier;
  if (ship.trackingNumber !== undefined) shipment.trackingNumber = ship.trackingNumber;
  const shipments = order.shipments.slice();
  shipments.push(shipment);
  return { lines: addToLines(order, ship.lines, 'shippedQuantity'), shipments };
}

function chooseShipTarget(next: Order<string>): OrderStatus {
  for (const line of next.lines) if (line.shippedQuantity < line.quantity) return 'partially_shipped';
  return 'shipped';
}

function applyReceiveReturn(order: Order<string>, event: AnyOrderEvent): OrderPatch {
  return { lines: addToLines(order, (event as unknown as ReceiveReturnEvent).lines, 'returnedQuantity') };
}

function applyRefund(order: Order<string>, event: AnyOrderEvent): OrderPatch {
  const amount = (event as unknown as RefundEvent).amount;
  return { payment: { ...order.payment, refunded: addMoney(order.payment.refunded, amount) } };
}

function paymentEffects(change: TransitionChange): readonly OrderEffect[] {
  const before = change.previous.payment.paid;
  const after = change.order.payment.paid;
  const method = change.order.payment.method;
  return [
    {
      type: 'payment_recorded',
      orderId: change.order.id,
      eventId: change.event.id,
      amount: { amount: after.amount - before.amount, currency: after.currency },
      kind: (change.event as unknown as PayEvent).deposit === true ? 'deposit' : change.previous.payment.deposit !== undefined ? 'balance' : 'full',
      ...(method === undefined ? {} : { method }),
    },
  ];
}

function cancelEffects(change: TransitionChange): readonly OrderEffect[] | undefined {
  const allocations: LineAllocation[] = [];
  for (const line of change.previous.lines) {
    for (const a of line.allocations) allocations.push({ lineId: line.lineId, warehouseId: a.warehouseId, quantity: a.quantity });
  }
  if (allocations.length === 0) return undefined;
  return [{ type: 'release_reservations', orderId: change.order.id, eventId: change.event.id, allocations }];
}

function shipEffects(change: TransitionChange): readonly OrderEffect[] {
  const shipment = change.order.shipments[change.order.shipments.length - 1] as Shipment;
  const effect: Mutable<CommitReservationsEffect> = {
    type: 'commit_reservations',
    orderId: change.order.id,
    eventId: change.event.id,
    shipmentId: shipment.shipmentId,
    lines: shipment.lines,
  };
  if (shipment.warehouseId !== undefined) effect.warehouseId = shipment.warehouseId;
  return [effect];
}

function requestReturnEffects(change: TransitionChange): readonly OrderEffect[] {
  const given = (change.event as unknown as RequestReturnEvent).lines;
  const lines: LineQuantity[] = given
    ? given.map((l) => ({ lineId: l.lineId, quantity: l.quantity }))
    : change.order.lines
        .filter((l) => l.shippedQuantity > l.returnedQuantity)
        .map((l) => ({ lineId: l.lineId, quantity: l.shippedQuantity - l.returnedQuantity }));
  return [{ type: 'return_requested', orderId: change.order.id, eventId: change.event.id, lines }];
}

function receiveReturnEffects(change: TransitionChange): readonly OrderEffect[] {
  const lines = (change.event as unknown as ReceiveReturnEvent).lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
  return [{ type: 'return_received', orderId: change.order.id, eventId: change.event.id, lines }];
}

function refundEffects(change: TransitionChange): readonly OrderEffect[] {
  const effect: Mutable<RefundPaymentEffect> = {
    type: 'refund_payment',
    orderId: change.order.id,
    eventId: change.event.id,
    amount: (change.event as unknown as RefundEvent).amount,
  };
  if (change.order.payment.method !== undefined) effect.method = change.order.payment.method;
  return [effect];
}

function applyChangeAddress(_order: Order<string>, event: AnyOrderEvent): OrderPatch {
  // Parsed (the guard already checked it) so the order holds its own copy, not the caller's object.
  return { shippingAddress: addressSchema.parse((event as unknown as ChangeAddressEvent).address) };
}

function changeAddressEffects(change: TransitionChange): readonly OrderEffect[] {
  const warehouseIds: string[] = [];
  for (const line of change.order.lines) {
    for (const a of line.allocations) if (!warehouseIds.includes(a.warehouseId)) warehouseIds.push(a.warehouseId);
  }
  const effect: AddressChangedEffect = {
    type: 'address_changed',
    orderId: change.order.id,
    eventId: change.event.id,
    address: change.order.shippingAddress as NonNullable<Order['shippingAddress']>,
    status: change.to,
    warehouseIds,
    rerouteMayBeNeeded: warehouseIds.length > 0,
  };
  return [effect];
}

/**
 * The same transition as a self-loop on each status, rather than one transition whose `to`
 * lists them all: the diagram then draws `paid --> paid`, not an edge to every other status.
 */
function selfTransitions(
  statuses: readonly [OrderStatus, ...OrderStatus[]],
  spec: Omit<TransitionSpec, 'from' | 'to'>,
): readonly [TransitionSpec, ...TransitionSpec[]] {
  const [first, ...rest] = statuses;
  return [{ ...spec, from: first, to: first }, ...rest.map((status): TransitionSpec => ({ ...spec, from: status, to: status }))];
}

const events: Readonly<Record<OrderEventType, EventSpec>> = {
  pay: {
    description: 'Payment confirmed; the amount defaults to what is due. With `deposit: true`, part of it: the order waits for its balance.',
    transitions: [{ from: 'pending_payment', to: ['paid', 'pending_payment'], guards: ['payment_valid'], apply: applyPay, choose: choosePayTarget, effects: paymentEffects }],
  },
  hold: {
    description: 'Held for manual review, with a reason.',
    transitions: [{ from: ['paid', 'approved'], to: 'on_hold', guards: ['reason_given'] }],
  },
  approve: {
    description: 'Approved for fulfilment by a policy or an operator.',
    transitions: [{ from: ['paid', 'on_hold'], to: 'approved' }],
  },
  reject: {
    description: 'Refused by approval (fraud, risk or policy).',
    transitions: [{ from: ['paid', 'on_hold'], to: 'rejected' }],
  },
  allocate: {
    description: 'Warehouses chosen and stock reserved for every line; again from allocated to re-route (after an address change).',
    transitions: [{ from: ['approved', 'allocated'], to: 'allocated', guards: ['allocation_exact'], apply: applyAllocate }],
  },
  start_picking: { description: 'The warehouse started picking.', transitions: [{ from: 'allocated', to: 'picking' }] },
  pack: { description: 'Packed and handed to the dock.', transitions: [{ from: 'picking', to: 'packed' }] },
  ship: {
    description: 'A parcel left a warehouse; partially shipped until the last unit ships.',
    transitions: [
      {
        from: ['allocated', 'picking', 'packed', 'partially_shipped'],
        to: ['partially_shipped', 'shipped'],
        guards: ['shipment_within_allocation'],
        apply: applyShip,
        choose: chooseShipTarget,
        effects: shipEffects,
      },
    ],
  },
  deliver: { description: 'The carrier delivered every shipment.', transitions: [{ from: 'shipped', to: 'delivered' }] },
  complete: { description: 'The after-sales window closed.', transitions: [{ from: 'delivered', to: 'completed' }] },
  cancel: {
    description: 'Cancelled before anything shipped; reservations are released.',
    transitions: [{ from: BEFORE_SHIPMENT_STATUSES, to: 'cancelled', guards: ['nothing_shipped'], effects: cancelEffects }],
  },
  request_return: {
    description: 'The buyer asked to return shipped items.',
    transitions: [{ from: ['shipped', 'delivered'], to: 'return_requested', guards: ['return_within_shipped'], effects: requestReturnEffects }],
  },
  receive_return: {
    description: 'Returned items arrived at the warehouse; a later parcel of the same return is accepted too.',
    transitions: [
      {
        from: ['return_requested', 'returned'],
        to: 'returned',
        guards: ['return_within_shipped'],
        apply: applyReceiveReturn,
        effects: receiveReturnEffects,
      },
    ],
  },
  refund: {
    // return_requested is included for refund-only after-sales (refund without a return parcel).
    description: 'Money returned to the buyer; several partial refunds may follow, never more than paid in total.',
    transitions: [
      {
        from: ['cancelled', 'rejected', 'return_requested', 'returned', 'refunded'],
        to: 'refunded',
        guards: ['refund_within_paid'],
        apply: applyRefund,
        effects: refundEffects,
      },
    ],
  },
  flag_exception: {
    description: 'Something outside the normal flow needs an operator, with a reason.',
    transitions: [{ from: '*', to: 'exception', guards: ['reason_given'] }],
  },
  resolve_exception: {
    description: 'An operator resolved the exception; the order goes back to review.',
    transitions: [{ from: 'exception', to: 'on_hold' }],
  },
  change_address: {
    description: 'The buyer changed the shipping address before shipment; the status stays the same.',
    transitions: selfTransitions(BEFORE_SHIPMENT_STATUSES, { guards: ['nothing_shipped', 'address_valid'], apply: applyChangeAddress, effects: changeAddressEffects }),
  },
};

/**
 * The default lifecycle as a complete definition (what `createOrderMachine()` compiles). Reuse
 * its pieces when replacing a default event, e.g.
 * `{ ...DEFAULT_ORDER_LIFECYCLE.events.ship.transitions[0], from: ['awaiting_customs'] }`.
 */
export const DEFAULT_ORDER_LIFECYCLE = Object.freeze({
  initial: 'pending_payment' as OrderStatus,
  statuses: ORDER_STATUS_DEFINITIONS as Readonly<Record<OrderStatus, OrderStatusSpec>>,
  events,
  guards: DEFAULT_ORDER_GUARDS,
});
