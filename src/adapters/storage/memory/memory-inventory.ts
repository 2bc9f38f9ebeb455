// The memory inventory: stock per (warehouse, sku) and reservations that never oversell. Writes are
// one-change units of work, so they take the same path as a unit's inventory part.
import type { Instant } from '../../../clock/instant.js';
import type { CapacityQuery, CapacityUsage, InventoryStore, Reservation, StockLevel, StockQuery } from '../../../ports/inventory-port.js';
import { byCapacityKey, byStockKey, capacityQuery, stockQuery } from '../shared/inventory-rows.js';
import { inventoryWrites } from '../shared/unit-conveniences.js';
import { memoryRunner } from './memory-commit.js';
import { settleReservation, toStockLevel } from './memory-changes.js';
import { MemoryJournal, stockKey, take, type MemoryState } from './memory-state.js';

/** Creates the inventory store of a memory storage. */
export function createMemoryInventory(state: MemoryState): InventoryStore {
  const { stock, reservations } = state.tables;
  return {
    ...inventoryWrites(memoryRunner(state)),

    async getStock(warehouseId: string, sku: string): Promise<StockLevel | null> {
      state.enter('inventory.getStock');
      const row = stock.get(stockKey(warehouseId, sku));
      return row === undefined ? null : toStockLevel(row);
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

    async getStockLevels(query: StockQuery): Promise<StockLevel[]> {
      state.enter('inventory.getStockLevels');
      const { skus, warehouseIds } = stockQuery(query);
      const wanted = new Set(skus);
      const within = warehouseIds === undefined ? undefined : new Set(warehouseIds);
      return [...stock.values()]
        .filter((row) => wanted.has(row.sku) && (within === undefined || within.has(row.warehouseId)))
        .map(toStockLevel)
        .sort(byStockKey);
    },

    async getCapacityUsage(query: CapacityQuery): Promise<CapacityUsage[]> {
      state.enter('inventory.getCapacityUsage');
      const { dates, warehouseIds } = capacityQuery(query);
      const wanted = new Set(dates);
      const within = warehouseIds === undefined ? undefined : new Set(warehouseIds);
      return [...state.tables.capacity.values()]
        .filter((row) => wanted.has(row.date) && (within === undefined || within.has(row.warehouseId)) && (row.orders > 0 || row.units > 0))
        .map((row) => ({ ...row }))
        .sort(byCapacityKey);
    },

    async getReservation(reservationId: string): Promise<Reservation | null> {
      state.enter('inventory.getReservation');
      const reservation = reservations.get(reservationId);
      return reservation === undefined ? null : { ...reservation };
    },

    async listReservations(orderId: string): Promise<Reservation[]> {
      state.enter('inventory.listReservations');
      return [...reservations.values()].filter((r) => r.orderId === orderId).map((r) => ({ ...r }));
    },
  };
}
