// Inventory per (warehouse, sku) and reservations that can never oversell.
import type { Instant } from '../clock/instant.js';
import type { Result } from '../errors/result.js';
import type { UnitOfWorkError } from '../errors/unit-error.js';

/** Stock of one SKU in one warehouse. `available = onHand - reserved`, never below zero. */
export interface StockLevel {
  readonly warehouseId: string;
  readonly sku: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
  readonly updatedAt: Instant;
}

/** What {@link InventoryStore.getStockLevels} reads. */
export interface StockQuery {
  readonly skus: readonly string[];
  /** Only these warehouses. @default every warehouse */
  readonly warehouseIds?: readonly string[];
}

/** Orders and units a warehouse has been given for one of its local days (its daily capacity used). */
export interface CapacityUsage {
  readonly warehouseId: string;
  /** The warehouse's local date, `YYYY-MM-DD`. */
  readonly date: string;
  readonly orders: number;
  readonly units: number;
}

/** What {@link InventoryStore.getCapacityUsage} reads. */
export interface CapacityQuery {
  /** Local dates, `YYYY-MM-DD`. */
  readonly dates: readonly string[];
  /** Only these warehouses. @default every warehouse */
  readonly warehouseIds?: readonly string[];
}

/** A request to hold units of one order line in one warehouse. */
export interface ReservationRequest {
  /** Unique; reserving again with the same id is a no-op that returns the existing reservation. */
  readonly reservationId: string;
  readonly orderId: string;
  readonly lineId: string;
  readonly warehouseId: string;
  readonly sku: string;
  readonly quantity: number;
  /** Released automatically by `expireReservations` at or after this instant. */
  readonly expiresAt?: Instant;
}

/** A reservation as stored. */
export interface Reservation extends ReservationRequest {
  readonly status: 'active' | 'released' | 'committed' | 'expired';
  readonly createdAt: Instant;
  readonly updatedAt: Instant;
}

/**
 * The outcome of {@link InventoryStore.reserve}: every reservation (`value`, in request order), or
 * none and `error`, a `UnitOfWorkError` `INSUFFICIENT_STOCK` whose `details` name the first line
 * that could not be met (reservationId, orderId, lineId, warehouseId, sku, requested, available).
 */
export type ReserveResult = Result<readonly Reservation[], UnitOfWorkError>;

/**
 * One inventory change of a unit of work ({@link UnitOfWork.inventory}); applied at the unit's `at`.
 * - `reserve`: every request of it, or the unit fails with `INSUFFICIENT_STOCK` naming the line;
 *   a request whose `reservationId` exists already is skipped (a retry reserves nothing twice).
 * - `release`, `commitReservation`: the reservation must be active, or the unit fails with
 *   `CONCURRENCY_CONFLICT` (entity `reservation`, expected status `active`).
 * - `setStock`: on-hand count from the warehouse; reserved units stay reserved.
 * - `useCapacity`: adds orders and units to a warehouse's day; with `limit`, the unit fails with
 *   `CAPACITY_EXCEEDED` (naming warehouse, date, used and limit) when the day would go over it.
 * - `releaseCapacity`: gives orders and units of a day back (never below zero).
 */
export type InventoryChange =
  | { readonly type: 'reserve'; readonly requests: readonly ReservationRequest[] }
  | { readonly type: 'release'; readonly reservationId: string }
  | { readonly type: 'commitReservation'; readonly reservationId: string }
  | { readonly type: 'setStock'; readonly warehouseId: string; readonly sku: string; readonly onHand: number }
  | {
      readonly type: 'useCapacity';
      readonly warehouseId: string;
      readonly date: string;
      readonly orders: number;
      readonly units: number;
      /** The day's capacity; absent parts are unlimited. */
      readonly limit?: { readonly orders?: number; readonly units?: number };
    }
  | { readonly type: 'releaseCapacity'; readonly warehouseId: string; readonly date: string; readonly orders: number; readonly units: number };

/** The inventory change types. */
export const INVENTORY_CHANGE_TYPES = ['reserve', 'release', 'commitReservation', 'setStock', 'useCapacity', 'releaseCapacity'] as const;

/**
 * Inventory and reservations. The writes are conveniences over a one-change unit of work
 * ({@link InventoryChange}); several changes, or changes with other stores, commit together
 * through `storage.commit`.
 */
export interface InventoryStore {
  /** Sets on-hand stock (a count from the warehouse). Reserved units stay reserved. */
  setStock(warehouseId: string, sku: string, onHand: number, at: Instant): Promise<StockLevel>;
  /** Stock of one SKU in one warehouse, or null when never set. */
  getStock(warehouseId: string, sku: string): Promise<StockLevel | null>;
  /**
   * Stock of these SKUs in every warehouse (or only `warehouseIds`), in one read: what routing
   * needs for an order. Levels never set are absent. Sorted by SKU, then warehouse id (JavaScript
   * string order). Empty `skus` answers `[]`; a repeated SKU or warehouse counts once.
   */
  getStockLevels(query: StockQuery): Promise<StockLevel[]>;
  /**
   * Capacity used on these dates by every warehouse (or only `warehouseIds`) that used any, in
   * one read. Sorted by warehouse id, then date. Days never used are absent.
   */
  getCapacityUsage(query: CapacityQuery): Promise<CapacityUsage[]>;
  /** Reserves every request atomically, or none; safe under concurrent workers. */
  reserve(requests: readonly ReservationRequest[], at: Instant): Promise<ReserveResult>;
  /** Releases an active reservation; false when it is not active. */
  release(reservationId: string, at: Instant): Promise<boolean>;
  /** Turns an active reservation into a shipment: on-hand and reserved both drop. */
  commitReservation(reservationId: string, at: Instant): Promise<boolean>;
  /** Releases active reservations with `expiresAt <= now`; returns how many. */
  expireReservations(now: Instant, limit?: number): Promise<number>;
  /** A reservation by id, or null. */
  getReservation(reservationId: string): Promise<Reservation | null>;
  /** Reservations of an order, in creation order. */
  listReservations(orderId: string): Promise<Reservation[]>;
}
