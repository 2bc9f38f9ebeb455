// The default order lifecycle: every transition, every guard, history, idempotency, effects, dry runs, diagram.
import { describe, expect, it } from 'vitest';
import { createManualClock, type Instant } from '../../src/clock/index.js';
import { isIdempotencyError, isTransitionError, isValidationError, type TransitionError } from '../../src/errors/index.js';
import {
  DEFAULT_ORDER_LIFECYCLE,
  amountDue,
  ORDER_EVENT_TYPES,
  ORDER_STATUSES,
  ORDER_STATUS_DEFINITIONS,
  createOrderMachine,
  effectsToOutbox,
  orderSchema,
  type DefaultOrderEvent,
  type Order,
  type OrderStatus,
  type TransitionResult,
  type Transition,
} from '../../src/orders/index.js';
import { clock, cny, context, deepFreeze, machine, newAddress, newOrder, orderAt, validEvent } from './fixtures.js';

function ok(result: TransitionResult): Transition {
  if (!result.ok) throw result.error;
  return result.value;
}

function refused(result: TransitionResult): TransitionError {
  if (result.ok) throw new Error(`expected a refusal, got ${result.value.order.status}`);
  if (!isTransitionError(result.error)) throw new Error(`expected a TransitionError, got ${result.error.code}`);
  return result.error;
}

describe('the status dictionary', () => {
  it('machine.statuses holds every canonical status with its written definition and terminal flag', () => {
    expect(Object.keys(machine.statuses)).toEqual([...ORDER_STATUSES]);
    for (const status of ORDER_STATUSES) {
      expect(machine.statuses[status]).toEqual(ORDER_STATUS_DEFINITIONS[status]);
      expect(machine.statuses[status].description.length).toBeGreaterThan(10);
    }
  });

  it('machine.events lists every default event with a description and its transitions', () => {
    expect(Object.keys(machine.events)).toEqual([...ORDER_EVENT_TYPES]);
    for (const type of ORDER_EVENT_TYPES) {
      expect(machine.events[type].description).not.toBe('');
      expect(machine.events[type].transitions.length).toBeGreaterThan(0);
    }
    expect(machine.events.cancel.transitions[0]).toEqual({
      from: ['pending_payment', 'paid', 'on_hold', 'approved', 'allocated', 'picking', 'packed'],
      to: ['cancelled'],
      guards: ['nothing_shipped'],
    });
  });

  it('terminal statuses only lead to refunded (the "refunds aside" of the definitions)', () => {
    for (const status of ORDER_STATUSES.filter((s) => ORDER_STATUS_DEFINITIONS[s].terminal)) {
      const order = orderAt(status);
      const leaving = machine.nextEvents(order).map((e) => e.type);
      expect(leaving.every((type) => type === 'refund'), `${status}: ${leaving.join(', ')}`).toBe(true);
    }
    expect(machine.nextEvents(orderAt('completed'))).toEqual([]);
  });

  it('flag_exception (from "*") applies in every non-terminal status except exception itself', () => {
    expect(machine.events.flag_exception.transitions[0]?.from).toEqual(
      ORDER_STATUSES.filter((s) => !ORDER_STATUS_DEFINITIONS[s].terminal && s !== 'exception'),
    );
  });
});

describe('every default transition', () => {
  const cases = ORDER_EVENT_TYPES.flatMap((type) =>
    machine.events[type].transitions.flatMap((t) => t.from.map((from) => ({ type, from, targets: t.to }))),
  );

  it.each(cases)('$type from $from leads to one of $targets', ({ type, from, targets }) => {
    const order = orderAt(from);
    const result = ok(machine.transition(order, validEvent(type, order), context));
    expect(targets).toContain(result.order.status);
    expect(result.order.version).toBe(order.version + 1);
  });

  it.each([
    ['pending_payment', 'pay', 'paid'],
    ['paid', 'hold', 'on_hold'],
    ['approved', 'hold', 'on_hold'],
    ['paid', 'approve', 'approved'],
    ['on_hold', 'approve', 'approved'],
    ['paid', 'reject', 'rejected'],
    ['on_hold', 'reject', 'rejected'],
    ['approved', 'allocate', 'allocated'],
    ['allocated', 'start_picking', 'picking'],
    ['picking', 'pack', 'packed'],
    ['packed', 'ship', 'shipped'],
    ['allocated', 'ship', 'shipped'],
    ['partially_shipped', 'ship', 'shipped'],
    ['shipped', 'deliver', 'delivered'],
    ['delivered', 'complete', 'completed'],
    ['packed', 'cancel', 'cancelled'],
    ['pending_payment', 'cancel', 'cancelled'],
    ['delivered', 'request_return', 'return_requested'],
    ['shipped', 'request_return', 'return_requested'],
    ['return_requested', 'receive_return', 'returned'],
    ['returned', 'refund', 'refunded'],
    ['return_requested', 'refund', 'refunded'],
    ['cancelled', 'refund', 'refunded'],
    ['rejected', 'refund', 'refunded'],
    ['picking', 'flag_exception', 'exception'],
    ['exception', 'resolve_exception', 'on_hold'],
  ] as const)('%s --%s--> %s', (from, type, to) => {
    const order = orderAt(from);
    expect(ok(machine.transition(order, validEvent(type, order), context)).order.status).toBe(to);
  });

  it('refuses an event the status does not accept with ILLEGAL_TRANSITION naming status and event', () => {
    const error = refused(machine.transition(orderAt('pending_payment'), { id: 'x', type: 'ship', shipmentId: 'S', lines: [] }, context));
    expect(isTransitionError(error)).toBe(true);
    expect(error.code).toBe('ILLEGAL_TRANSITION');
    expect(error.status).toBe('pending_payment');
    expect(error.event).toBe('ship');
    expect(error.message).toBe('Order ord-1: event "ship" is not allowed in status "pending_payment"');
  });

  it('refuses an event type the machine does not know (untyped callers) as ILLEGAL_TRANSITION', () => {
    const error = refused(machine.transition(newOrder(), { id: 'x', type: 'teleport' } as unknown as DefaultOrderEvent, context));
    expect(error.code).toBe('ILLEGAL_TRANSITION');
    expect(error.event).toBe('teleport');
  });

  it('nothing leaves completed', () => {
    const order = orderAt('completed');
    for (const type of ORDER_EVENT_TYPES) {
      expect(refused(machine.transition(order, validEvent(type, order), context)).code).toBe('ILLEGAL_TRANSITION');
    }
  });
});

describe('history, version and times', () => {
  it('appends one entry with event id, type, from, to, actor, reason and the clock instant, and raises version by one', () => {
    const manual = createManualClock('2026-03-01T08:00:00Z');
    const paid = orderAt('paid');
    manual.advance({ minutes: 5 });
    const result = ok(machine.transition(paid, { id: 'h-1', type: 'hold', reason: 'address mismatch', actor: 'policy:v3' }, { clock: manual }));
    expect(result.order.history).toHaveLength(paid.history.length + 1);
    expect(result.entry).toEqual({
      eventId: 'h-1',
      type: 'hold',
      from: 'paid',
      to: 'on_hold',
      actor: 'policy:v3',
      reason: 'address mismatch',
      at: '2026-03-01T08:05:00.000Z',
      version: paid.version + 1,
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(result.order.history.at(-1)).toBe(result.entry);
    expect(result.order.updatedAt).toBe('2026-03-01T08:05:00.000Z');
    expect(result.order.statusEnteredAt.on_hold).toBe('2026-03-01T08:05:00.000Z');
    expect(result.order.statusEnteredAt.paid).toBe(paid.statusEnteredAt.paid);
  });

  it('takes the actor from the event, then the context, then "system"', () => {
    const order = orderAt('paid');
    expect(ok(machine.transition(order, { id: 'a', type: 'approve', actor: 'ops:li' }, { clock, actor: 'ctx' })).entry?.actor).toBe('ops:li');
    expect(ok(machine.transition(order, { id: 'a', type: 'approve' }, { clock, actor: 'ctx' })).entry?.actor).toBe('ctx');
    const entry = ok(machine.transition(order, { id: 'a', type: 'approve' }, { clock })).entry;
    expect(entry?.actor).toBe('system');
    expect(entry && 'reason' in entry).toBe(false);
  });

  it('keeps the first entry time of a status when the order enters it again', () => {
    const manual = createManualClock('2026-03-01T08:00:00Z');
    const first = orderAt('partially_shipped');
    manual.advance({ hours: 1 });
    const ship = { id: 's-2', type: 'ship', shipmentId: 'S2', lines: [{ lineId: 'L1', quantity: 1 }] } as const;
    const again = ok(machine.transition(first, ship, { clock: manual })).order;
    expect(again.status).toBe('partially_shipped');
    expect(again.statusEnteredAt.partially_shipped).toBe(first.statusEnteredAt.partially_shipped);
    expect(again.statusEnteredAt).toBe(first.statusEnteredAt);
  });

  it('produces orders that still satisfy the order schema', () => {
    for (const status of ORDER_STATUSES) expect(orderSchema.safeParse(orderAt(status)).success).toBe(true);
  });
});

describe('idempotency', () => {
  it('the same event id twice is a no-op reported as a duplicate, returning the same order', () => {
    const paid = orderAt('paid');
    const again = ok(machine.transition(paid, { id: 'e-pay', type: 'pay' }, context));
    expect(again.duplicate).toBe(true);
    expect(again.order).toBe(paid);
    expect(again.effects).toEqual([]);
    expect(again.entry).toBeNull();
  });

  it('a duplicate is recognised even when the event would now be illegal', () => {
    const shipped = orderAt('shipped');
    expect(ok(machine.transition(shipped, { id: 'e-approve', type: 'approve' }, context)).duplicate).toBe(true);
  });

  it('apply() skips duplicates inside a batch and counts them', () => {
    const result = machine.apply(newOrder(), [{ id: 'p', type: 'pay' }, { id: 'p', type: 'pay' }, { id: 'a', type: 'approve' }], context);
    expect(result.ok && result.value.duplicates).toBe(1);
    expect(result.ok && result.value.order.version).toBe(3);
    expect(result.ok && result.value.entries.map((e) => e.eventId)).toEqual(['p', 'a']);
  });

  it('apply() stops at the first refusal and says which event it was', () => {
    const result = machine.apply(newOrder(), [{ id: 'p', type: 'pay' }, { id: 'd', type: 'deliver' }, { id: 'a', type: 'approve' }], context);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.index).toBe(1);
    expect(!result.ok && result.error.code).toBe('ILLEGAL_TRANSITION');
  });
});

describe('purity', () => {
  it('never mutates the input order, in any status, for valid or invalid events', () => {
    for (const status of ORDER_STATUSES) {
      const order = deepFreeze(orderAt(status));
      const snapshot = structuredClone(order);
      for (const type of ORDER_EVENT_TYPES) {
        machine.transition(order, validEvent(type, order), context);
        machine.transition(order, { id: `bad-${type}`, type, lines: [{ lineId: 'L1', quantity: 99 }], amount: cny(10 ** 9) } as unknown as DefaultOrderEvent, context);
      }
      machine.nextEvents(order);
      expect(order).toEqual(snapshot);
    }
  });

  it('shares what did not change: lines are copied only by the events that change them', () => {
    const allocated = orderAt('allocated');
    const picking = ok(machine.transition(allocated, { id: 'p', type: 'start_picking' }, context)).order;
    expect(picking.lines).toBe(allocated.lines);
    expect(picking.payment).toBe(allocated.payment);
    const shipped = ok(machine.transition(allocated, { id: 's', type: 'ship', shipmentId: 'S', lines: [{ lineId: 'L2', quantity: 1 }] }, context)).order;
    expect(shipped.lines).not.toBe(allocated.lines);
    expect(shipped.lines[0]).toBe(allocated.lines[0]);
    expect(shipped.lines[1]).toEqual({ ...allocated.lines[1], shippedQuantity: 1 });
  });
});

describe('guards', () => {
  it('cancel is refused once anything shipped: ILLEGAL_TRANSITION from partially_shipped, GUARD_REJECTED from on_hold after an exception', () => {
    // partially_shipped is not a cancellable status at all: the lifecycle itself says no.
    const partial = orderAt('partially_shipped');
    expect(refused(machine.transition(partial, { id: 'c', type: 'cancel' }, context)).code).toBe('ILLEGAL_TRANSITION');
    // Back in review after an exception, the status allows cancel but the guard sees the shipment.
    const held = machine.apply(partial, [{ id: 'f', type: 'flag_exception', reason: 'stock mismatch' }, { id: 'r', type: 'resolve_exception' }], context);
    if (!held.ok) throw held.error;
    expect(held.value.order.status).toBe('on_hold');
    const error = refused(machine.transition(held.value.order, { id: 'c', type: 'cancel' }, context));
    expect(error.code).toBe('GUARD_REJECTED');
    expect(error.guard).toBe('nothing_shipped');
    expect(error.reason).toBe('Units have already shipped; cancel is only possible before shipment (request a return instead)');
    expect(error.message).toContain('rejected by guard "nothing_shipped"');
  });

  it('cancel of an allocated order releases its reservations (effect)', () => {
    const result = ok(machine.transition(orderAt('allocated'), { id: 'c', type: 'cancel', reason: 'buyer asked' }, context));
    expect(result.effects[1]).toEqual({
      type: 'release_reservations',
      orderId: 'ord-1',
      eventId: 'c',
      allocations: [
        { lineId: 'L1', warehouseId: 'W1', quantity: 2 },
        { lineId: 'L2', warehouseId: 'W1', quantity: 1 },
      ],
    });
    expect(ok(machine.transition(orderAt('paid'), { id: 'c', type: 'cancel' }, context)).effects.map((e) => e.type)).toEqual(['status_changed']);
  });

  it('partial shipment by line quantity: one unit of L1 -> partially_shipped, the rest -> shipped', () => {
    const allocated = orderAt('allocated');
    const first = ok(machine.transition(allocated, { id: 's1', type: 'ship', shipmentId: 'S1', lines: [{ lineId: 'L1', quantity: 1 }], carrier: 'SF', trackingNumber: 'SF123' }, context));
    expect(first.order.status).toBe('partially_shipped');
    expect(first.order.lines.map((l) => l.shippedQuantity)).toEqual([1, 0]);
    expect(first.order.shipments).toEqual([
      { shipmentId: 'S1', carrier: 'SF', trackingNumber: 'SF123', lines: [{ lineId: 'L1', quantity: 1 }], shippedAt: '2026-03-01T08:00:00.000Z' },
    ]);
    expect(first.effects[1]).toEqual({ type: 'commit_reservations', orderId: 'ord-1', eventId: 's1', shipmentId: 'S1', lines: [{ lineId: 'L1', quantity: 1 }] });
    const rest = { id: 's2', type: 'ship', shipmentId: 'S2', warehouseId: 'W1', lines: [{ lineId: 'L1', quantity: 1 }, { lineId: 'L2', quantity: 1 }] } as const;
    const second = ok(machine.transition(first.order, rest, context));
    expect(second.order.status).toBe('shipped');
    expect(second.order.lines.map((l) => l.shippedQuantity)).toEqual([2, 1]);
    expect(second.order.shipments).toHaveLength(2);
  });

  it.each([
    [{ lineId: 'L1', quantity: 3 }, 'Line L1: cannot ship 3 units, only 2 allocated and not yet shipped'],
    [{ lineId: 'L9', quantity: 1 }, 'Unknown line "L9"'],
    [{ lineId: 'L1', quantity: 0 }, 'Line L1: quantity must be a positive integer'],
    [{ lineId: 'L1', quantity: 1.5 }, 'Line L1: quantity must be a positive integer'],
  ])('ship refuses %j: %s', (line, reason) => {
    const error = refused(machine.transition(orderAt('allocated'), { id: 's', type: 'ship', shipmentId: 'S', lines: [line] }, context));
    expect(error.code).toBe('GUARD_REJECTED');
    expect(error.guard).toBe('shipment_within_allocation');
    expect(error.reason).toBe(reason);
  });

  it('over-shipping is refused also when split across lines of one event or across shipments', () => {
    const split = { id: 's', type: 'ship', shipmentId: 'S', lines: [{ lineId: 'L2', quantity: 1 }, { lineId: 'L2', quantity: 1 }] } as const;
    expect(refused(machine.transition(orderAt('allocated'), split, context)).reason).toBe('Line L2: cannot ship 2 units, only 1 allocated and not yet shipped');
    const partial = orderAt('partially_shipped');
    const tooMuch = { id: 's', type: 'ship', shipmentId: 'S', lines: [{ lineId: 'L1', quantity: 2 }] } as const;
    expect(refused(machine.transition(partial, tooMuch, context)).reason).toBe('Line L1: cannot ship 2 units, only 1 allocated and not yet shipped');
  });

  it('ship refuses a reused shipment id, an empty shipment and a warehouse without the allocation', () => {
    const partial = orderAt('partially_shipped');
    const reuse = { id: 's', type: 'ship', shipmentId: 'S0', lines: [{ lineId: 'L2', quantity: 1 }] } as const;
    expect(refused(machine.transition(partial, reuse, context)).reason).toBe('Shipment "S0" was already recorded');
    expect(refused(machine.transition(partial, { id: 's', type: 'ship', shipmentId: 'S9', lines: [] }, context)).reason).toBe(
      'lines must list at least one { lineId, quantity }',
    );
    const elsewhere = { id: 's', type: 'ship', shipmentId: 'S9', warehouseId: 'W2', lines: [{ lineId: 'L2', quantity: 1 }] } as const;
    expect(refused(machine.transition(partial, elsewhere, context)).reason).toBe('Line L2 has no allocation in warehouse "W2"');
  });

  it.each([
    [[{ lineId: 'L1', warehouseId: 'W1', quantity: 2 }], 'Line L2: 0 of 1 units allocated; allocations must match the ordered quantity exactly'],
    [
      [
        { lineId: 'L1', warehouseId: 'W1', quantity: 3 },
        { lineId: 'L2', warehouseId: 'W1', quantity: 1 },
      ],
      'Line L1: 3 of 2 units allocated; allocations must match the ordered quantity exactly',
    ],
    [[{ lineId: 'L7', warehouseId: 'W1', quantity: 1 }], 'Unknown line "L7"'],
    [[{ lineId: 'L1', warehouseId: '', quantity: 2 }], 'allocations[0]: warehouseId is required'],
    [[], 'allocations must list at least one { lineId, warehouseId, quantity }'],
  ])('allocate refuses %j: %s', (allocations, reason) => {
    const error = refused(machine.transition(orderAt('approved'), { id: 'a', type: 'allocate', allocations }, context));
    expect(error.guard).toBe('allocation_exact');
    expect(error.reason).toBe(reason);
  });

  it('allocate may split a line across warehouses', () => {
    const allocations = [
      { lineId: 'L1', warehouseId: 'W1', quantity: 1 },
      { lineId: 'L1', warehouseId: 'W2', quantity: 1 },
      { lineId: 'L2', warehouseId: 'W2', quantity: 1 },
    ];
    const order = ok(machine.transition(orderAt('approved'), { id: 'a', type: 'allocate', allocations }, context)).order;
    expect(order.lines[0]?.allocations).toEqual([
      { warehouseId: 'W1', quantity: 1 },
      { warehouseId: 'W2', quantity: 1 },
    ]);
  });

  it('refunds never exceed what was paid, over several partial refunds', () => {
    let order: Order = orderAt('cancelled');
    expect(order.payment.paid).toEqual(cny(2500));
    order = ok(machine.transition(order, { id: 'r1', type: 'refund', amount: cny(1000) }, context)).order;
    expect(order.status).toBe('refunded');
    const second = ok(machine.transition(order, { id: 'r2', type: 'refund', amount: cny(1000) }, context));
    expect(second.effects[1]).toEqual({ type: 'refund_payment', orderId: 'ord-1', eventId: 'r2', amount: cny(1000) });
    order = second.order;
    expect(order.payment.refunded).toEqual(cny(2000));
    const error = refused(machine.transition(order, { id: 'r3', type: 'refund', amount: cny(501) }, context));
    expect(error.code).toBe('GUARD_REJECTED');
    expect(error.guard).toBe('refund_within_paid');
    expect(error.reason).toBe('A refund of CNY 5.01 exceeds what is left to refund: CNY 5.00 (paid CNY 25.00, refunded CNY 20.00)');
    order = ok(machine.transition(order, { id: 'r4', type: 'refund', amount: cny(500) }, context)).order;
    expect(order.payment.refunded).toEqual(order.payment.paid);
    expect(refused(machine.transition(order, { id: 'r5', type: 'refund', amount: cny(1) }, context)).guard).toBe('refund_within_paid');
  });

  it('refund refuses another currency, a non-integer and an unpaid order', () => {
    const cancelled = orderAt('cancelled');
    expect(refused(machine.transition(cancelled, { id: 'r', type: 'refund', amount: { amount: 100, currency: 'USD' } }, context)).reason).toBe(
      'The refund is in USD but the order is in CNY',
    );
    expect(refused(machine.transition(cancelled, { id: 'r', type: 'refund', amount: cny(10.5) }, context)).reason).toBe(
      'The refund must be a positive integer amount of minor units in CNY',
    );
    const unpaid = ok(machine.transition(newOrder(), { id: 'c', type: 'cancel' }, context)).order;
    expect(refused(machine.transition(unpaid, { id: 'r', type: 'refund', amount: cny(1) }, context)).reason).toBe(
      'A refund of CNY 0.01 exceeds what is left to refund: CNY 0.00 (paid CNY 0.00, refunded CNY 0.00)',
    );
  });

  it('pay defaults to the total and refuses an amount short of it or in another currency', () => {
    const paid = ok(machine.transition(newOrder(), { id: 'p', type: 'pay', method: 'alipay' }, context));
    expect(paid.order.payment).toEqual({ paid: cny(2500), refunded: cny(0), method: 'alipay' });
    expect(paid.effects[1]).toEqual({ type: 'payment_recorded', orderId: 'ord-1', eventId: 'p', amount: cny(2500), method: 'alipay', kind: 'full' });
    expect(refused(machine.transition(newOrder(), { id: 'p', type: 'pay', amount: cny(2499) }, context)).reason).toBe(
      'The payment of CNY 24.99 does not cover the CNY 25.00 due',
    );
    expect(refused(machine.transition(newOrder(), { id: 'p', type: 'pay', amount: { amount: 2500, currency: 'EUR' } }, context)).guard).toBe('payment_valid');
  });

  it('a presale deposit keeps the order waiting for its balance; the balance makes it paid; what is due is known throughout', () => {
    const due = '2026-11-11T16:00:00.000Z' as Instant;
    const deposited = ok(machine.transition(newOrder(), { id: 'd', type: 'pay', deposit: true, amount: cny(500), balanceDueAt: due, method: 'alipay' }, context));
    expect(deposited.order.status).toBe('pending_payment');
    expect(deposited.order.payment).toEqual({ paid: cny(500), refunded: cny(0), method: 'alipay', deposit: cny(500), balanceDueAt: due });
    expect(amountDue(deposited.order)).toEqual(cny(2000));
    expect(deposited.effects).toContainEqual(expect.objectContaining({ type: 'payment_recorded', amount: cny(500), kind: 'deposit' }));
    // One deposit; a balance short of what is due is refused; the balance pays the rest.
    expect(refused(machine.transition(deposited.order, { id: 'd2', type: 'pay', deposit: true, amount: cny(100) }, context)).reason).toMatch(/deposit was paid already/);
    expect(refused(machine.transition(deposited.order, { id: 'b', type: 'pay', amount: cny(1999) }, context)).guard).toBe('payment_valid');
    const balance = ok(machine.transition(deposited.order, { id: 'b', type: 'pay' }, context));
    expect(balance.order.status).toBe('paid');
    expect(balance.order.payment).toMatchObject({ paid: cny(2500), deposit: cny(500), balanceDueAt: due });
    expect(amountDue(balance.order)).toEqual(cny(0));
    expect(balance.effects).toContainEqual(expect.objectContaining({ type: 'payment_recorded', amount: cny(2000), kind: 'balance' }));
    // A deposit of the whole, or of nothing, is not a deposit.
    expect(refused(machine.transition(newOrder(), { id: 'd', type: 'pay', deposit: true, amount: cny(2500) }, context)).guard).toBe('payment_valid');
    expect(refused(machine.transition(newOrder(), { id: 'd', type: 'pay', deposit: true }, context)).reason).toMatch(/needs its amount/);
  });

  it('hold and flag_exception need a reason', () => {
    const blank = { id: 'h', type: 'hold', reason: '  ' } as const;
    const error = refused(machine.transition(orderAt('paid'), blank, context));
    expect([error.guard, error.reason]).toEqual(['reason_given', 'A reason is required']);
    const flag = { id: 'f', type: 'flag_exception' } as unknown as DefaultOrderEvent;
    expect(refused(machine.transition(orderAt('picking'), flag, context)).guard).toBe('reason_given');
  });

  it('returns: never more than shipped minus returned', () => {
    const requested = orderAt('return_requested');
    const tooMany = { id: 'rr', type: 'receive_return', lines: [{ lineId: 'L2', quantity: 2 }] } as const;
    expect(refused(machine.transition(requested, tooMany, context)).reason).toBe('Line L2: cannot return 2 units, only 1 shipped and not yet returned');
    const returned = orderAt('returned');
    expect(returned.lines.map((l) => l.returnedQuantity)).toEqual([1, 0]);
    const again = { id: 'rr2', type: 'receive_return', lines: [{ lineId: 'L1', quantity: 2 }] } as const;
    expect(refused(machine.transition(returned, again, context)).reason).toBe('Line L1: cannot return 2 units, only 1 shipped and not yet returned');
    const later = ok(machine.transition(returned, { id: 'rr3', type: 'receive_return', lines: [{ lineId: 'L1', quantity: 1 }] }, context));
    expect(later.order.status).toBe('returned');
    expect(later.effects[1]).toEqual({ type: 'return_received', orderId: 'ord-1', eventId: 'rr3', lines: [{ lineId: 'L1', quantity: 1 }] });
    const request = { id: 'q', type: 'request_return', lines: [{ lineId: 'L2', quantity: 5 }] } as const;
    expect(refused(machine.transition(orderAt('delivered'), request, context)).guard).toBe('return_within_shipped');
  });

  it('request_return without lines asks for every shipped, unreturned unit', () => {
    const result = ok(machine.transition(orderAt('delivered'), { id: 'q', type: 'request_return' }, context));
    expect(result.effects[1]).toEqual({
      type: 'return_requested',
      orderId: 'ord-1',
      eventId: 'q',
      lines: [
        { lineId: 'L1', quantity: 2 },
        { lineId: 'L2', quantity: 1 },
      ],
    });
  });
});

describe('change_address', () => {
  const BEFORE_SHIPMENT = ['pending_payment', 'paid', 'on_hold', 'approved', 'allocated', 'picking', 'packed'] as const;

  it.each(BEFORE_SHIPMENT)('in %s: keeps the status, raises the version by one, stores the address and records history', (status) => {
    const order = orderAt(status);
    const result = ok(machine.transition(order, { id: 'addr-1', type: 'change_address', address: newAddress, reason: 'buyer moved' }, context));
    expect(result.order.status).toBe(status);
    expect(result.order.version).toBe(order.version + 1);
    expect(result.order.shippingAddress).toEqual(newAddress);
    expect(result.entry).toEqual({
      eventId: 'addr-1',
      type: 'change_address',
      from: status,
      to: status,
      actor: 'tester',
      reason: 'buyer moved',
      at: '2026-03-01T08:00:00.000Z',
      version: order.version + 1,
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(result.order.lines).toBe(order.lines);
    expect(result.order.statusEnteredAt).toBe(order.statusEnteredAt);
    expect(orderSchema.safeParse(result.order).success).toBe(true);
  });

  it('emits address_changed with the new address; rerouting is flagged once stock is allocated', () => {
    const paid = ok(machine.transition(orderAt('paid'), { id: 'a1', type: 'change_address', address: newAddress }, context));
    expect(paid.effects.map((e) => e.type)).toEqual(['status_changed', 'address_changed']);
    expect(paid.effects[1]).toEqual({
      type: 'address_changed',
      orderId: 'ord-1',
      eventId: 'a1',
      address: newAddress,
      status: 'paid',
      warehouseIds: [],
      rerouteMayBeNeeded: false,
    });
    for (const status of ['allocated', 'picking', 'packed'] as const) {
      const result = ok(machine.transition(orderAt(status), { id: 'a2', type: 'change_address', address: newAddress }, context));
      expect(result.effects[1]).toMatchObject({ type: 'address_changed', status, warehouseIds: ['W1'], rerouteMayBeNeeded: true });
    }
    const messages = effectsToOutbox(paid.effects, paid.order);
    expect(messages.map((m) => [m.id, m.topic])).toEqual([
      ['ord-1:a1:0', 'order.status_changed'],
      ['ord-1:a1:1', 'order.address_changed'],
    ]);
  });

  it('history holds no address: the entry is the usual who, when, why, from, to', () => {
    const result = ok(machine.transition(orderAt('paid'), { id: 'a', type: 'change_address', address: newAddress }, context));
    const text = JSON.stringify(result.order.history);
    for (const secret of [newAddress.street, newAddress.phone, newAddress.recipient]) expect(text).not.toContain(secret);
  });

  it.each(['partially_shipped', 'shipped', 'delivered', 'return_requested', 'returned', 'completed', 'cancelled', 'rejected', 'refunded', 'exception'] as const)(
    'is refused in %s with ILLEGAL_TRANSITION, and nothing changes',
    (status) => {
      const order = deepFreeze(orderAt(status));
      const error = refused(machine.transition(order, { id: 'a', type: 'change_address', address: newAddress }, context));
      expect(error.code).toBe('ILLEGAL_TRANSITION');
      expect([error.status, error.event]).toEqual([status, 'change_address']);
    },
  );

  it('is refused by nothing_shipped when an order back on hold already shipped units', () => {
    const held = machine.apply(orderAt('partially_shipped'), [{ id: 'f', type: 'flag_exception', reason: 'x' }, { id: 'r', type: 'resolve_exception' }], context);
    if (!held.ok) throw held.error;
    const error = refused(machine.transition(held.value.order, { id: 'a', type: 'change_address', address: newAddress }, context));
    expect(error.code).toBe('GUARD_REJECTED');
    expect(error.guard).toBe('nothing_shipped');
    expect(error.reason).toBe('Units have already shipped; the shipping address can only change before shipment');
    expect(machine.nextEvents(held.value.order).find((e) => e.type === 'change_address')?.allowed).toBe(false);
  });

  it.each([
    [{ ...newAddress, country: 'cn' }, 'The address is invalid: address.country: Expected an ISO 3166-1 alpha-2 country code such as "CN"'],
    [{ country: 'CN', phone: '13900001111' }, 'The address is invalid: address.street: '],
    [{ ...newAddress, email: 'li@example.com' }, 'The address is invalid: address: '],
    [{ ...newAddress, street: '', city: '' }, '(and 1 more)'],
    [undefined, 'address must be an object { country, street, ... }'],
    ['江南大道 3888 号', 'address must be an object { country, street, ... }'],
  ])('refuses the address %j with address_valid, naming paths, never values', (address, reason) => {
    const event = { id: 'a', type: 'change_address', address } as unknown as DefaultOrderEvent;
    const error = refused(machine.transition(orderAt('paid'), event, context));
    expect(error.code).toBe('GUARD_REJECTED');
    expect(error.guard).toBe('address_valid');
    expect(error.reason).toContain(reason);
    for (const secret of ['13900001111', 'li@example.com', '江南大道', '李四']) expect(error.message).not.toContain(secret);
  });

  it('keeps its own copy of the address, and the same event id twice changes it once', () => {
    const address = { country: 'CN', street: '江南大道 1 号' };
    const first = ok(machine.transition(orderAt('paid'), { id: 'a', type: 'change_address', address }, context));
    address.street = 'changed afterwards';
    expect(first.order.shippingAddress?.street).toBe('江南大道 1 号');
    const again = ok(machine.transition(first.order, { id: 'a', type: 'change_address', address: { street: '江南大道 1 号', country: 'CN' } }, context));
    expect(again.duplicate).toBe(true);
    expect(again.order).toBe(first.order);
    // The same id with another address is another request, not a redelivery.
    const other = machine.transition(first.order, { id: 'a', type: 'change_address', address: newAddress }, context);
    expect(!other.ok && other.error.code).toBe('IDEMPOTENCY_MISMATCH');
  });
});

describe('events checked at the boundary', () => {
  const paid = orderAt('paid');
  const failure = (event: unknown) => {
    const result = machine.transition(paid, event as DefaultOrderEvent, context);
    if (result.ok) throw new Error('expected a refusal');
    return result.error;
  };

  it.each([
    ['no id', { type: 'approve' }, ['id']],
    ['a numeric id', { id: 7, type: 'approve' }, ['id']],
    ['a blank id', { id: '  ', type: 'approve' }, ['id']],
    ['no type', { id: 'e' }, ['type']],
    ['a type that is not an identifier', { id: 'e', type: '13912345678' }, ['type']],
    ['a numeric reason', { id: 'e', type: 'hold', reason: 5 }, ['reason']],
    ['a function in the payload', { id: 'e', type: 'approve', note: () => 1 }, ['note']],
    ['a class instance in the payload', { id: 'e', type: 'approve', when: new Map() }, ['when']],
    ['an infinite number', { id: 'e', type: 'approve', score: Number.POSITIVE_INFINITY }, ['score']],
  ])('refuses an event with %s as VALIDATION_FAILED at its path, writing nothing', (_, event, path) => {
    const error = failure(event);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(isValidationError(error) && error.issues.map((issue) => issue.path)).toContainEqual(path);
  });

  it('refuses null, arrays, strings, a throwing getter, a throwing proxy and deep nesting without throwing', () => {
    const getter = Object.defineProperty({ id: 'e', type: 'approve' }, 'boom', { enumerable: true, get: () => { throw new Error('getter'); } });
    const proxy = new Proxy({}, { ownKeys: () => { throw new Error('trap'); }, get: () => { throw new Error('trap'); } });
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10_000; i++) deep = { deep };
    for (const event of [null, undefined, [], 'approve', 42, getter, proxy, { id: 'e', type: 'approve', deep }]) {
      expect(failure(event).code).toBe('VALIDATION_FAILED');
    }
  });

  it('the message never quotes a value from the event', () => {
    const error = failure({ id: 13912345678, type: 'hold', reason: { phone: '13912345678' } });
    expect(error.message).not.toContain('13912345678');
  });

  it('a cancel sent with the id of an applied pay is IDEMPOTENCY_MISMATCH, not a silent duplicate', () => {
    const pending = orderAt('pending_payment');
    const paidOrder = ok(machine.transition(pending, { id: 'evt-1', type: 'pay' }, context)).order;
    const cancel = machine.transition(paidOrder, { id: 'evt-1', type: 'cancel', reason: 'buyer' }, context);
    expect(!cancel.ok && cancel.error.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(!cancel.ok && isIdempotencyError(cancel.error) && cancel.error.key).toBe('evt-1');
    // Key order does not make another request.
    const reordered = ok(machine.transition(paidOrder, { type: 'pay', id: 'evt-1' }, context));
    expect(reordered.duplicate).toBe(true);
  });

  it('history written before fingerprints compares by type: same type is a duplicate, another type a mismatch', () => {
    const paidOrder = ok(machine.transition(orderAt('pending_payment'), { id: 'evt-1', type: 'pay' }, context)).order;
    const legacy = { ...paidOrder, history: paidOrder.history.map(({ fingerprint: _, ...entry }) => entry) };
    expect(ok(machine.transition(legacy, { id: 'evt-1', type: 'pay', amount: { amount: 1, currency: 'CNY' } }, context)).duplicate).toBe(true);
    const cancel = machine.transition(legacy, { id: 'evt-1', type: 'cancel', reason: 'x' }, context);
    expect(!cancel.ok && cancel.error.code).toBe('IDEMPOTENCY_MISMATCH');
  });
});

describe('effects', () => {
  it('every applied event emits status_changed, also when the status stays the same', () => {
    const partial = orderAt('partially_shipped');
    const result = ok(machine.transition(partial, { id: 's', type: 'ship', shipmentId: 'S2', lines: [{ lineId: 'L2', quantity: 1 }] }, context));
    expect(result.effects[0]).toEqual({
      type: 'status_changed',
      orderId: 'ord-1',
      eventId: 's',
      event: 'ship',
      from: 'partially_shipped',
      to: 'partially_shipped',
      actor: 'tester',
      at: '2026-03-01T08:00:00.000Z',
      version: partial.version + 1,
    });
  });

  it('effectsToOutbox: topic per effect type, key = order id, ids stable across retries', () => {
    const result = ok(machine.transition(orderAt('allocated'), { id: 'evt-9', type: 'cancel' }, context));
    const messages = effectsToOutbox(result.effects, result.order);
    expect(messages.map((m) => [m.id, m.topic, m.key])).toEqual([
      ['ord-1:evt-9:0', 'order.status_changed', 'ord-1'],
      ['ord-1:evt-9:1', 'order.release_reservations', 'ord-1'],
    ]);
    expect(messages[0]?.payload).toEqual(result.effects[0]);
    expect(messages[0]?.createdAt).toBe(result.order.updatedAt);
    expect(effectsToOutbox(result.effects, result.order)).toEqual(messages);
    expect(JSON.parse(JSON.stringify(messages))).toEqual(messages);
  });

  it('effectsToOutbox numbers effects per event, and takes an id source and a topic prefix', () => {
    const batch = machine.apply(orderAt('paid'), [{ id: 'a', type: 'approve' }, { id: 'c', type: 'cancel' }], context);
    if (!batch.ok) throw batch.error;
    expect(effectsToOutbox(batch.value.effects, batch.value.order).map((m) => m.id)).toEqual(['ord-1:a:0', 'ord-1:c:0']);
    let n = 0;
    const custom = effectsToOutbox(batch.value.effects, batch.value.order, { ids: () => `m${++n}`, topicPrefix: 'shop.orders.' });
    expect(custom.map((m) => [m.id, m.topic])).toEqual([
      ['m1', 'shop.orders.status_changed'],
      ['m2', 'shop.orders.status_changed'],
    ]);
  });
});

describe('nextEvents (dry run)', () => {
  it('lists what a paid order may do, with guard verdicts', () => {
    expect(machine.nextEvents(orderAt('paid'))).toEqual([
      { type: 'hold', allowed: true, targets: ['on_hold'], guards: [{ guard: 'reason_given', ok: true }] },
      { type: 'approve', allowed: true, targets: ['approved'], guards: [] },
      { type: 'reject', allowed: true, targets: ['rejected'], guards: [] },
      { type: 'cancel', allowed: true, targets: ['cancelled'], guards: [{ guard: 'nothing_shipped', ok: true }] },
      { type: 'flag_exception', allowed: true, targets: ['exception'], guards: [{ guard: 'reason_given', ok: true }] },
      {
        type: 'change_address',
        allowed: true,
        targets: ['paid'],
        guards: [
          { guard: 'nothing_shipped', ok: true },
          { guard: 'address_valid', ok: true },
        ],
      },
    ]);
  });

  it('payload guards answer whether some payload could pass', () => {
    const partial = machine.nextEvents(orderAt('partially_shipped'));
    expect(partial.find((e) => e.type === 'ship')).toEqual({
      type: 'ship',
      allowed: true,
      targets: ['partially_shipped', 'shipped'],
      guards: [{ guard: 'shipment_within_allocation', ok: true }],
    });
    const refunded = orderAt('refunded');
    expect(machine.nextEvents(refunded)).toEqual([{ type: 'refund', allowed: true, targets: ['refunded'], guards: [{ guard: 'refund_within_paid', ok: true }] }]);
    const fully = ok(machine.transition(refunded, { id: 'r', type: 'refund', amount: cny(1500) }, context)).order;
    expect(machine.nextEvents(fully)).toEqual([
      { type: 'refund', allowed: false, targets: ['refunded'], guards: [{ guard: 'refund_within_paid', ok: false, reason: 'Nothing paid is left to refund' }] },
    ]);
  });

  it('an unpaid cancelled order cannot be refunded; a held order that shipped cannot be cancelled', () => {
    const unpaid = ok(machine.transition(newOrder(), { id: 'c', type: 'cancel' }, context)).order;
    expect(machine.nextEvents(unpaid)[0]?.allowed).toBe(false);
    const held = machine.apply(orderAt('partially_shipped'), [{ id: 'f', type: 'flag_exception', reason: 'x' }, { id: 'r', type: 'resolve_exception' }], context);
    if (!held.ok) throw held.error;
    expect(machine.nextEvents(held.value.order).find((e) => e.type === 'cancel')).toEqual({
      type: 'cancel',
      allowed: false,
      targets: ['cancelled'],
      guards: [{ guard: 'nothing_shipped', ok: false, reason: 'Units have already shipped; cancel is only possible before shipment (request a return instead)' }],
    });
  });
});

describe('toMermaid', () => {
  it('draws the default lifecycle', () => {
    expect(machine.toMermaid()).toMatchInlineSnapshot(`
      "stateDiagram-v2
          [*] --> pending_payment
          pending_payment --> paid: pay
          pending_payment --> pending_payment: pay, change_address
          pending_payment --> cancelled: cancel
          pending_payment --> exception: flag_exception
          paid --> on_hold: hold
          paid --> approved: approve
          paid --> rejected: reject
          paid --> cancelled: cancel
          paid --> exception: flag_exception
          paid --> paid: change_address
          on_hold --> approved: approve
          on_hold --> rejected: reject
          on_hold --> cancelled: cancel
          on_hold --> exception: flag_exception
          on_hold --> on_hold: change_address
          approved --> on_hold: hold
          approved --> allocated: allocate
          approved --> cancelled: cancel
          approved --> exception: flag_exception
          approved --> approved: change_address
          allocated --> allocated: allocate, change_address
          allocated --> picking: start_picking
          allocated --> partially_shipped: ship
          allocated --> shipped: ship
          allocated --> cancelled: cancel
          allocated --> exception: flag_exception
          picking --> packed: pack
          picking --> partially_shipped: ship
          picking --> shipped: ship
          picking --> cancelled: cancel
          picking --> exception: flag_exception
          picking --> picking: change_address
          packed --> partially_shipped: ship
          packed --> shipped: ship
          packed --> cancelled: cancel
          packed --> exception: flag_exception
          packed --> packed: change_address
          partially_shipped --> partially_shipped: ship
          partially_shipped --> shipped: ship
          partially_shipped --> exception: flag_exception
          shipped --> delivered: deliver
          shipped --> return_requested: request_return
          shipped --> exception: flag_exception
          delivered --> completed: complete
          delivered --> return_requested: request_return
          delivered --> exception: flag_exception
          cancelled --> refunded: refund
          rejected --> refunded: refund
          return_requested --> returned: receive_return
          return_requested --> refunded: refund
          return_requested --> exception: flag_exception
          returned --> returned: receive_return
          returned --> refunded: refund
          returned --> exception: flag_exception
          refunded --> refunded: refund
          exception --> on_hold: resolve_exception
          completed --> [*]
          cancelled --> [*]
          rejected --> [*]
          refunded --> [*]"
    `);
  });

  it('merges several events on one edge into one label', () => {
    const m = createOrderMachine({
      events: { approve_fast: { transitions: [{ from: 'paid', to: 'approved' }] } },
    });
    expect(m.toMermaid()).toContain('    paid --> approved: approve, approve_fast\n');
  });
});

describe('the default lifecycle as data', () => {
  it('createOrderMachine() compiles DEFAULT_ORDER_LIFECYCLE; the same with base "none" gives the same machine', () => {
    const copy = createOrderMachine({ base: 'none', ...DEFAULT_ORDER_LIFECYCLE });
    expect(copy.toMermaid()).toBe(machine.toMermaid());
    expect(copy.events).toEqual(machine.events);
    const statuses: OrderStatus[] = [];
    let order = newOrder();
    for (const event of [{ id: '1', type: 'pay' }, { id: '2', type: 'approve' }] as const) {
      const result = copy.transition(order, event, context);
      if (!result.ok) throw result.error;
      order = result.value.order;
      statuses.push(order.status);
    }
    expect(statuses).toEqual(['paid', 'approved']);
  });
});
