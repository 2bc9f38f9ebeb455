// The memory inventory: stock per (warehouse, sku) and reservations that never oversell.
import type { Instant } from '../../../clock/instant.js';
import { ValidationError, type ValidationIssue } from '../../../errors/validation-error.js';
import type { InventoryStore, Reservation, ReservationRequest, ReserveResult, StockLevel } from '../../../ports/inventory-port.js';
import { availableStock, requireCount } from '../shared/inventory-rows.js';
import { copy, stockKey, take, type MemoryState, type StockRow } from './memory-state.js';

function toLevel(row: StockRow): StockLevel {
  return {
    warehouseId: row.warehouseId,
    sku: row.sku,
    onHand: row.onHand,
    reserved: row.reserved,
    available: availableStock(row.onHand, row.reserved),
    updatedAt: row.updatedAt,
  };
}

/** Creates the inventory store of a memory storage. */
export function createMemoryInventory(state: MemoryState): InventoryStore {
  const { stock, reservations } = state.tables;

  /** Gives an active reservation's units back; `consume` also takes them off the shelf. */
  const settle = (id: string, status: Reservation['status'], at: Instant, consume: boolean): boolean => {
    const reservation = reservations.get(id);
    if (reservation === undefined || reservation.status !== 'active') return false;
    const row = stock.get(stockKey(reservation.warehouseId, reservation.sku));
    if (row !== undefined) {
      row.reserved = Math.max(0, row.reserved - reservation.quantity);
      if (consume) row.onHand = Math.max(0, row.onHand - reservation.quantity);
      row.updatedAt = at;
    }
    reservations.set(id, { ...reservation, status, updatedAt: at });
    return true;
  };

  return {
    async setStock(warehouseId: string, sku: string, onHand: number, at: Instant): Promise<StockLevel> {
      state.enter('inventory.setStock');
      const issues: ValidationIssue[] = [];
      requireCount(onHand, ['onHand'], false, issues);
      if (issues.length > 0) throw new ValidationError('stock level', issues);
      const key = stockKey(warehouseId, sku);
      const row = stock.get(key) ?? { warehouseId, sku, onHand: 0, reserved: 0, updatedAt: at };
      row.onHand = onHand;
      row.updatedAt = at;
      stock.set(key, row);
      return toLevel(row);
    },

    async getStock(warehouseId: string, sku: string): Promise<StockLevel | null> {
      state.enter('inventory.getStock');
      const row = stock.get(stockKey(warehouseId, sku));
      return row === undefined ? null : toLevel(row);
    },

    async reserve(requests: readonly ReservationRequest[], at: Instant): Promise<ReserveResult> {
      state.enter('inventory.reserve');
      const issues: ValidationIssue[] = [];
      requests.forEach((request, i) => requireCount(request.quantity, [i, 'quantity'], true, issues));
      if (issues.length > 0) throw new ValidationError('reservation requests', issues);

      // Check everything before changing anything: all requests are reserved, or none.
      const demand = new Map<string, number>();
      const fresh = new Map<string, ReservationRequest>();
      for (const request of requests) {
        if (reservations.has(request.reservationId) || fresh.has(request.reservationId)) continue;
        const key = stockKey(request.warehouseId, request.sku);
        const row = stock.get(key);
        const available = row === undefined ? 0 : Math.max(0, row.onHand - row.reserved);
        const wanted = demand.get(key) ?? 0;
        if (wanted + request.quantity > available) {
          return {
            ok: false,
            reason: 'INSUFFICIENT_STOCK',
            warehouseId: request.warehouseId,
            sku: request.sku,
            requested: request.quantity,
            available: available - wanted,
          };
        }
        demand.set(key, wanted + request.quantity);
        fresh.set(request.reservationId, request);
      }
      for (const request of fresh.values()) {
        const row = stock.get(stockKey(request.warehouseId, request.sku)) as StockRow;
        row.reserved += request.quantity;
        row.updatedAt = at;
        reservations.set(request.reservationId, { ...copy(request), status: 'active', createdAt: at, updatedAt: at });
      }
      return { ok: true, reservations: requests.map((request) => copy(reservations.get(request.reservationId) as Reservation)) };
    },

    async release(reservationId: string, at: Instant): Promise<boolean> {
      state.enter('inventory.release');
      return settle(reservationId, 'released', at, false);
    },

    async commitReservation(reservationId: string, at: Instant): Promise<boolean> {
      state.enter('inventory.commitReservation');
      return settle(reservationId, 'committed', at, true);
    },

    async expireReservations(now: Instant, limit?: number): Promise<number> {
      state.enter('inventory.expireReservations');
      const due = [...reservations.values()]
        .filter((r) => r.status === 'active' && r.expiresAt !== undefined && r.expiresAt <= now)
        .sort((a, b) => ((a.expiresAt as Instant) < (b.expiresAt as Instant) ? -1 : (a.expiresAt as Instant) > (b.expiresAt as Instant) ? 1 : 0));
      let count = 0;
      for (const reservation of take(due, limit)) {
        if (settle(reservation.reservationId, 'expired', now, false)) count += 1;
      }
      return count;
    },

    async listReservations(orderId: string): Promise<Reservation[]> {
      state.enter('inventory.listReservations');
      return [...reservations.values()].filter((r) => r.orderId === orderId).map((r) => copy(r));
    },
  };
}
