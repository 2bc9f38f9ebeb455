// Reads orders and their append-only history from the memory storage.
import type { Instant } from '../../../clock/instant.js';
import type { HistoryEntry, Order } from '../../../orders/order.js';
import type { OrderReader } from '../../../ports/storage-port.js';
import { customerOrdersLimit } from '../shared/customer-orders.js';
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
  };
}
