// A metrics snapshot from storage without loading orders: counts per status from one aggregate,
// overdue orders from the open statuses' measures, stage timings from the orders changed in the
// window and throughput from one aggregate of its history, each read a page at a time into
// collectors of flat size.
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { durationToMillis, instantFromMillis, isInstant, type DurationInput, type Instant } from '../clock/instant.js';
import { option, parseOptions } from '../errors/options.js';
import { ValidationError } from '../errors/validation-error.js';
import { CLOSED_ORDER_STATUSES, createOverdueCollector, createStageTimingCollector, createThroughputCollector, type OrderMetrics, type Sla } from '../ops/order-metrics.js';
import type { OrderReader, Page } from '../ports/storage-port.js';

/** Options of {@link collectStoredMetrics}. */
export interface StoredMetricsOptions {
  /** Any storage's order reader (`storage.orders`). */
  readonly orders: Pick<OrderReader, 'countByStatus' | 'measure' | 'countTransitions'>;
  /** SLAs from `compileSlas`. */
  readonly slas: readonly Sla[];
  /** The snapshot's instant: `clock.now()`, or give `clock`. */
  readonly at?: Instant;
  readonly clock?: Clock;
  /** Stage timings and throughput cover this long before `at`. @default { hours: 24 } */
  readonly window?: DurationInput;
  /** Throughput interval. @default { hours: 1 } */
  readonly bucket?: DurationInput;
  /**
   * Statuses an order never leaves, whose orders cannot be overdue and are not read for it.
   * @default CLOSED_ORDER_STATUSES (the default lifecycle's terminal statuses)
   */
  readonly closedStatuses?: readonly string[];
  /** At most this many overdue orders listed (longest overdue first); all are counted. @default 100 */
  readonly overdueLimit?: number;
  /** Rows per storage read. @default 2000 */
  readonly pageSize?: number;
}

const optionsSchema = z.strictObject({
  orders: option.withMethods<StoredMetricsOptions['orders']>('a storage order reader (storage.orders)', 'countByStatus', 'measure', 'countTransitions'),
  slas: z.array(z.custom<Sla>((value) => typeof (value as Partial<Sla> | null)?.withinMs === 'number', 'Expected an SLA from compileSlas')),
  at: z.custom<Instant>(isInstant, 'Expected an Instant from the clock').optional(),
  clock: option.withMethods<Clock>('a Clock', 'now').optional(),
  window: z.custom<DurationInput>((value) => value !== undefined).default({ hours: 24 }),
  bucket: z.custom<DurationInput>((value) => value !== undefined).default({ hours: 1 }),
  closedStatuses: z.array(z.string()).default([...CLOSED_ORDER_STATUSES]),
  overdueLimit: option.nonNegativeInt().default(100),
  pageSize: option.positiveInt().max(10_000).default(2000),
});

/** Calls `read` with each page's cursor until the last page. */
async function eachPage<T>(read: (after: string | null) => Promise<Page<T>>, visit: (item: T) => void): Promise<void> {
  let after: string | null = null;
  do {
    const page: Page<T> = await read(after);
    for (const item of page.items) visit(item);
    after = page.next;
  } while (after !== null);
}

/**
 * A metrics snapshot of every stored order: orders per status, overdue orders against the SLAs,
 * time per stage over the window and throughput per interval. Reads counts, not orders; memory
 * holds a page, the overdue list and one number per stage that ended in the window.
 * @throws ValidationError `INVALID_OPTIONS`; StorageError from the adapter.
 */
export async function collectStoredMetrics(options: StoredMetricsOptions): Promise<OrderMetrics> {
  const parsed = parseOptions('collectStoredMetrics options', optionsSchema, options);
  const at = parsed.at ?? parsed.clock?.now();
  if (at === undefined) throw new ValidationError('collectStoredMetrics options', [{ code: 'invalid_type', path: ['at'], message: 'Expected `at` or a `clock`' }], { code: 'INVALID_OPTIONS' });
  const { orders, slas, pageSize } = parsed;
  const from = instantFromMillis(Date.parse(at) - durationToMillis(parsed.window));
  const overdue = createOverdueCollector(slas, at, { limit: parsed.overdueLimit, closedStatuses: parsed.closedStatuses });
  const stages = createStageTimingCollector(slas, { from, to: at });
  const throughput = createThroughputCollector({ from, to: at, bucket: parsed.bucket });
  const closed = new Set(parsed.closedStatuses);
  // The reads run side by side (each a page at a time), so a snapshot takes about its longest read.
  const readOpen = async (): Promise<Record<string, number>> => {
    const counts = await orders.countByStatus();
    const open = slas.length === 0 ? [] : Object.keys(counts).filter((status) => !closed.has(status));
    await Promise.all(open.map((status) => eachPage((after) => orders.measure({ status, after, limit: pageSize }), (order) => overdue.add(order))));
    return counts;
  };
  const [ordersPerStatus] = await Promise.all([
    readOpen(),
    slas.length === 0 ? undefined : eachPage((after) => orders.measure({ updatedAfter: from, after, limit: pageSize }), (order) => stages.add(order)),
    orders.countTransitions({ boundaries: throughput.boundaries }).then((counts) => throughput.addCounts(counts)),
  ]);
  const { overdue: list, bySla } = overdue.result();
  return { at, ordersPerStatus, overdue: list, overdueBySla: bySla, stages: stages.result(), throughput: throughput.result() };
}
