// The inventory tables as the SQL adapters read them, and the one input check every adapter applies.
import type { Instant } from '../../../clock/instant.js';
import { ValidationError, type ValidationIssue } from '../../../errors/validation-error.js';
import type { StockShortfall } from '../../../errors/unit-error.js';
import type { CapacityQuery, CapacityUsage, Reservation, ReservationRequest, StockLevel, StockQuery } from '../../../ports/inventory-port.js';

/** A stock row as SQLite and PostgreSQL return it. */
export interface StockRow {
  warehouse_id: string;
  sku: string;
  on_hand: number;
  reserved: number;
  updated_at: Instant;
}

/** A reservation row as SQLite and PostgreSQL return it. */
export interface ReservationRow {
  reservation_id: string;
  order_id: string;
  line_id: string;
  warehouse_id: string;
  sku: string;
  quantity: number;
  expires_at: Instant | null;
  status: Reservation['status'];
  created_at: Instant;
  updated_at: Instant;
}

/** The reservation columns, in {@link ReservationRow}'s order. */
export const RESERVATION_COLUMNS = 'reservation_id, order_id, line_id, warehouse_id, sku, quantity, expires_at, status, created_at, updated_at';

/** The stock columns, in {@link StockRow}'s order. */
export const STOCK_COLUMNS = 'warehouse_id, sku, on_hand, reserved, updated_at';

/** Available stock: a recount below what is reserved leaves nothing to sell, not a negative amount. */
export function availableStock(onHand: number, reserved: number): number {
  return Math.max(0, onHand - reserved);
}

/** Maps a stock row to the port's {@link StockLevel}. */
export function toStockLevel(row: StockRow): StockLevel {
  return {
    warehouseId: row.warehouse_id,
    sku: row.sku,
    onHand: row.on_hand,
    reserved: row.reserved,
    available: availableStock(row.on_hand, row.reserved),
    updatedAt: row.updated_at,
  };
}

/** Maps a reservation row to the port's {@link Reservation}. */
export function toReservation(row: ReservationRow): Reservation {
  return {
    reservationId: row.reservation_id,
    orderId: row.order_id,
    lineId: row.line_id,
    warehouseId: row.warehouse_id,
    sku: row.sku,
    quantity: row.quantity,
    ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }),
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Records an `invalid_quantity` issue unless `value` is a safe integer that is at least 1
 * (`positive`) or 0, and at most `max` (a column's limit, e.g. PostgreSQL's `integer`).
 */
export function requireCount(
  value: number,
  path: readonly (string | number)[],
  positive: boolean,
  issues: ValidationIssue[],
  max: number = Number.MAX_SAFE_INTEGER,
): void {
  if (!Number.isSafeInteger(value) || value < (positive ? 1 : 0) || value > max) {
    issues.push({
      code: 'invalid_quantity',
      path,
      message: `Expected ${positive ? 'a positive' : 'a non-negative'} integer, got ${String(value)}`,
    });
  }
}

/** The asked SKUs and warehouses once each, checked: a query any adapter reads the same way. */
export function stockQuery(query: StockQuery): { readonly skus: string[]; readonly warehouseIds: string[] | undefined } {
  const issues: ValidationIssue[] = [];
  if (typeof query !== 'object' || query === null) throw new ValidationError('stock query', [{ code: 'invalid_type', path: [], message: 'Expected { skus, warehouseIds? }' }]);
  const strings = (value: unknown, key: string, optional: boolean): string[] | undefined => {
    if (value === undefined && optional) return undefined;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      issues.push({ code: 'invalid_type', path: [key], message: 'Expected an array of strings' });
      return undefined;
    }
    return [...new Set(value as string[])];
  };
  const skus = strings(query.skus, 'skus', false);
  const warehouseIds = strings(query.warehouseIds, 'warehouseIds', true);
  if (issues.length > 0) throw new ValidationError('stock query', issues);
  return { skus: skus ?? [], warehouseIds };
}

/** A capacity row as both SQL dialects store it. */
export interface CapacityRow {
  readonly warehouse_id: string;
  readonly day: string;
  readonly orders: number;
  readonly units: number;
}

/** The capacity columns, in {@link CapacityRow} order. */
export const CAPACITY_COLUMNS = 'warehouse_id, day, orders, units';

/** A stored capacity row as the port's {@link CapacityUsage}. */
export function toCapacityUsage(row: CapacityRow): CapacityUsage {
  return { warehouseId: row.warehouse_id, date: row.day, orders: Number(row.orders), units: Number(row.units) };
}

/** Validates a {@link CapacityQuery}: dates `YYYY-MM-DD`, optional warehouse ids; repeats count once. */
export function capacityQuery(query: CapacityQuery): { readonly dates: string[]; readonly warehouseIds: string[] | undefined } {
  if (typeof query !== 'object' || query === null) throw new ValidationError('capacity query', [{ code: 'invalid_type', path: [], message: 'Expected { dates, warehouseIds? }' }]);
  const issues: ValidationIssue[] = [];
  const dates = query.dates;
  if (!Array.isArray(dates) || dates.some((date) => typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date))) {
    issues.push({ code: 'invalid_type', path: ['dates'], message: 'Expected an array of local dates "YYYY-MM-DD"' });
  }
  const ids = query.warehouseIds;
  if (ids !== undefined && (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))) issues.push({ code: 'invalid_type', path: ['warehouseIds'], message: 'Expected an array of strings' });
  if (issues.length > 0) throw new ValidationError('capacity query', issues);
  return { dates: [...new Set(dates)], warehouseIds: ids === undefined ? undefined : [...new Set(ids)] };
}

/** Usage sorted by warehouse id, then date (what every adapter answers). */
export function byCapacityKey(a: CapacityUsage, b: CapacityUsage): number {
  return a.warehouseId < b.warehouseId ? -1 : a.warehouseId > b.warehouseId ? 1 : a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
}

/** Levels sorted by SKU, then warehouse id, in code-point order (what every adapter answers). */
export function byStockKey(a: StockLevel, b: StockLevel): number {
  return a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.warehouseId < b.warehouseId ? -1 : a.warehouseId > b.warehouseId ? 1 : 0;
}

/** What an `INSUFFICIENT_STOCK` says about the request it stopped at. */
export function shortfall(request: ReservationRequest, available: number): StockShortfall {
  const { reservationId, orderId, lineId, warehouseId, sku } = request;
  return { reservationId, orderId, lineId, warehouseId, sku, requested: request.quantity, available };
}
