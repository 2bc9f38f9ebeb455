// route(): the seed case end to end, every filter and its trace, splits, fallbacks, cut-offs and calendars in the warehouse's zone.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { instant } from '../../src/clock/index.js';
import { isValidationError } from '../../src/errors/index.js';
import { compileRouting, resolveDestination, SEED_ROUTING_NETWORK, type RejectedWarehouse, type CandidateWarehouse, type RoutingDecision } from '../../src/routing/index.js';
import { allocated, allocationText, HANGZHOU, HARBIN, MONDAY_MORNING, orderTo, seedRouter, SHANGHAI, SHENZHEN, stock } from './helpers.js';

const router = seedRouter();

function warehouseTrace(decision: RoutingDecision, ruleId: string, warehouseId: string): RejectedWarehouse | CandidateWarehouse {
  const rule = decision.trace.rules.find((r) => r.ruleId === ruleId);
  const found = rule?.warehouses.find((w) => w.warehouseId === warehouseId);
  if (found === undefined) throw new Error(`no trace for ${warehouseId} in ${ruleId}`);
  return found;
}

describe('the seed policy', () => {
  it('ships an East China order from Hangzhou first, and says why Wuhan came second and the others were out', () => {
    const snapshot = router.snapshot({ at: MONDAY_MORNING, stock: stock({ 'HZ:A': 10, 'WH:A': 10, 'BJ:A': 10 }) });
    const decision = allocated(router.route(orderTo(HANGZHOU, [['A', 2, 'apparel']]), snapshot));
    expect(decision.rule).toBe('east-china');
    expect(allocationText(decision)).toEqual(['HZ:L1=2']);
    expect(decision.destination).toMatchObject({ provinceCode: '33', cityCode: '3301' });
    expect(warehouseTrace(decision, 'east-china', 'HZ')).toMatchObject({ verdict: 'candidate', position: 1, decidedBy: null, chosen: true });
    expect(warehouseTrace(decision, 'east-china', 'WH')).toMatchObject({ verdict: 'candidate', position: 2, decidedBy: 'region-preference', chosen: false });
    expect(warehouseTrace(decision, 'east-china', 'BJ')).toEqual({ warehouseId: 'BJ', verdict: 'rejected', filter: 'serves-region', actual: '华北 东北', required: 'CN 浙江省 杭州市' });
    expect(decision.trace.rules[0]).toMatchObject({ ruleId: 'fresh-from-hangzhou', applied: false, skipped: 'no line has category fresh' });
    const [shipment] = decision.shipments;
    expect(shipment).toMatchObject({ warehouseId: 'HZ', shipDate: '2026-11-30', estimatedShipLocal: '2026-11-30T16:00:00', zone: 'Asia/Shanghai', carrier: 'yto' });
    expect(shipment?.estimatedShipAt).toBe('2026-11-30T08:00:00.000Z');
    expect(decision.cost).toEqual({ amount: 600, currency: 'CNY' }); // 2 x 500 g assumed: yto's band up to 1 kg in 华东
    expect(decision.trace.assumedWeights).toEqual(['A']);
  });

  it('keeps safety stock back, and prefers one shipment to a split', () => {
    const snapshot = router.snapshot({ at: MONDAY_MORNING, stock: stock({ 'HZ:A': 3, 'WH:A': 10 }) });
    // Hangzhou has 3 - 2 = 1 unit to give; Wuhan alone has 8, so one shipment from Wuhan beats a split.
    const two = allocated(router.route(orderTo(SHANGHAI, [['A', 2]]), snapshot));
    expect(allocationText(two)).toEqual(['WH:L1=2']);
    expect(warehouseTrace(two, 'east-china', 'HZ')).toMatchObject({ verdict: 'candidate', position: 1, available: [1], chosen: false });
    // Nine units need both: Hangzhou's one and Wuhan's eight.
    const nine = allocated(router.route(orderTo(SHANGHAI, [['A', 9]]), snapshot));
    expect(allocationText(nine)).toEqual(['HZ:L1=1', 'WH:L1=8']);
    expect(nine.shipments.map((s) => s.warehouseId)).toEqual(['HZ', 'WH']);
  });

  it('sends fresh goods only from Hangzhou and holds the order with the rule\'s reason when it has none', () => {
    const snapshot = router.snapshot({ at: MONDAY_MORNING, stock: stock({ 'HZ:F': 2, 'BJ:F': 100 }) });
    const decision = router.route(orderTo(HARBIN, [['F', 1, 'fresh']]), snapshot);
    expect(decision.outcome).toBe('hold');
    if (decision.outcome !== 'hold') return;
    expect(decision.reason).toBe('FRESH_NOT_IN_STOCK');
    expect(decision.rule).toBe('fresh-from-hangzhou');
    expect(decision.lines).toEqual([{ lineId: 'L1', sku: 'F', quantity: 1, available: 0, bestSingle: 0, reason: 'NO_STOCK' }]);
    expect(warehouseTrace(decision, 'fresh-from-hangzhou', 'HZ')).toEqual({ warehouseId: 'HZ', verdict: 'rejected', filter: 'stock', actual: 0, required: 1, lineId: 'L1', sku: 'F', safetyStock: 2 });
    expect(warehouseTrace(decision, 'fresh-from-hangzhou', 'BJ')).toMatchObject({ filter: 'include' });
  });

  it('routes elsewhere by region preference, then distance', () => {
    const snapshot = router.snapshot({ at: MONDAY_MORNING, stock: stock({ 'GZ:A': 10, 'WH:A': 10, 'BJ:A': 10 }) });
    expect(allocationText(allocated(router.route(orderTo(SHENZHEN, [['A', 1]]), snapshot)))).toEqual(['GZ:L1=1']);
    const harbin = allocated(router.route(orderTo(HARBIN, [['A', 1]]), snapshot));
    expect(allocationText(harbin)).toEqual(['BJ:L1=1']);
    expect(harbin.rule).toBe('nationwide');
    // Without stock in Guangzhou, Shenzhen goes to the nearest warehouse that has it.
    const noGz = router.snapshot({ at: MONDAY_MORNING, stock: stock({ 'WH:A': 10, 'BJ:A': 10 }) });
    const shenzhen = allocated(router.route(orderTo(SHENZHEN, [['A', 1]]), noGz));
    expect(allocationText(shenzhen)).toEqual(['WH:L1=1']);
    expect(warehouseTrace(shenzhen, 'nationwide', 'BJ')).toMatchObject({ position: 2, decidedBy: 'distance' });
  });

  it('backorders an order no warehouse can fill, with the shortfall per line', () => {
    const snapshot = router.snapshot({ at: MONDAY_MORNING, stock: stock({ 'BJ:A': 4, 'GZ:A': 3, 'BJ:B': 9 }) });
    const decision = router.route(orderTo(HARBIN, [['A', 9], ['B', 1]]), snapshot);
    expect(decision.outcome).toBe('backorder');
    if (decision.outcome !== 'backorder') return;
    expect(decision.lines).toEqual([{ lineId: 'L1', sku: 'A', quantity: 9, available: 3, bestSingle: 2, reason: 'NO_STOCK' }]);
  });
});

describe('cut-off and calendar, counted in the warehouse zone whatever the process zone', () => {
  it('ships the same day before 16:00 Shanghai time and the next working day after it', () => {
    const order = orderTo(HANGZHOU, [['A', 1]]);
    const levels = stock({ 'HZ:A': 10 });
    const before = allocated(router.route(order, router.snapshot({ at: instant('2026-11-30T15:59:00+08:00'), stock: levels })));
    expect(before.shipments[0]?.shipDate).toBe('2026-11-30');
    const after = allocated(router.route(order, router.snapshot({ at: instant('2026-11-30T16:00:00+08:00'), stock: levels })));
    expect(after.shipments[0]?.shipDate).toBe('2026-12-01');
    expect(after.estimatedShipAt).toBe('2026-12-01T08:00:00.000Z');
  });

  it('skips Sundays and holidays: Saturday evening ships Monday, the eve of National Day ships on 8 October', () => {
    const order = orderTo(HANGZHOU, [['A', 1]]);
    const levels = stock({ 'HZ:A': 10 });
    const saturday = allocated(router.route(order, router.snapshot({ at: instant('2026-12-05T18:00:00+08:00'), stock: levels })));
    expect(saturday.shipments[0]?.shipDate).toBe('2026-12-07');
    const eve = allocated(router.route(order, router.snapshot({ at: instant('2026-09-30T17:00:00+08:00'), stock: levels })));
    expect(eve.shipments[0]?.shipDate).toBe('2026-10-08');
  });

  it('rejects with ships-within a warehouse whose next working day is too far away, and says how far', () => {
    const network = {
      ...SEED_ROUTING_NETWORK,
      warehouses: SEED_ROUTING_NETWORK.warehouses.map((w) => (w.id === 'BJ' ? { ...w, calendar: { workingHours: { mon: [['09:00', '18:00']] } } } : w)),
    };
    const within = (workingDays: number) =>
      compileRouting({ network, policy: { id: 'p', version: '1', rules: [{ id: 'fast', filters: [{ type: 'ships-within', workingDays }], fallback: { type: 'hold', reason: 'TOO_SLOW' } }] } });
    // Tuesday: Beijing works Mondays only, so it ships next Monday, its next working day.
    const at = instant('2026-12-01T10:00:00+08:00');
    const today = within(0);
    const decision = today.route(orderTo(HARBIN, [['A', 1]]), today.snapshot({ at, stock: stock({ 'BJ:A': 10 }) }));
    expect(decision.outcome === 'hold' && decision.reason).toBe('TOO_SLOW');
    expect(warehouseTrace(decision, 'fast', 'BJ')).toEqual({ warehouseId: 'BJ', verdict: 'rejected', filter: 'ships-within', actual: 1, required: 0, date: '2026-12-07' });
    const nextDay = within(1);
    expect(allocated(nextDay.route(orderTo(HARBIN, [['A', 1]]), nextDay.snapshot({ at, stock: stock({ 'BJ:A': 10 }) }))).shipments[0]?.shipDate).toBe('2026-12-07');
  });
});

describe('capacity', () => {
  it('rejects a warehouse whose daily orders are used up on its ship day, and counts a later day afresh', () => {
    const levels = stock({ 'HZ:A': 10, 'WH:A': 10 });
    const full = [{ warehouseId: 'HZ', date: '2026-11-30', orders: 5000, units: 9000 }];
    const decision = allocated(router.route(orderTo(HANGZHOU, [['A', 1]]), router.snapshot({ at: MONDAY_MORNING, stock: levels, capacityUsed: full })));
    expect(allocationText(decision)).toEqual(['WH:L1=1']);
    expect(warehouseTrace(decision, 'east-china', 'HZ')).toEqual({ warehouseId: 'HZ', verdict: 'rejected', filter: 'capacity', actual: 0, required: 1, unit: 'orders', date: '2026-11-30' });
    const evening = allocated(router.route(orderTo(HANGZHOU, [['A', 1]]), router.snapshot({ at: instant('2026-11-30T17:00:00+08:00'), stock: levels, capacityUsed: full })));
    expect(allocationText(evening)).toEqual(['HZ:L1=1']);
  });

  it('splits across warehouses when one has too few units of capacity left', () => {
    const network = { ...SEED_ROUTING_NETWORK, warehouses: SEED_ROUTING_NETWORK.warehouses.map((w) => ({ ...w, capacity: { units: 10 } })) };
    const capped = compileRouting({ network, policy: { id: 'p', version: '1', rules: [{ id: 'any', split: { allowed: true } }] } });
    const decision = allocated(
      capped.route(
        orderTo(HANGZHOU, [['A', 4]]),
        capped.snapshot({ at: MONDAY_MORNING, stock: stock({ 'HZ:A': 10, 'BJ:A': 5 }), capacityUsed: [{ warehouseId: 'HZ', date: '2026-11-30', orders: 1, units: 9 }] }),
      ),
    );
    // Hangzhou ranks first but has room for 1 unit today; Beijing has 5 - 2 = 3 and takes the rest.
    expect(allocationText(decision)).toEqual(['HZ:L1=1', 'BJ:L1=3']);
  });
});

describe('splits', () => {
  const network = {
    currency: 'CNY',
    warehouses: ['W1', 'W2', 'W3', 'W4'].map((id, i) => ({
      id,
      name: id,
      zone: 'Asia/Shanghai',
      rank: i,
      shipping: [{ carrier: 'c', zones: [{ regions: ['CN'], bands: [{ maxGrams: null, amount: [900, 500, 300, 100][i] as number }] }] }],
    })),
  };
  const levels = stock({ 'W1:A': 5, 'W2:B': 5, 'W3:A': 5, 'W4:B': 5, 'W1:C': 1 });
  const rule = (split: object) => compileRouting({ network, policy: { id: 'p', version: '1', rules: [{ id: 'r', split, fallback: { type: 'hold', reason: 'NO_ROUTE_HERE' } }] } });

  it('by rank: the fewest shipments from the best-ranked warehouses', () => {
    const decision = allocated(rule({ allowed: true, objective: 'rank' }).route(orderTo(HANGZHOU, [['A', 2], ['B', 2]]), { at: MONDAY_MORNING, stock: levels }));
    expect(allocationText(decision)).toEqual(['W1:L1=2', 'W2:L2=2']);
    expect(decision.cost).toEqual({ amount: 1400, currency: 'CNY' });
    expect(decision.optimal).toBe(true);
  });

  it('by cost: the fewest shipments, then the cheapest', () => {
    const decision = allocated(rule({ allowed: true, objective: 'cost' }).route(orderTo(HANGZHOU, [['A', 2], ['B', 2]]), { at: MONDAY_MORNING, stock: levels }));
    expect(allocationText(decision)).toEqual(['W3:L1=2', 'W4:L2=2']);
    expect(decision.cost).toEqual({ amount: 400, currency: 'CNY' });
  });

  it('says the order needs a split when the rule allows none, or more shipments than allowed', () => {
    const single = rule({ allowed: false }).route(orderTo(HANGZHOU, [['A', 2], ['B', 2]]), { at: MONDAY_MORNING, stock: levels });
    expect(single.outcome === 'hold' && single.lines.map((l) => l.reason)).toEqual(['SPLIT_NOT_ALLOWED', 'SPLIT_NOT_ALLOWED']);
    const two = rule({ allowed: true, maxShipments: 2 }).route(orderTo(HANGZHOU, [['A', 2], ['B', 2], ['C', 1]]), { at: MONDAY_MORNING, stock: stock({ 'W1:A': 5, 'W2:B': 5, 'W3:C': 5 }) });
    expect(two.outcome === 'hold' && two.lines.map((l) => l.reason)).toEqual(['TOO_MANY_SHIPMENTS', 'TOO_MANY_SHIPMENTS', 'TOO_MANY_SHIPMENTS']);
  });

  it('splits only orders at or above minTotal', () => {
    const router = rule({ allowed: true, minTotal: { amount: 20_000, currency: 'CNY' } });
    expect(router.route(orderTo(HANGZHOU, [['A', 2], ['B', 2]], 19_999), { at: MONDAY_MORNING, stock: levels }).outcome).toBe('hold');
    expect(router.route(orderTo(HANGZHOU, [['A', 2], ['B', 2]], 20_000), { at: MONDAY_MORNING, stock: levels }).outcome).toBe('allocate');
  });

  it('never makes a whole-orders-only warehouse one part of a split', () => {
    const wholeOnly = { ...network, warehouses: network.warehouses.map((w) => (w.id === 'W1' ? { ...w, partial: false } : w)) };
    const router = compileRouting({ network: wholeOnly, policy: { id: 'p', version: '1', rules: [{ id: 'r', split: { allowed: true } }] } });
    const decision = allocated(router.route(orderTo(HANGZHOU, [['A', 2], ['B', 2]]), { at: MONDAY_MORNING, stock: levels }));
    expect(allocationText(decision)).toEqual(['W3:L1=2', 'W2:L2=2']);
  });
});

describe('destinations and regions', () => {
  it('reads the destination from free text through the customers normaliser', () => {
    expect(resolveDestination({ country: 'CN', street: '广东深圳南山区科技园 1 号' })).toMatchObject({ province: '广东省', city: '深圳市', provinceCode: '44', cityCode: '4403' });
    expect(resolveDestination(undefined)).toMatchObject({ country: undefined, provinceCode: undefined });
  });

  it('skips region rules for an order without an address and says so', () => {
    const decision = router.route(orderTo(undefined, [['A', 1]]), { at: MONDAY_MORNING, stock: stock({ 'BJ:A': 10 }) });
    expect(decision.trace.rules[1]).toMatchObject({ ruleId: 'east-china', applied: false, skipped: 'destination no address is not in 华东' });
    expect(allocationText(allocated(decision))).toEqual(['BJ:L1=1']);
  });

  it('serves regions of your own for other countries, by state name in any case', () => {
    const network = {
      currency: 'USD',
      regions: { 'us-west': { country: 'US', provinces: ['CA', 'California', 'OR', 'WA'] } },
      warehouses: [
        { id: 'RENO', name: 'Reno', zone: 'America/Los_Angeles', serves: ['us-west'] },
        { id: 'NJ', name: 'Newark', zone: 'America/New_York', serves: ['US'], rank: 200 },
      ],
    };
    const us = compileRouting({ network, policy: { id: 'p', version: '1', rules: [{ id: 'west', filters: [{ type: 'serves-region' }] }] } });
    const west = { country: 'US', province: 'california', city: 'San Francisco', street: '1 Market St' };
    const snapshot = us.snapshot({ at: instant('2026-11-30T18:00:00Z'), stock: stock({ 'RENO:A': 5, 'NJ:A': 5 }) });
    expect(allocationText(allocated(us.route({ ...orderTo(west, [['A', 1]]), totals: { total: { amount: 100, currency: 'USD' } } }, snapshot)))).toEqual(['RENO:L1=1']);
    const east = { country: 'US', province: 'NY', city: 'New York', street: '1 Broadway' };
    expect(allocationText(allocated(us.route(orderTo(east, [['A', 1]]), snapshot)))).toEqual(['NJ:L1=1']);
  });
});

describe('the trace', () => {
  it('is built on first read, kept, serialised and printed like a field, and explains the order as routed', () => {
    const order = orderTo(HANGZHOU, [['A', 2]]);
    const decision = allocated(router.route(order, { at: MONDAY_MORNING, stock: stock({ 'HZ:A': 10, 'WH:A': 10 }) }));
    // Changing the order afterwards does not change the explanation of what was decided.
    (order.lines[0] as { quantity: number }).quantity = 99;
    const trace = decision.trace;
    expect(decision.trace).toBe(trace);
    expect(warehouseTrace(decision, 'east-china', 'HZ')).toMatchObject({ verdict: 'candidate', available: [8], chosen: true });
    expect(JSON.parse(JSON.stringify(decision)).trace.rules[1].ruleId).toBe('east-china');
    expect(inspect(decision, { depth: 1 })).toContain('trace: { rules: [Array], assumedWeights: [Array] }');
    expect(Object.keys(decision)).toContain('trace');
  });
});

describe('purity and input', () => {
  it('gives the same decision for the same input, whatever the order of the stock list', () => {
    const levels = stock({ 'HZ:A': 3, 'WH:A': 10, 'BJ:B': 4, 'GZ:B': 4, 'CD:A': 1 });
    const order = orderTo(HARBIN, [['A', 3], ['B', 4]]);
    const first = router.route(order, { at: MONDAY_MORNING, stock: levels });
    const second = router.route(order, { at: MONDAY_MORNING, stock: [...levels].reverse() });
    expect(second).toEqual(first);
  });

  it('answers a malformed order or snapshot with a ValidationError and paths, never a TypeError', () => {
    const snapshot = router.snapshot({ at: MONDAY_MORNING, stock: [] });
    const attempts: [unknown, unknown][] = [
      [null, snapshot],
      [{ id: 'x', lines: [] }, snapshot],
      [{ id: 'x', lines: [{ lineId: 'a', sku: 'A', quantity: 0 }] }, snapshot],
      [orderTo(HANGZHOU, [['A', 1]]), { at: 'yesterday', stock: 'none' }],
      [orderTo(HANGZHOU, [['A', 1]]), { at: MONDAY_MORNING, stock: [{ warehouseId: 'HZ', sku: 'A', available: 1.5 }] }],
    ];
    for (const [order, snap] of attempts) {
      let caught: unknown;
      try {
        router.route(order as never, snap as never);
      } catch (error) {
        caught = error;
      }
      expect(isValidationError(caught), String(caught)).toBe(true);
    }
    expect(() => router.route({ id: 'x', lines: [{ lineId: 'a', sku: 'A', quantity: 0 }] }, snapshot)).toThrow(/lines\.0\.quantity/);
  });
});
