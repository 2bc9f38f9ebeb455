// SQLite inventory: reservations checked and applied under the database write lock, so stock never oversells.
import type { Instant } from '../../../clock/instant.js';
import { ValidationError, type ValidationIssue } from '../../../errors/validation-error.js';
import type { InventoryStore, Reservation, ReservationRequest, ReserveResult, StockLevel } from '../../../ports/inventory-port.js';
import { RESERVATION_COLUMNS, STOCK_COLUMNS, requireCount, toReservation, toStockLevel as toLevel, type ReservationRow, type StockRow } from '../shared/inventory-rows.js';
import { jsonList, limitValue, type SqliteContext, type SqliteSession } from './sqlite-driver.js';

const stockKey = (warehouseId: string, sku: string): string => `${warehouseId}\u0000${sku}`;

/** Creates the inventory store. */
export function createSqliteInventory(context: SqliteContext): InventoryStore {
  const t = context.tables;

  /** Gives an active reservation's units back; `consume` also takes them off the shelf. */
  const settle = (session: SqliteSession, id: string, status: Reservation['status'], at: Instant, consume: boolean): boolean => {
    const reservation = session.get<ReservationRow>(`SELECT ${RESERVATION_COLUMNS} FROM ${t.reservations} WHERE reservation_id = ? AND status = 'active'`, id);
    if (reservation === undefined) return false;
    session.run(`UPDATE ${t.reservations} SET status = ?, updated_at = ? WHERE reservation_id = ?`, status, at, id);
    session.run(
      `UPDATE ${t.stock} SET reserved = MAX(0, reserved - ?), on_hand = MAX(0, on_hand - ?), updated_at = ?
       WHERE warehouse_id = ? AND sku = ?`,
      reservation.quantity, consume ? reservation.quantity : 0, at, reservation.warehouse_id, reservation.sku,
    );
    return true;
  };

  return {
    async setStock(warehouseId: string, sku: string, onHand: number, at: Instant): Promise<StockLevel> {
      const issues: ValidationIssue[] = [];
      requireCount(onHand, ['onHand'], false, issues);
      if (issues.length > 0) throw new ValidationError('stock level', issues);
      return context.write('inventory.setStock', (session) => {
        session.run(
          `INSERT INTO ${t.stock} (warehouse_id, sku, on_hand, reserved, updated_at) VALUES (?, ?, ?, 0, ?)
           ON CONFLICT (warehouse_id, sku) DO UPDATE SET on_hand = excluded.on_hand, updated_at = excluded.updated_at`,
          warehouseId, sku, onHand, at,
        );
        return toLevel(session.get<StockRow>(`SELECT ${STOCK_COLUMNS} FROM ${t.stock} WHERE warehouse_id = ? AND sku = ?`, warehouseId, sku) as StockRow);
      });
    },

    getStock(warehouseId: string, sku: string): Promise<StockLevel | null> {
      return context.read('inventory.getStock', (session) => {
        const row = session.get<StockRow>(`SELECT ${STOCK_COLUMNS} FROM ${t.stock} WHERE warehouse_id = ? AND sku = ?`, warehouseId, sku);
        return row === undefined ? null : toLevel(row);
      });
    },

    async reserve(requests: readonly ReservationRequest[], at: Instant): Promise<ReserveResult> {
      const issues: ValidationIssue[] = [];
      requests.forEach((request, i) => requireCount(request.quantity, [i, 'quantity'], true, issues));
      if (issues.length > 0) throw new ValidationError('reservation requests', issues);
      if (requests.length === 0) return { ok: true, reservations: [] };
      return context.write('inventory.reserve', (session): ReserveResult => {
        const ids = [...new Set(requests.map((request) => request.reservationId))];
        const existing = new Set(
          session.all<{ reservation_id: string }>(`SELECT reservation_id FROM ${t.reservations} WHERE reservation_id IN (SELECT value FROM json_each(?))`, jsonList(ids)).map(
            (row) => row.reservation_id,
          ),
        );
        // Check everything before changing anything: all requests are reserved, or none.
        const demand = new Map<string, number>();
        const fresh = new Map<string, ReservationRequest>();
        for (const request of requests) {
          if (existing.has(request.reservationId) || fresh.has(request.reservationId)) continue;
          const key = stockKey(request.warehouseId, request.sku);
          const row = session.get<StockRow>(`SELECT ${STOCK_COLUMNS} FROM ${t.stock} WHERE warehouse_id = ? AND sku = ?`, request.warehouseId, request.sku);
          const available = row === undefined ? 0 : Math.max(0, row.on_hand - row.reserved);
          const wanted = demand.get(key) ?? 0;
          if (wanted + request.quantity > available) {
            return { ok: false, reason: 'INSUFFICIENT_STOCK', warehouseId: request.warehouseId, sku: request.sku, requested: request.quantity, available: available - wanted };
          }
          demand.set(key, wanted + request.quantity);
          fresh.set(request.reservationId, request);
        }
        for (const request of fresh.values()) {
          session.run(`UPDATE ${t.stock} SET reserved = reserved + ?, updated_at = ? WHERE warehouse_id = ? AND sku = ?`, request.quantity, at, request.warehouseId, request.sku);
          session.run(
            `INSERT INTO ${t.reservations} (reservation_id, order_id, line_id, warehouse_id, sku, quantity, expires_at, status, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
            request.reservationId, request.orderId, request.lineId, request.warehouseId, request.sku, request.quantity, request.expiresAt ?? null, at, at,
          );
        }
        const stored = session.all<ReservationRow>(`SELECT ${RESERVATION_COLUMNS} FROM ${t.reservations} WHERE reservation_id IN (SELECT value FROM json_each(?))`, jsonList(ids));
        const byId = new Map(stored.map((row) => [row.reservation_id, toReservation(row)]));
        return { ok: true, reservations: requests.map((request) => byId.get(request.reservationId) as Reservation) };
      });
    },

    release(reservationId: string, at: Instant): Promise<boolean> {
      return context.write('inventory.release', (session) => settle(session, reservationId, 'released', at, false));
    },

    commitReservation(reservationId: string, at: Instant): Promise<boolean> {
      return context.write('inventory.commitReservation', (session) => settle(session, reservationId, 'committed', at, true));
    },

    expireReservations(now: Instant, limit?: number): Promise<number> {
      return context.write('inventory.expireReservations', (session) => {
        const due = session.all<{ reservation_id: string }>(
          `SELECT reservation_id FROM ${t.reservations} WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at, seq LIMIT ?`,
          now, limitValue(limit),
        );
        let count = 0;
        for (const row of due) if (settle(session, row.reservation_id, 'expired', now, false)) count += 1;
        return count;
      });
    },

    listReservations(orderId: string): Promise<Reservation[]> {
      return context.read('inventory.listReservations', (session) =>
        session.all<ReservationRow>(`SELECT ${RESERVATION_COLUMNS} FROM ${t.reservations} WHERE order_id = ? ORDER BY seq`, orderId).map(toReservation),
      );
    },
  };
}
