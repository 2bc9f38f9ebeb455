// Stores a newly created order with its first history entry and an `order.created` outbox event.
import { isConcurrencyError } from '../errors/concurrency-error.js';
import { expectArray, expectObject } from '../errors/validation-error.js';
import type { Order } from '../orders/order.js';
import type { StoragePort } from '../ports/storage-port.js';
import { creationEffects, effectsToOutbox } from '../orders/order-effects.js';

/**
 * Commits a new order (version 1), its creation history entry and its `created` effect as an
 * `order.created` outbox message ({@link creationEffects} through {@link effectsToOutbox}, the
 * path every transition's effects take) in one unit of work.
 * @throws ConcurrencyError when the id or the (channel, channelOrderId) pair already exists.
 */
export async function insertOrder(storage: StoragePort, order: Order<string>): Promise<void> {
  if (typeof storage?.commit !== 'function') expectObject('insertOrder storage', undefined, 'a StoragePort');
  expectObject('insertOrder order', order, 'an order');
  expectArray('insertOrder order.history', order.history, 'an order with its history');
  await storage.commit({
    orders: [{ order, expectedVersion: null, newHistory: order.history }],
    outbox: effectsToOutbox(creationEffects(order), order, { createdAt: order.createdAt }),
  });
}

/** The outcome of {@link insertOrFindOrder}. */
export interface InsertOrFindResult<O extends Order<string> = Order<string>> {
  /** The order now stored under the channel reference: the candidate, or the one found there. */
  readonly order: O;
  /** True when the candidate was inserted; false when the channel order was stored already. */
  readonly created: boolean;
}

/**
 * Stores a new order unless its (channel, channelOrderId) is stored already, and returns what is
 * stored. The one place that handles the race of two workers creating one channel order: the
 * loser of the insert reads the winner instead of failing.
 * @throws ConcurrencyError when the insert lost to an order that cannot be read back (the same
 * id under another channel reference); StorageError from the adapter.
 */
export async function insertOrFindOrder<O extends Order<string>>(storage: StoragePort, candidate: O): Promise<InsertOrFindResult<O>> {
  if (typeof storage?.orders?.findByChannelRef !== 'function') expectObject('insertOrFindOrder storage', undefined, 'a StoragePort');
  expectObject('insertOrFindOrder order', candidate, 'an order');
  const existing = await storage.orders.findByChannelRef(candidate.channel, candidate.channelOrderId);
  if (existing !== null) return { order: existing as O, created: false };
  try {
    await insertOrder(storage, candidate);
    return { order: candidate, created: true };
  } catch (error) {
    // Another worker stored the same channel order between our read and our insert.
    if (!isConcurrencyError(error)) throw error;
    const winner = await storage.orders.findByChannelRef(candidate.channel, candidate.channelOrderId);
    if (winner === null) throw error;
    return { order: winner as O, created: false };
  }
}
