// PostgreSQL inventory: stock rows locked in a fixed order, so concurrent reservations never oversell or deadlock.
import type { Instant } from '../../../clock/instant.js';
import { ValidationError, type ValidationIssue } from '../../../errors/validation-error.js';
import type { InventoryStore, Reservation, ReservationRequest, ReserveResult, StockLevel } from '../../../ports/inventory-port.js';
import { limitParam, type PgContext } from './postgres-driver.js';

interface StockRow {
  warehouse_id: string;
  sku: string;
  on_hand: number;
  reserved: number;
  updated_at: Instant;
}

interface ReservationRow {
  reservation_id: string;
  order_id: string;
  line_id: string;
  warehouse_id: string;
  sku: string;
  quantity: number;
  expires_at: Instant | null;
  status: Reservation['status'];
  created_at: Instant;
  updated_at: Instant;
}

const RESERVATION_COLUMNS = 'reservation_id, order_id, line_id, warehouse_id, sku, quantity, expires_at, status, created_at, updated_at';

function toLevel(row: StockRow): StockLevel {
  return {
    warehouseId: row.warehouse_id,
    sku: row.sku,
    onHand: row.on_hand,
    reserved: row.reserved,
    // A recount below what is reserved leaves nothing to sell, not a negative amount.
    available: Math.max(0, row.on_hand - row.reserved),
    updatedAt: row.updated_at,
  };
}

function toReservation(row: ReservationRow): Reservation {
  return {
    reservationId: row.reservation_id,
    orderId: row.order_id,
    lineId: row.line_id,
    warehouseId: row.warehouse_id,
    sku: row.sku,
    quantity: row.quantity,
    ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }),
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Collects count issues; shared by setStock and reserve. */
export function requireCount(value: number, path: readonly (string | number)[], positive: boolean, issues: ValidationIssue[]): void {
  if (!Number.isSafeInteger(value) || value < (positive ? 1 : 0) || value > 2_147_483_647) {
    issues.push({
      code: 'invalid_quantity',
      path,
      message: `Expected ${positive ? 'a positive' : 'a non-negative'} integer, got ${String(value)}`,
    });
  }
}

const stockKey = (warehouseId: string, sku: string): string => `${warehouseId}\u0000${sku}`;

/** Thrown inside the reserve transaction when a concurrent reserve took one of our ids: retry. */
class ReservationRace extends Error {}

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

  const reserveOnce = (requests: readonly ReservationRequest[], at: Instant): Promise<ReserveResult> =>
    context.transaction('inventory.reserve', async (query) => {
      const ids = [...new Set(requests.map((request) => request.reservationId))];
      const existing = new Set(
        ((await query(`SELECT reservation_id FROM ${t.reservations} WHERE reservation_id = ANY($1::text[])`, [ids])).rows as { reservation_id: string }[]).map(
          (row) => row.reservation_id,
        ),
      );
      const fresh = new Map<string, ReservationRequest>();
      for (const request of requests) {
        if (!existing.has(request.reservationId) && !fresh.has(request.reservationId)) fresh.set(request.reservationId, request);
      }
      if (fresh.size > 0) {
        // Lock every stock row involved in one sorted statement: workers that want the same SKUs
        // queue on the first shared row instead of deadlocking.
        const keys = [...new Map([...fresh.values()].map((r) => [stockKey(r.warehouseId, r.sku), r])).values()];
        const rows = (
          await query(
            `SELECT warehouse_id, sku, on_hand, reserved, updated_at FROM ${t.stock} st
             WHERE (st.warehouse_id, st.sku) IN (SELECT * FROM unnest($1::text[], $2::text[]))
             ORDER BY warehouse_id, sku FOR UPDATE`,
            [keys.map((r) => r.warehouseId), keys.map((r) => r.sku)],
            'stock_lock',
          )
        ).rows as StockRow[];
        const stock = new Map(rows.map((row) => [stockKey(row.warehouse_id, row.sku), row]));
        // The same check as the memory adapter, in request order, on the locked rows.
        const demand = new Map<string, number>();
        for (const request of fresh.values()) {
          const key = stockKey(request.warehouseId, request.sku);
          const row = stock.get(key);
          const available = row === undefined ? 0 : Math.max(0, row.on_hand - row.reserved);
          const wanted = demand.get(key) ?? 0;
          if (wanted + request.quantity > available) {
            return {
              ok: false,
              reason: 'INSUFFICIENT_STOCK',
              warehouseId: request.warehouseId,
              sku: request.sku,
              requested: request.quantity,
              available: available - wanted,
            } as const;
          }
          demand.set(key, wanted + request.quantity);
        }
        const list = [...fresh.values()];
        const inserted = await query(
          `INSERT INTO ${t.reservations} (reservation_id, order_id, line_id, warehouse_id, sku, quantity, expires_at, status, created_at, updated_at)
           SELECT r.a, r.b, r.c, r.d, r.e, r.f, r.g, 'active', $8, $8 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[]) WITH ORDINALITY AS r(a, b, c, d, e, f, g, i)
           ORDER BY r.i
           ON CONFLICT (reservation_id) DO NOTHING`,
          [
            list.map((r) => r.reservationId),
            list.map((r) => r.orderId),
            list.map((r) => r.lineId),
            list.map((r) => r.warehouseId),
            list.map((r) => r.sku),
            list.map((r) => r.quantity),
            list.map((r) => r.expiresAt ?? null),
            at,
          ],
          'reservation_insert',
        );
        if ((inserted.rowCount ?? 0) !== list.length) throw new ReservationRace();
        const totals = [...demand.entries()].map(([key, quantity]) => ({ row: stock.get(key) as StockRow, quantity }));
        await query(
          `UPDATE ${t.stock} st SET reserved = st.reserved + d.q, updated_at = $4
           FROM unnest($1::text[], $2::text[], $3::integer[]) AS d(w, s, q) WHERE st.warehouse_id = d.w AND st.sku = d.s`,
          [totals.map((x) => x.row.warehouse_id), totals.map((x) => x.row.sku), totals.map((x) => x.quantity), at],
          'stock_reserve',
        );
      }
      const stored = (await query(`SELECT ${RESERVATION_COLUMNS} FROM ${t.reservations} WHERE reservation_id = ANY($1::text[])`, [ids])).rows as ReservationRow[];
      const byId = new Map(stored.map((row) => [row.reservation_id, toReservation(row)]));
      return { ok: true, reservations: requests.map((request) => byId.get(request.reservationId) as Reservation) } as const;
    });

  return {
    async setStock(warehouseId: string, sku: string, onHand: number, at: Instant): Promise<StockLevel> {
      const issues: ValidationIssue[] = [];
      requireCount(onHand, ['onHand'], false, issues);
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
      requests.forEach((request, i) => requireCount(request.quantity, [i, 'quantity'], true, issues));
      if (issues.length > 0) throw new ValidationError('reservation requests', issues);
      if (requests.length === 0) return { ok: true, reservations: [] };
      // A concurrent reserve with one of the same reservation ids won the insert: run again and
      // find it existing (a no-op for that id), as the port promises.
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await reserveOnce(requests, at);
        } catch (error) {
          const race = error instanceof ReservationRace || (error as { cause?: unknown } | null)?.cause instanceof ReservationRace;
          if (!race || attempt >= 5) throw error;
        }
      }
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
