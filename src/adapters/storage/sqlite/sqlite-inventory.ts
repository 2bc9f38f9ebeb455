// SQLite inventory: reservations checked and applied under the database write lock, so stock never
// oversells. Writes are one-change units of work, the same path as a unit's inventory part.
import type { Instant } from '../../../clock/instant.js';
import type { CapacityQuery, CapacityUsage, InventoryStore, Reservation, StockLevel, StockQuery } from '../../../ports/inventory-port.js';
import { byCapacityKey, byStockKey, capacityQuery, CAPACITY_COLUMNS, toCapacityUsage, type CapacityRow, RESERVATION_COLUMNS, STOCK_COLUMNS, stockQuery, toReservation, toStockLevel as toLevel, type ReservationRow, type StockRow } from '../shared/inventory-rows.js';
import { inventoryWrites } from '../shared/unit-conveniences.js';
import { settleReservation } from './sqlite-changes.js';
import { jsonList, limitValue, type SqliteContext } from './sqlite-driver.js';
import { commitSqlite } from './sqlite-orders.js';

/** Creates the inventory store. */
export function createSqliteInventory(context: SqliteContext): InventoryStore {
  const t = context.tables;
  return {
    ...inventoryWrites((unit, operation) => commitSqlite(context, unit, operation)),

    getStock(warehouseId: string, sku: string): Promise<StockLevel | null> {
      return context.read('inventory.getStock', (session) => {
        const row = session.get<StockRow>(`SELECT ${STOCK_COLUMNS} FROM ${t.stock} WHERE warehouse_id = ? AND sku = ?`, warehouseId, sku);
        return row === undefined ? null : toLevel(row);
      });
    },

    expireReservations(now: Instant, limit?: number): Promise<number> {
      return context.write('inventory.expireReservations', (session) => {
        const due = session.all<{ reservation_id: string }>(
          `SELECT reservation_id FROM ${t.reservations} WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at, seq LIMIT ?`,
          now, limitValue(limit),
        );
        let count = 0;
        for (const row of due) if (settleReservation(session, t, row.reservation_id, 'expired', now, false)) count += 1;
        return count;
      });
    },

    getStockLevels(query: StockQuery): Promise<StockLevel[]> {
      let asked: ReturnType<typeof stockQuery>;
      try {
        asked = stockQuery(query);
      } catch (error) {
        return Promise.reject(error);
      }
      const { skus, warehouseIds } = asked;
      return context.read('inventory.getStockLevels', (session) =>
        session
          .all<StockRow>(
            `SELECT ${STOCK_COLUMNS} FROM ${t.stock} WHERE sku IN (SELECT value FROM json_each(?)) AND (? IS NULL OR warehouse_id IN (SELECT value FROM json_each(?)))`,
            jsonList(skus), warehouseIds === undefined ? null : 1, jsonList(warehouseIds ?? []),
          )
          .map(toLevel)
          .sort(byStockKey),
      );
    },

    getCapacityUsage(query: CapacityQuery): Promise<CapacityUsage[]> {
      let asked: ReturnType<typeof capacityQuery>;
      try {
        asked = capacityQuery(query);
      } catch (error) {
        return Promise.reject(error);
      }
      const { dates, warehouseIds } = asked;
      return context.read('inventory.getCapacityUsage', (session) =>
        session
          .all<CapacityRow>(
            `SELECT ${CAPACITY_COLUMNS} FROM ${t.capacity} WHERE day IN (SELECT value FROM json_each(?)) AND (? IS NULL OR warehouse_id IN (SELECT value FROM json_each(?))) AND (orders > 0 OR units > 0)`,
            jsonList(dates), warehouseIds === undefined ? null : 1, jsonList(warehouseIds ?? []),
          )
          .map(toCapacityUsage)
          .sort(byCapacityKey),
      );
    },

    getReservation(reservationId: string): Promise<Reservation | null> {
      return context.read('inventory.getReservation', (session) => {
        const row = session.get<ReservationRow>(`SELECT ${RESERVATION_COLUMNS} FROM ${t.reservations} WHERE reservation_id = ?`, reservationId);
        return row === undefined ? null : toReservation(row);
      });
    },

    listReservations(orderId: string): Promise<Reservation[]> {
      return context.read('inventory.listReservations', (session) =>
        session.all<ReservationRow>(`SELECT ${RESERVATION_COLUMNS} FROM ${t.reservations} WHERE order_id = ? ORDER BY seq`, orderId).map(toReservation),
      );
    },
  };
}
