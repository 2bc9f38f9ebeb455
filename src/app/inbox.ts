// The consumer-side inbox: a delivery's effect and its dedupe record commit in one unit, so an
// at-least-once transport's redeliveries change nothing.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { option, parseOptions } from '../errors/options.js';
import { isStorageError } from '../errors/storage-error.js';
import type { IdempotencyRecord, IdempotencyStore } from '../ports/idempotency-port.js';
import type { UnitOfWork } from '../ports/storage-port.js';
import type { Delivery, SubscribeOptions, TransportMessage } from '../ports/transport-port.js';

/** Options of {@link createInboxHandler}. */
export interface InboxOptions {
  /** Where delivered message ids are remembered, and the unit of work they commit with. */
  readonly storage: { readonly idempotency: IdempotencyStore; commit(unit: UnitOfWork): Promise<void> };
  readonly clock: Clock;
  /** The consumer group: ids are remembered per group (`inbox:<group>:<message id>`), so each group handles each message once. */
  readonly group: string;
  /**
   * Handles a message seen for the first time. Return the unit of work of its effect: the inbox
   * adds the dedupe record and commits both at once. Returning nothing stores the record alone
   * after the handler (for effects outside Ordo's storage, which then happen at least once).
   */
  readonly handle: (message: TransportMessage, delivery: Delivery) => Promise<UnitOfWork | void>;
  /** Told of each redelivery skipped (for a duplicates count). */
  readonly onDuplicate?: (message: TransportMessage) => void;
}

const inboxSchema = z.strictObject({
  storage: option.withMethods<InboxOptions['storage']>('a storage port (idempotency and commit)', 'commit', 'idempotency.get', 'idempotency.putIfAbsent'),
  clock: option.withMethods<Clock>('a Clock', 'now', 'millis'),
  group: option.text(),
  handle: option.fn<InboxOptions['handle']>(),
  onDuplicate: option.fn<NonNullable<InboxOptions['onDuplicate']>>().optional(),
});

/**
 * A subscription handler that deduplicates by message id through the idempotency store. A
 * message already recorded for the group is acked and skipped; a new one is handled and its
 * effect committed together with its record, so a crash between the two cannot happen and two
 * consumers racing on one redelivered message commit it once (the loser's `DUPLICATE_KEY` counts
 * as a duplicate). A handler that throws leaves nothing recorded: the transport redelivers.
 *
 * @throws ValidationError `INVALID_OPTIONS` for wrong options.
 * @example
 * await transport.subscribe({ topic: 'order.*', group: 'wms', handler: createInboxHandler({ storage, clock, group: 'wms',
 *   handle: async (message) => ({ tasks: [{ type: 'enqueue', id: `pick:${message.id}`, task: pickTask(message) }], at: clock.now() }) }) });
 */
export function createInboxHandler(options: InboxOptions): SubscribeOptions['handler'] {
  const { storage, clock, group, handle, onDuplicate } = parseOptions('createInboxHandler options', inboxSchema, options);
  return async (delivery: Delivery): Promise<void> => {
    const { message } = delivery;
    const record: IdempotencyRecord = {
      key: `inbox:${group}:${message.id}`,
      fingerprint: createHash('sha256').update(`${message.topic}\n${JSON.stringify(message.payload)}`).digest('hex'),
      result: null,
      createdAt: clock.now(),
    };
    if ((await storage.idempotency.get(record.key)) !== null) {
      onDuplicate?.(message);
      return;
    }
    const unit = await handle(message, delivery);
    try {
      if (unit === undefined) await storage.idempotency.putIfAbsent(record);
      else await storage.commit({ ...unit, idempotency: [...(unit.idempotency ?? []), record] });
    } catch (error) {
      // Another consumer committed this message first (its record, or an effect with the same
      // deterministic id, was there before ours): its effect is the one that counts.
      if (isStorageError(error) && error.code === 'DUPLICATE_KEY' && (await storage.idempotency.get(record.key)) !== null) {
        onDuplicate?.(message);
        return;
      }
      throw error;
    }
  };
}
