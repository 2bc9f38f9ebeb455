import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/clock/index.js';
import { isValidationError, type ValidationError } from '../../src/errors/index.js';
import { createSequentialIdSource } from '../../src/ids/index.js';
import { createOrder, orderSchema, type CreateOrderInput } from '../../src/orders/index.js';

const cny = (amount: number) => ({ amount, currency: 'CNY' });
const input = (overrides: Partial<CreateOrderInput> = {}): CreateOrderInput => ({
  channel: 'tmall',
  channelOrderId: 'T-1001',
  customerRef: 'buyer-9',
  currency: 'CNY',
  lines: [
    { sku: 'TEA-001', quantity: 2, unitPrice: cny(1990), category: 'tea' },
    { sku: 'CUP-002', quantity: 1, unitPrice: cny(4500) },
  ],
  shipping: cny(800),
  discount: cny(500),
  ...overrides,
});

function validationError(f: () => unknown): ValidationError {
  try {
    f();
  } catch (error) {
    if (isValidationError(error)) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('createOrder', () => {
  const clock = createManualClock('2026-06-18T02:00:00Z');
  const ids = createSequentialIdSource('ord-');

  it('builds a version-1 order in the initial status with its first history entry', () => {
    const order = createOrder(input({ placedAt: '2026-06-18T09:59:00+08:00' }), { clock, ids });
    expect(order.id).toMatch(/^ord-\d+$/);
    expect(order.status).toBe('pending_payment');
    expect(order.version).toBe(1);
    expect(order.totals.subtotal).toEqual(cny(8480));
    expect(order.totals.total).toEqual(cny(8780));
    expect(order.placedAt).toBe('2026-06-18T01:59:00.000Z');
    expect(order.createdAt).toBe('2026-06-18T02:00:00.000Z');
    expect(order.lines.map((l) => l.lineId)).toEqual(['L1', 'L2']);
    expect(order.history).toEqual([
      { eventId: `${order.id}:created`, type: 'create', from: 'pending_payment', to: 'pending_payment', actor: 'system', at: order.createdAt, version: 1, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) },
    ]);
    expect(orderSchema.safeParse(order).success).toBe(true);
  });

  it('reports every problem with its path, not only the first', () => {
    const error = validationError(() =>
      createOrder(
        input({ lines: [{ sku: '', quantity: 0, unitPrice: cny(10) }, { sku: 'X', quantity: 1, unitPrice: { amount: 1.5, currency: 'CNY' } }] }),
        { clock, ids },
      ),
    );
    const paths = error.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['lines.0.sku', 'lines.0.quantity', 'lines.1.unitPrice.amount']));
  });

  it('refuses money in another currency than the order', () => {
    const error = validationError(() => createOrder(input({ shipping: { amount: 100, currency: 'USD' } }), { clock, ids }));
    expect(error.issues).toEqual([expect.objectContaining({ code: 'currency_mismatch', path: ['shipping', 'currency'] })]);
  });

  it('cross-checks a total sent by the channel', () => {
    expect(createOrder(input({ total: cny(8780) }), { clock, ids }).totals.total.amount).toBe(8780);
    const error = validationError(() => createOrder(input({ total: cny(8781) }), { clock, ids }));
    expect(error.issues[0]?.code).toBe('total_mismatch');
  });

  it('refuses a placedAt without an offset', () => {
    const error = validationError(() => createOrder(input({ placedAt: '2026-06-18 10:00:00' }), { clock, ids }));
    expect(error.issues[0]?.path).toEqual(['placedAt']);
    expect(error.issues[0]?.message).toContain('no offset');
  });

  it('needs an id or an id source, and unique line ids', () => {
    expect(validationError(() => createOrder(input(), { clock })).issues[0]?.path).toEqual(['id']);
    const dup = validationError(() =>
      createOrder(input({ lines: [{ lineId: 'A', sku: 'X', quantity: 1, unitPrice: cny(1) }, { lineId: 'A', sku: 'Y', quantity: 1, unitPrice: cny(1) }] }), { clock, ids }),
    );
    expect(dup.issues[0]?.code).toBe('duplicate_line_id');
  });

  it('refuses unknown fields (a typo must not be silently dropped)', () => {
    const error = validationError(() => createOrder({ ...input(), shiping: cny(1) } as CreateOrderInput, { clock, ids }));
    expect(error.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('fingerprints what was sent: equal for the same input in any key order and any id, different for other lines', () => {
    const print = (value: CreateOrderInput) => createOrder(value, { clock, ids }).history[0]?.fingerprint;
    const reordered = Object.fromEntries(Object.entries(input()).reverse()) as CreateOrderInput;
    expect(print(reordered)).toBe(print(input()));
    expect(print({ ...input(), id: 'ord-x' })).toBe(print(input()));
    expect(print(input({ lines: [{ sku: 'TEA-001', quantity: 3, unitPrice: cny(1990) }] }))).not.toBe(print(input()));
  });

  it('refuses bad arguments with a ValidationError, never a TypeError', () => {
    for (const bad of [null, undefined, 42, 'order', []]) {
      expect(validationError(() => createOrder(bad as never, { clock, ids })).issues[0]?.path).toEqual([]);
    }
    expect(validationError(() => createOrder(input(), undefined as never)).issues[0]?.path).toEqual(['clock']);
    const getter = Object.defineProperty({ ...input() }, 'lines', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(validationError(() => createOrder(getter, { clock, ids })).issues[0]?.code).toBe('unreadable');
  });

  it('limits lines, string length and nesting, with the limit named at its path, configurable', () => {
    const line = (i: number) => ({ sku: `S${i}`, quantity: 1, unitPrice: cny(1) });
    const many = Array.from({ length: 1_001 }, (_, i) => line(i));
    expect(validationError(() => createOrder(input({ lines: many }), { clock, ids })).issues[0]).toMatchObject({ code: 'too_big', path: ['lines'] });
    expect(createOrder(input({ lines: many }), { clock, ids, limits: { lines: 2_000 } }).lines).toHaveLength(1_001);
    const longStreet = { country: 'CN', street: '路'.repeat(2_001) };
    expect(validationError(() => createOrder(input({ shippingAddress: longStreet }), { clock, ids })).issues[0]).toMatchObject({ code: 'too_big', path: ['shippingAddress', 'street'] });
    expect(validationError(() => createOrder(input(), { clock, ids, limits: { lines: 0 } })).issues[0]?.path).toEqual(['limits', 'lines']);
  });

  it('checks duplicate line ids in linear time: 100,000 distinct lines pass, a repeat is found at its index', () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => ({ lineId: `L${i}`, sku: 'S', quantity: 1, unitPrice: cny(1) }));
    const big = { clock, ids, limits: { lines: 200_000, nodes: 2_000_000 } };
    expect(createOrder(input({ lines }), big).lines).toHaveLength(100_000);
    const repeated = [...lines, { lineId: 'L5', sku: 'S', quantity: 1, unitPrice: cny(1) }];
    expect(validationError(() => createOrder(input({ lines: repeated }), big)).issues[0]).toMatchObject({ code: 'duplicate_line_id', path: ['lines', 100_000, 'lineId'] });
  });

  it('refuses a NUL character, which no database stores, at its path', () => {
    const error = validationError(() => createOrder(input({ customerRef: 'buyer\u00009' }), { clock, ids }));
    expect(error.issues[0]).toMatchObject({ code: 'invalid_string', path: ['customerRef'] });
  });
});
