// Order metrics from stored orders, pure: orders per status, overdue orders against SLAs written as
// business durations in a named zone, and time per stage as quantiles, all at an instant the caller gives.
import { createBusinessCalendar, type BusinessCalendar, type BusinessCalendarConfig } from '../clock/business-calendar.js';
import { durationToMillis, instantFromMillis, isInstant, type DurationInput, type Instant } from '../clock/instant.js';
import { isOrdoError } from '../errors/ordo-error.js';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';

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
  readonly stages: readonly StageTiming[];
}

/**
 * Checks SLAs: every problem at once, with its path.
 * @throws ValidationError `INVALID_OPTIONS`.
 */
export function compileSlas(inputs: readonly SlaInput[]): Sla[] {
  const issues: ValidationIssue[] = [];
  if (!Array.isArray(inputs)) throw new ValidationError('SLAs', [{ code: 'invalid_type', path: [], message: 'Expected a list of SLAs' }], { code: 'INVALID_OPTIONS' });
  const ids = new Set<string>();
  const slas = inputs.map((input, index): Sla => {
    const at = (key: string): (string | number)[] => [index, key];
    const sla = (typeof input === 'object' && input !== null ? input : {}) as Partial<SlaInput>;
    if (typeof sla.id !== 'string' || sla.id === '' || ids.has(sla.id)) issues.push({ code: 'invalid_value', path: at('id'), message: 'Expected a unique id' });
    else ids.add(sla.id);
    if (typeof sla.from !== 'string' || sla.from === '') issues.push({ code: 'invalid_value', path: at('from'), message: 'Expected the status the stage starts in' });
    if (!Array.isArray(sla.to) || sla.to.length === 0 || sla.to.some((status) => typeof status !== 'string' || status === '')) issues.push({ code: 'invalid_value', path: at('to'), message: 'Expected the statuses that end the stage' });
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

/**
 * Orders still in an SLA's stage past its due time at `now`, the longest overdue first. A stage
 * counts as open while the order has not entered one of `to` since it entered `from`.
 */
export function overdueOrders(orders: Iterable<MeasuredOrder>, slas: readonly Sla[], now: Instant): OverdueOrder[] {
  checkSlas('overdueOrders', slas);
  if (!isInstant(now)) throw new ValidationError('overdueOrders', [{ code: 'invalid_instant', path: ['now'], message: 'Expected an Instant from the clock' }]);
  const overdue: OverdueOrder[] = [];
  const nowMs = Date.parse(now);
  for (const order of measured('overdueOrders', orders)) {
    for (const sla of slas) {
      const stage = stageOf(order, sla);
      if (stage === undefined || stage.endedAt !== undefined) continue;
      const dueAt = dueOf(sla, stage.enteredAt);
      if (dueAt < now) overdue.push({ orderId: order.id, sla: sla.id, status: order.status, enteredAt: stage.enteredAt, dueAt, overdueMs: nowMs - Date.parse(dueAt) });
    }
  }
  return overdue.sort((a, b) => b.overdueMs - a.overdueMs || (a.orderId < b.orderId ? -1 : 1));
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Time per stage for stages that ended in (from, to]: p50, p95, p99 (nearest rank) and how many were late. */
export function stageTimings(orders: Iterable<MeasuredOrder>, slas: readonly Sla[], window: { readonly from: Instant; readonly to: Instant }): StageTiming[] {
  checkSlas('stageTimings', slas);
  if (!isInstant(window?.from) || !isInstant(window.to)) throw new ValidationError('stageTimings', [{ code: 'invalid_instant', path: ['window'], message: 'Expected { from, to } Instants' }]);
  const durations = slas.map(() => [] as number[]);
  const late = slas.map(() => 0);
  for (const order of measured('stageTimings', orders)) {
    slas.forEach((sla, index) => {
      const stage = stageOf(order, sla);
      if (stage?.endedAt === undefined || stage.endedAt <= window.from || stage.endedAt > window.to) return;
      const took = sla.calendar === undefined ? Date.parse(stage.endedAt) - Date.parse(stage.enteredAt) : sla.calendar.businessTimeBetween(stage.enteredAt, stage.endedAt);
      (durations[index] as number[]).push(took);
      if (stage.endedAt > dueOf(sla, stage.enteredAt)) late[index] = (late[index] as number) + 1;
    });
  }
  return slas.map((sla, index) => {
    const sorted = (durations[index] as number[]).sort((a, b) => a - b);
    return { sla: sla.id, count: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), late: late[index] as number };
  });
}

/**
 * A snapshot: orders per status, overdue orders and stage timings over the `window` before `at`.
 * @example collectMetrics(orders, compileSlas([...]), { at: clock.now(), window: { hours: 24 } })
 */
export function collectMetrics(orders: readonly MeasuredOrder[], slas: readonly Sla[], options: { readonly at: Instant; readonly window: DurationInput }): OrderMetrics {
  if (!isInstant(options?.at)) throw new ValidationError('collectMetrics options', [{ code: 'invalid_instant', path: ['at'], message: 'Expected an Instant from the clock' }]);
  if (!Array.isArray(orders)) throw new ValidationError('collectMetrics', [{ code: 'invalid_type', path: ['orders'], message: 'Expected a list of orders' }]);
  const from = instantFromMillis(Date.parse(options.at) - durationToMillis(options.window));
  return {
    at: options.at,
    ordersPerStatus: ordersPerStatus(orders),
    overdue: overdueOrders(orders, slas, options.at),
    stages: stageTimings(orders, slas, { from, to: options.at }),
  };
}

/** A Prometheus label value, escaped as the text format requires. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/**
 * The snapshot in Prometheus' text exposition format (version 0.0.4), for a `/metrics` route
 * without prom-client: `ordo_orders{status}`, `ordo_orders_overdue{sla}`, and
 * `ordo_stage_seconds{sla,quantile}` with `_count` and `ordo_stage_late_total{sla}`.
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
  const overdue: Record<string, number> = {};
  for (const order of metrics.overdue) overdue[order.sla] = (overdue[order.sla] ?? 0) + 1;
  for (const stage of metrics.stages) lines.push(`ordo_orders_overdue{sla="${label(stage.sla)}"} ${overdue[stage.sla] ?? 0}`);
  lines.push('# HELP ordo_stage_seconds Time per stage over the window (working time for a calendar SLA).', '# TYPE ordo_stage_seconds summary');
  for (const stage of metrics.stages) {
    for (const [q, value] of [['0.5', stage.p50], ['0.95', stage.p95], ['0.99', stage.p99]] as const) {
      lines.push(`ordo_stage_seconds{sla="${label(stage.sla)}",quantile="${q}"} ${value === undefined ? 'NaN' : value / 1000}`);
    }
    lines.push(`ordo_stage_seconds_count{sla="${label(stage.sla)}"} ${stage.count}`);
  }
  lines.push('# HELP ordo_stage_late Stages over the window that ended after their due time.', '# TYPE ordo_stage_late gauge');
  for (const stage of metrics.stages) lines.push(`ordo_stage_late{sla="${label(stage.sla)}"} ${stage.late}`);
  return `${lines.join('\n')}\n`;
}
