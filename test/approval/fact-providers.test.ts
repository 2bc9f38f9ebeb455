// Fact providers: collectFacts merges order facts with providers' facts; the shipped providers compute from loaders.
import { describe, expect, it } from 'vitest';
import {
  collectFacts,
  compilePolicy,
  createAccountAgeFactProvider,
  createCustomerFactProvider,
  createDistanceFactProvider,
  createOrderHistoryFactProvider,
  decide,
  haversineKm,
  SEED_POLICY,
  type FactProvider,
} from '../../src/approval/index.js';
import { createFixedClock, instant } from '../../src/clock/index.js';
import { isValidationError } from '../../src/errors/index.js';
import { cny, makeOrder } from './helpers.js';

const clock = createFixedClock('2026-06-18T00:00:00Z');
const SHANGHAI = { lat: 31.2304, lng: 121.4737 };
const BEIJING = { lat: 39.9042, lng: 116.4074 };

const staticProvider = (name: string, provides: string[], result: Record<string, unknown>): FactProvider => ({
  name,
  provides,
  provide: async () => result,
});

describe('collectFacts', () => {
  it('starts from the order facts and merges each provider', async () => {
    const facts = await collectFacts(
      makeOrder({ total: 1_000, channel: 'jd' }),
      [staticProvider('credit', ['customer.creditScore'], { 'customer.creditScore': 720 }), staticProvider('risk', ['x.score'], { 'x.score': 3 })],
      { clock },
    );
    expect(facts).toMatchObject({ 'order.total': cny(1_000), 'order.channel': 'jd', 'customer.creditScore': 720, 'x.score': 3 });
  });

  it('turns null into a missing fact', async () => {
    const facts = await collectFacts(makeOrder(), [staticProvider('credit', ['customer.creditScore'], { 'customer.creditScore': null })], { clock });
    expect(facts['customer.creditScore']).toBeUndefined();
  });

  it('refuses two providers claiming one fact, and a fact a provider did not declare', async () => {
    const a = staticProvider('a', ['customer.tier'], {});
    const b = staticProvider('b', ['customer.tier'], {});
    await expect(collectFacts(makeOrder(), [a, b], { clock })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ code: 'duplicate_fact' }] });
    const sneaky = staticProvider('sneaky', ['customer.tier'], { 'customer.creditScore': 850 });
    await expect(collectFacts(makeOrder(), [sneaky], { clock })).rejects.toMatchObject({ issues: [{ code: 'undeclared_fact', path: [0, 'customer.creditScore'] }] });
  });

  it("lets a provider's failure reject the call (no decision on silently partial facts)", async () => {
    const failing: FactProvider = { name: 'down', provides: ['customer.tier'], provide: () => Promise.reject(new Error('storage down')) };
    await expect(collectFacts(makeOrder(), [failing], { clock })).rejects.toThrow('storage down');
  });
});

describe('the shipped providers', () => {
  it('customer provider maps what the loader knows', async () => {
    const provider = createCustomerFactProvider({ load: async () => ({ tier: 'gold', creditScore: 780, isBlocked: false }) });
    expect(await provider.provide(makeOrder(), { clock })).toEqual({
      'customer.id': 'cus-1',
      'customer.tier': 'gold',
      'customer.creditScore': 780,
      'customer.isNew': undefined,
      'customer.isBlocked': false,
      'customer.tags': undefined,
    });
  });

  it('order-history provider applies the window by the context clock', async () => {
    const provider = createOrderHistoryFactProvider({
      window: { days: 30 },
      load: async () => [
        { orderId: 'a', placedAt: instant('2026-06-10T00:00:00Z'), total: cny(10_000), shippedUnits: 2, returnedUnits: 1 },
        { orderId: 'b', placedAt: instant('2026-06-01T00:00:00Z'), total: cny(30_000), shippedUnits: 2, returnedUnits: 0 },
        { orderId: 'old', placedAt: instant('2026-01-01T00:00:00Z'), total: cny(999_000), shippedUnits: 1, returnedUnits: 1 },
      ],
    });
    expect(await provider.provide(makeOrder({ total: 100_000 }), { clock })).toEqual({
      'derived.orderCountInWindow': 2,
      'derived.returnRate': 0.25,
      'derived.averageOrderAmount': cny(20_000),
      'derived.amountVsAverage': 5,
    });
    const unknown = createOrderHistoryFactProvider({ load: async () => null });
    expect(await unknown.provide(makeOrder(), { clock })).toEqual({});
  });

  it('distance and account-age providers', async () => {
    const distance = createDistanceFactProvider({ load: async () => [SHANGHAI] });
    expect(await distance.provide(makeOrder({ geo: BEIJING }), { clock })).toEqual({ 'derived.distanceFromUsualKm': haversineKm(BEIJING, SHANGHAI) });
    expect(await distance.provide(makeOrder(), { clock })).toEqual({ 'derived.distanceFromUsualKm': null });
    const age = createAccountAgeFactProvider({ load: async () => instant('2026-06-08T00:00:00Z') });
    expect(await age.provide(makeOrder(), { clock })).toEqual({ 'derived.accountAgeDays': 10 });
  });

  it('validates configs eagerly', () => {
    let caught: unknown;
    try {
      createDistanceFactProvider({} as never);
    } catch (error) {
      caught = error;
    }
    expect(isValidationError(caught)).toBe(true);
  });

  it('feeds the seed policy end to end', async () => {
    const providers = [
      createCustomerFactProvider({ load: async () => ({ tier: 'gold', creditScore: 780, isBlocked: false }) }),
      createOrderHistoryFactProvider({
        load: async () => [{ orderId: 'a', placedAt: instant('2026-06-10T00:00:00Z'), total: cny(20_000), shippedUnits: 1, returnedUnits: 0 }],
      }),
      createDistanceFactProvider({ load: async () => [SHANGHAI] }),
      createAccountAgeFactProvider({ load: async () => instant('2024-01-01T00:00:00Z') }),
    ];
    const policy = compilePolicy(SEED_POLICY);
    const near = await collectFacts(makeOrder({ total: 30_000, geo: SHANGHAI, paymentMethod: 'alipay' }), providers, { clock });
    expect(decide(policy, near)).toMatchObject({ outcome: 'approve', ruleId: 'good-credit-normal-pattern' });
    const far = await collectFacts(makeOrder({ total: 30_000, geo: BEIJING, paymentMethod: 'alipay' }), providers, { clock });
    expect(decide(policy, far)).toMatchObject({ outcome: 'hold', reasons: ['FAR_FROM_USUAL_ADDRESS'] });
  });
});
