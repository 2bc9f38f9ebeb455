// The memory inventory: stock per (warehouse, sku) and reservations that never oversell. Writes are
// one-change units of work, so they take the same path as a unit's inventory part.
import type { Instant } from '../../../clock/instant.js';
import { hasErrorCode } from '../../../errors/ordo-error.js';
import { isUnitOfWorkError } from '../../../errors/unit-error.js';
import type { InventoryChange, InventoryStore, Reservation, ReservationRequest, ReserveResult, StockLevel } from '../../../ports/inventory-port.js';
import { asArgumentError } from '../shared/unit-plan.js';
import { commitUnit } from './memory-commit.js';
import { settleReservation, toStockLevel } from './memory-changes.js';
import { copy, MemoryJournal, stockKey, take, type MemoryState } from './memory-state.js';

/** Creates the inventory store of a memory storage. */
export function createMemoryInventory(state: MemoryState): InventoryStore {
  const { stock, reservations } = state.tables;
  const one = (operation: string, change: InventoryChange, at: Instant): unknown => {
    state.enter(operation);
    try {
      return commitUnit(state, { inventory: [change], at }).inventory[0];
    } catch (error) {
      throw change.type === 'reserve' ? asArgumentError(error, ['inventory', 0, 'requests'], 'reservation requests') : asArgumentError(error, ['inventory', 0], 'stock level');
    }
  };
  /** A settle answers false, not an error, for a reservation that is not active. */
  const settle = (operation: string, change: InventoryChange, at: Instant): boolean => {
    try {
      return one(operation, change, at) as boolean;
    } catch (error) {
      if (hasErrorCode(error, 'CONCURRENCY_CONFLICT')) return false;
      throw error;
    }
  };

  return {
    async setStock(warehouseId: string, sku: string, onHand: number, at: Instant): Promise<StockLevel> {
      return one('inventory.setStock', { type: 'setStock', warehouseId, sku, onHand }, at) as StockLevel;
    },

    async getStock(warehouseId: string, sku: string): Promise<StockLevel | null> {
      state.enter('inventory.getStock');
      const row = stock.get(stockKey(warehouseId, sku));
      return row === undefined ? null : toStockLevel(row);
    },

    async reserve(requests: readonly ReservationRequest[], at: Instant): Promise<ReserveResult> {
      try {
        return { ok: true, value: one('inventory.reserve', { type: 'reserve', requests }, at) as Reservation[] };
      } catch (error) {
        if (!isUnitOfWorkError(error) || error.code !== 'INSUFFICIENT_STOCK') throw error;
        return { ok: false, error };
      }
    },

    async release(reservationId: string, at: Instant): Promise<boolean> {
      return settle('inventory.release', { type: 'release', reservationId }, at);
    },

    async commitReservation(reservationId: string, at: Instant): Promise<boolean> {
      return settle('inventory.commitReservation', { type: 'commitReservation', reservationId }, at);
    },

    async expireReservations(now: Instant, limit?: number): Promise<number> {
      state.enter('inventory.expireReservations');
      const due = [...reservations.values()]
        .filter((r) => r.status === 'active' && r.expiresAt !== undefined && r.expiresAt <= now)
        .sort((a, b) => ((a.expiresAt as Instant) < (b.expiresAt as Instant) ? -1 : (a.expiresAt as Instant) > (b.expiresAt as Instant) ? 1 : 0));
      // Each expiry stands alone (nothing to roll back), so the journal is only the write path.
      const journal = new MemoryJournal();
      let count = 0;
      for (const reservation of take(due, limit)) if (settleReservation(journal, state.tables, reservation.reservationId, 'expired', now, false)) count += 1;
      return count;
    },

    async getReservation(reservationId: string): Promise<Reservation | null> {
      state.enter('inventory.getReservation');
      const reservation = reservations.get(reservationId);
      return reservation === undefined ? null : copy(reservation);
    },

    async listReservations(orderId: string): Promise<Reservation[]> {
      state.enter('inventory.listReservations');
      return [...reservations.values()].filter((r) => r.orderId === orderId).map((r) => copy(r));
    },
  };
}
