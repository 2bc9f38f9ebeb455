// Order metrics: overdue against SLAs in working hours of a named zone, time per stage, Prometheus text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instant, type Instant } from '../../src/clock/index.js';
import { collectMetrics, compileSlas, createOverdueCollector, formatPrometheusMetrics, overdueOrders, stageTimings, type MeasuredOrder } from '../../src/ops/index.js';

// Monday-Friday 09:00-18:00 in Shanghai; 2026-10-01..07 is the National Day holiday.
const SHANGHAI_WORKDAYS = {
  zone: 'Asia/Shanghai',
  workingHours: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] },
  holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
} as const;

const slas = compileSlas([
  { id: 'paid-to-shipped', from: 'paid', to: ['shipped', 'partially_shipped'], within: { hours: 24 }, calendar: SHANGHAI_WORKDAYS as never },
  { id: 'pending-payment', from: 'pending_payment', to: ['paid', 'cancelled'], within: { minutes: 30 } },
]);

const order = (id: string, status: string, entered: Record<string, string>): MeasuredOrder => ({ id, status, statusEnteredAt: Object.fromEntries(Object.entries(entered).map(([s, at]) => [s, instant(at)])) });

describe('overdueOrders', () => {
  it('"paid to shipped within 24 working hours, Asia/Shanghai calendar": nights, weekends and holidays do not count', () => {
    // Paid Friday 2026-11-27 17:00 Beijing: 1 h that day, 9 h each on Mon, Tue, then 5 h on Wed -> due Wed 14:00.
    const paid = order('o-1', 'paid', { paid: '2026-11-27T17:00:00+08:00' });
    expect(overdueOrders([paid], slas, instant('2026-12-02T13:59:00+08:00'))).toEqual([]);
    expect(overdueOrders([paid], slas, instant('2026-12-02T14:10:00+08:00'))).toEqual([
      { orderId: 'o-1', sla: 'paid-to-shipped', status: 'paid', enteredAt: instant('2026-11-27T09:00:00Z'), dueAt: instant('2026-12-02T06:00:00Z'), overdueMs: 600_000 },
    ]);
    // Paid the evening before the National Day holiday: the due time skips it.
    const holiday = order('o-2', 'paid', { paid: '2026-09-30T20:00:00+08:00' });
    expect(overdueOrders([holiday], slas, instant('2026-10-09T00:00:00+08:00'))).toEqual([]);
  });

  it('a stage ends when one of its end statuses is entered after it began; the longest overdue comes first', () => {
    const shipped = order('o-3', 'shipped', { paid: '2026-11-02T10:00:00+08:00', shipped: '2026-11-20T10:00:00+08:00' });
    const unpaidLong = order('o-4', 'pending_payment', { pending_payment: '2026-11-30T00:00:00Z' });
    const unpaidShort = order('o-5', 'pending_payment', { pending_payment: '2026-11-30T00:20:00Z' });
    const stillPaid = order('o-6', 'paid', { paid: '2026-11-02T10:00:00+08:00', shipped: '2026-11-01T10:00:00+08:00' }); // shipped before paid: a re-entered stage
    const found = overdueOrders([shipped, unpaidShort, unpaidLong, stillPaid], slas, instant('2026-11-30T01:00:00Z'));
    expect(found.map((o) => `${o.orderId} ${o.sla}`)).toEqual(['o-6 paid-to-shipped', 'o-4 pending-payment', 'o-5 pending-payment']);
  });
});

describe('stageTimings and collectMetrics', () => {
  const orders: MeasuredOrder[] = Array.from({ length: 100 }, (_, i) =>
    order(`o-${i}`, 'cancelled', { pending_payment: '2026-11-30T00:00:00Z', cancelled: new Date(Date.parse('2026-11-30T00:00:00Z') + (i + 1) * 60_000).toISOString() }),
  );

  it('quantiles by nearest rank over stages that ended in the window, and how many were late', () => {
    const [, pending] = stageTimings(orders, slas, { from: instant('2026-11-29T00:00:00Z'), to: instant('2026-12-01T00:00:00Z') });
    expect(pending).toEqual({ sla: 'pending-payment', count: 100, p50: 50 * 60_000, p95: 95 * 60_000, p99: 99 * 60_000, late: 70 });
    const [, none] = stageTimings(orders, slas, { from: instant('2026-12-01T00:00:00Z'), to: instant('2026-12-02T00:00:00Z') });
    expect(none).toEqual({ sla: 'pending-payment', count: 0, p50: undefined, p95: undefined, p99: undefined, late: 0 });
  });

  it('a snapshot and its Prometheus text', () => {
    const at: Instant = instant('2026-11-30T12:00:00Z');
    const metrics = collectMetrics([...orders, order('x', 'paid', { paid: '2026-11-20T10:00:00+08:00' })], slas, { at, window: { hours: 24 } });
    expect(metrics.ordersPerStatus).toEqual({ cancelled: 100, paid: 1 });
    expect(metrics.overdue.map((o) => o.orderId)).toEqual(['x']);
    const text = formatPrometheusMetrics(metrics);
    expect(text).toContain('ordo_orders{status="cancelled"} 100\n');
    expect(text).toContain('ordo_orders_overdue{sla="paid-to-shipped"} 1\n');
    expect(text).toContain('ordo_stage_seconds{sla="pending-payment",quantile="0.99"} 5940\n');
    // A stage with no ended stage in the window has no quantiles: no sample, as prom-client leaves it.
    expect(text).not.toContain('ordo_stage_seconds{sla="paid-to-shipped"');
    expect(text).toContain('ordo_stage_count{sla="paid-to-shipped"} 0\n');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('refuses wrong SLAs with every problem at its path, and wrong instants with a typed error', () => {
    expect(() => compileSlas([{ id: 'a', from: '', to: [], within: 'soon' } as never, { id: 'a', from: 'paid', to: ['shipped'], within: { hours: 1 }, calendar: { zone: 'Mars/Base', workingHours: {} } as never }])).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS' }),
    );
    expect(() => overdueOrders([], slas, '2026-11-30 10:00' as Instant)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('names only statuses the lifecycle has: a typo is refused with its path; your own statuses when declared', () => {
    const typo = [{ id: 'ship', from: 'paid', to: ['shipped', 'shiped'], within: { hours: 24 } }];
    expect(() => compileSlas(typo)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ code: 'unknown_status', path: [0, 'to', 1] })] }));
    expect(compileSlas(typo, { statuses: ['paid', 'shipped', 'shiped'] })).toHaveLength(1);
    expect(() => compileSlas([{ id: 'x', from: 'awaiting_customs', to: ['shipped'], within: { hours: 1 } }])).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: [0, 'from'] })] }));
  });
});

describe('collectors against the definition (property)', () => {
  const calendarSla = compileSlas([{ id: 'cal', from: 'paid', to: ['shipped'], within: { hours: 9 }, calendar: SHANGHAI_WORKDAYS as never }])[0];
  const elapsedSla = compileSlas([{ id: 'el', from: 'paid', to: ['shipped'], within: { minutes: 90 } }])[0];
  const base = Date.parse('2026-09-25T00:00:00Z');
  const arbitraryOrders = fc.array(
    fc.record({ entered: fc.oneof(fc.integer({ min: 0, max: 20 * 86_400_000 }), fc.constantFrom(0, 3_600_000, 32_400_000, 36_000_000, 86_399_999)), took: fc.option(fc.oneof(fc.integer({ min: 0, max: 5 * 86_400_000 }), fc.constantFrom(5_400_000, 5_400_001, 32_400_000)), { nil: undefined }) }),
    { maxLength: 40 },
  );
  const asOrders = (rows: { entered: number; took: number | undefined }[]): MeasuredOrder[] =>
    rows.map((row, i) => {
      const paid = new Date(base + row.entered).toISOString();
      return row.took === undefined
        ? order(`o-${i}`, 'paid', { paid })
        : order(`o-${i}`, 'shipped', { paid, shipped: new Date(base + row.entered + row.took).toISOString() });
    });

  it('overdue orders: every open order whose due time is before now, longest first, the first `limit` listed, all counted', () => {
    const dueOf = (sla: typeof calendarSla, enteredAt: Instant): Instant =>
      sla?.calendar === undefined ? instant(new Date(Date.parse(enteredAt) + (sla?.withinMs ?? 0)).toISOString()) : sla.calendar.addBusinessTime(enteredAt, sla.withinMs);
    fc.assert(
      // `now` sits on, or a millisecond around, one order's due time under one SLA: the boundary.
      fc.property(arbitraryOrders.filter((rows) => rows.length > 0), fc.nat(), fc.constantFrom(-1, 0, 1), fc.boolean(), fc.integer({ min: 0, max: 8 }), (rows, pick, delta, onCalendar, limit) => {
        const orders = asOrders(rows);
        const chosen = orders[pick % orders.length] as MeasuredOrder;
        const now = instant(new Date(Date.parse(dueOf(onCalendar ? calendarSla : elapsedSla, chosen.statusEnteredAt['paid'] as Instant)) + delta).toISOString());
        const collector = createOverdueCollector([calendarSla, elapsedSla] as never, now, { limit });
        for (const o of orders) collector.add(o);
        const naive = orders
          .filter((o) => o.status === 'paid')
          .flatMap((o) =>
            [calendarSla, elapsedSla].map((sla) => {
              const enteredAt = o.statusEnteredAt['paid'] as Instant;
              const dueAt = dueOf(sla, enteredAt);
              return { orderId: o.id, sla: sla?.id as string, status: o.status, enteredAt, dueAt, overdueMs: Date.parse(now) - Date.parse(dueAt) };
            }),
          )
          .filter((o) => o.dueAt < now)
          .sort((a, b) => b.overdueMs - a.overdueMs || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : a.sla < b.sla ? -1 : 1));
        const { overdue, bySla } = collector.result();
        expect(overdue).toEqual(naive.slice(0, limit));
        expect(bySla).toEqual({ cal: naive.filter((o) => o.sla === 'cal').length, el: naive.filter((o) => o.sla === 'el').length });
      }),
      { numRuns: 200 },
    );
  });

  it('late stages: those that ended after their due time', () => {
    fc.assert(
      fc.property(arbitraryOrders, (rows) => {
        const orders = asOrders(rows);
        const window = { from: instant('2026-01-01T00:00:00Z'), to: instant('2027-01-01T00:00:00Z') };
        const [cal, el] = stageTimings(orders, [calendarSla, elapsedSla] as never, window);
        const lateBy = (sla: typeof calendarSla) =>
          orders.filter((o) => {
            const entered = o.statusEnteredAt['paid'] as Instant;
            const ended = o.statusEnteredAt['shipped'];
            if (ended === undefined || ended < entered) return false;
            const due = sla?.calendar === undefined ? new Date(Date.parse(entered) + (sla?.withinMs ?? 0)).toISOString() : sla.calendar.addBusinessTime(entered, sla.withinMs);
            return ended > due;
          }).length;
        expect(cal?.late).toBe(lateBy(calendarSla));
        expect(el?.late).toBe(lateBy(elapsedSla));
      }),
      { numRuns: 150 },
    );
  });
});
