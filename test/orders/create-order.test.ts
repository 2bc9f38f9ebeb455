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
      { eventId: `${order.id}:created`, type: 'create', from: 'pending_payment', to: 'pending_payment', actor: 'system', at: order.createdAt, version: 1 },
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
});
