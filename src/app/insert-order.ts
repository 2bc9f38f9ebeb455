// Stores a newly created order with its first history entry and an `order.created` outbox event.
import { expectArray, expectObject } from '../errors/validation-error.js';
import type { Order } from '../orders/order.js';
import type { StoragePort } from '../ports/storage-port.js';
import type { JsonValue } from '../ports/json.js';

/**
 * Commits a new order (version 1), its creation history entry and an `order.created` outbox
 * message in one unit of work.
 * @throws ConcurrencyError when the id or the (channel, channelOrderId) pair already exists.
 */
export async function insertOrder(storage: StoragePort, order: Order<string>): Promise<void> {
  if (typeof storage?.commit !== 'function') expectObject('insertOrder storage', undefined, 'a StoragePort');
  expectObject('insertOrder order', order, 'an order');
  expectArray('insertOrder order.history', order.history, 'an order with its history');
  await storage.commit({
    orders: [{ order, expectedVersion: null, newHistory: order.history }],
    outbox: [
      {
        id: `${order.id}:created`,
        topic: 'order.created',
        key: order.id,
        payload: order as unknown as JsonValue,
        headers: { effect: 'created' },
        createdAt: order.createdAt,
      },
    ],
  });
}
