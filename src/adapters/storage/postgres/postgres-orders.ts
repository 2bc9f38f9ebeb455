// Orders on PostgreSQL: the unit-of-work commit (one statement per unit) and the reader.
import type { Instant } from '../../../clock/instant.js';
import { ConcurrencyError } from '../../../errors/concurrency-error.js';
import { isOrdoError } from '../../../errors/ordo-error.js';
import type { HistoryEntry, Order } from '../../../orders/order.js';
import type { IdempotencyRecord } from '../../../ports/idempotency-port.js';
import type { OutboxMessage } from '../../../ports/outbox-port.js';
import type { HistoryBetweenOptions, HistoryRecord, MeasureOptions, OrderMeasure, OrderReader, OrderWrite, Page, TransitionCount, UnitOfWork } from '../../../ports/storage-port.js';
import { customerOrdersLimit } from '../shared/customer-orders.js';
import { historyPage, historyQuery, measurePage, measureQuery, transitionBoundaries } from '../shared/metric-reads.js';
import { isStorageError, recordedEventError, StorageError } from '../../../errors/storage-error.js';
import { corePart, noResults, planUnit, type UnitPlan, type UnitResults } from '../shared/unit-plan.js';
import { applyPostgresPlan, type PgRun } from './postgres-changes.js';
import { limitParam, type PgContext, type PgTables } from './postgres-driver.js';
import { quoteCode } from '../../../errors/mask.js';

interface OrderRow {
  data: Omit<Order<string>, 'history'>;
  history: HistoryEntry<string>[];
}

/**
 * Commits a unit of work; answers what each inventory, task, customer and quarantine change
 * returned, for the stores' convenience methods. Its shape is checked first. Then:
 * - orders, outbox and idempotency only: one statement, so atomic without a client checkout. The
 *   common unit (one order, its history, its events) is one plain statement whose inserts all
 *   hang on the order write; others go through the stored commit function.
 * - one other change alone: its one statement on the pool.
 * - anything more: one transaction on one client (the order part through the commit function,
 *   then each change's statement), rolled back whole when any part fails.
 */
export async function commitPostgres(context: PgContext, unit: UnitOfWork, operation = 'commit'): Promise<UnitResults> {
  const plan = planUnit(unit, MAX_INT4);
  try {
    return await commitPlanned(context, unit, plan, operation);
  } catch (error) {
    throw (await locateDuplicateEvent(context, error, unit.orders ?? [])) ?? (await locateDuplicate(context, error, unit.outbox ?? [], unit.idempotency ?? []));
  }
}

/**
 * A unique violation of (order, event id) in the history: after the rollback, one read finds the
 * first write whose new history repeats an event its order recorded, so the error names it.
 */
async function locateDuplicateEvent(context: PgContext, error: unknown, writes: readonly OrderWrite[]): Promise<StorageError | undefined> {
  const cause = driverError(error);
  if (cause?.code !== '23505' || typeof cause.constraint !== 'string' || !/order_history/.test(cause.constraint)) return undefined;
  const original = isOrdoError(error) ? (error as { cause?: unknown }).cause : error;
  for (const [index, write] of writes.entries()) {
    const ids = write.newHistory.map((entry) => entry.eventId);
    // A unit may repeat an event id within one write: that is the duplicate, no read needed.
    const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
    if (repeated !== undefined) return recordedEventError(corePart('orders', index), write.order.id, repeated, original);
    try {
      const found = await context.query('commit', `SELECT event_id FROM ${context.tables.history} WHERE order_id = $1 AND event_id = ANY($2::text[]) LIMIT 1`, [write.order.id, ids]);
      const eventId = (found.rows[0] as { event_id: string } | undefined)?.event_id;
      if (eventId !== undefined) return recordedEventError(corePart('orders', index), write.order.id, eventId, original);
    } catch {
      // The lookup only names the event; the duplicate is reported either way.
      return recordedEventError(corePart('orders', index), write.order.id, undefined, original);
    }
  }
  return recordedEventError(corePart('orders', 0), writes[0]?.order.id ?? '', undefined, original);
}

async function commitPlanned(context: PgContext, unit: UnitOfWork, plan: UnitPlan, operation: string): Promise<UnitResults> {
  const writes = unit.orders ?? [];
  const outbox = unit.outbox ?? [];
  const idempotency = unit.idempotency ?? [];
  const core = writes.length + outbox.length + idempotency.length > 0;
  const t = context.tables;
  if (plan.size === 0) {
    if (writes.length === 1) {
      await commitOneOrder(context, writes[0] as OrderWrite, outbox, idempotency);
    } else if (core) await commitThroughFunction((text, values, name) => context.query(operation, text, values, name), t, writes, outbox, idempotency);
    return noResults();
  }
  if (!core && plan.size === 1) return applyPostgresPlan((text, values, name) => context.query(operation, text, values, name), t, plan);
  return context.transaction(operation, async (run) => {
    if (core) await commitThroughFunction(run, t, writes, outbox, idempotency);
    return applyPostgresPlan(run, t, plan);
  });
}

/**
 * A unique violation of the outbox or idempotency table names its part: the first id the unit
 * repeats, else (one read after the rollback) the first one already stored. The database names
 * only the constraint; its detail quotes the value, which stays masked.
 */
async function locateDuplicate(context: PgContext, error: unknown, outbox: readonly OutboxMessage[], idempotency: readonly IdempotencyRecord[]): Promise<unknown> {
  const constraint = driverError(error)?.constraint;
  if (!isStorageError(error) || error.code !== 'DUPLICATE_KEY' || error.part !== undefined || typeof constraint !== 'string') return error;
  const store = /outbox/.test(constraint) ? 'outbox' : /idempotency/.test(constraint) ? 'idempotency' : undefined;
  if (store === undefined) return error;
  const ids = store === 'outbox' ? outbox.map((message) => message.id) : idempotency.map((record) => record.key);
  let index = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (index < 0) {
    try {
      const found = await context.query(
        'commit',
        store === 'outbox' ? `SELECT id FROM ${context.tables.outbox} WHERE id = ANY($1::text[])` : `SELECT key AS id FROM ${context.tables.idempotency} WHERE key = ANY($1::text[])`,
        [ids],
      );
      const stored = new Set((found.rows as { id: string }[]).map((row) => row.id));
      index = ids.findIndex((id) => stored.has(id));
    } catch {
      // The lookup only names the part; the commit's own error is the one to report.
      return error;
    }
  }
  if (index < 0) return error;
  const what = store === 'outbox' ? `outbox message id ${quoteCode(ids[index] as string)}` : `idempotency key ${quoteCode(ids[index] as string)}`;
  return new StorageError(
    'DUPLICATE_KEY',
    {
      operation: error.operation,
      part: corePart(store, index),
      message: `${what} already exists`,
      hint: store === 'outbox' ? 'give every outbox message a new id' : 'read the stored record with idempotency.get(key) and answer the repeat with its result',
    },
    { cause: error.cause },
  );
}

/** PostgreSQL's `integer` columns hold at most this. */
const MAX_INT4 = 2_147_483_647;

/** Orders, outbox and idempotency through the stored commit function: one statement, checked in sequence. */
async function commitThroughFunction(
  run: PgRun,
  t: PgTables,
  writes: readonly OrderWrite[],
  outbox: readonly OutboxMessage[],
  idempotency: readonly IdempotencyRecord[],
): Promise<void> {
  const orders = writes.map((write) => {
    // The order's own `history` is not trusted: history grows only by `newHistory`.
    const { history: _history, ...order } = write.order;
    return { order, expectedVersion: write.expectedVersion, newHistory: write.newHistory };
  });
  try {
    await run(`SELECT ${t.commitFunction}($1::json, $2::json, $3::json)`, [JSON.stringify(orders), JSON.stringify(outbox), JSON.stringify(idempotency)], 'commit');
  } catch (error) {
    throw toConcurrencyError(error, writes) ?? error;
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
      SELECT m.id, m.topic, m.key, COALESCE(m.payload, 'null'::json), m.headers, m."createdAt", m."createdAt"
      FROM w, ROWS FROM (json_to_recordset($10::json) AS (id text, topic text, key text, payload json, headers json, "createdAt" text))
        WITH ORDINALITY AS m(id, topic, key, payload, headers, "createdAt", i)
      ORDER BY m.i),
    k AS (
      INSERT INTO ${t.idempotency} (key, fingerprint, result, created_at)
      SELECT r.key, r.fingerprint, COALESCE(r.result::jsonb, 'null'::jsonb), r."createdAt"
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
  const part = corePart('orders', 0);
  if (expectedVersion === null && version === null) {
    throw new ConcurrencyError({ entity: 'order', id: order.id, expectedVersion: null, part }, { details: { reason: 'channel order id already stored' } });
  }
  throw new ConcurrencyError({ entity: 'order', id: order.id, expectedVersion, actualVersion: version, part });
}

/** The driver error behind an error, whether the pool path wrapped it (as `cause`) or not. */
function driverError(error: unknown): { code?: unknown; detail?: unknown; constraint?: unknown } | undefined {
  const wrapped = isOrdoError(error) ? (error as { cause?: unknown }).cause : error;
  return typeof wrapped === 'object' && wrapped !== null ? (wrapped as { code?: unknown; detail?: unknown; constraint?: unknown }) : undefined;
}

/** Turns the commit function's `ORD01` into the port's ConcurrencyError, naming the order write. */
function toConcurrencyError(error: unknown, writes: readonly OrderWrite[]): ConcurrencyError | undefined {
  const cause = driverError(error);
  if (cause?.code !== 'ORD01' || typeof cause.detail !== 'string') return undefined;
  const detail = JSON.parse(cause.detail) as { id: string; expected: number | null; actual: number | null; channelRef: boolean };
  // The function stops at the first stale write: the first write of that order expecting that version.
  const index = writes.findIndex((write) => write.order.id === detail.id && write.expectedVersion === detail.expected);
  const part = index < 0 ? {} : { part: corePart('orders', index) };
  return new ConcurrencyError(
    { entity: 'order', id: detail.id, expectedVersion: detail.expected, ...(detail.channelRef ? {} : { actualVersion: detail.actual }), ...part },
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

    async countByStatus(): Promise<Record<string, number>> {
      const result = await context.query('orders.countByStatus', `SELECT status, count(*)::int AS n FROM ${t.orders} GROUP BY status`, [], 'orders_count_by_status');
      return Object.fromEntries((result.rows as { status: string; n: number }[]).map((row) => [row.status, Number(row.n)]));
    },

    async measure(options?: MeasureOptions): Promise<Page<OrderMeasure>> {
      const q = measureQuery(options);
      const columns = `id, status, updated_at AS "updatedAt", status_entered_at AS entered`;
      // One lower bound per statement, so the index scan starts at it: the window's start on the
      // first page, the previous page's last row after (which lies past the start already).
      const first = q.afterUpdatedAt === '' && q.afterId === '';
      const bound = first ? 'updated_at > $1' : '(updated_at, id) > ($1, $2)';
      const values = first ? [q.updatedAfter, q.limit + 1] : [q.afterUpdatedAt, q.afterId, q.limit + 1];
      const limit = `$${values.length}`;
      const status = q.status === undefined ? '' : `status = $${values.length + 1} AND `;
      const result = await context.query(
        'orders.measure',
        `SELECT ${columns} FROM ${t.orders} WHERE ${status}${bound} ORDER BY updated_at, id LIMIT ${limit}`,
        q.status === undefined ? values : [...values, q.status],
        `orders_measure_${first ? 'first' : 'next'}${q.status === undefined ? '' : '_status'}`,
      );
      const rows = result.rows as { id: string; status: string; updatedAt: Instant; entered: OrderMeasure['statusEnteredAt'] | null }[];
      return measurePage(rows.map((row) => ({ id: row.id, status: row.status, updatedAt: row.updatedAt, statusEnteredAt: row.entered ?? {} })), q.limit);
    },

    async historyBetween(options: HistoryBetweenOptions): Promise<Page<HistoryRecord>> {
      const q = historyQuery(options);
      const first = q.afterAt === '' && q.afterOrderId === '';
      const result = await context.query(
        'orders.historyBetween',
        first
          ? `SELECT order_id AS "orderId", entry FROM ${t.history} WHERE entered_at > $1 AND entered_at <= $2 ORDER BY entered_at, order_id, version LIMIT $3`
          : `SELECT order_id AS "orderId", entry FROM ${t.history} WHERE (entered_at, order_id, version) > ($1, $2, $3) AND entered_at <= $4 ORDER BY entered_at, order_id, version LIMIT $5`,
        first ? [q.from, q.to, q.limit + 1] : [q.afterAt, q.afterOrderId, q.afterVersion, q.to, q.limit + 1],
        first ? 'orders_history_between_first' : 'orders_history_between_next',
      );
      return historyPage(result.rows as HistoryRecord[], q.limit);
    },

    async countTransitions(options: { readonly boundaries: readonly Instant[] }): Promise<TransitionCount[]> {
      const boundaries = transitionBoundaries(options);
      // The interval is how many boundaries lie before the instant: (b[k-1], b[k]] is k. An
      // index-only scan: the instant and the status entered are both in the index.
      const result = await context.query(
        'orders.countTransitions',
        `SELECT (SELECT count(*) FROM unnest($1::text[]) AS b(at) WHERE b.at < h.entered_at)::int AS bucket, h.to_status AS status, count(*)::int AS count
           FROM ${t.history} h WHERE h.entered_at > $2 AND h.entered_at <= $3 GROUP BY 1, 2`,
        [boundaries, boundaries[0], boundaries.at(-1)],
        'orders_count_transitions',
      );
      return (result.rows as { bucket: number; status: string; count: number }[])
        .map((row) => ({ bucket: Number(row.bucket), status: row.status, count: Number(row.count) }))
        .sort((a, b) => a.bucket - b.bucket || (a.status < b.status ? -1 : 1));
    },
  };
}
