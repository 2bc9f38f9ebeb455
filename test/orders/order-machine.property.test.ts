// Property-based tests: random event sequences keep every invariant of the default lifecycle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressSchema } from '../../src/model/address.js';
import { ORDER_EVENT_TYPES, ORDER_STATUSES, type DefaultOrderEvent, type Order, type OrderEventType } from '../../src/orders/index.js';
import { context, deepFreeze, machine, newOrder, validEvent } from './fixtures.js';

const lineId = fc.constantFrom('L1', 'L2', 'LX');
const quantity = fc.integer({ min: -1, max: 4 });
const amount = fc.record({ amount: fc.integer({ min: -100, max: 3000 }), currency: fc.constantFrom('CNY', 'CNY', 'USD') });
const lines = fc.array(fc.record({ lineId, quantity }), { maxLength: 3 });
/** Addresses for change_address: mostly valid, sometimes with a bad country, no street, or not an object. */
const address = fc.oneof(
  fc.record(
    { country: fc.constantFrom('CN', 'HK'), street: fc.constantFrom('文三路 90 号', 'Main St 1'), city: fc.constantFrom('杭州市', 'x'), phone: fc.constantFrom('13900001111') },
    { requiredKeys: ['country', 'street'] },
  ),
  fc.record({ country: fc.constantFrom('cn', 'CHN', ''), street: fc.constantFrom('', 'x') }, { requiredKeys: [] }),
  fc.constantFrom(null, 'not an address', 42),
);

/** An event with a random payload: often invalid, sometimes not. */
const randomEvent = fc.record(
  {
    id: fc.integer({ min: 0, max: 40 }).map((n) => `r${n}`),
    type: fc.constantFrom<string>(...ORDER_EVENT_TYPES, 'bogus'),
    reason: fc.constantFrom('', 'why', undefined),
    amount,
    lines,
    allocations: fc.array(fc.record({ lineId, warehouseId: fc.constantFrom('W1', 'W2', ''), quantity }), { maxLength: 3 }),
    shipmentId: fc.constantFrom('S1', 'S2', 'S3'),
    warehouseId: fc.constantFrom('W1', 'W2', undefined),
    address,
  },
  { requiredKeys: ['id', 'type'] },
).map((event) => ({ kind: 'random' as const, event }));

/**
 * A marker turned, for whatever order it meets, into one of the events `nextEvents` allows, with a
 * valid payload (sometimes a partial one), so that sequences travel deep into the lifecycle.
 */
const validMarker = fc.integer({ min: 0, max: 1_000_000 }).map((n) => ({ kind: 'valid' as const, n }));

const sequences = fc.array(fc.oneof({ weight: 4, arbitrary: validMarker }, { weight: 1, arbitrary: randomEvent }), { maxLength: 40 });

type Step = { kind: 'random'; event: Record<string, unknown> } | { kind: 'valid'; n: number };

// change_address counts as a detour too: it keeps the status, so choosing it often would keep sequences shallow.
const DETOURS = new Set<OrderEventType>(['cancel', 'reject', 'hold', 'flag_exception', 'change_address']);
const BEFORE_SHIPMENT = new Set<string>(['pending_payment', 'paid', 'on_hold', 'approved', 'allocated', 'picking', 'packed']);

function shippedAnything(order: Order): boolean {
  return order.shipments.length > 0 || order.lines.some((l) => l.shippedQuantity > 0);
}

function partial(event: DefaultOrderEvent, n: number): DefaultOrderEvent {
  if (n % 2 === 0) return event;
  if ((event.type === 'ship' || event.type === 'receive_return') && event.lines.length > 0) {
    return { ...event, lines: [{ lineId: event.lines[0]?.lineId ?? 'L1', quantity: 1 }] };
  }
  if (event.type === 'refund' && event.amount.amount > 1) return { ...event, amount: { ...event.amount, amount: Math.floor(event.amount.amount / 2) } };
  return event;
}

function toEvent(step: Step, order: Order, index: number): DefaultOrderEvent {
  if (step.kind === 'valid') {
    let allowed = machine.nextEvents(order).filter((e) => e.allowed);
    // Mostly forward: detours (cancel, reject, hold, exception) would end most sequences early.
    const forward = allowed.filter((e) => !DETOURS.has(e.type));
    if (step.n % 10 < 8 && forward.length > 0) allowed = forward;
    const type: OrderEventType = allowed[step.n % Math.max(allowed.length, 1)]?.type ?? 'approve';
    return partial(validEvent(type, order, `v${index}-${step.n}`), Math.floor(step.n / 7));
  }
  const event: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(step.event)) if (value !== undefined) event[key] = value;
  return event as unknown as DefaultOrderEvent;
}

const knownStatuses = new Set<string>(ORDER_STATUSES);

describe('random event sequences on the default lifecycle', () => {
  it('keep every invariant: known statuses, versions +1, history = events applied, quantities and money bounded', () => {
    let totalAddressChanges = 0;
    fc.assert(
      fc.property(sequences, (steps) => {
        let order = newOrder();
        let applied = 0;
        let addressChanges = 0;
        steps.forEach((step, index) => {
          const before = deepFreeze(order);
          const event = toEvent(step, order, index);
          const result = machine.transition(before, event, context);
          if (!result.ok) {
            expect(['ILLEGAL_TRANSITION', 'GUARD_REJECTED', 'IDEMPOTENCY_MISMATCH']).toContain(result.error.code);
            // A reused id is a mismatch only when that id was applied, with another payload.
            if (result.error.code === 'IDEMPOTENCY_MISMATCH') expect(before.history.some((entry) => entry.eventId === event.id)).toBe(true);
            return;
          }
          if (result.value.duplicate) {
            expect(result.value.order).toBe(before);
            return;
          }
          applied++;
          order = result.value.order;
          expect(order.version).toBe(before.version + 1);
          expect(order.history.at(-1)).toMatchObject({ eventId: event.id, from: before.status, to: order.status, version: order.version });
          if (event.type === 'change_address') {
            // Only before shipment, never a status change, and the order holds the (valid) new address.
            expect(BEFORE_SHIPMENT.has(before.status)).toBe(true);
            expect(shippedAnything(before)).toBe(false);
            expect(order.status).toBe(before.status);
            expect(order.shippingAddress).toEqual(event.address);
            expect(addressSchema.safeParse(order.shippingAddress).success).toBe(true);
            expect(result.value.effects.map((e) => e.type)).toEqual(['status_changed', 'address_changed']);
            addressChanges++;
          } else {
            // Nothing else touches the address.
            expect(order.shippingAddress).toBe(before.shippingAddress);
          }
        });

        expect(knownStatuses.has(order.status)).toBe(true);
        expect(order.history).toHaveLength(applied + 1);
        expect(order.version).toBe(applied + 1);
        order.history.forEach((entry, i) => {
          expect(knownStatuses.has(entry.to)).toBe(true);
          expect(entry.version).toBe(i + 1);
          if (i > 0) expect(entry.from).toBe(order.history[i - 1]?.to);
        });
        expect(new Set(order.history.map((e) => e.eventId)).size).toBe(order.history.length);
        expect(order.history.filter((e) => e.type === 'change_address')).toHaveLength(addressChanges);
        for (const entry of order.history) if (entry.type === 'change_address') expect(entry.to).toBe(entry.from);
        for (const line of order.lines) {
          const allocated = line.allocations.reduce((n, a) => n + a.quantity, 0);
          expect(line.shippedQuantity).toBeLessThanOrEqual(line.quantity);
          expect(line.shippedQuantity).toBeLessThanOrEqual(allocated);
          expect(line.returnedQuantity).toBeLessThanOrEqual(line.shippedQuantity);
          expect([0, line.quantity]).toContain(allocated);
        }
        const shippedInShipments = order.shipments.reduce((n, s) => n + s.lines.reduce((m, l) => m + l.quantity, 0), 0);
        expect(shippedInShipments).toBe(order.lines.reduce((n, l) => n + l.shippedQuantity, 0));
        expect(order.payment.refunded.amount).toBeLessThanOrEqual(order.payment.paid.amount);
        expect(order.payment.paid.currency).toBe('CNY');
        expect(order.payment.refunded.currency).toBe('CNY');
        totalAddressChanges += addressChanges;
      }),
      { numRuns: 400 },
    );
    // The sequences must really exercise change_address, not only generate it.
    expect(totalAddressChanges).toBeGreaterThan(20);
  });

  it('change_address with a valid address applies exactly while nothing has shipped, and never moves the status', () => {
    fc.assert(
      fc.property(sequences, fc.integer({ min: 0, max: 99 }), (steps, n) => {
        let order = newOrder();
        steps.forEach((step, index) => {
          const result = machine.transition(order, toEvent(step, order, index), context);
          if (result.ok) order = result.value.order;
        });
        const address = { country: 'CN', street: `文三路 ${n} 号` };
        const result = machine.transition(deepFreeze(order), { id: 'probe-address', type: 'change_address', address }, context);
        const allowed = BEFORE_SHIPMENT.has(order.status) && !shippedAnything(order);
        expect(result.ok).toBe(allowed);
        if (!result.ok) {
          expect(result.error.code).toBe(BEFORE_SHIPMENT.has(order.status) ? 'GUARD_REJECTED' : 'ILLEGAL_TRANSITION');
          return;
        }
        expect(result.value.order.status).toBe(order.status);
        expect(result.value.order.version).toBe(order.version + 1);
        expect(result.value.order.shippingAddress).toEqual(address);
        expect(result.value.order.lines).toBe(order.lines);
        expect(result.value.order.shipments).toBe(order.shipments);
        expect(result.value.order.payment).toBe(order.payment);
      }),
      { numRuns: 300 },
    );
  });

  it('nextEvents agrees with transition: an event it calls impossible is refused for any payload', () => {
    fc.assert(
      fc.property(sequences, randomEvent, (steps, probe) => {
        let order = newOrder();
        steps.forEach((step, index) => {
          const result = machine.transition(order, toEvent(step, order, index), context);
          if (result.ok) order = result.value.order;
        });
        const next = machine.nextEvents(order);
        const event = toEvent(probe, order, -1);
        const verdict = next.find((e) => e.type === event.type);
        const result = machine.transition(order, { ...event, id: 'probe-unique' }, context);
        if (verdict === undefined) expect(result.ok).toBe(false);
        else if (!verdict.allowed) expect(result.ok).toBe(false);
        if (result.ok) expect(verdict?.targets).toContain(result.value.order.status);
      }),
      { numRuns: 200 },
    );
  });
});
