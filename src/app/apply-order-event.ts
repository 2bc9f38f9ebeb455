// One persisted transition: read, transition, versioned commit with outbox; re-read on conflict.
import type { Clock } from '../clock/clock.js';
import { z } from 'zod';
import { option, parseOptions } from '../errors/options.js';
import { isRecordedEventError } from '../errors/storage-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { OrderEventError } from '../orders/order-machine-types.js';
import { effectsToOutbox } from '../orders/order-effects.js';
import type { OrderEffect } from '../orders/order-effects.js';
import type { OrderEventBase } from '../orders/order-events.js';
import type { OrderMachine } from '../orders/order-machine-types.js';
import type { Order } from '../orders/order.js';
import type { StoragePort } from '../ports/storage-port.js';
import { reservationChangesFor } from './reservation-changes.js';
import { retryOnConflict } from './retry-on-conflict.js';

/** What {@link applyOrderEvent} needs. */
export interface ApplyOrderEventDeps<S extends string, E extends OrderEventBase<string>> {
  readonly storage: StoragePort;
  readonly machine: OrderMachine<S, E>;
  readonly clock: Clock;
}

/** Options of {@link applyOrderEvent}. */
export interface ApplyOrderEventOptions {
  /**
   * Re-reads and re-applies after a `CONCURRENCY_CONFLICT` at most this many times.
   * @default 5
   */
  readonly retries?: number;
  /**
   * First back-off before a retry, in milliseconds (randomised, doubling), so competing workers
   * stop colliding.
   * @default 2
   */
  readonly minBackoffMs?: number;
  /** Who applies the event when the event does not say. */
  readonly actor?: string;
  /**
   * The order as you last read it (or got it back from the previous apply). While its version is
   * still the stored one, the transition costs one commit and no read; a stale copy costs the
   * conflict it meets and a read. A refusal or a duplicate on the copy is confirmed on a fresh
   * read first, so stale data never refuses an event.
   */
  readonly current?: Order<string>;
}

/** What {@link applyOrderEvent} stored (or found stored). */
export interface AppliedOrderEvent<S extends string> {
  readonly order: Order<S>;
  /** Committed to the outbox with the order; returned for callers that also act in-process. */
  readonly effects: readonly OrderEffect[];
  /** The event id was already applied: nothing was written. */
  readonly duplicate: boolean;
  /** How many times the commit lost a race and was re-applied on a fresh read. */
  readonly conflicts: number;
}

/**
 * The outcome of {@link applyOrderEvent}, Ordo's one result shape: `{ ok: true, value }`, or
 * `{ ok: false, error, conflicts }`. Refusals are values; storage failures throw.
 */
export type ApplyOrderEventResult<S extends string> =
  | { readonly ok: true; readonly value: AppliedOrderEvent<S> }
  | { readonly ok: false; readonly error: OrderEventError; readonly conflicts: number };

const NO_OPTIONS: ApplyOrderEventOptions = Object.freeze({});
const DEFAULT_OPTIONS = Object.freeze({ retries: 5, minBackoffMs: 2 });

const applyOptionsSchema = z.strictObject({
  retries: option.nonNegativeInt().default(5),
  minBackoffMs: option.positiveInt().default(2),
  actor: z.string().optional(),
  current: z.custom<Order<string>>((value) => typeof value === 'object' && value !== null, 'Expected the order you hold (from storage or a previous result)').optional(),
});

/**
 * Applies one event to a stored order: reads it, runs the pure transition, and commits the new
 * version, its history entry and its outbox messages in one unit of work. When another worker
 * committed first (`CONCURRENCY_CONFLICT`) it re-reads and re-applies, with bounded retries
 * (p-retry), so no update is lost and no guard is checked against stale data.
 *
 * @returns null when no order has this id.
 * @throws StorageError from the adapter; ConcurrencyError when retries run out.
 */
export async function applyOrderEvent<S extends string, E extends OrderEventBase<string>>(
  deps: ApplyOrderEventDeps<S, E>,
  orderId: string,
  event: E,
  options: ApplyOrderEventOptions = NO_OPTIONS,
): Promise<ApplyOrderEventResult<S> | null> {
  if (typeof deps?.storage?.orders?.get !== 'function' || typeof deps.machine?.transition !== 'function' || typeof deps.clock?.now !== 'function') {
    throw new ValidationError('applyOrderEvent deps', [{ code: 'invalid_type', path: [], message: 'Expected { storage, machine, clock }' }]);
  }
  if (typeof orderId !== 'string' || orderId === '') {
    throw new ValidationError('order id', [{ code: 'invalid_type', path: ['orderId'], message: 'Expected a non-empty string order id' }]);
  }
  // Every transition passes here: the common call without options skips the schema.
  const { retries, minBackoffMs } = options === NO_OPTIONS ? DEFAULT_OPTIONS : parseOptions('applyOrderEvent options', applyOptionsSchema, options);
  const context = options.actor === undefined ? { clock: deps.clock } : { clock: deps.clock, actor: options.actor };
  let conflicts = 0;

  // The caller's copy serves the first attempt only; every retry reads.
  let held = options.current !== undefined && options.current?.id === orderId ? (options.current as Order<S>) : undefined;
  const attempt = async (): Promise<ApplyOrderEventResult<S> | null> => {
    const copy = held;
    held = undefined;
    const stored = copy ?? ((await deps.storage.orders.get(orderId)) as Order<S> | null);
    if (stored === null) return null;
    const result = deps.machine.transition(stored, event, context);
    // On a copy, a refusal or a duplicate may come from stale data: decide again on a fresh read.
    if (copy !== undefined && (!result.ok || result.value.duplicate)) return attempt();
    if (!result.ok) return { ok: false, error: result.error, conflicts };
    const { order, effects, entry } = result.value;
    if (result.value.duplicate || entry === null) return { ok: true, value: { order, effects: [], duplicate: true, conflicts } };
    // A cancel gives reserved stock back, a shipment commits it: in the same unit as the event.
    const inventory = await reservationChangesFor(deps.storage, stored, order, effects);
    try {
      await deps.storage.commit({
        orders: [{ order, expectedVersion: stored.version, newHistory: [entry] }],
        outbox: effectsToOutbox(effects, order),
        ...(inventory.length === 0 ? {} : { inventory, at: order.updatedAt }),
      });
    } catch (error) {
      // The order recorded this event already, though the history at hand did not show it (a
      // copy held without its whole history): the fresh read's history decides between a
      // duplicate and IDEMPOTENCY_MISMATCH. Once: a fresh read that misses it too is the error.
      if (copy !== undefined && isRecordedEventError(error, orderId, event.id)) return attempt();
      throw error;
    }
    return { ok: true, value: { order, effects, duplicate: false, conflicts } };
  };

  return retryOnConflict(attempt, {
    retries,
    minBackoffMs,
    onConflict: () => {
      conflicts += 1;
    },
  });
}
