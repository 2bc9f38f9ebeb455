// Which part of a unit of work failed: every error a unit's part throws names it, so a failed commit says where.
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';

/** The stores a unit of work writes to, in the order an adapter applies them. */
export const UNIT_STORES = ['orders', 'outbox', 'idempotency', 'inventory', 'tasks', 'customers', 'quarantine', 'settings'] as const;
/** A store a unit of work writes to; see {@link UNIT_STORES}. */
export type UnitStore = (typeof UNIT_STORES)[number];

/**
 * One change of a unit of work: the store, its position in that store's list, and what it did
 * (`reserve`, `complete`, `putGolden`, ...). Carried in `details.part` of the error that failed
 * the unit.
 */
export interface UnitPart {
  readonly store: UnitStore;
  readonly index: number;
  readonly type: string;
}

/** `inventory[2] release`: how a part is named in messages. */
export function describePart(part: UnitPart): string {
  return `${part.store}[${part.index}] ${part.type}`;
}

/** The codes only a unit's part raises. */
export type UnitOfWorkErrorCode = 'INSUFFICIENT_STOCK' | 'LEASE_LOST' | 'CAPACITY_EXCEEDED';

/**
 * A unit of work refused because one of its parts could not hold: not enough stock for a
 * reservation line (`INSUFFICIENT_STOCK`, with the line and what was available), a task whose
 * lease this worker no longer holds (`LEASE_LOST`), or a warehouse day over its capacity
 * (`CAPACITY_EXCEEDED`). Nothing of the unit was written.
 */
export class UnitOfWorkError extends OrdoError<UnitOfWorkErrorCode> {
  /** The part that failed. */
  readonly part: UnitPart;

  constructor(code: UnitOfWorkErrorCode, part: UnitPart, message: string, options: OrdoErrorOptions = {}) {
    super(code, `Unit of work part ${describePart(part)} failed: ${message}; nothing was written`, {
      ...options,
      details: { part, ...options.details },
    });
    this.name = 'UnitOfWorkError';
    this.part = part;
  }
}

/** The facts of an `INSUFFICIENT_STOCK` failure: the line that could not be met. */
export interface StockShortfall {
  readonly reservationId: string;
  readonly orderId: string;
  readonly lineId: string;
  readonly warehouseId: string;
  readonly sku: string;
  readonly requested: number;
  /** What was left for this line after the unit's earlier lines on the same stock. */
  readonly available: number;
}

/** The `INSUFFICIENT_STOCK` error of a reservation line. */
export function insufficientStock(part: UnitPart, shortfall: StockShortfall): UnitOfWorkError {
  return new UnitOfWorkError(
    'INSUFFICIENT_STOCK',
    part,
    `order ${shortfall.orderId} line ${shortfall.lineId} wants ${shortfall.requested} of ${shortfall.sku} in ${shortfall.warehouseId}, ${shortfall.available} available`,
    { details: { ...shortfall } },
  );
}

/** The `LEASE_LOST` error of a task this owner no longer holds. */
export function leaseLost(part: UnitPart, taskId: string, owner: string, actual: { readonly status: string | null; readonly owner?: string | null }): UnitOfWorkError {
  const found = actual.status === null ? 'no such task' : actual.status === 'leased' ? `leased by ${actual.owner ?? 'another worker'}` : actual.status;
  return new UnitOfWorkError('LEASE_LOST', part, `task ${taskId} is not leased by ${owner} (found ${found})`, {
    details: { taskId, owner, actualStatus: actual.status, actualOwner: actual.owner ?? null },
  });
}

/** The facts of a `CAPACITY_EXCEEDED` failure: the warehouse's day and what it would have reached. */
export interface CapacityOverrun {
  readonly warehouseId: string;
  readonly date: string;
  /** `orders` or `units`. */
  readonly unit: 'orders' | 'units';
  /** Used before this change. */
  readonly used: number;
  readonly requested: number;
  readonly limit: number;
}

/** The `CAPACITY_EXCEEDED` error of a day that would go over its capacity. */
export function capacityExceeded(part: UnitPart, overrun: CapacityOverrun): UnitOfWorkError {
  return new UnitOfWorkError(
    'CAPACITY_EXCEEDED',
    part,
    `warehouse ${overrun.warehouseId} on ${overrun.date} has used ${overrun.used} of ${overrun.limit} ${overrun.unit}, ${overrun.requested} more requested`,
    { details: { ...overrun } },
  );
}

/** Checks a day's new totals against its limit; throws `CAPACITY_EXCEEDED` for the first one over. */
export function checkCapacity(
  part: UnitPart,
  change: { readonly warehouseId: string; readonly date: string; readonly orders: number; readonly units: number; readonly limit?: { readonly orders?: number; readonly units?: number } },
  after: { readonly orders: number; readonly units: number },
): void {
  for (const unit of ['orders', 'units'] as const) {
    const limit = change.limit?.[unit];
    if (limit !== undefined && after[unit] > limit) {
      throw capacityExceeded(part, { warehouseId: change.warehouseId, date: change.date, unit, used: after[unit] - change[unit], requested: change[unit], limit });
    }
  }
}

/** True for a {@link UnitOfWorkError}, also across realms. */
export function isUnitOfWorkError(value: unknown): value is UnitOfWorkError {
  return value instanceof UnitOfWorkError || (value as { name?: unknown } | null)?.name === 'UnitOfWorkError';
}
