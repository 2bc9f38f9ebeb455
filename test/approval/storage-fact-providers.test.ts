// Storage fact providers: orders committed through the storage port feed the seed policy's history, distance and account-age facts, on memory, SQLite and PostgreSQL.
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { createPostgresStorage } from '../../src/adapters/postgres.js';
import { createSqliteStorage } from '../../src/adapters/sqlite.js';
import {
  collectFacts,
  compilePolicy,
  createCustomerFactProvider,
  evaluate,
  haversineKm,
  SEED_POLICY,
  type CustomerFacts,
  type FactProvider,
} from '../../src/approval/index.js';
import {
  createStorageFactProviders,
} from '../../src/app/index.js';
import { addDuration, createFixedClock, instant, type Clock, type Instant } from '../../src/clock/index.js';
import { isValidationError } from '../../src/errors/index.js';
import type { GeoPoint } from '../../src/model/index.js';
import { createOrderMachine, type DefaultOrderEvent, type Order } from '../../src/orders/index.js';
import type { StoragePort } from '../../src/ports/index.js';
import { postgresTarget, randomName, testSchema } from '../support/postgres.js';

const NOW = instant('2026-06-18T02:00:00Z');
const clock = createFixedClock(NOW);
const SHANGHAI: GeoPoint = { lat: 31.2304, lng: 121.4737 };
const URUMQI: GeoPoint = { lat: 43.8256, lng: 87.6168 };
const machine = createOrderMachine();
const policy = compilePolicy(SEED_POLICY);
const cny = (amount: number) => ({ amount, currency: 'CNY' });
const daysAgo = (days: number): Instant => addDuration(NOW, { days: -days });

/** What happened to an earlier order after it was paid. */
type Fate = 'paid' | 'cancelled' | 'delivered' | 'return_requested' | 'returned';

const FATES: Record<Fate, (id: string) => DefaultOrderEvent[]> = {
  paid: () => [],
  cancelled: (id) => [{ id: `${id}:cancel`, type: 'cancel' }],
  delivered: (id) => [
    { id: `${id}:approve`, type: 'approve' },
    { id: `${id}:allocate`, type: 'allocate', allocations: [{ lineId: 'L1', warehouseId: 'WH-SH', quantity: 1 }] },
    { id: `${id}:ship`, type: 'ship', shipmentId: `${id}-S1`, lines: [{ lineId: 'L1', quantity: 1 }] },
    { id: `${id}:deliver`, type: 'deliver' },
  ],
  return_requested: (id) => [...FATES.delivered(id), { id: `${id}:request-return`, type: 'request_return' }],
  returned: (id) => [...FATES.return_requested(id), { id: `${id}:receive-return`, type: 'receive_return', lines: [{ lineId: 'L1', quantity: 1 }] }],
};

/** Creates, pays and moves an order with the machine at `at`, then stores it with its whole history in one commit. */
async function seed(
  storage: StoragePort,
  fields: { readonly id: string; readonly customer: string; readonly at: Instant; readonly amount: number; readonly geo?: GeoPoint; readonly fate?: Fate },
): Promise<Order> {
  const context = { clock: createFixedClock(fields.at) };
  const created = machine.createOrder(
    {
      id: fields.id,
      channel: 'tmall',
      channelOrderId: `T-${fields.id}`,
      customerRef: fields.customer,
      currency: 'CNY',
      paymentMethod: 'alipay',
      lines: [{ sku: 'TEA-1', quantity: 1, unitPrice: cny(fields.amount) }],
      shippingAddress: { country: 'CN', street: '1 号', ...(fields.geo === undefined ? {} : { geo: fields.geo }) },
    },
    context,
  );
  const result = machine.apply(created, [{ id: `${fields.id}:pay`, type: 'pay' }, ...FATES[fields.fate ?? 'paid'](fields.id)], context);
  if (!result.ok) throw result.error;
  await storage.commit({ orders: [{ order: result.value.order, expectedVersion: null, newHistory: result.value.order.history }] });
  return result.value.order;
}

/** A customer provider from a fixed table, as a CRM would answer: credit 760, standard tier unless told. */
function customers(table: Record<string, CustomerFacts>): FactProvider {
  return createCustomerFactProvider({ load: async (order) => table[order.customerRef] ?? { creditScore: 760, tier: 'standard', isBlocked: false } });
}

interface Subject {
  readonly name: string;
  readonly skip?: string;
  readonly make: () => Promise<StoragePort>;
  readonly cleanup?: () => Promise<void>;
}

const target = await postgresTarget();
const pgSchema = target.url === undefined ? undefined : testSchema(target.url);
afterAll(async () => pgSchema?.drop());

const subjects: Subject[] = [
  { name: 'memory', make: async () => createMemoryStorage() },
  { name: 'sqlite', make: async () => createSqliteStorage({ file: ':memory:' }) },
  {
    name: 'postgres',
    ...(target.skipReason === undefined ? {} : { skip: target.skipReason }),
    make: async () => createPostgresStorage({ connectionString: target.url as string, schema: (pgSchema as { name: string }).name, tablePrefix: randomName('fact_'), maxConnections: 2 }),
  },
];

for (const subject of subjects) {
  describe.skipIf(subject.skip !== undefined)(`storage fact providers on ${subject.name}`, () => {
    let storage: StoragePort;
    const stores: StoragePort[] = [];
    const fresh = async (): Promise<StoragePort> => {
      const made = await subject.make();
      await made.migrate();
      stores.push(made);
      return made;
    };
    afterAll(async () => {
      for (const store of stores) await store.close();
    });

    /** The decision on `order` (already stored, as intake stores it before approval) with the storage providers. */
    const decide = async (order: Order, options: { readonly table?: Record<string, CustomerFacts>; readonly clock?: Clock } = {}) => {
      const facts = await collectFacts(order, [...createStorageFactProviders(storage), customers(options.table ?? {})], { clock: options.clock ?? clock });
      return { facts, decision: evaluate(policy, facts) };
    };

    it('a regular customer shipping home is approved; the same customer shipping 2,500 km away is held', async () => {
      storage = await fresh();
      const c = 'cus-regular';
      await seed(storage, { id: 'r-150', customer: c, at: daysAgo(150), amount: 30_000, geo: SHANGHAI, fate: 'delivered' });
      for (const days of [60, 30, 10]) await seed(storage, { id: `r-${days}`, customer: c, at: daysAgo(days), amount: 30_000, geo: SHANGHAI, fate: 'delivered' });
      // Cancelled before shipment: an address no parcel went to is not a usual address.
      await seed(storage, { id: 'r-20-cancelled', customer: c, at: daysAgo(20), amount: 30_000, geo: URUMQI, fate: 'cancelled' });
      await seed(storage, { id: 'other-customer', customer: 'cus-someone-else', at: daysAgo(5), amount: 30_000, geo: URUMQI, fate: 'returned' });

      const home = await seed(storage, { id: 'r-now-home', customer: c, at: NOW, amount: 45_000, geo: SHANGHAI });
      const near = await decide(home);
      expect(near.facts).toMatchObject({
        'derived.orderCountInWindow': 4, // 60, 30, 20 (cancelled) and 10 days ago; not this order, not 150 days ago
        'derived.returnRate': 0,
        'derived.averageOrderAmount': cny(30_000),
        'derived.amountVsAverage': 1.5,
        'derived.distanceFromUsualKm': 0,
        'derived.accountAgeDays': 150,
      });
      expect(near.decision).toMatchObject({ outcome: 'approve', ruleId: 'good-credit-normal-pattern' });

      const away = await seed(storage, { id: 'r-now-away', customer: c, at: NOW, amount: 45_000, geo: URUMQI });
      const far = await decide(away);
      expect(far.facts['derived.distanceFromUsualKm']).toBeCloseTo(haversineKm(URUMQI, SHANGHAI), 6);
      expect(far.decision).toMatchObject({ outcome: 'hold', ruleId: 'far-from-usual-address', reasons: ['FAR_FROM_USUAL_ADDRESS'] });
      expect(far.decision.missingFact).toBeUndefined();
    });

    it('a frequent returner is held: received returns and returns under way both count', async () => {
      storage = await fresh();
      const c = 'cus-returner';
      await seed(storage, { id: 'x-150', customer: c, at: daysAgo(150), amount: 30_000, geo: SHANGHAI, fate: 'delivered' });
      await seed(storage, { id: 'x-50', customer: c, at: daysAgo(50), amount: 30_000, geo: SHANGHAI, fate: 'delivered' });
      await seed(storage, { id: 'x-40', customer: c, at: daysAgo(40), amount: 30_000, geo: SHANGHAI, fate: 'delivered' });
      await seed(storage, { id: 'x-30', customer: c, at: daysAgo(30), amount: 30_000, geo: SHANGHAI, fate: 'returned' });
      await seed(storage, { id: 'x-20', customer: c, at: daysAgo(20), amount: 30_000, geo: SHANGHAI, fate: 'return_requested' });
      const order = await seed(storage, { id: 'x-now', customer: c, at: NOW, amount: 45_000, geo: SHANGHAI });
      const { facts, decision } = await decide(order);
      // 2 of 4 shipped units: one received back (returnedQuantity), one under way (status return_requested).
      expect(facts).toMatchObject({ 'derived.orderCountInWindow': 4, 'derived.returnRate': 0.5, 'derived.accountAgeDays': 150 });
      expect(decision).toMatchObject({ outcome: 'hold', ruleId: 'frequent-returner', reasons: ['FREQUENT_RETURNS'] });
    });

    it('a new account is held for a high value, and approved for a small one (gold tier)', async () => {
      storage = await fresh();
      const c = 'cus-new';
      const table = { [c]: { creditScore: 760, tier: 'gold', isBlocked: false } };
      await seed(storage, { id: 'n-5', customer: c, at: daysAgo(5), amount: 30_000, geo: SHANGHAI, fate: 'delivered' });
      const big = await seed(storage, { id: 'n-now-big', customer: c, at: NOW, amount: 150_000, geo: SHANGHAI });
      const held = await decide(big, { table });
      expect(held.facts['derived.accountAgeDays']).toBe(5);
      expect(held.decision).toMatchObject({ outcome: 'hold', ruleId: 'new-account-high-value', reasons: ['NEW_ACCOUNT_HIGH_VALUE'] });
      expect(held.decision.missingFact).toBeUndefined();
      const small = await seed(storage, { id: 'n-now-small', customer: c, at: NOW, amount: 30_000, geo: SHANGHAI });
      expect((await decide(small, { table })).decision).toMatchObject({ outcome: 'approve', ruleId: 'good-credit-normal-pattern' });
    });

    it('a customer with no earlier order: a normal order from good credit is approved, saying which facts it lacked; a large one is held', async () => {
      storage = await fresh();
      const c = 'cus-none';
      const table = { [c]: { creditScore: 760, tier: 'standard', isBlocked: false } };
      const order = await seed(storage, { id: 'z-now', customer: c, at: NOW, amount: 30_000, geo: SHANGHAI });
      const { facts, decision } = await decide(order, { table });
      // The order itself is stored, yet it is not its own history.
      expect(facts['derived.orderCountInWindow']).toBe(0);
      expect(facts['derived.accountAgeDays']).toBeUndefined();
      expect(facts['derived.distanceFromUsualKm']).toBeUndefined();
      expect(facts['derived.shipsToNewProvince']).toBeUndefined();
      expect(decision).toMatchObject({ outcome: 'approve', reasons: ['GOOD_CREDIT_NORMAL_PATTERN'] });
      const lacked = decision.explanation?.rules.flatMap((rule) => (rule.status === 'missing-fact' ? rule.missingFacts : []));
      expect(lacked).toEqual(expect.arrayContaining(['derived.distanceFromUsualKm', 'derived.shipsToNewProvince']));

      // A new account with a high value is still an anomaly: the account's age is what it lacks, so it is held.
      const big = await seed(storage, { id: 'z-big', customer: 'cus-none-2', at: NOW, amount: 150_000, geo: SHANGHAI });
      expect((await decide(big, { table: { 'cus-none-2': table[c] } })).decision).toMatchObject({ outcome: 'hold', missingFact: 'derived.accountAgeDays' });
    });

    it('sees only orders created by the context clock: a dry run in the past ignores later orders', async () => {
      storage = await fresh();
      const c = 'cus-past';
      await seed(storage, { id: 'p-150', customer: c, at: daysAgo(150), amount: 30_000, geo: SHANGHAI, fate: 'delivered' });
      await seed(storage, { id: 'p-60', customer: c, at: daysAgo(60), amount: 10_000, geo: SHANGHAI, fate: 'returned' });
      await seed(storage, { id: 'p-10', customer: c, at: daysAgo(10), amount: 50_000, geo: URUMQI, fate: 'delivered' });
      const order = await seed(storage, { id: 'p-now', customer: c, at: daysAgo(35), amount: 20_000, geo: URUMQI });
      const facts = await collectFacts(order, createStorageFactProviders(storage), { clock: createFixedClock(daysAgo(35)) });
      expect(facts).toMatchObject({
        'derived.orderCountInWindow': 1,
        'derived.returnRate': 1,
        'derived.averageOrderAmount': cny(10_000),
        'derived.accountAgeDays': 115,
      });
      expect(facts['derived.distanceFromUsualKm']).toBeCloseTo(haversineKm(URUMQI, SHANGHAI), 6);
    });
  });
}

describe('createStorageFactProviders', () => {
  it('reads the customer once per decision (shared by its providers) with historyLimit, and again for the next decision', async () => {
    const storage = createMemoryStorage();
    const calls: unknown[][] = [];
    const counting = { orders: { listByCustomer: (...args: Parameters<StoragePort['orders']['listByCustomer']>) => (calls.push(args), storage.orders.listByCustomer(...args)) } };
    const providers = createStorageFactProviders(counting, { historyLimit: 50, window: { days: 30 } });
    expect(providers.map((p) => p.name)).toEqual(['order-history', 'distance', 'destination', 'account-age']);
    const order = await seed(storage, { id: 'o-1', customer: 'cus-1', at: NOW, amount: 1_000 });
    await collectFacts(order, providers, { clock });
    expect(calls).toEqual([['cus-1', { limit: 50 }]]);
    await collectFacts(order, providers, { clock });
    expect(calls).toHaveLength(2);
  });

  it('lets a storage failure reject collectFacts: no decision on facts that could not be read', async () => {
    const storage = createMemoryStorage({ failWith: (op) => (op === 'orders.listByCustomer' ? new Error('disk gone') : undefined) });
    const order = machine.createOrder({ id: 'o-1', channel: 'jd', channelOrderId: 'J1', customerRef: 'cus-1', currency: 'CNY', lines: [{ sku: 'A', quantity: 1, unitPrice: cny(100) }] }, { clock });
    await expect(collectFacts(order, createStorageFactProviders(storage), { clock })).rejects.toMatchObject({ code: 'STORAGE_FAILURE' });
  });

  it('validates its storage and options eagerly', () => {
    const storage = createMemoryStorage();
    const bad: [unknown, unknown][] = [
      [{}, {}],
      [{ orders: {} }, {}],
      [storage, { historyLimit: 0 }],
      [storage, { historyLimit: 1_001 }],
      [storage, { historyLimit: 2.5 }],
      [storage, { accountCreatedAt: 'yesterday' }],
      [storage, { returnStatuses: 'returned' }],
      [storage, { window: { days: 0 } }],
    ];
    for (const [s, options] of bad) {
      let caught: unknown;
      try {
        createStorageFactProviders(s as never, options as never);
      } catch (error) {
        caught = error;
      }
      expect(isValidationError(caught), JSON.stringify(options)).toBe(true);
    }
  });
});
