// Orders on PostgreSQL: the unit-of-work commit (one statement per unit) and the reader.
import type { Instant } from '../../../clock/instant.js';
import { ConcurrencyError } from '../../../errors/concurrency-error.js';
import { isOrdoError } from '../../../errors/ordo-error.js';
import type { HistoryEntry, Order } from '../../../orders/order.js';
import type { IdempotencyRecord } from '../../../ports/idempotency-port.js';
import type { OutboxMessage } from '../../../ports/outbox-port.js';
import type { OrderReader, OrderWrite, UnitOfWork } from '../../../ports/storage-port.js';
import { customerOrdersLimit } from '../shared/customer-orders.js';
import { limitParam, type PgContext } from './postgres-driver.js';

interface OrderRow {
  data: Omit<Order<string>, 'history'>;
  history: HistoryEntry<string>[];
}

/**
 * Commits a unit of work in a single statement, so it is atomic without a client checkout. The
 * common unit (one order, its history, its events) is one plain statement whose inserts all hang
 * on the order write: a stale version writes nothing. Other units go through the stored commit
 * function, which checks several orders in sequence.
 */
export async function commitPostgres(context: PgContext, unit: UnitOfWork): Promise<void> {
  const writes = unit.orders ?? [];
  const outbox = unit.outbox ?? [];
  const idempotency = unit.idempotency ?? [];
  if (writes.length === 1) {
    await commitOneOrder(context, writes[0] as OrderWrite, outbox, idempotency);
    return;
  }
  const orders = writes.map((write) => {
    // The order's own `history` is not trusted: history grows only by `newHistory`.
    const { history: _history, ...order } = write.order;
    return { order, expectedVersion: write.expectedVersion, newHistory: write.newHistory };
  });
  try {
    await context.query(
      'commit',
      `SELECT ${context.tables.commitFunction}($1::json, $2::json, $3::json)`,
      [JSON.stringify(orders), JSON.stringify(outbox), JSON.stringify(idempotency)],
      'commit',
    );
  } catch (error) {
    throw toConcurrencyError(error) ?? error;
  }
}

/** The order without its `history` (kept in its own table), as JSON text. */
function orderData(order: Order<string>): string {
  const { history: _history, ...rest } = order;
  return JSON.stringify(rest);
}

async function commitOneOrder(
  context: PgContext,
  write: OrderWrite,
  outbox: readonly OutboxMessage[],
  idempotency: readonly IdempotencyRecord[],
): Promise<void> {
  const t = context.tables;
  const { order, expectedVersion } = write;
  // The order write first; every insert below reads from it, so nothing lands when it matched no row.
  const head =
    expectedVersion === null
      ? `w AS (
           INSERT INTO ${t.orders} (id, channel, channel_order_id, status, version, updated_at, customer_ref, created_at, data)
           VALUES ($1, $2, $3, $4, $5, $6, $14, $15, $7::json) ON CONFLICT DO NOTHING RETURNING id)`
      : `w AS (
           UPDATE ${t.orders} SET channel = $2, channel_order_id = $3, status = $4, version = $5, updated_at = $6, customer_ref = $14, created_at = $15, data = $7::json
           WHERE id = $1 AND version = $8 RETURNING id)`;
  // History, events and records travel as one JSON document each: cheaper to build than array literals.
  const text = `WITH ${head},
    h AS (
      INSERT INTO ${t.history} (order_id, version, event_id, entry)
      SELECT w.id, x.version, x.event_id, x.entry
      FROM w, ROWS FROM (json_array_elements($9::json), unnest($12::integer[]), unnest($13::text[])) WITH ORDINALITY AS x(entry, version, event_id, i)
      ORDER BY x.i),
    o AS (
      INSERT INTO ${t.outbox} (id, topic, key, payload, headers, created_at, available_at)
      SELECT m.id, m.topic, m.key, m.payload, m.headers, m."createdAt", m."createdAt"
      FROM w, ROWS FROM (json_to_recordset($10::json) AS (id text, topic text, key text, payload json, headers json, "createdAt" text))
        WITH ORDINALITY AS m(id, topic, key, payload, headers, "createdAt", i)
      ORDER BY m.i),
    k AS (
      INSERT INTO ${t.idempotency} (key, fingerprint, result, created_at)
      SELECT r.key, r.fingerprint, r.result::jsonb, r."createdAt"
      FROM w, json_to_recordset($11::json) AS r(key text, fingerprint text, result json, "createdAt" text))
    SELECT count(*)::integer AS n, $8::integer AS expected FROM w`;
  const result = await context.query(
    'commit',
    text,
    [
      order.id,
      order.channel,
      order.channelOrderId,
      order.status,
      order.version,
      order.updatedAt,
      orderData(order),
      expectedVersion ?? 0,
      JSON.stringify(write.newHistory),
      outbox.length === 0 ? '[]' : JSON.stringify(outbox),
      idempotency.length === 0 ? '[]' : JSON.stringify(idempotency),
      write.newHistory.map((entry) => entry.version),
      write.newHistory.map((entry) => entry.eventId),
      order.customerRef,
      order.createdAt,
    ],
    expectedVersion === null ? 'commit_insert' : 'commit_update',
  );
  if ((result.rows[0] as { n: number } | undefined)?.n === 1) return;
  const actual = await context.query('commit', `SELECT version FROM ${t.orders} WHERE id = $1`, [order.id]);
  const version = (actual.rows[0] as { version: number } | undefined)?.version ?? null;
  if (expectedVersion === null && version === null) {
    throw new ConcurrencyError({ entity: 'order', id: order.id, expectedVersion: null }, { details: { reason: 'channel order id already stored' } });
  }
  throw new ConcurrencyError({ entity: 'order', id: order.id, expectedVersion, actualVersion: version });
}

/** Turns the commit function's `ORD01` into the port's ConcurrencyError. */
function toConcurrencyError(error: unknown): ConcurrencyError | undefined {
  if (!isOrdoError(error)) return undefined;
  const cause = (error as { cause?: unknown }).cause as { code?: unknown; detail?: unknown } | undefined;
  if (cause?.code !== 'ORD01' || typeof cause.detail !== 'string') return undefined;
  const detail = JSON.parse(cause.detail) as { id: string; expected: number | null; actual: number | null; channelRef: boolean };
  return new ConcurrencyError(
    { entity: 'order', id: detail.id, expectedVersion: detail.expected, ...(detail.channelRef ? {} : { actualVersion: detail.actual }) },
    { cause: cause, ...(detail.channelRef ? { details: { reason: 'channel order id already stored' } } : {}) },
  );
}

/** Creates the order reader. */
export function createPostgresOrderReader(context: PgContext): OrderReader {
  const t = context.tables;
  const withHistory = `SELECT o.data, COALESCE((SELECT json_agg(h.entry ORDER BY h.seq) FROM ${t.history} h WHERE h.order_id = o.id), '[]'::json) AS history FROM ${t.orders} o`;
  const assemble = (row: OrderRow): Order<string> => ({ ...row.data, history: row.history }) as Order<string>;

  return {
    async get(id: string): Promise<Order<string> | null> {
      const result = await context.query('orders.get', `${withHistory} WHERE o.id = $1`, [id], 'orders_get');
      const row = result.rows[0] as OrderRow | undefined;
      return row === undefined ? null : assemble(row);
    },

    async findByChannelRef(channel: string, channelOrderId: string): Promise<Order<string> | null> {
      const result = await context.query('orders.findByChannelRef', `${withHistory} WHERE o.channel = $1 AND o.channel_order_id = $2`, [channel, channelOrderId]);
      const row = result.rows[0] as OrderRow | undefined;
      return row === undefined ? null : assemble(row);
    },

    async history(orderId: string): Promise<HistoryEntry<string>[]> {
      const result = await context.query('orders.history', `SELECT entry FROM ${t.history} WHERE order_id = $1 ORDER BY seq`, [orderId]);
      return (result.rows as { entry: HistoryEntry<string> }[]).map((row) => row.entry);
    },

    async listByStatus(status: string, options: { readonly limit?: number } = {}): Promise<Order<string>[]> {
      const result = await context.query('orders.listByStatus', `${withHistory} WHERE o.status = $1 ORDER BY o.updated_at, o.id LIMIT $2`, [
        status,
        limitParam(options.limit),
      ]);
      return (result.rows as OrderRow[]).map(assemble);
    },

    async listByCustomer(customerRef: string, options: { readonly since?: Instant; readonly limit?: number } = {}): Promise<Order<string>[]> {
      const limit = customerOrdersLimit(options.limit);
      // Every instant sorts after '', so no `since` is the whole range: one statement, one index scan backwards.
      const result = await context.query(
        'orders.listByCustomer',
        `${withHistory} WHERE o.customer_ref = $1 AND o.created_at >= $2 ORDER BY o.created_at DESC, o.id COLLATE "C" DESC LIMIT $3`,
        [customerRef, options.since ?? '', limit],
        'orders_list_by_customer',
      );
      return (result.rows as OrderRow[]).map(assemble);
    },
  };
}
