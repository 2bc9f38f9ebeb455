// SQLite inventory: reservations checked and applied under the database write lock, so stock never
// oversells. Writes are one-change units of work, the same path as a unit's inventory part.
import type { Instant } from '../../../clock/instant.js';
import { hasErrorCode } from '../../../errors/ordo-error.js';
import { isUnitOfWorkError } from '../../../errors/unit-error.js';
import type { InventoryChange, InventoryStore, Reservation, ReservationRequest, ReserveResult, StockLevel } from '../../../ports/inventory-port.js';
import { RESERVATION_COLUMNS, STOCK_COLUMNS, toReservation, toStockLevel as toLevel, type ReservationRow, type StockRow } from '../shared/inventory-rows.js';
import { asArgumentError } from '../shared/unit-plan.js';
import { settleReservation } from './sqlite-changes.js';
import { limitValue, type SqliteContext } from './sqlite-driver.js';
import { commitSqlite } from './sqlite-orders.js';

/** Creates the inventory store. */
export function createSqliteInventory(context: SqliteContext): InventoryStore {
  const t = context.tables;
  const one = async (operation: string, change: InventoryChange, at: Instant): Promise<unknown> => {
    try {
      return (await commitSqlite(context, { inventory: [change], at }, operation)).inventory[0];
    } catch (error) {
      throw change.type === 'reserve' ? asArgumentError(error, ['inventory', 0, 'requests'], 'reservation requests') : asArgumentError(error, ['inventory', 0], 'stock level');
    }
  };
  /** A settle answers false, not an error, for a reservation that is not active. */
  const settle = async (operation: string, change: InventoryChange, at: Instant): Promise<boolean> => {
    try {
      return (await one(operation, change, at)) as boolean;
    } catch (error) {
      if (hasErrorCode(error, 'CONCURRENCY_CONFLICT')) return false;
      throw error;
    }
  };

  return {
    async setStock(warehouseId: string, sku: string, onHand: number, at: Instant): Promise<StockLevel> {
      return (await one('inventory.setStock', { type: 'setStock', warehouseId, sku, onHand }, at)) as StockLevel;
    },

    getStock(warehouseId: string, sku: string): Promise<StockLevel | null> {
      return context.read('inventory.getStock', (session) => {
        const row = session.get<StockRow>(`SELECT ${STOCK_COLUMNS} FROM ${t.stock} WHERE warehouse_id = ? AND sku = ?`, warehouseId, sku);
        return row === undefined ? null : toLevel(row);
      });
    },

    async reserve(requests: readonly ReservationRequest[], at: Instant): Promise<ReserveResult> {
      try {
        return { ok: true, value: (await one('inventory.reserve', { type: 'reserve', requests }, at)) as Reservation[] };
      } catch (error) {
        if (!isUnitOfWorkError(error) || error.code !== 'INSUFFICIENT_STOCK') throw error;
        return { ok: false, error };
      }
    },

    release(reservationId: string, at: Instant): Promise<boolean> {
      return settle('inventory.release', { type: 'release', reservationId }, at);
    },

    commitReservation(reservationId: string, at: Instant): Promise<boolean> {
      return settle('inventory.commitReservation', { type: 'commitReservation', reservationId }, at);
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
