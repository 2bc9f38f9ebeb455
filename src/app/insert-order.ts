// Stores a newly created order with its first history entry and an `order.created` outbox event.
import { isConcurrencyError } from '../errors/concurrency-error.js';
import { expectArray, expectObject } from '../errors/validation-error.js';
import type { Order } from '../orders/order.js';
import type { StoragePort, UnitOfWork } from '../ports/storage-port.js';
import { creationEffects, effectsToOutbox } from '../orders/order-effects.js';

/**
 * Commits a new order (version 1), its creation history entry and its `created` effect as an
 * `order.created` outbox message ({@link creationEffects} through {@link effectsToOutbox}, the
 * path every transition's effects take) in one unit of work.
 * @throws ConcurrencyError when the id or the (channel, channelOrderId) pair already exists.
 */
export async function insertOrder(storage: StoragePort, order: Order<string>, rider: OrderRider = {}): Promise<void> {
  if (typeof storage?.commit !== 'function') expectObject('insertOrder storage', undefined, 'a StoragePort');
  expectObject('insertOrder order', order, 'an order');
  expectArray('insertOrder order.history', order.history, 'an order with its history');
  await storage.commit({
    ...rider,
    orders: [{ order, expectedVersion: null, newHistory: order.history }],
    outbox: effectsToOutbox(creationEffects(order), order, { createdAt: order.createdAt }),
  });
}

/**
 * Changes to other stores that commit with a new order or not at all (a quarantine record
 * marked replayed, a task completed), with the unit's instant.
 */
export type OrderRider = Omit<UnitOfWork, 'orders' | 'outbox' | 'idempotency'>;

/**
 * True when a conflict means the order part lost (another worker stored the channel order):
 * not a rider's part, whose conflict is the caller's to report.
 */
export function isOrderConflict(error: unknown): boolean {
  return isConcurrencyError(error) && (error.part === undefined || error.part.store === 'orders');
}

/** The outcome of {@link insertOrFindOrder}. */
export interface InsertOrFindResult<O extends Order<string> = Order<string>> {
  /** The order now stored under the channel reference: the candidate, or the one found there. */
  readonly order: O;
  /** True when the candidate was inserted; false when the channel order was stored already. */
  readonly created: boolean;
}

/**
 * Stores a new order (with `rider`'s changes in the same unit) unless its (channel,
 * channelOrderId) is stored already, and returns what is stored. The one place that handles the race of two workers creating one channel order: the
 * loser of the insert reads the winner instead of failing.
 * @throws ConcurrencyError when the insert lost to an order that cannot be read back (the same
 * id under another channel reference); StorageError from the adapter.
 */
export async function insertOrFindOrder<O extends Order<string>>(storage: StoragePort, candidate: O, rider: OrderRider = {}): Promise<InsertOrFindResult<O>> {
  if (typeof storage?.orders?.findByChannelRef !== 'function') expectObject('insertOrFindOrder storage', undefined, 'a StoragePort');
  expectObject('insertOrFindOrder order', candidate, 'an order');
  const existing = await storage.orders.findByChannelRef(candidate.channel, candidate.channelOrderId);
  if (existing !== null) return { order: existing as O, created: false };
  try {
    await insertOrder(storage, candidate, rider);
    return { order: candidate, created: true };
  } catch (error) {
    // Another worker stored the same channel order between our read and our insert.
    if (!isOrderConflict(error)) throw error;
    const winner = await storage.orders.findByChannelRef(candidate.channel, candidate.channelOrderId);
    if (winner === null) throw error;
    return { order: winner as O, created: false };
  }
}
