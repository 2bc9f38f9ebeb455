// Shared builders for the approval tests: small policies and fact records.
import type { ApprovalPolicyInput, PolicyCondition, PolicyOutcome } from '../../src/approval/index.js';
import type { Instant } from '../../src/clock/index.js';
import type { Order } from '../../src/orders/order.js';

/** An outcome with sensible defaults. */
export function outcome(decision: PolicyOutcome['decision'], reason: string, severity: PolicyOutcome['severity'] = 'medium'): PolicyOutcome {
  return { decision, reasons: [reason], severity };
}

/** A one-rule-per-condition policy; the default outcome approves unless told otherwise. */
export function policyOf(
  rules: { id: string; when: PolicyCondition; then?: PolicyOutcome; priority?: number; onMissingFact?: 'hold' | 'reject' | 'skip-rule' | 'treat-as-false' }[],
  extra: Partial<ApprovalPolicyInput> = {},
): ApprovalPolicyInput {
  return {
    id: 'test-policy',
    version: '1',
    rules: rules.map((r) => ({
      id: r.id,
      when: r.when,
      then: r.then ?? outcome('hold', r.id.toUpperCase().replace(/-/g, '_')),
      ...(r.priority === undefined ? {} : { priority: r.priority }),
      ...(r.onMissingFact === undefined ? {} : { onMissingFact: r.onMissingFact }),
    })),
    defaultOutcome: outcome('approve', 'DEFAULT', 'info'),
    ...extra,
  };
}

/** CNY money. */
export const cny = (amount: number): { amount: number; currency: string } => ({ amount, currency: 'CNY' });

/** A stored order built by hand, with only what the approval facts read varying. */
export function makeOrder(overrides: {
  id?: string;
  total?: number;
  currency?: string;
  channel?: string;
  paymentMethod?: string;
  geo?: { lat: number; lng: number };
  placedAt?: string;
  lines?: { quantity: number; category?: string; shipped?: number; returned?: number }[];
} = {}): Order<string> {
  const currency = overrides.currency ?? 'CNY';
  const total = { amount: overrides.total ?? 10_000, currency };
  const zero = { amount: 0, currency };
  const at = (overrides.placedAt ?? '2026-06-01T00:00:00.000Z') as Instant;
  const lines = (overrides.lines ?? [{ quantity: 1 }]).map((l, i) => ({
    lineId: `L${i + 1}`,
    sku: `SKU-${i + 1}`,
    quantity: l.quantity,
    unitPrice: zero,
    ...(l.category === undefined ? {} : { category: l.category }),
    allocations: [],
    shippedQuantity: l.shipped ?? 0,
    returnedQuantity: l.returned ?? 0,
  }));
  return {
    id: overrides.id ?? 'ord-1',
    channel: overrides.channel ?? 'tmall',
    channelOrderId: 'T-1',
    customerRef: 'cus-1',
    currency,
    lines,
    totals: { subtotal: total, discount: zero, shipping: zero, tax: zero, total },
    payment: { paid: total, refunded: zero, ...(overrides.paymentMethod === undefined ? {} : { method: overrides.paymentMethod }) },
    shippingAddress: {
      country: 'CN',
      province: '浙江省',
      street: '文三路 100 号',
      ...(overrides.geo === undefined ? {} : { geo: overrides.geo }),
    },
    shipments: [],
    status: 'pending_approval',
    version: 1,
    placedAt: at,
    createdAt: at,
    updatedAt: at,
    statusEnteredAt: {},
    history: [],
    attributes: {},
  };
}
