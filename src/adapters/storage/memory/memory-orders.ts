// Reads orders and their append-only history from the memory storage.
import type { Instant } from '../../../clock/instant.js';
import type { HistoryEntry, Order } from '../../../orders/order.js';
import type { HistoryBetweenOptions, HistoryRecord, MeasureOptions, OrderMeasure, OrderReader, Page, TransitionCount } from '../../../ports/storage-port.js';
import { customerOrdersLimit } from '../shared/customer-orders.js';
import { bucketOf, historyPage, historyQuery, measurePage, measureQuery, transitionBoundaries } from '../shared/metric-reads.js';
import { channelRefKey, copy, take, type MemoryState } from './memory-state.js';

/** The order as stored, joined with its history; a copy. */
function assemble(state: MemoryState, order: Order<string>): Order<string> {
  const history = state.tables.history.get(order.id) ?? [];
  return copy({ ...order, history });
}

/** Creates the order reader of a memory storage. */
export function createMemoryOrderReader(state: MemoryState): OrderReader {
  const { orders, channelRefs, history } = state.tables;
  return {
    async get(id: string): Promise<Order<string> | null> {
      state.enter('orders.get');
      const order = orders.get(id);
      return order === undefined ? null : assemble(state, order);
    },

    async findByChannelRef(channel: string, channelOrderId: string): Promise<Order<string> | null> {
      state.enter('orders.findByChannelRef');
      const id = channelRefs.get(channelRefKey(channel, channelOrderId));
      const order = id === undefined ? undefined : orders.get(id);
      return order === undefined ? null : assemble(state, order);
    },

    async history(orderId: string): Promise<HistoryEntry<string>[]> {
      state.enter('orders.history');
      return copy(history.get(orderId) ?? []);
    },

    async listByStatus(status: string, options: { readonly limit?: number } = {}): Promise<Order<string>[]> {
      state.enter('orders.listByStatus');
      const matching = [...orders.values()]
        .filter((order) => order.status === status)
        // Ties on updatedAt break by id so every adapter can return the same order (ORDER BY updated_at, id).
        .sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return take(matching, options.limit).map((order) => assemble(state, order));
    },

    async listByCustomer(customerRef: string, options: { readonly since?: Instant; readonly limit?: number } = {}): Promise<Order<string>[]> {
      state.enter('orders.listByCustomer');
      const limit = customerOrdersLimit(options.limit);
      const since = options.since;
      // A scan, as listByStatus: the memory adapter holds what one process can keep in a Map.
      const matching = [...orders.values()]
        .filter((order) => order.customerRef === customerRef && (since === undefined || order.createdAt >= since))
        // Newest first; ties break by the greater id (ORDER BY created_at DESC, id DESC in SQL).
        .sort((a, b) => (a.createdAt > b.createdAt ? -1 : a.createdAt < b.createdAt ? 1 : a.id > b.id ? -1 : a.id < b.id ? 1 : 0));
      return matching.slice(0, limit).map((order) => assemble(state, order));
    },

    async countByStatus(): Promise<Record<string, number>> {
      state.enter('orders.countByStatus');
      const counts: Record<string, number> = {};
      for (const order of orders.values()) counts[order.status] = (counts[order.status] ?? 0) + 1;
      return counts;
    },

    async measure(options?: MeasureOptions): Promise<Page<OrderMeasure>> {
      const query = measureQuery(options);
      state.enter('orders.measure');
      const after = (order: Order<string>): boolean =>
        order.updatedAt > query.updatedAfter && (order.updatedAt > query.afterUpdatedAt || (order.updatedAt === query.afterUpdatedAt && order.id > query.afterId));
      const rows = [...orders.values()]
        .filter((order) => (query.status === undefined || order.status === query.status) && after(order))
        .sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, query.limit + 1)
        .map((order): OrderMeasure => ({ id: order.id, status: order.status, statusEnteredAt: copy(order.statusEnteredAt) as OrderMeasure['statusEnteredAt'], updatedAt: order.updatedAt }));
      return measurePage(rows, query.limit);
    },

    async historyBetween(options: HistoryBetweenOptions): Promise<Page<HistoryRecord>> {
      const query = historyQuery(options);
      state.enter('orders.historyBetween');
      const rows: HistoryRecord[] = [];
      for (const [orderId, entries] of history) {
        for (const entry of entries) {
          if (entry.at <= query.from || entry.at > query.to) continue;
          const past = entry.at > query.afterAt || (entry.at === query.afterAt && (orderId > query.afterOrderId || (orderId === query.afterOrderId && entry.version > query.afterVersion)));
          if (past) rows.push({ orderId, entry });
        }
      }
      rows.sort((a, b) => (a.entry.at < b.entry.at ? -1 : a.entry.at > b.entry.at ? 1 : a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : a.entry.version - b.entry.version));
      return historyPage(copy(rows.slice(0, query.limit + 1)), query.limit);
    },

    async countTransitions(options: { readonly boundaries: readonly Instant[] }): Promise<TransitionCount[]> {
      const boundaries = transitionBoundaries(options);
      state.enter('orders.countTransitions');
      const counts = new Map<string, TransitionCount>();
      for (const entries of history.values()) {
        for (const entry of entries) {
          const bucket = bucketOf(boundaries, entry.at);
          if (bucket === 0) continue;
          const key = `${bucket} ${entry.to}`;
          counts.set(key, { bucket, status: entry.to, count: (counts.get(key)?.count ?? 0) + 1 });
        }
      }
      return [...counts.values()].sort((a, b) => a.bucket - b.bucket || (a.status < b.status ? -1 : 1));
    },
  };
}
