// Orders on PostgreSQL: the unit-of-work commit (one call to the stored commit function) and the reader.
import { ConcurrencyError } from '../../../errors/concurrency-error.js';
import { isOrdoError } from '../../../errors/ordo-error.js';
import type { HistoryEntry, Order } from '../../../orders/order.js';
import type { OrderReader, UnitOfWork } from '../../../ports/storage-port.js';
import { limitParam, type PgContext } from './postgres-driver.js';

interface OrderRow {
  data: Omit<Order<string>, 'history'>;
  history: HistoryEntry<string>[];
}

/** Commits a unit of work in a single statement, so it is atomic without a client checkout. */
export async function commitPostgres(context: PgContext, unit: UnitOfWork): Promise<void> {
  const orders = (unit.orders ?? []).map((write) => ({
    // The order's own `history` is not trusted: history grows only by `newHistory`.
    order: { ...write.order, history: [] },
    expectedVersion: write.expectedVersion,
    newHistory: write.newHistory,
  }));
  try {
    await context.query(
      'commit',
      `SELECT ${context.tables.commitFunction}($1::jsonb, $2::jsonb, $3::jsonb)`,
      [JSON.stringify(orders), JSON.stringify(unit.outbox ?? []), JSON.stringify(unit.idempotency ?? [])],
      'commit',
    );
  } catch (error) {
    throw toConcurrencyError(error) ?? error;
  }
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
  const withHistory = `SELECT o.data, COALESCE((SELECT jsonb_agg(h.entry ORDER BY h.seq) FROM ${t.history} h WHERE h.order_id = o.id), '[]'::jsonb) AS history FROM ${t.orders} o`;
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
  };
}
