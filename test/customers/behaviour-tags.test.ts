// Behaviour tags from order history, each with the figures that earned it.
import { describe, expect, it } from 'vitest';
import { instant } from '../../src/clock/index.js';
import { computeBehaviourTags, orderFactsFromOrder, type OrderFacts } from '../../src/customers/index.js';

const now = instant('2026-06-01T00:00:00Z');
const order = (daysAgo: number, amount: number, quantity = 1, returnedQuantity = 0, status = 'completed'): OrderFacts => ({
  placedAt: instant(Date.parse(now) - daysAgo * 86_400_000),
  total: { amount, currency: 'CNY' },
  quantity,
  returnedQuantity,
  status,
});

describe('computeBehaviourTags', () => {
  it('tags a high-value buyer with the average that earned it (integer minor units)', () => {
    const profile = computeBehaviourTags([order(10, 60_000), order(40, 50_001), order(400, 1)], { now });
    expect(profile.figures.averageOrderValue).toEqual({ amount: 55_001, currency: 'CNY' });
    expect(profile.tags.find((t) => t.tag === 'high-value')).toMatchObject({ figures: { averageOrderValue: 55_001, ordersInWindow: 2 } });
  });
  it('tags frequent buyers and frequent returners by configurable thresholds', () => {
    const orders = Array.from({ length: 5 }, (_, i) => order(i * 10, 1000, 2, i < 2 ? 2 : 0));
    const tags = computeBehaviourTags(orders, { now, frequentOrders: 5 }).tags.map((t) => t.tag);
    expect(tags).toContain('frequent-buyer');
    expect(tags).toContain('frequent-returner');
    expect(computeBehaviourTags(orders, { now, returnRate: 0.5 }).tags.map((t) => t.tag)).not.toContain('frequent-returner');
  });
  it('tags dormant and new customers from recency, ignoring cancelled orders', () => {
    expect(computeBehaviourTags([order(200, 100), order(1, 100, 1, 0, 'cancelled')], { now }).tags.map((t) => t.tag)).toEqual(['dormant']);
    expect(computeBehaviourTags([order(3, 100)], { now }).tags.map((t) => t.tag)).toEqual(['new']);
    expect(computeBehaviourTags([], { now })).toMatchObject({ figures: { orders: 0, averageOrderValue: null }, tags: [] });
  });
  it('reads Ordo orders and refuses mixed currencies and bad thresholds', () => {
    const facts = orderFactsFromOrder({ placedAt: now, status: 'shipped', totals: { total: { amount: 500, currency: 'CNY' } }, lines: [{ quantity: 2, returnedQuantity: 1 }, { quantity: 1, returnedQuantity: 0 }] });
    expect(facts).toMatchObject({ quantity: 3, returnedQuantity: 1 });
    expect(() => computeBehaviourTags([order(1, 1), { ...order(1, 1), total: { amount: 1, currency: 'USD' } }], { now })).toThrow(/several currencies/);
    expect(() => computeBehaviourTags([], { now, returnRate: 2 })).toThrow(/rate/);
  });
});
