// Orders on SQLite: the unit-of-work commit in one write transaction, and the reader.
import type { Instant } from '../../../clock/instant.js';
import { ConcurrencyError } from '../../../errors/concurrency-error.js';
import { isStorageError, recordedEventError, StorageError } from '../../../errors/storage-error.js';
import type { UnitPart } from '../../../errors/unit-error.js';
import { corePart, planUnit, type UnitPlan, type UnitResults } from '../shared/unit-plan.js';
import { applySqlitePlan } from './sqlite-changes.js';
import { wrapSqliteError } from './sqlite-errors.js';
import type { HistoryEntry, Order } from '../../../orders/order.js';
import type { HistoryBetweenOptions, HistoryRecord, MeasureOptions, OrderMeasure, OrderReader, Page, TransitionCount, UnitOfWork } from '../../../ports/storage-port.js';
import { customerOrdersLimit } from '../shared/customer-orders.js';
import { bucketOf, historyPage, historyQuery, measurePage, measureQuery, transitionBoundaries } from '../shared/metric-reads.js';
import { limitValue, type SqliteContext } from './sqlite-driver.js';
import { quoteCode } from '../../../errors/mask.js';

interface OrderRow {
  id: string;
  data: string;
}

interface MeasureRow {
  id: string;
  status: string;
  updatedAt: string;
  entered: string | null;
}

/** Rethrows a unique-key violation of one insert as `DUPLICATE_KEY` naming the unit's part. */
function duplicateIn(part: UnitPart, what: string, error: unknown): unknown {
  const wrapped = wrapSqliteError(error, 'commit', 0);
  if (!isStorageError(wrapped) || wrapped.code !== 'DUPLICATE_KEY') return wrapped;
  return new StorageError('DUPLICATE_KEY', { operation: 'commit', part, message: `${what} already exists`, hint: 'use a new id or key; read the existing record for a repeat' }, { cause: wrapped.cause });
}

/**
 * Commits a unit of work: its shape checked first, then every part checked and applied in one
 * write transaction, or none. Answers what each inventory, task, customer and quarantine change
 * returned, for the stores' convenience methods.
 */
export function commitSqlite(context: SqliteContext, unit: UnitOfWork, operation = 'commit'): Promise<UnitResults> {
  const t = context.tables;
  let plan: UnitPlan;
  try {
    plan = planUnit(unit);
  } catch (error) {
    return Promise.reject(error);
  }
  // Serialised before the transaction: a value JSON cannot hold fails the unit before any write.
  const writes = (unit.orders ?? []).map((write) => {
    const { history: _history, ...order } = write.order;
    return { order, data: JSON.stringify(order), expectedVersion: write.expectedVersion, history: write.newHistory.map((entry) => [entry, JSON.stringify(entry)] as const) };
  });
  const outbox = (unit.outbox ?? []).map((message) => ({
    message,
    payload: JSON.stringify(message.payload),
    headers: message.headers === undefined ? null : JSON.stringify(message.headers),
  }));
  const records = (unit.idempotency ?? []).map((record) => ({ record, result: JSON.stringify(record.result) }));

  return context.write(operation, (session) => {
    for (const [index, { order, data, expectedVersion, history }] of writes.entries()) {
      const part = corePart('orders', index);
      if (expectedVersion === null) {
        const inserted = session.run(
          `INSERT INTO ${t.orders} (id, channel, channel_order_id, status, version, updated_at, customer_ref, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          order.id, order.channel, order.channelOrderId, order.status, order.version, order.updatedAt, order.customerRef, order.createdAt, data,
        );
        if (inserted === 0) {
          const actual = session.get<{ version: number }>(`SELECT version FROM ${t.orders} WHERE id = ?`, order.id);
          throw actual === undefined
            ? new ConcurrencyError({ entity: 'order', id: order.id, expectedVersion: null, part }, { details: { reason: 'channel order id already stored' } })
            : new ConcurrencyError({ entity: 'order', id: order.id, expectedVersion: null, actualVersion: actual.version, part });
        }
      } else {
        const updated = session.run(
          `UPDATE ${t.orders} SET channel = ?, channel_order_id = ?, status = ?, version = ?, updated_at = ?, customer_ref = ?, created_at = ?, data = ? WHERE id = ? AND version = ?`,
          order.channel, order.channelOrderId, order.status, order.version, order.updatedAt, order.customerRef, order.createdAt, data, order.id, expectedVersion,
        );
        if (updated === 0) {
          const actual = session.get<{ version: number }>(`SELECT version FROM ${t.orders} WHERE id = ?`, order.id);
          throw new ConcurrencyError({ entity: 'order', id: order.id, expectedVersion, actualVersion: actual?.version ?? null, part });
        }
      }
      for (const [entry, json] of history) {
        try {
          session.run(`INSERT INTO ${t.history} (order_id, version, event_id, entry) VALUES (?, ?, ?, ?)`, order.id, entry.version, entry.eventId, json);
        } catch (error) {
          // The unique (order, event id) index: this order recorded the event already.
          const wrapped = wrapSqliteError(error, 'commit', 0);
          throw isStorageError(wrapped) && wrapped.code === 'DUPLICATE_KEY' ? recordedEventError(part, order.id, entry.eventId, wrapped.cause) : wrapped;
        }
      }
    }
    for (const [index, { message, payload, headers }] of outbox.entries()) {
      try {
        session.run(
          `INSERT INTO ${t.outbox} (id, topic, key, payload, headers, created_at, available_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          message.id, message.topic, message.key, payload, headers, message.createdAt, message.createdAt,
        );
      } catch (error) {
        throw duplicateIn(corePart('outbox', index), `outbox message id ${quoteCode(message.id)}`, error);
      }
    }
    for (const [index, { record, result }] of records.entries()) {
      try {
        session.run(`INSERT INTO ${t.idempotency} (key, fingerprint, result, created_at) VALUES (?, ?, ?, ?)`, record.key, record.fingerprint, result, record.createdAt);
      } catch (error) {
        throw duplicateIn(corePart('idempotency', index), `idempotency key ${quoteCode(record.key)}`, error);
      }
    }
    return applySqlitePlan(session, t, plan);
  });
}

/** Creates the order reader. */
export function createSqliteOrderReader(context: SqliteContext): OrderReader {
  const t = context.tables;
  type All = <T>(sql: string, ...params: string[]) => T[];
  const historyOf = (all: All, orderId: string): HistoryEntry<string>[] =>
    all<{ entry: string }>(`SELECT entry FROM ${t.history} WHERE order_id = ? ORDER BY seq`, orderId).map((row) => JSON.parse(row.entry) as HistoryEntry<string>);
  /** The stored order joined with its history. */
  const assemble = (all: All, row: OrderRow): Order<string> => ({ ...JSON.parse(row.data), history: historyOf(all, row.id) }) as Order<string>;

  return {
    get(id: string): Promise<Order<string> | null> {
      return context.read('orders.get', (session) => {
        const row = session.get<OrderRow>(`SELECT id, data FROM ${t.orders} WHERE id = ?`, id);
        return row === undefined ? null : assemble(session.all, row);
      });
    },

    findByChannelRef(channel: string, channelOrderId: string): Promise<Order<string> | null> {
      return context.read('orders.findByChannelRef', (session) => {
        const row = session.get<OrderRow>(`SELECT id, data FROM ${t.orders} WHERE channel = ? AND channel_order_id = ?`, channel, channelOrderId);
        return row === undefined ? null : assemble(session.all, row);
      });
    },

    history(orderId: string): Promise<HistoryEntry<string>[]> {
      return context.read('orders.history', (session) => historyOf(session.all, orderId));
    },

    listByStatus(status: string, options: { readonly limit?: number } = {}): Promise<Order<string>[]> {
      return context.read('orders.listByStatus', (session) =>
        session
          .all<OrderRow>(`SELECT id, data FROM ${t.orders} WHERE status = ? ORDER BY updated_at, id LIMIT ?`, status, limitValue(options.limit))
          .map((row) => assemble(session.all, row)),
      );
    },

    async listByCustomer(customerRef: string, options: { readonly since?: Instant; readonly limit?: number } = {}): Promise<Order<string>[]> {
      const limit = customerOrdersLimit(options.limit);
      // Every instant sorts after '', so no `since` is the whole range; one statement, one index.
      return context.read('orders.listByCustomer', (session) =>
        session
          .all<OrderRow>(
            `SELECT id, data FROM ${t.orders} WHERE customer_ref = ? AND created_at >= ? ORDER BY created_at DESC, id DESC LIMIT ?`,
            customerRef, options.since ?? '', limit,
          )
          .map((row) => assemble(session.all, row)),
      );
    },

    countByStatus(): Promise<Record<string, number>> {
      return context.read('orders.countByStatus', (session) =>
        Object.fromEntries(session.all<{ status: string; n: number }>(`SELECT status, count(*) AS n FROM ${t.orders} GROUP BY status`).map((row) => [row.status, Number(row.n)])),
      );
    },

    async measure(options?: MeasureOptions): Promise<Page<OrderMeasure>> {
      const q = measureQuery(options);
      const columns = `id, status, updated_at AS updatedAt, json_extract(data, '$.statusEnteredAt') AS entered`;
      // One lower bound per statement, so the index scan starts at it (see the PostgreSQL adapter).
      const first = q.afterUpdatedAt === '' && q.afterId === '';
      const bound = first ? 'updated_at > ?' : '(updated_at, id) > (?, ?)';
      const values: (string | number)[] = [...(q.status === undefined ? [] : [q.status]), ...(first ? [q.updatedAfter] : [q.afterUpdatedAt, q.afterId]), q.limit + 1];
      return context.read('orders.measure', (session) => {
        const rows = session.all<MeasureRow>(`SELECT ${columns} FROM ${t.orders} WHERE ${q.status === undefined ? '' : 'status = ? AND '}${bound} ORDER BY updated_at, id LIMIT ?`, ...(values as string[]));
        return measurePage(rows.map((row) => ({ id: row.id, status: row.status, updatedAt: row.updatedAt as Instant, statusEnteredAt: JSON.parse(row.entered ?? '{}') as OrderMeasure['statusEnteredAt'] })), q.limit);
      });
    },

    async historyBetween(options: HistoryBetweenOptions): Promise<Page<HistoryRecord>> {
      const q = historyQuery(options);
      const at = `json_extract(entry, '$.at')`;
      const first = q.afterAt === '' && q.afterOrderId === '';
      return context.read('orders.historyBetween', (session) => {
        const rows = first
          ? session.all<{ orderId: string; entry: string }>(
              `SELECT order_id AS orderId, entry FROM ${t.history} WHERE ${at} > ? AND ${at} <= ? ORDER BY ${at}, order_id, version LIMIT ?`,
              q.from, q.to, q.limit + 1,
            )
          : session.all<{ orderId: string; entry: string }>(
              `SELECT order_id AS orderId, entry FROM ${t.history} WHERE (${at}, order_id, version) > (?, ?, ?) AND ${at} <= ? ORDER BY ${at}, order_id, version LIMIT ?`,
              q.afterAt, q.afterOrderId, q.afterVersion, q.to, q.limit + 1,
            );
        return historyPage(rows.map((row) => ({ orderId: row.orderId, entry: JSON.parse(row.entry) as HistoryEntry<string> })), q.limit);
      });
    },

    async countTransitions(options: { readonly boundaries: readonly Instant[] }): Promise<TransitionCount[]> {
      const boundaries = transitionBoundaries(options);
      const at = `json_extract(entry, '$.at')`;
      // Grouped by instant and status in SQL (one row per distinct instant), bucketed here.
      return context.read('orders.countTransitions', (session) => {
        const counts = new Map<string, TransitionCount>();
        for (const row of session.all<{ at: string; status: string; n: number }>(
          `SELECT ${at} AS at, json_extract(entry, '$.to') AS status, count(*) AS n FROM ${t.history} WHERE ${at} > ? AND ${at} <= ? GROUP BY 1, 2`,
          boundaries[0] as string, boundaries.at(-1) as string,
        )) {
          const bucket = bucketOf(boundaries, row.at);
          const key = `${bucket} ${row.status}`;
          counts.set(key, { bucket, status: row.status, count: (counts.get(key)?.count ?? 0) + Number(row.n) });
        }
        return [...counts.values()].sort((a, b) => a.bucket - b.bucket || (a.status < b.status ? -1 : 1));
      });
    },
  };
}
