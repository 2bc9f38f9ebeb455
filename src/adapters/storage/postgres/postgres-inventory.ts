// PostgreSQL inventory: reservations in one call to a stored function that locks stock rows in a fixed
// order, so workers never oversell or deadlock. Writes are one-change units of work.
import type { Instant } from '../../../clock/instant.js';
import type { CapacityQuery, CapacityUsage, InventoryStore, Reservation, StockLevel, StockQuery } from '../../../ports/inventory-port.js';
import { byCapacityKey, byStockKey, capacityQuery, CAPACITY_COLUMNS, toCapacityUsage, type CapacityRow, RESERVATION_COLUMNS, stockQuery, toReservation, toStockLevel as toLevel, type ReservationRow, type StockRow } from '../shared/inventory-rows.js';
import { inventoryWrites } from '../shared/unit-conveniences.js';
import { commitPostgres } from './postgres-orders.js';
import { limitParam, type PgContext } from './postgres-driver.js';

/** Creates the inventory store. */
export function createPostgresInventory(context: PgContext): InventoryStore {
  const t = context.tables;
  return {
    ...inventoryWrites((unit, operation) => commitPostgres(context, unit, operation)),

    async getStock(warehouseId: string, sku: string): Promise<StockLevel | null> {
      const result = await context.query(
        'inventory.getStock',
        `SELECT warehouse_id, sku, on_hand, reserved, updated_at FROM ${t.stock} WHERE warehouse_id = $1 AND sku = $2`,
        [warehouseId, sku],
      );
      const row = result.rows[0] as StockRow | undefined;
      return row === undefined ? null : toLevel(row);
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

    async getStockLevels(query: StockQuery): Promise<StockLevel[]> {
      const { skus, warehouseIds } = stockQuery(query);
      if (skus.length === 0) return [];
      const result = await context.query(
        'inventory.getStockLevels',
        `SELECT warehouse_id, sku, on_hand, reserved, updated_at FROM ${t.stock}
         WHERE sku = ANY($1::text[]) AND ($2::text[] IS NULL OR warehouse_id = ANY($2::text[]))`,
        [skus, warehouseIds ?? null],
        'stock_levels',
      );
      return (result.rows as StockRow[]).map(toLevel).sort(byStockKey);
    },

    async getCapacityUsage(query: CapacityQuery): Promise<CapacityUsage[]> {
      const { dates, warehouseIds } = capacityQuery(query);
      if (dates.length === 0) return [];
      const result = await context.query(
        'inventory.getCapacityUsage',
        `SELECT ${CAPACITY_COLUMNS} FROM ${t.capacity}
         WHERE day = ANY($1::text[]) AND ($2::text[] IS NULL OR warehouse_id = ANY($2::text[])) AND (orders > 0 OR units > 0)`,
        [dates, warehouseIds ?? null],
        'capacity_usage',
      );
      return (result.rows as CapacityRow[]).map(toCapacityUsage).sort(byCapacityKey);
    },

    async getReservation(reservationId: string): Promise<Reservation | null> {
      const result = await context.query('inventory.getReservation', `SELECT ${RESERVATION_COLUMNS} FROM ${t.reservations} WHERE reservation_id = $1`, [reservationId]);
      const row = result.rows[0] as ReservationRow | undefined;
      return row === undefined ? null : toReservation(row);
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
