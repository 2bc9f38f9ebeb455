// Derived facts and buildFacts: distances, windows, rates, averages, ages, and the flat fact record.
import { describe, expect, it } from 'vitest';
import {
  ORDER_FACTS,
  accountAgeDays,
  amountVsAverage,
  averageOrderAmount,
  buildFacts,
  deriveFacts,
  distanceFromUsualKm,
  haversineKm,
  historyInWindow,
  regionFacts,
  shippingAddressReadable,
  returnRate,
  toOrderHistoryItem,
  type OrderHistoryItem,
} from '../../src/approval/index.js';
import { createFixedClock, instant, type Instant } from '../../src/clock/index.js';
import { cny, makeOrder } from './helpers.js';

const SHANGHAI = { lat: 31.2304, lng: 121.4737 };
const BEIJING = { lat: 39.9042, lng: 116.4074 };
const HANGZHOU = { lat: 30.2741, lng: 120.1551 };

const item = (orderId: string, placedAt: string, amount: number, shippedUnits = 1, returnedUnits = 0): OrderHistoryItem => ({
  orderId,
  placedAt: instant(placedAt),
  total: cny(amount),
  shippedUnits,
  returnedUnits,
});

describe('distances', () => {
  it('haversineKm matches known city distances', () => {
    expect(haversineKm(SHANGHAI, BEIJING)).toBeGreaterThan(1060);
    expect(haversineKm(SHANGHAI, BEIJING)).toBeLessThan(1075);
    expect(haversineKm(SHANGHAI, HANGZHOU)).toBeGreaterThan(155);
    expect(haversineKm(SHANGHAI, HANGZHOU)).toBeLessThan(175);
    expect(haversineKm(BEIJING, BEIJING)).toBe(0);
    // Antipodes: half the circumference, no NaN from rounding past 1.
    expect(haversineKm({ lat: 0, lng: 0 }, { lat: 0, lng: 180 })).toBeCloseTo(Math.PI * 6371.0088, 3);
  });

  it('distanceFromUsualKm takes the nearest usual location, null without data', () => {
    expect(distanceFromUsualKm(SHANGHAI, [BEIJING, HANGZHOU])).toBeCloseTo(haversineKm(SHANGHAI, HANGZHOU), 9);
    expect(distanceFromUsualKm(SHANGHAI, [])).toBeNull();
    expect(distanceFromUsualKm(undefined, [BEIJING])).toBeNull();
  });
});

describe('history facts', () => {
  const now = instant('2026-06-18T00:00:00Z');
  const history = [
    item('a', '2026-06-17T00:00:00Z', 10_000, 4, 2),
    item('b', '2026-03-21T00:00:00Z', 20_000, 2, 0), // 89 days before: inside 90 days
    item('c', '2026-03-19T00:00:00Z', 90_000, 5, 5), // 91 days before: outside
    item('d', '2026-06-19T00:00:00Z', 90_000), // after now: outside
  ];

  it('historyInWindow keeps (now - window, now] by the given instant', () => {
    expect(historyInWindow(history, now, { days: 90 }).map((i) => i.orderId)).toEqual(['a', 'b']);
    expect(historyInWindow(history, now, 'PT25H').map((i) => i.orderId)).toEqual(['a']);
    // Exactly one window ago is outside: the window is open at its start.
    expect(historyInWindow(history, now, 'P1D')).toEqual([]);
  });

  it('returnRate is units returned over units shipped, null when nothing shipped', () => {
    expect(returnRate(history.slice(0, 2))).toBeCloseTo(2 / 6, 12);
    expect(returnRate([item('x', '2026-01-01T00:00:00Z', 1, 0, 0)])).toBeNull();
    expect(returnRate([])).toBeNull();
  });

  it('averageOrderAmount is integer minor units in one currency, other currencies left out', () => {
    const mixed = [...history.slice(0, 2), { ...item('u', '2026-06-01T00:00:00Z', 1), total: { amount: 999_999, currency: 'USD' } }];
    expect(averageOrderAmount(mixed, 'CNY')).toEqual(cny(15_000));
    expect(averageOrderAmount([item('p', '2026-06-01T00:00:00Z', 1), item('q', '2026-06-01T00:00:00Z', 2)], 'CNY')).toEqual(cny(2));
    expect(averageOrderAmount(mixed, 'EUR')).toBeNull();
  });

  it('amountVsAverage is a ratio, null without a usable average', () => {
    expect(amountVsAverage(cny(90_000), cny(30_000))).toBe(3);
    expect(amountVsAverage(cny(90_000), null)).toBeNull();
    expect(amountVsAverage(cny(90_000), cny(0))).toBeNull();
    expect(amountVsAverage(cny(90_000), { amount: 1, currency: 'USD' })).toBeNull();
  });

  it('accountAgeDays counts whole days by the injected clock', () => {
    const clock = createFixedClock('2026-06-18T12:00:00Z');
    expect(accountAgeDays(instant('2026-06-17T12:00:00Z'), clock)).toBe(1);
    expect(accountAgeDays(instant('2026-06-17T12:00:01Z'), clock)).toBe(0);
    expect(accountAgeDays(instant('2025-06-18T12:00:00Z'), clock)).toBe(365);
    expect(accountAgeDays(instant('2026-07-01T00:00:00Z'), clock)).toBe(0);
  });

  it('toOrderHistoryItem sums shipped and returned units', () => {
    const order = makeOrder({ id: 'o9', total: 5_000, lines: [{ quantity: 3, shipped: 3, returned: 1 }, { quantity: 2, shipped: 1 }] });
    expect(toOrderHistoryItem(order)).toEqual({ orderId: 'o9', placedAt: order.placedAt, total: cny(5_000), shippedUnits: 4, returnedUnits: 1 });
  });
});

describe('deriveFacts and buildFacts', () => {
  const clock = createFixedClock('2026-06-18T00:00:00Z');

  it('derives every fact it has data for, excluding the order itself from its history', () => {
    const order = makeOrder({ id: 'now', total: 60_000, geo: BEIJING });
    const derived = deriveFacts({
      order,
      clock,
      history: [item('now', '2026-06-17T00:00:00Z', 1), item('a', '2026-06-10T00:00:00Z', 10_000, 2, 1), item('b', '2026-06-01T00:00:00Z', 20_000, 2, 0)],
      usualLocations: [SHANGHAI, HANGZHOU],
      usualAddresses: [{ country: 'CN', province: '上海', street: '南京西路 1 号' }],
      accountCreatedAt: instant('2026-05-19T00:00:00Z'),
    });
    expect(derived).toEqual({
      accountAgeDays: 30,
      orderCountInWindow: 2,
      returnRate: 0.25,
      distanceFromUsualKm: haversineKm(BEIJING, SHANGHAI),
      averageOrderAmount: cny(15_000),
      amountVsAverage: 4,
      shipsToNewProvince: true,
      shipsToNewCity: null,
      shippingAddressReadable: true,
    });
  });

  it('leaves facts without data null', () => {
    expect(deriveFacts({ order: makeOrder(), clock })).toEqual({
      accountAgeDays: null,
      orderCountInWindow: null,
      returnRate: null,
      distanceFromUsualKm: null,
      averageOrderAmount: null,
      amountVsAverage: null,
      shipsToNewProvince: null,
      shipsToNewCity: null,
      // The order's own address needs no history.
      shippingAddressReadable: true,
    });
  });

  it('reads provinces and cities by canonical name, no coordinates needed', () => {
    const order = (address: Record<string, string>) => ({ ...makeOrder(), shippingAddress: { country: 'CN', street: '文三路 100 号', ...address } });
    const usual = [{ country: 'CN', province: '浙江', city: '杭州', street: '文一路 1 号' }];
    expect(regionFacts(order({ province: '浙江省', city: '杭州市' }), usual)).toEqual({ shipsToNewProvince: false, shipsToNewCity: false });
    expect(regionFacts(order({ province: '浙江省', city: '宁波市' }), usual)).toEqual({ shipsToNewProvince: false, shipsToNewCity: true });
    expect(regionFacts(order({ province: '江苏省', city: '苏州市' }), usual)).toEqual({ shipsToNewProvince: true, shipsToNewCity: true });
    // A free-text address resolves too.
    expect(regionFacts({ ...makeOrder(), shippingAddress: { country: 'CN', street: '浙江省杭州市西湖区文三路 100 号' } }, usual)).toEqual({ shipsToNewProvince: false, shipsToNewCity: false });
    // A first order has no usual province or city to be away from: unknown, not new.
    expect(regionFacts({ ...makeOrder(), shippingAddress: { country: 'CN', street: '浙江省杭州市西湖区文三路 100 号' } }, [])).toEqual({ shipsToNewProvince: null, shipsToNewCity: null });
    // A province nobody can read is unknown, not new.
    expect(regionFacts(order({}), usual).shipsToNewProvince).toBeNull();
    expect(regionFacts({ ...makeOrder(), shippingAddress: undefined } as never, usual)).toEqual({ shipsToNewProvince: null, shipsToNewCity: null });
    // Whether the address can be placed at all does not depend on history.
    expect(shippingAddressReadable(order({ province: '浙江省', city: '杭州市' }))).toBe(true);
    expect(shippingAddressReadable(order({}))).toBe(false);
    expect(shippingAddressReadable({ ...makeOrder(), shippingAddress: { country: 'CN', street: '1 号', geo: { lat: 30.27, lng: 120.15 } } })).toBe(true);
    expect(shippingAddressReadable({ ...makeOrder(), shippingAddress: undefined } as never)).toBeNull();
  });

  it('buildFacts gives every catalogue fact a key, unknown ones undefined', () => {
    const order = makeOrder({ total: 12_300, channel: 'jd', paymentMethod: 'cod', lines: [{ quantity: 2, category: 'shoes' }, { quantity: 3, category: 'shoes' }] });
    const facts = buildFacts(order, { creditScore: 710, tier: 'gold', tags: ['vip'] }, { accountAgeDays: 400, returnRate: null });
    expect(Object.keys(facts).sort()).toEqual(Object.keys(ORDER_FACTS).sort());
    expect(facts).toMatchObject({
      'order.total': cny(12_300),
      'order.channel': 'jd',
      'order.paymentMethod': 'cod',
      'order.lineCount': 2,
      'order.itemCount': 5,
      'order.categories': ['shoes'],
      'order.shippingCountry': 'CN',
      'customer.id': 'cus-1',
      'customer.creditScore': 710,
      'customer.tier': 'gold',
      'customer.tags': ['vip'],
      'derived.accountAgeDays': 400,
    });
    expect(facts['derived.returnRate']).toBeUndefined();
    expect(facts['customer.isBlocked']).toBeUndefined();
  });

  it('the fact catalogue types every fact buildFacts produces', () => {
    const facts = buildFacts(makeOrder({ paymentMethod: 'alipay' }), { tier: 'gold', creditScore: 1, isNew: true, isBlocked: false, tags: [] }, {
      accountAgeDays: 1,
      orderCountInWindow: 1,
      returnRate: 0,
      distanceFromUsualKm: 1,
      averageOrderAmount: cny(1),
      amountVsAverage: 1,
      shipsToNewProvince: false,
      shipsToNewCity: true,
      shippingAddressReadable: true,
    });
    for (const [name, value] of Object.entries(facts)) {
      const type = ORDER_FACTS[name]?.type;
      const actual = Array.isArray(value) ? 'string[]' : typeof value === 'object' ? 'money' : typeof value;
      expect(actual, name).toBe(type);
    }
  });

  it('does not depend on the process time zone', () => {
    // Same instants, same ages, whatever TZ the suite runs under.
    const created: Instant = instant('2026-06-17T23:30:00+08:00');
    expect(accountAgeDays(created, createFixedClock('2026-06-18T15:29:59Z'))).toBe(0);
    expect(accountAgeDays(created, createFixedClock('2026-06-18T15:30:00Z'))).toBe(1);
  });
});
