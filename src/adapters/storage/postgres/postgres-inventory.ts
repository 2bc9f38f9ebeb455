// PostgreSQL inventory: reservations in one call to a stored function that locks stock rows in a fixed order, so workers never oversell or deadlock.
import type { Instant } from '../../../clock/instant.js';
import { ValidationError, type ValidationIssue } from '../../../errors/validation-error.js';
import type { InventoryStore, Reservation, ReservationRequest, ReserveResult, StockLevel } from '../../../ports/inventory-port.js';
import { RESERVATION_COLUMNS, requireCount, toReservation, toStockLevel as toLevel, type ReservationRow, type StockRow } from '../shared/inventory-rows.js';
import { limitParam, type PgContext } from './postgres-driver.js';

/** PostgreSQL's `integer` columns hold at most this. */
const MAX_INT4 = 2_147_483_647;

/** Creates the inventory store. */
export function createPostgresInventory(context: PgContext): InventoryStore {
  const t = context.tables;

  const settle = async (operation: string, id: string, status: Reservation['status'], at: Instant, consume: boolean): Promise<boolean> => {
    const result = await context.query(
      operation,
      `WITH r AS (
         UPDATE ${t.reservations} SET status = $2, updated_at = $3 WHERE reservation_id = $1 AND status = 'active'
         RETURNING warehouse_id, sku, quantity),
       s AS (
         UPDATE ${t.stock} st SET reserved = GREATEST(0, st.reserved - r.quantity),
           on_hand = CASE WHEN $4 THEN GREATEST(0, st.on_hand - r.quantity) ELSE st.on_hand END, updated_at = $3
         FROM r WHERE st.warehouse_id = r.warehouse_id AND st.sku = r.sku RETURNING 1)
       SELECT (SELECT count(*) FROM r)::integer AS n, (SELECT count(*) FROM s)::integer AS m`,
      [id, status, at, consume],
    );
    return ((result.rows[0] as { n: number } | undefined)?.n ?? 0) > 0;
  };

  /** One call to the stored reservation function; a shortfall comes back as its ORD02 error. */
  const reserveAll = async (requests: readonly ReservationRequest[], at: Instant): Promise<ReserveResult> => {
    let rows: ReservationRow[];
    try {
      const payload = requests.map((r) => ({
        reservationId: r.reservationId,
        orderId: r.orderId,
        lineId: r.lineId,
        warehouseId: r.warehouseId,
        sku: r.sku,
        quantity: r.quantity,
        expiresAt: r.expiresAt ?? null,
      }));
      const result = await context.query(
        'inventory.reserve',
        `SELECT ${RESERVATION_COLUMNS} FROM ${t.reserveFunction}($1::json, $2)`,
        [JSON.stringify(payload), at],
        'reserve',
      );
      rows = result.rows as ReservationRow[];
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown; detail?: unknown } } | null)?.cause;
      if (cause?.code !== 'ORD02' || typeof cause.detail !== 'string') throw error;
      const detail = JSON.parse(cause.detail) as { warehouseId: string; sku: string; requested: number; available: number };
      return { ok: false, reason: 'INSUFFICIENT_STOCK', ...detail };
    }
    const byId = new Map(rows.map((row) => [row.reservation_id, toReservation(row)]));
    return { ok: true, reservations: requests.map((request) => byId.get(request.reservationId) as Reservation) };
  };

  return {
    async setStock(warehouseId: string, sku: string, onHand: number, at: Instant): Promise<StockLevel> {
      const issues: ValidationIssue[] = [];
      requireCount(onHand, ['onHand'], false, issues, MAX_INT4);
      if (issues.length > 0) throw new ValidationError('stock level', issues);
      const result = await context.query(
        'inventory.setStock',
        `INSERT INTO ${t.stock} (warehouse_id, sku, on_hand, reserved, updated_at) VALUES ($1, $2, $3, 0, $4)
         ON CONFLICT (warehouse_id, sku) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = EXCLUDED.updated_at
         RETURNING warehouse_id, sku, on_hand, reserved, updated_at`,
        [warehouseId, sku, onHand, at],
      );
      return toLevel(result.rows[0] as StockRow);
    },

    async getStock(warehouseId: string, sku: string): Promise<StockLevel | null> {
      const result = await context.query(
        'inventory.getStock',
        `SELECT warehouse_id, sku, on_hand, reserved, updated_at FROM ${t.stock} WHERE warehouse_id = $1 AND sku = $2`,
        [warehouseId, sku],
      );
      const row = result.rows[0] as StockRow | undefined;
      return row === undefined ? null : toLevel(row);
    },

    async reserve(requests: readonly ReservationRequest[], at: Instant): Promise<ReserveResult> {
      const issues: ValidationIssue[] = [];
      requests.forEach((request, i) => requireCount(request.quantity, [i, 'quantity'], true, issues, MAX_INT4));
      if (issues.length > 0) throw new ValidationError('reservation requests', issues);
      if (requests.length === 0) return { ok: true, reservations: [] };
      return reserveAll(requests, at);
    },

    release(reservationId: string, at: Instant): Promise<boolean> {
      return settle('inventory.release', reservationId, 'released', at, false);
    },

    commitReservation(reservationId: string, at: Instant): Promise<boolean> {
      return settle('inventory.commitReservation', reservationId, 'committed', at, true);
    },

    async expireReservations(now: Instant, limit?: number): Promise<number> {
      const result = await context.query(
        'inventory.expireReservations',
        `WITH due AS (
           SELECT reservation_id FROM ${t.reservations}
           WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= $1
           ORDER BY expires_at, seq LIMIT $2 FOR UPDATE SKIP LOCKED),
         r AS (
           UPDATE ${t.reservations} SET status = 'expired', updated_at = $1
           WHERE reservation_id IN (SELECT reservation_id FROM due) AND status = 'active'
           RETURNING warehouse_id, sku, quantity),
         totals AS (SELECT warehouse_id, sku, sum(quantity)::integer AS q FROM r GROUP BY warehouse_id, sku),
         s AS (
           UPDATE ${t.stock} st SET reserved = GREATEST(0, st.reserved - totals.q), updated_at = $1
           FROM totals WHERE st.warehouse_id = totals.warehouse_id AND st.sku = totals.sku RETURNING 1)
         SELECT (SELECT count(*) FROM r)::integer AS n, (SELECT count(*) FROM s)::integer AS m`,
        [now, limitParam(limit)],
      );
      return (result.rows[0] as { n: number } | undefined)?.n ?? 0;
    },

    async listReservations(orderId: string): Promise<Reservation[]> {
      const result = await context.query(
        'inventory.listReservations',
        `SELECT ${RESERVATION_COLUMNS} FROM ${t.reservations} WHERE order_id = $1 ORDER BY seq`,
        [orderId],
      );
      return (result.rows as ReservationRow[]).map(toReservation);
    },
  };
}
