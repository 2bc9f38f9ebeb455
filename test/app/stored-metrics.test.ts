// A metrics snapshot read from storage (counts, measures, history pages) equals the pure snapshot of
// the same orders, on memory, SQLite and PostgreSQL; throughput counts each transition once.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { applyOrderEvent, collectStoredMetrics } from '../../src/app/index.js';
import { addDuration, createFixedClock, createManualClock, instant, type Instant } from '../../src/clock/index.js';
import { collectMetrics, compileSlas, createThroughputCollector, formatPrometheusMetrics } from '../../src/ops/index.js';
import { createOrder, createOrderMachine, type Order } from '../../src/orders/index.js';
import type { StoragePort } from '../../src/ports/index.js';
import { BACKENDS } from '../support/backends.js';

const T0 = instant('2026-11-30T00:00:00.000Z');
const machine = createOrderMachine();
const slas = compileSlas([
  { id: 'pay-within-30-min', from: 'pending_payment', to: ['paid', 'cancelled'], within: { minutes: 30 } },
  { id: 'paid-to-allocated', from: 'paid', to: ['allocated', 'cancelled'], within: { hours: 4 } },
  {
    id: 'paid-to-shipped',
    from: 'paid',
    to: ['shipped', 'partially_shipped'],
    within: { hours: 8 },
    calendar: { zone: 'Asia/Shanghai', workingHours: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] } },
  },
]);


/** 120 orders on a manual clock: placed every 7 minutes, some paid, some cancelled, some allocated. */
async function seed(storage: StoragePort): Promise<Order<string>[]> {
  const clock = createManualClock(T0);
  const ids: string[] = [];
  for (let i = 0; i < 120; i += 1) {
    const placed = addDuration(T0, { minutes: 7 * i });
    const order = createOrder<string>(
      { id: `m-${String(i).padStart(4, '0')}`, channel: 'shop', channelOrderId: `c-${i}`, customerRef: `b-${i}`, currency: 'CNY', lines: [{ sku: 'TEA', quantity: 1, unitPrice: { amount: 500, currency: 'CNY' } }] },
      { clock: createFixedClock(placed), initialStatus: 'pending_payment' },
    );
    await storage.commit({ orders: [{ order, expectedVersion: null, newHistory: order.history }] });
    ids.push(order.id);
  }
  for (const [i, id] of ids.entries()) {
    if (i % 5 === 4) continue;
    clock.set(addDuration(T0, { minutes: 7 * i + 3 + (i % 40) }));
    if (i % 11 === 0) {
      await applyOrderEvent({ storage, machine, clock }, id, { id: `x-${id}`, type: 'cancel', reason: 'buyer' });
      continue;
    }
    await applyOrderEvent({ storage, machine, clock }, id, { id: `p-${id}`, type: 'pay' });
    if (i % 3 === 0) {
      clock.advance({ hours: 1 + (i % 6) });
      await applyOrderEvent({ storage, machine, clock }, id, { id: `a-${id}`, type: 'approve' });
      await applyOrderEvent({ storage, machine, clock }, id, { id: `l-${id}`, type: 'allocate', allocations: [{ lineId: 'L1', warehouseId: 'WH-1', quantity: 1 }] });
    }
  }
  return Promise.all(ids.map(async (id) => (await storage.orders.get(id)) as Order<string>));
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skipReason !== undefined)(`collectStoredMetrics on ${backend.name}`, () => {
    if (backend.skipReason !== undefined) console.warn(`collectStoredMetrics on ${backend.name} skipped: ${backend.skipReason}`);
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('equals the pure snapshot of the same orders, read in small pages', async () => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      const orders = await seed(opened.storage);
      let overdueSeen = 0;
      let stagesSeen = 0;
      for (const at of [instant('2026-11-30T06:00:00.000Z'), instant('2026-11-30T15:30:00.000Z'), instant('2026-12-01T09:00:00.000Z')]) {
        const pure = collectMetrics(orders, slas, { at, window: { hours: 12 } });
        const stored = await collectStoredMetrics({ orders: opened.storage.orders, slas, at, window: { hours: 12 }, pageSize: 7, overdueLimit: 1000 });
        expect(stored.ordersPerStatus).toEqual(pure.ordersPerStatus);
        expect(stored.overdue).toEqual(pure.overdue);
        expect(stored.overdueBySla).toEqual(pure.overdueBySla);
        expect(stored.stages).toEqual(pure.stages);
        // Throughput: every history entry in the window, once.
        const expected = orders.flatMap((order) => order.history).filter((entry) => entry.at > addDuration(at, { hours: -12 }) && entry.at <= at).length;
        expect(stored.throughput?.reduce((sum, bucket) => sum + Object.values(bucket.entered).reduce((a, b) => a + b, 0), 0)).toBe(expected);
        expect(stored.throughput).toHaveLength(12);
        overdueSeen += pure.overdue.length;
        stagesSeen += pure.stages.reduce((sum, stage) => sum + stage.count, 0);
      }
      // The comparison is not of empty snapshots.
      expect(overdueSeen).toBeGreaterThan(10);
      expect(stagesSeen).toBeGreaterThan(10);
      const limited = await collectStoredMetrics({ orders: opened.storage.orders, slas, at: instant('2026-12-01T09:00:00.000Z'), overdueLimit: 3 });
      expect(limited.overdue).toHaveLength(3);
      expect(Object.values(limited.overdueBySla).reduce((a, b) => a + b, 0)).toBeGreaterThan(3);
      expect(formatPrometheusMetrics(limited)).toContain(`ordo_orders_overdue{sla="pay-within-30-min"} ${limited.overdueBySla['pay-within-30-min']}`);
    }, 120_000);
  });
}

describe('collectStoredMetrics options and the throughput collector', () => {
  it('refuses bad options with INVALID_OPTIONS and the path', async () => {
    await expect(collectStoredMetrics({ orders: createMemoryStorage().orders, slas, pageSize: 0 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(collectStoredMetrics({ orders: createMemoryStorage().orders, slas })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(collectStoredMetrics(undefined as never)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('property: buckets end at `to`, cover the window, and count each entry inside it once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 48 }), fc.integer({ min: 5, max: 180 }), fc.array(fc.integer({ min: -60, max: 3000 }), { maxLength: 60 }), (hours, bucketMinutes, offsets) => {
        const to = instant('2026-11-30T12:00:00.000Z');
        const from = addDuration(to, { hours: -hours });
        const collector = createThroughputCollector({ from, to, bucket: { minutes: bucketMinutes } });
        const ats: Instant[] = offsets.map((minutes) => addDuration(from, { minutes }));
        for (const at of ats) collector.add({ at, to: 'paid' });
        const buckets = collector.result();
        expect(buckets.length).toBe(Math.ceil((hours * 60) / bucketMinutes));
        expect(addDuration(buckets.at(-1)?.start as Instant, { minutes: bucketMinutes })).toBe(to);
        const inside = ats.filter((at) => at > from && at <= to).length;
        expect(buckets.reduce((sum, bucket) => sum + (bucket.entered['paid'] ?? 0), 0)).toBe(inside);
      }),
    );
  });
});

describe('collectMetrics and collectStoredMetrics agree', () => {
  const EVENTS = [
    { type: 'pay' },
    { type: 'approve' },
    { type: 'hold', reason: 'check' },
    { type: 'reject', reason: 'risk' },
    { type: 'cancel', reason: 'buyer' },
    { type: 'allocate', allocations: [{ lineId: 'L1', warehouseId: 'WH-1', quantity: 1 }] },
    { type: 'start_picking' },
    { type: 'refund', amount: { amount: 500, currency: 'CNY' } },
    { type: 'flag_exception', reason: 'stuck' },
  ] as const;
  const STATUSES = ['pending_payment', 'paid', 'on_hold', 'approved', 'allocated', 'picking', 'cancelled', 'rejected', 'refunded', 'exception'];
  const slaArb = fc.record({
    from: fc.constantFrom(...STATUSES),
    to: fc.uniqueArray(fc.constantFrom(...STATUSES), { minLength: 1, maxLength: 3 }),
    minutes: fc.integer({ min: 1, max: 600 }),
    working: fc.boolean(),
  });
  const orderArb = fc.array(fc.record({ event: fc.nat({ max: EVENTS.length - 1 }), afterMinutes: fc.integer({ min: 1, max: 300 }) }), { maxLength: 8 });

  it('property: on every population and SLA set, closed orders included, the two snapshots are the same', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(orderArb, { minLength: 1, maxLength: 12 }),
        fc.array(slaArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 72 * 60 }),
        async (walks, slaInputs, atMinutes) => {
          const storage = createMemoryStorage();
          const orders: Order<string>[] = [];
          for (const [i, walk] of walks.entries()) {
            let at = addDuration(T0, { minutes: 5 * i });
            let order = createOrder<string>(
              { id: `p-${i}`, channel: 'tmall', channelOrderId: `c-${i}`, customerRef: `b-${i}`, currency: 'CNY', lines: [{ sku: 'TEA', quantity: 1, unitPrice: { amount: 500, currency: 'CNY' } }] },
              { clock: createFixedClock(at), initialStatus: 'pending_payment' },
            );
            const history = [...order.history];
            for (const [k, step] of walk.entries()) {
              at = addDuration(at, { minutes: step.afterMinutes });
              const result = machine.transition(order as Order, { id: `e-${i}-${k}`, ...EVENTS[step.event] } as never, { clock: createFixedClock(at) });
              if (!result.ok || result.value.entry === null) continue;
              order = result.value.order as Order<string>;
              history.push(result.value.entry);
            }
            await storage.commit({ orders: [{ order, expectedVersion: null, newHistory: history }] });
            orders.push((await storage.orders.get(order.id)) as Order<string>);
          }
          const slas = compileSlas(
            slaInputs.map((s, k) => ({
              id: `sla-${k}`,
              from: s.from,
              to: s.to,
              within: { minutes: s.minutes },
              ...(s.working ? { calendar: { zone: 'Asia/Shanghai', workingHours: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] } } } : {}),
            })) as never,
          );
          const at = addDuration(T0, { minutes: atMinutes });
          const pure = collectMetrics(orders, slas, { at, window: { hours: 12 } });
          const stored = await collectStoredMetrics({ orders: storage.orders, slas, at, window: { hours: 12 }, pageSize: 3, overdueLimit: 10_000 });
          expect(stored.ordersPerStatus).toEqual(pure.ordersPerStatus);
          expect(stored.overdue).toEqual(pure.overdue);
          expect(stored.overdueBySla).toEqual(pure.overdueBySla);
          expect(stored.stages).toEqual(pure.stages);
          // A closed order is never overdue.
          for (const entry of pure.overdue) expect(['cancelled', 'rejected', 'refunded', 'completed']).not.toContain(entry.status);
        },
      ),
      { numRuns: 150 },
    );
  });
});
