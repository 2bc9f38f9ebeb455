// The metric reads' options and cursors, checked once for every adapter: each dialect only says
// how it selects a page.
import type { Instant } from '../../../clock/instant.js';
import { ValidationError, type ValidationIssue } from '../../../errors/validation-error.js';
import type { HistoryBetweenOptions, MeasureOptions, OrderMeasure, Page } from '../../../ports/storage-port.js';

const DEFAULT_PAGE = 1000;
const MAX_PAGE = 10_000;
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A checked `measure` call: the lower bounds every dialect filters on ('' when unbounded). */
export interface MeasureQuery {
  readonly status: string | undefined;
  readonly updatedAfter: string;
  /** The last row of the previous page: `(updated_at, id) > (afterUpdatedAt, afterId)`; both '' on a first page. */
  readonly afterUpdatedAt: string;
  readonly afterId: string;
  readonly limit: number;
}

/** A checked `historyBetween` call. */
export interface HistoryQuery {
  readonly from: Instant;
  readonly to: Instant;
  /** The last entry of the previous page: `(at, order_id, version) > (afterAt, afterOrderId, afterVersion)`; '' on a first page. */
  readonly afterAt: string;
  readonly afterOrderId: string;
  readonly afterVersion: number;
  readonly limit: number;
}

function pageLimit(limit: unknown, issues: ValidationIssue[]): number {
  if (limit === undefined) return DEFAULT_PAGE;
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 1) {
    issues.push({ code: 'invalid_type', path: ['limit'], message: `Expected a page size from 1 to ${MAX_PAGE}` });
    return DEFAULT_PAGE;
  }
  return Math.min(MAX_PAGE, Math.floor(limit));
}

function cursor(after: unknown, length: number, issues: ValidationIssue[]): unknown[] | undefined {
  if (after === undefined || after === null) return undefined;
  try {
    const parsed = typeof after === 'string' ? (JSON.parse(after) as unknown) : undefined;
    if (Array.isArray(parsed) && parsed.length === length) return parsed;
  } catch {
    // Reported below.
  }
  issues.push({ code: 'invalid_value', path: ['after'], message: 'Expected the `next` of the previous page' });
  return undefined;
}

/** Checks `measure` options. @throws ValidationError */
export function measureQuery(options: MeasureOptions | undefined): MeasureQuery {
  const issues: ValidationIssue[] = [];
  const given = (options ?? {}) as Partial<MeasureOptions>;
  if (typeof given !== 'object' || given === null) throw new ValidationError('measure options', [{ code: 'invalid_type', path: [], message: 'Expected { status?, updatedAfter?, after?, limit? }' }]);
  if (given.status !== undefined && (typeof given.status !== 'string' || given.status === '')) issues.push({ code: 'invalid_type', path: ['status'], message: 'Expected a status' });
  if (given.updatedAfter !== undefined && (typeof given.updatedAfter !== 'string' || !CANONICAL_INSTANT.test(given.updatedAfter))) issues.push({ code: 'invalid_instant', path: ['updatedAfter'], message: 'Expected an Instant from the clock' });
  const limit = pageLimit(given.limit, issues);
  const last = cursor(given.after, 2, issues);
  if (last !== undefined && (typeof last[0] !== 'string' || typeof last[1] !== 'string')) issues.push({ code: 'invalid_value', path: ['after'], message: 'Expected the `next` of the previous page' });
  if (issues.length > 0) throw new ValidationError('measure options', issues);
  const updatedAfter = given.updatedAfter ?? '';
  // A cursor before the window's start says nothing the start does not: page from the start.
  const cursorCounts = last !== undefined && (last[0] as string) >= updatedAfter;
  return { status: given.status, updatedAfter, afterUpdatedAt: cursorCounts ? (last[0] as string) : '', afterId: cursorCounts ? (last[1] as string) : '', limit };
}

/** Checks `historyBetween` options. @throws ValidationError */
export function historyQuery(options: HistoryBetweenOptions): HistoryQuery {
  const issues: ValidationIssue[] = [];
  const given = (typeof options === 'object' && options !== null ? options : {}) as Partial<HistoryBetweenOptions>;
  for (const key of ['from', 'to'] as const) {
    const value = given[key];
    if (typeof value !== 'string' || !CANONICAL_INSTANT.test(value)) issues.push({ code: 'invalid_instant', path: [key], message: 'Expected an Instant from the clock' });
  }
  const limit = pageLimit(given.limit, issues);
  const last = cursor(given.after, 3, issues);
  if (last !== undefined && (typeof last[0] !== 'string' || typeof last[1] !== 'string' || !Number.isSafeInteger(last[2]))) issues.push({ code: 'invalid_value', path: ['after'], message: 'Expected the `next` of the previous page' });
  if (issues.length > 0) throw new ValidationError('historyBetween options', issues);
  const cursorCounts = last !== undefined && (last[0] as string) > (given.from as string);
  return {
    from: given.from as Instant,
    to: given.to as Instant,
    afterAt: cursorCounts ? (last[0] as string) : '',
    afterOrderId: cursorCounts ? (last[1] as string) : '',
    afterVersion: cursorCounts ? (last[2] as number) : 0,
    limit,
  };
}

/** The page of `rows` (one more than `limit` was asked for, to know whether more follow). */
export function measurePage(rows: OrderMeasure[], limit: number): Page<OrderMeasure> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items, next: more && last !== undefined ? JSON.stringify([last.updatedAt, last.id]) : null };
}

/** The page of history `rows` (one more than `limit`). */
export function historyPage<T extends { readonly orderId: string; readonly entry: { readonly at: string; readonly version: number } }>(rows: T[], limit: number): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items, next: more && last !== undefined ? JSON.stringify([last.entry.at, last.orderId, last.entry.version]) : null };
}

/** Checks `countTransitions` boundaries: ascending canonical instants, 2 to 1,001 of them. @throws ValidationError */
export function transitionBoundaries(options: { readonly boundaries: readonly Instant[] } | undefined): readonly Instant[] {
  const boundaries = (options as { boundaries?: unknown } | undefined)?.boundaries;
  const ok =
    Array.isArray(boundaries) &&
    boundaries.length >= 2 &&
    boundaries.length <= 1001 &&
    boundaries.every((at: unknown, i) => typeof at === 'string' && CANONICAL_INSTANT.test(at) && (i === 0 || at > (boundaries[i - 1] as string)));
  if (!ok) throw new ValidationError('countTransitions options', [{ code: 'invalid_value', path: ['boundaries'], message: 'Expected 2 to 1,001 ascending Instants' }]);
  return boundaries as Instant[];
}

/** The interval an instant falls in: k for `boundaries[k - 1] < at <= boundaries[k]`, 0 outside. */
export function bucketOf(boundaries: readonly string[], at: string): number {
  if (at <= (boundaries[0] as string) || at > (boundaries.at(-1) as string)) return 0;
  let lo = 1;
  let hi = boundaries.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at <= (boundaries[mid] as string)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
