// simulateRouting and formatRoutingTrace: a candidate policy against the current one over the same orders, and the trace as a table.
import { describe, expect, it } from 'vitest';
import { isValidationError } from '../../src/errors/index.js';
import { compileRouting, describeWarehouseTrace, formatRoutingTrace, simulateRouting, SEED_ROUTING_NETWORK, SEED_ROUTING_POLICY, type RoutingPolicyInput } from '../../src/routing/index.js';
import { HANGZHOU, HARBIN, MONDAY_MORNING, orderTo, seedRouter, SHANGHAI, SHENZHEN, stock } from './helpers.js';

const current = seedRouter();
// The candidate: no East China preference; the nationwide rule, nearest first, decides everything.
const candidatePolicy = { ...SEED_ROUTING_POLICY, version: '2026.12-1', rules: SEED_ROUTING_POLICY.rules.filter((rule) => rule.id !== 'east-china') } as RoutingPolicyInput;
const candidate = compileRouting({ network: SEED_ROUTING_NETWORK, policy: candidatePolicy });

describe('simulateRouting', () => {
  const orders = [
    orderTo(HANGZHOU, [['A', 1]], 10_000, 'o1'),
    orderTo(SHANGHAI, [['A', 1]], 10_000, 'o2'),
    orderTo(SHENZHEN, [['A', 1]], 10_000, 'o3'),
    orderTo(HARBIN, [['A', 3]], 10_000, 'o4'),
  ];
  const snapshot = { at: MONDAY_MORNING, stock: stock({ 'HZ:A': 4, 'WH:A': 10, 'GZ:A': 10, 'BJ:A': 4 }) };

  it('reports split rate, cost, distance and load per policy, and each order decided differently with why', () => {
    const report = simulateRouting(current, candidate, orders, snapshot);
    expect(report.orders).toBe(4);
    expect(report.current.policy).toEqual({ id: 'seed-routing', version: '2026.11-1' });
    expect(report.candidate.policy.version).toBe('2026.12-1');
    expect(report.current.allocated).toBe(4);
    // Hangzhou has 4 - 2 safety = 2 units: o1 and o2 take them under the current policy.
    expect(report.current.load.HZ).toEqual({ orders: 2, units: 2 });
    expect(report.current.splitRate).toBe(0);
    expect(report.current.cost.currency).toBe('CNY');
    const o1 = report.changed.find((change) => change.orderId === 'o1');
    expect(o1).toMatchObject({ difference: 'rule', current: { rule: 'east-china' }, candidate: { rule: 'nationwide' } });
    expect(o1?.why).toContain('rule east-china -> nationwide');
    expect(report.changed.map((change) => change.orderId)).not.toContain('o3');
  });

  it('depletes stock order by order unless told not to', () => {
    // Beijing has 4 - 2 = 2 units: the 3-unit order o4 must split under depletion or not.
    const twice = [orderTo(HARBIN, [['A', 2]], 10_000, 'a'), orderTo(HARBIN, [['A', 2]], 10_000, 'b')];
    const depleted = simulateRouting(current, current, twice, { at: MONDAY_MORNING, stock: stock({ 'BJ:A': 4, 'WH:A': 10 }) });
    expect(depleted.current.load).toEqual({ BJ: { orders: 1, units: 2 }, WH: { orders: 1, units: 2 } });
    const fresh = simulateRouting(current, current, twice, { at: MONDAY_MORNING, stock: stock({ 'BJ:A': 4, 'WH:A': 10 }) }, { deplete: false });
    expect(fresh.current.load).toEqual({ BJ: { orders: 2, units: 4 } });
    expect(fresh.changed).toEqual([]);
  });

  it('refuses what is not a router or a list of orders with a ValidationError', () => {
    let caught: unknown;
    try {
      simulateRouting({} as never, candidate, 'orders' as never, snapshot);
    } catch (error) {
      caught = error;
    }
    expect(isValidationError(caught)).toBe(true);
  });
});

describe('formatRoutingTrace', () => {
  it('prints the decision, each rule and every warehouse with its rank values or its reason', () => {
    const decision = current.route(orderTo(SHANGHAI, [['A', 9]]), { at: MONDAY_MORNING, stock: stock({ 'HZ:A': 3, 'WH:A': 10, 'BJ:A': 50 }) });
    const text = formatRoutingTrace(decision);
    expect(text).toContain('Order order-1, policy seed-routing@2026.11-1: allocate by rule east-china: HZ (L1x1) + WH (L1x8)');
    expect(text).toContain('Rule fresh-from-hangzhou: skipped, no line has category fresh');
    expect(text).toContain('| warehouse | region-preference | verdict |');
    expect(text).toContain('| HZ | 0 | chosen, candidate #1, best ranked |');
    expect(text).toContain('| WH | 1 | chosen, candidate #2, after #1 by region-preference |');
    expect(text).toContain('| BJ |  | rejected by serves-region: serves 华北 东北, not CN 上海市 上海市 |');
  });

  it('describes every kind of rejection in a sentence, and the lines a held order could not route', () => {
    const base = { warehouseId: 'W', verdict: 'rejected' } as const;
    expect([
      describeWarehouseTrace({ ...base, filter: 'stock', actual: 1, required: 3, lineId: 'L1', sku: 'TEA', safetyStock: 2 }),
      describeWarehouseTrace({ ...base, filter: 'category', actual: 'fresh', required: 'allowed', lineId: 'L2' }),
      describeWarehouseTrace({ ...base, filter: 'capacity', actual: 0, required: 1, unit: 'orders', date: '2026-11-30' }),
      describeWarehouseTrace({ ...base, filter: 'ships-within', actual: 2, required: 1, date: '2026-12-02' }),
      describeWarehouseTrace({ ...base, filter: 'max-distance', actual: null, required: 300 }),
      describeWarehouseTrace({ ...base, filter: 'serves-region', actual: '', required: 'CN 浙江省' }),
      describeWarehouseTrace({ ...base, filter: 'include', actual: 'not listed', required: 'listed' }),
    ]).toEqual([
      'rejected by stock: 1 unit of TEA for line L1 after safety stock 2, 3 needed',
      'rejected by category: does not ship fresh (line L2)',
      'rejected by capacity: 0 orders left on 2026-11-30, 1 needed',
      'rejected by ships-within: ships 2026-12-02, 2 working day(s) out, at most 1 allowed',
      'rejected by max-distance: distance unknown, at most 300 km',
      'rejected by serves-region: serves no region, not CN 浙江省',
      'rejected by include: not listed, listed required',
    ]);
    const held = current.route(orderTo(HARBIN, [['FISH', 1, 'fresh']]), { at: MONDAY_MORNING, stock: [] });
    const text = formatRoutingTrace(held);
    expect(text).toContain('hold (FRESH_NOT_IN_STOCK)');
    expect(text).toContain('- L1 (FISH x1): NO_STOCK, 0 available in eligible warehouses');
  });
});
