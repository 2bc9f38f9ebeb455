// Order metrics from stored orders, pure: orders per status, overdue orders against SLAs written as
// business durations in a named zone, and time per stage as quantiles, all at an instant the caller gives.
import { createBusinessCalendar, type BusinessCalendar, type BusinessCalendarConfig } from '../clock/business-calendar.js';
import { durationToMillis, instantFromMillis, isInstant, type DurationInput, type Instant } from '../clock/instant.js';
import { isOrdoError } from '../errors/ordo-error.js';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import { ORDER_STATUSES, ORDER_STATUS_DEFINITIONS } from '../orders/order-statuses.js';

/**
 * Statuses an order never leaves (the default lifecycle's terminal ones: completed, cancelled,
 * rejected, refunded, ...): an order in one is closed and cannot be overdue, whatever stage it
 * left open when it closed.
 */
export const CLOSED_ORDER_STATUSES: readonly string[] = Object.freeze(
  Object.entries(ORDER_STATUS_DEFINITIONS)
    .filter(([, definition]) => definition.terminal)
    .map(([status]) => status),
);

/** What decides which orders can be overdue. */
export interface OverdueOptions {
  /** At most this many overdue orders listed (longest overdue first); all are counted. @default unlimited */
  readonly limit?: number;
  /** Statuses whose orders are closed and never overdue. @default CLOSED_ORDER_STATUSES */
  readonly closedStatuses?: readonly string[] | undefined;
}

/**
 * A service level: an order that entered `from` must reach one of `to` within `within`,
 * counted in working time of `calendar` when one is given, else in elapsed time.
 * @example { id: 'paid-to-shipped', from: 'paid', to: ['shipped', 'partially_shipped'], within: { hours: 24 }, calendar: SHANGHAI_WORKDAYS }
 */
export interface SlaInput {
  readonly id: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly within: DurationInput;
  /** Working hours and holidays in a named zone; `within` is then working time. */
  readonly calendar?: BusinessCalendarConfig;
}

/** A checked SLA. */
export interface Sla {
  readonly id: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly withinMs: number;
  readonly calendar: BusinessCalendar | undefined;
}

/** What the metrics read of an order: its id, status and when it entered each status. */
export interface MeasuredOrder {
  readonly id: string;
  readonly status: string;
  readonly statusEnteredAt: Readonly<Partial<Record<string, string>>>;
}

/** An order past its SLA. */
export interface OverdueOrder {
  readonly orderId: string;
  readonly sla: string;
  readonly status: string;
  readonly enteredAt: Instant;
  readonly dueAt: Instant;
  /** Past due by, in milliseconds of elapsed time. */
  readonly overdueMs: number;
}

/** Time per stage over a window: quantiles of stages that ended in it, in milliseconds (working time for a calendar SLA). */
export interface StageTiming {
  readonly sla: string;
  readonly count: number;
  readonly p50: number | undefined;
  readonly p95: number | undefined;
  readonly p99: number | undefined;
  /** Of those, how many ended after their due time. */
  readonly late: number;
}

/** A metrics snapshot. */
export interface OrderMetrics {
  readonly at: Instant;
  readonly ordersPerStatus: Readonly<Record<string, number>>;
  /** Overdue orders, the longest overdue first. */
  readonly overdue: readonly OverdueOrder[];
  /** Every overdue order counted per SLA (`overdue` may list fewer). */
  readonly overdueBySla: Readonly<Record<string, number>>;
  readonly stages: readonly StageTiming[];
  /** Transitions per status entered, per interval over the window, when history was read. */
  readonly throughput?: readonly ThroughputBucket[];
}

/**
 * Checks SLAs: every problem at once, with its path. A status no lifecycle has (`shiped`) is an
 * `unknown_status` issue: a stage that can never start or end would count nothing, silently.
 * @param options.statuses the statuses of your lifecycle (`Object.keys(machine.statuses)`). @default ORDER_STATUSES
 * @throws ValidationError `INVALID_OPTIONS`.
 */
export function compileSlas(inputs: readonly SlaInput[], options: { readonly statuses?: readonly string[] } = {}): Sla[] {
  const issues: ValidationIssue[] = [];
  const known: readonly string[] = options?.statuses ?? ORDER_STATUSES;
  if (!Array.isArray(known) || known.some((status) => typeof status !== 'string')) {
    throw new ValidationError('compileSlas options', [{ code: 'invalid_type', path: ['statuses'], message: 'Expected the statuses of your lifecycle' }], { code: 'INVALID_OPTIONS' });
  }
  const unknown = (status: unknown, path: (string | number)[]): void => {
    if (typeof status === 'string' && status !== '' && !known.includes(status)) {
      issues.push({ code: 'unknown_status', path, message: `Unknown status "${status}" (the lifecycle has ${known.join(', ')}); pass { statuses } for your own` });
    }
  };
  if (!Array.isArray(inputs)) throw new ValidationError('SLAs', [{ code: 'invalid_type', path: [], message: 'Expected a list of SLAs' }], { code: 'INVALID_OPTIONS' });
  const ids = new Set<string>();
  const slas = inputs.map((input, index): Sla => {
    const at = (key: string): (string | number)[] => [index, key];
    const sla = (typeof input === 'object' && input !== null ? input : {}) as Partial<SlaInput>;
    if (typeof sla.id !== 'string' || sla.id === '' || ids.has(sla.id)) issues.push({ code: 'invalid_value', path: at('id'), message: 'Expected a unique id' });
    else ids.add(sla.id);
    if (typeof sla.from !== 'string' || sla.from === '') issues.push({ code: 'invalid_value', path: at('from'), message: 'Expected the status the stage starts in' });
    if (!Array.isArray(sla.to) || sla.to.length === 0 || sla.to.some((status) => typeof status !== 'string' || status === '')) issues.push({ code: 'invalid_value', path: at('to'), message: 'Expected the statuses that end the stage' });
    unknown(sla.from, at('from'));
    if (Array.isArray(sla.to)) sla.to.forEach((status, i) => unknown(status, [index, 'to', i]));
    let withinMs = 0;
    try {
      withinMs = durationToMillis(sla.within as DurationInput);
      if (withinMs <= 0) issues.push({ code: 'invalid_value', path: at('within'), message: 'Expected a positive duration' });
    } catch (error) {
      issues.push({ code: 'invalid_value', path: at('within'), message: isOrdoError(error) ? error.message : 'Expected a duration such as { hours: 24 }' });
    }
    let calendar: BusinessCalendar | undefined;
    if (sla.calendar !== undefined) {
      try {
        calendar = createBusinessCalendar(sla.calendar);
      } catch (error) {
        if (error instanceof ValidationError) issues.push(...error.issues.map((issue) => ({ ...issue, path: [index, 'calendar', ...issue.path] })));
        else issues.push({ code: 'invalid_value', path: at('calendar'), message: isOrdoError(error) ? error.message : 'Expected a business calendar' });
      }
    }
    return { id: sla.id as string, from: sla.from as string, to: [...(sla.to ?? [])], withinMs, calendar };
  });
  if (issues.length > 0) throw new ValidationError('SLAs', issues, { code: 'INVALID_OPTIONS' });
  return slas;
}

/** When the order entered the stage and, if it has, when it left it (the first `to` status entered since). */
function stageOf(order: MeasuredOrder, sla: Sla): { enteredAt: Instant; endedAt: Instant | undefined } | undefined {
  const entered = order.statusEnteredAt[sla.from];
  if (entered === undefined || !isInstant(entered)) return undefined;
  let endedAt: Instant | undefined;
  for (const status of sla.to) {
    const at = order.statusEnteredAt[status];
    if (at !== undefined && isInstant(at) && at >= entered && (endedAt === undefined || at < endedAt)) endedAt = at;
  }
  return { enteredAt: entered, endedAt };
}

function dueOf(sla: Sla, enteredAt: Instant): Instant {
  return sla.calendar === undefined ? instantFromMillis(Date.parse(enteredAt) + sla.withinMs) : sla.calendar.addBusinessTime(enteredAt, sla.withinMs);
}

/** The orders checked as they are read: an iterable of objects with an id, a status and `statusEnteredAt`. */
function* measured(subject: string, orders: unknown): Generator<MeasuredOrder> {
  if (typeof (orders as Iterable<unknown> | null)?.[Symbol.iterator] !== 'function' || typeof orders === 'string') {
    throw new ValidationError(subject, [{ code: 'invalid_type', path: ['orders'], message: 'Expected an iterable of orders' }]);
  }
  let index = 0;
  for (const order of orders as Iterable<unknown>) {
    const candidate = order as Partial<MeasuredOrder> | null;
    if (typeof candidate !== 'object' || candidate === null || typeof candidate.id !== 'string' || typeof candidate.status !== 'string' || typeof candidate.statusEnteredAt !== 'object' || candidate.statusEnteredAt === null) {
      throw new ValidationError(subject, [{ code: 'invalid_type', path: ['orders', index], message: 'Expected an order with id, status and statusEnteredAt' }]);
    }
    index += 1;
    yield candidate as MeasuredOrder;
  }
}

function checkSlas(subject: string, slas: unknown): asserts slas is readonly Sla[] {
  if (!Array.isArray(slas) || slas.some((sla) => typeof (sla as Partial<Sla> | null)?.withinMs !== 'number')) {
    throw new ValidationError(subject, [{ code: 'invalid_type', path: ['slas'], message: 'Expected SLAs from compileSlas' }]);
  }
}

/** Orders per status. */
export function ordersPerStatus(orders: Iterable<MeasuredOrder>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const order of measured('ordersPerStatus', orders)) counts[order.status] = (counts[order.status] ?? 0) + 1;
  return counts;
}

/** Collects overdue orders one order at a time; see {@link createOverdueCollector}. */
export interface OverdueCollector {
  add(order: MeasuredOrder): void;
  /** The longest overdue first, at most `limit`; `bySla` counts every one. */
  result(): { readonly overdue: OverdueOrder[]; readonly bySla: Record<string, number> };
}

const byOverdue = (a: OverdueOrder, b: OverdueOrder): number => b.overdueMs - a.overdueMs || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : a.sla < b.sla ? -1 : 1);

/**
 * The latest entry into an SLA's stage that is overdue at `now`: an order is overdue exactly when
 * it entered before this instant, since its due time grows with its entry. Elapsed time subtracts;
 * working time searches (a few dozen due-time computations per snapshot instead of one per order).
 */
function overdueBefore(sla: Sla, now: Instant): Instant {
  const nowMs = Date.parse(now);
  if (sla.calendar === undefined) return instantFromMillis(nowMs - sla.withinMs);
  const dueAt = (ms: number): number => Date.parse(sla.calendar?.addBusinessTime(instantFromMillis(ms), sla.withinMs) as string);
  // The smallest entry whose due time is not before now: below it, every entry is overdue.
  let hi = nowMs;
  let step = sla.withinMs + 86_400_000;
  let lo = nowMs - step;
  while (dueAt(lo) >= nowMs) {
    hi = lo;
    step *= 2;
    lo = nowMs - step;
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (dueAt(mid) >= nowMs) hi = mid;
    else lo = mid;
  }
  return instantFromMillis(hi);
}

/**
 * Overdue orders at `now`, fed an order at a time (a page of a storage read), keeping the `limit`
 * longest overdue and a count per SLA: memory stays flat however many orders pass, and due times
 * are computed for the listed orders only.
 */
export function createOverdueCollector(slas: readonly Sla[], now: Instant, options: OverdueOptions = {}): OverdueCollector {
  checkSlas('createOverdueCollector', slas);
  if (!isInstant(now)) throw new ValidationError('createOverdueCollector', [{ code: 'invalid_instant', path: ['now'], message: 'Expected an Instant from the clock' }]);
  const limit = options?.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0)) throw new ValidationError('createOverdueCollector', [{ code: 'invalid_value', path: ['limit'], message: 'Expected a number of orders from 0' }]);
  const closedStatuses = options?.closedStatuses ?? CLOSED_ORDER_STATUSES;
  if (!Array.isArray(closedStatuses) || closedStatuses.some((status) => typeof status !== 'string')) {
    throw new ValidationError('createOverdueCollector', [{ code: 'invalid_type', path: ['closedStatuses'], message: 'Expected a list of statuses' }]);
  }
  const closed = new Set(closedStatuses);
  const nowMs = Date.parse(now);
  const thresholds = slas.map((sla) => overdueBefore(sla, now));
  // Per SLA, the earliest entries seen: the longest overdue, since the due time grows with the entry.
  const kept = slas.map(() => [] as { orderId: string; status: string; enteredAt: Instant }[]);
  const byEntry = (a: { enteredAt: string; orderId: string }, b: { enteredAt: string; orderId: string }): number =>
    a.enteredAt < b.enteredAt ? -1 : a.enteredAt > b.enteredAt ? 1 : a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0;
  const bySla: Record<string, number> = Object.fromEntries(slas.map((sla) => [sla.id, 0]));
  return {
    add(order) {
      if (closed.has(order.status)) return;
      slas.forEach((sla, index) => {
        const stage = stageOf(order, sla);
        if (stage === undefined || stage.endedAt !== undefined || stage.enteredAt >= (thresholds[index] as Instant)) return;
        bySla[sla.id] = (bySla[sla.id] ?? 0) + 1;
        const list = kept[index] as { orderId: string; status: string; enteredAt: Instant }[];
        list.push({ orderId: order.id, status: order.status, enteredAt: stage.enteredAt });
        // Trimmed in batches: sorting on every add would cost a sort per order.
        if (list.length > 2 * limit + 1000) kept[index] = list.sort(byEntry).slice(0, limit);
      });
    },
    result() {
      const overdue = slas.flatMap((sla, index) =>
        (kept[index] as { orderId: string; status: string; enteredAt: Instant }[])
          .sort(byEntry)
          .slice(0, limit)
          .map((entry): OverdueOrder => {
            const dueAt = dueOf(sla, entry.enteredAt);
            return { orderId: entry.orderId, sla: sla.id, status: entry.status, enteredAt: entry.enteredAt, dueAt, overdueMs: nowMs - Date.parse(dueAt) };
          }),
      );
      return { overdue: overdue.sort(byOverdue).slice(0, limit), bySla: { ...bySla } };
    },
  };
}

/**
 * Orders still in an SLA's stage past its due time at `now`, the longest overdue first. A stage
 * counts as open while the order has not entered one of `to` since it entered `from`.
 */
export function overdueOrders(orders: Iterable<MeasuredOrder>, slas: readonly Sla[], now: Instant, options: Pick<OverdueOptions, 'closedStatuses'> = {}): OverdueOrder[] {
  const collector = createOverdueCollector(slas, now, { closedStatuses: options?.closedStatuses });
  for (const order of measured('overdueOrders', orders)) collector.add(order);
  return collector.result().overdue;
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Collects stage timings one order at a time; see {@link createStageTimingCollector}. */
export interface StageTimingCollector {
  add(order: MeasuredOrder): void;
  result(): StageTiming[];
}

/** Time per stage for stages that ended in (from, to], fed an order at a time; keeps one number per stage ended. */
export function createStageTimingCollector(slas: readonly Sla[], window: { readonly from: Instant; readonly to: Instant }): StageTimingCollector {
  checkSlas('createStageTimingCollector', slas);
  if (!isInstant(window?.from) || !isInstant(window.to)) throw new ValidationError('createStageTimingCollector', [{ code: 'invalid_instant', path: ['window'], message: 'Expected { from, to } Instants' }]);
  const durations = slas.map(() => [] as number[]);
  const late = slas.map(() => 0);
  return {
    add(order) {
      slas.forEach((sla, index) => {
        const stage = stageOf(order, sla);
        if (stage?.endedAt === undefined || stage.endedAt <= window.from || stage.endedAt > window.to) return;
        const took = sla.calendar === undefined ? Date.parse(stage.endedAt) - Date.parse(stage.enteredAt) : sla.calendar.businessTimeBetween(stage.enteredAt, stage.endedAt);
        (durations[index] as number[]).push(took);
        // Late when it took longer than allowed; at exactly the allowance, when it ended past the due
        // time (a stage that ended in the night after its last working minute).
        const isLate = took > sla.withinMs || (took === sla.withinMs && stage.endedAt > dueOf(sla, stage.enteredAt));
        if (isLate) late[index] = (late[index] as number) + 1;
      });
    },
    result() {
      return slas.map((sla, index) => {
        const sorted = [...(durations[index] as number[])].sort((a, b) => a - b);
        return { sla: sla.id, count: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), late: late[index] as number };
      });
    },
  };
}

/** Time per stage for stages that ended in (from, to]: p50, p95, p99 (nearest rank) and how many were late. */
export function stageTimings(orders: Iterable<MeasuredOrder>, slas: readonly Sla[], window: { readonly from: Instant; readonly to: Instant }): StageTiming[] {
  const collector = createStageTimingCollector(slas, window);
  for (const order of measured('stageTimings', orders)) collector.add(order);
  return collector.result();
}

/** Transitions into each status during one interval. */
export interface ThroughputBucket {
  /** Where the interval starts (exclusive: it counts entries after it, up to and including the next start). */
  readonly start: Instant;
  /** Entries per status entered (`to`), e.g. `{ shipped: 120, paid: 340 }`. */
  readonly entered: Readonly<Record<string, number>>;
}

/** Counts history entries into buckets; see {@link createThroughputCollector}. */
export interface ThroughputCollector {
  add(entry: { readonly at: string; readonly to: string }): void;
  /**
   * The intervals' edges, ascending, `from` first and `to` last: interval k (from 1) is
   * `(boundaries[k - 1], boundaries[k]]`, as a storage's `countTransitions` counts them.
   */
  readonly boundaries: readonly Instant[];
  /** Adds counts a storage made (`countTransitions` with {@link boundaries}). */
  addCounts(counts: Iterable<{ readonly bucket: number; readonly status: string; readonly count: number }>): void;
  result(): ThroughputBucket[];
}

/**
 * Throughput per interval over (from, to]: history entries counted by the status they entered,
 * in buckets of `bucket` aligned to `to` (the last bucket ends at `to`).
 */
export function createThroughputCollector(options: { readonly from: Instant; readonly to: Instant; readonly bucket: DurationInput }): ThroughputCollector {
  if (!isInstant(options?.from) || !isInstant(options.to) || options.from >= options.to) {
    throw new ValidationError('createThroughputCollector', [{ code: 'invalid_instant', path: ['from'], message: 'Expected Instants from < to' }]);
  }
  const bucketMs = durationToMillis(options.bucket);
  if (!(bucketMs > 0)) throw new ValidationError('createThroughputCollector', [{ code: 'invalid_value', path: ['bucket'], message: 'Expected a positive duration' }]);
  const toMs = Date.parse(options.to);
  const count = Math.ceil((toMs - Date.parse(options.from)) / bucketMs);
  const buckets = Array.from({ length: count }, () => ({}) as Record<string, number>);
  const boundaries = Array.from({ length: count + 1 }, (_, i) => (i === 0 ? options.from : instantFromMillis(toMs - (count - i) * bucketMs)));
  return {
    boundaries,
    addCounts(counts) {
      for (const { bucket, status, count: n } of counts) {
        const target = buckets[bucket - 1];
        if (target !== undefined && Number.isSafeInteger(n)) target[status] = (target[status] ?? 0) + n;
      }
    },
    add(entry) {
      if (typeof entry?.at !== 'string' || typeof entry.to !== 'string' || entry.at <= options.from || entry.at > options.to) return;
      // Buckets end at `to`: an entry at `to` itself is in the last one.
      const fromEnd = Math.floor((toMs - Date.parse(entry.at)) / bucketMs);
      const index = count - 1 - Math.min(count - 1, fromEnd);
      const bucket = buckets[index] as Record<string, number>;
      bucket[entry.to] = (bucket[entry.to] ?? 0) + 1;
    },
    result() {
      return buckets.map((entered, index) => ({ start: instantFromMillis(toMs - (count - index) * bucketMs), entered: { ...entered } }));
    },
  };
}

/**
 * A snapshot: orders per status, overdue orders and stage timings over the `window` before `at`.
 * @example collectMetrics(orders, compileSlas([...]), { at: clock.now(), window: { hours: 24 } })
 */
export function collectMetrics(
  orders: readonly MeasuredOrder[],
  slas: readonly Sla[],
  options: { readonly at: Instant; readonly window: DurationInput; readonly closedStatuses?: readonly string[] | undefined },
): OrderMetrics {
  if (!isInstant(options?.at)) throw new ValidationError('collectMetrics options', [{ code: 'invalid_instant', path: ['at'], message: 'Expected an Instant from the clock' }]);
  if (!Array.isArray(orders)) throw new ValidationError('collectMetrics', [{ code: 'invalid_type', path: ['orders'], message: 'Expected a list of orders' }]);
  const from = instantFromMillis(Date.parse(options.at) - durationToMillis(options.window));
  const overdue = createOverdueCollector(slas, options.at, { closedStatuses: options.closedStatuses });
  for (const order of measured('collectMetrics', orders)) overdue.add(order);
  const { overdue: list, bySla } = overdue.result();
  return {
    at: options.at,
    ordersPerStatus: ordersPerStatus(orders),
    overdue: list,
    overdueBySla: bySla,
    stages: stageTimings(orders, slas, { from, to: options.at }),
  };
}

/** A Prometheus label value, escaped as the text format requires. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/**
 * The snapshot in Prometheus' text exposition format (version 0.0.4), for a `/metrics` route
 * without prom-client. Every family is a gauge, named as `registerOrdoMetrics` names them:
 * `ordo_orders{status}`, `ordo_orders_overdue{sla}`, `ordo_stage_seconds{sla,quantile}`,
 * `ordo_stage_count{sla}`, `ordo_stage_late{sla}` and `ordo_orders_entered{status}`.
 */
export function formatPrometheusMetrics(metrics: OrderMetrics): string {
  const candidate = metrics as Partial<OrderMetrics> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.ordersPerStatus !== 'object' || candidate.ordersPerStatus === null || !Array.isArray(candidate.overdue) || !Array.isArray(candidate.stages)) {
    throw new ValidationError('formatPrometheusMetrics', [{ code: 'invalid_type', path: ['metrics'], message: 'Expected a snapshot from collectMetrics' }]);
  }
  const lines: string[] = [];
  lines.push('# HELP ordo_orders Orders per status.', '# TYPE ordo_orders gauge');
  for (const [status, count] of Object.entries(metrics.ordersPerStatus).sort()) lines.push(`ordo_orders{status="${label(status)}"} ${count}`);
  lines.push('# HELP ordo_orders_overdue Orders past an SLA.', '# TYPE ordo_orders_overdue gauge');
  const overdue: Record<string, number> = { ...metrics.overdueBySla };
  if (metrics.overdueBySla === undefined) for (const order of metrics.overdue) overdue[order.sla] = (overdue[order.sla] ?? 0) + 1;
  for (const [sla, count] of Object.entries(overdue).sort()) lines.push(`ordo_orders_overdue{sla="${label(sla)}"} ${count}`);
  // Gauges, not a summary: these are quantiles of the window's stages, recomputed at each snapshot,
  // with no running sum or count behind them.
  lines.push('# HELP ordo_stage_seconds Time per stage over the window (working time for a calendar SLA), by quantile.', '# TYPE ordo_stage_seconds gauge');
  for (const stage of metrics.stages) {
    for (const [q, value] of [['0.5', stage.p50], ['0.95', stage.p95], ['0.99', stage.p99]] as const) {
      if (value !== undefined) lines.push(`ordo_stage_seconds{sla="${label(stage.sla)}",quantile="${q}"} ${value / 1000}`);
    }
  }
  lines.push('# HELP ordo_stage_count Stages that ended over the window.', '# TYPE ordo_stage_count gauge');
  for (const stage of metrics.stages) lines.push(`ordo_stage_count{sla="${label(stage.sla)}"} ${stage.count}`);
  lines.push('# HELP ordo_stage_late Stages over the window that ended after their due time.', '# TYPE ordo_stage_late gauge');
  for (const stage of metrics.stages) lines.push(`ordo_stage_late{sla="${label(stage.sla)}"} ${stage.late}`);
  if (metrics.throughput !== undefined && metrics.throughput.length > 0) {
    const entered: Record<string, number> = {};
    for (const bucket of metrics.throughput) for (const [status, n] of Object.entries(bucket.entered)) entered[status] = (entered[status] ?? 0) + n;
    lines.push('# HELP ordo_orders_entered Orders that entered each status over the window.', '# TYPE ordo_orders_entered gauge');
    for (const [status, n] of Object.entries(entered).sort()) lines.push(`ordo_orders_entered{status="${label(status)}"} ${n}`);
  }
  return `${lines.join('\n')}\n`;
}
