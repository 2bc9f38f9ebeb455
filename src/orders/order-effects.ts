// Effects: what a transition asks the outside world to do, as data, and their outbox messages.
import { expectArray, expectObject } from '../errors/validation-error.js';
import type { Instant } from '../clock/instant.js';
import type { IdSource } from '../ids/id-source.js';
import type { Address } from '../model/address.js';
import type { Money } from '../money/money.js';
import type { JsonValue } from '../ports/json.js';
import type { OutboxMessage } from '../ports/outbox-port.js';
import type { LineAllocation, LineQuantity } from './order-events.js';
import type { Order } from './order.js';

/**
 * Something to do after the new order is committed (publish, release stock, refund), as plain
 * JSON-serialisable data. The machine never runs an effect: commit first, then run, usually by
 * committing {@link effectsToOutbox} in the same unit of work.
 */
export type OrderEffect = {
  /** What to do, e.g. `status_changed`, `release_reservations`. */
  readonly type: string;
  readonly orderId: string;
  /** The event that caused it. */
  readonly eventId: string;
  readonly [key: string]: unknown;
};

/** Emitted for every applied event, also when the status stays the same (e.g. a second partial shipment). */
export type StatusChangedEffect = {
  readonly type: 'status_changed';
  readonly orderId: string;
  readonly eventId: string;
  /** The event type. */
  readonly event: string;
  readonly from: string;
  readonly to: string;
  readonly actor: string;
  readonly at: Instant;
  /** The order's version after the event. */
  readonly version: number;
};

/** On creation: a new order exists, carried whole (what a WMS or ERP needs to pick it up). */
export type CreatedEffect = {
  readonly type: 'created';
  readonly orderId: string;
  /** The creation event's id (the first history entry's). */
  readonly eventId: string;
  readonly order: Order<string>;
  readonly actor: string;
  readonly at: Instant;
};

/**
 * The effects of a new order, as a transition's: commit them with {@link effectsToOutbox} in
 * the order's unit of work, so `order.created` leaves by the same path as every other event.
 */
export function creationEffects(order: Order<string>): readonly OrderEffect[] {
  expectObject('creationEffects order', order, 'a new order');
  expectArray('creationEffects order.history', order.history, 'an order with its history');
  const first = order.history[0];
  return [{ type: 'created', orderId: order.id, eventId: first?.eventId ?? `${order.id}:created`, order, actor: first?.actor ?? 'system', at: order.createdAt }];
}

/** On `pay`: a payment was recorded. */
export type PaymentRecordedEffect = {
  readonly type: 'payment_recorded';
  readonly orderId: string;
  readonly eventId: string;
  readonly amount: Money;
  readonly method?: string;
  /** A presale deposit, the balance after one, or the whole in one payment. */
  readonly kind: 'deposit' | 'balance' | 'full';
};

/** On `cancel` of an allocated order: give the reserved stock back. */
export type ReleaseReservationsEffect = {
  readonly type: 'release_reservations';
  readonly orderId: string;
  readonly eventId: string;
  readonly allocations: readonly LineAllocation[];
};

/** On `ship`: the shipped units leave stock for good. */
export type CommitReservationsEffect = {
  readonly type: 'commit_reservations';
  readonly orderId: string;
  readonly eventId: string;
  readonly shipmentId: string;
  readonly warehouseId?: string;
  readonly lines: readonly LineQuantity[];
};

/** On `request_return`: the units the buyer wants to send back. */
export type ReturnRequestedEffect = {
  readonly type: 'return_requested';
  readonly orderId: string;
  readonly eventId: string;
  readonly lines: readonly LineQuantity[];
};

/** On `receive_return`: the units that came back, to restock or inspect. */
export type ReturnReceivedEffect = {
  readonly type: 'return_received';
  readonly orderId: string;
  readonly eventId: string;
  readonly lines: readonly LineQuantity[];
};

/** On `refund`: pay this amount back through the payment provider. */
export type RefundPaymentEffect = {
  readonly type: 'refund_payment';
  readonly orderId: string;
  readonly eventId: string;
  readonly amount: Money;
  readonly method?: string;
};

/**
 * On `change_address`: the order ships to a new address. For the systems that ship it
 * (warehouse, carrier, channel); the address is personal data, so do not log this payload.
 */
export type AddressChangedEffect = {
  readonly type: 'address_changed';
  readonly orderId: string;
  readonly eventId: string;
  /** The new shipping address, as stored on the order. */
  readonly address: Address;
  /** The status the order is in; `change_address` does not change it. */
  readonly status: string;
  /** Warehouses holding an allocation of the order, in line order; empty before allocation. */
  readonly warehouseIds: readonly string[];
  /**
   * Stock is already allocated (allocated, picking or packed, or back on hold with its
   * allocations): the warehouses were chosen for the old address, so routing may need to run
   * again and labels may need reprinting. Same as `warehouseIds.length > 0`.
   */
  readonly rerouteMayBeNeeded: boolean;
};

/** The effects the default lifecycle emits. */
export type DefaultOrderEffect =
  | CreatedEffect
  | StatusChangedEffect
  | PaymentRecordedEffect
  | ReleaseReservationsEffect
  | CommitReservationsEffect
  | ReturnRequestedEffect
  | ReturnReceivedEffect
  | RefundPaymentEffect
  | AddressChangedEffect;

/** Options of {@link effectsToOutbox}. */
export interface EffectsToOutboxOptions {
  /**
   * Makes message ids. Without it ids are derived from order id, event id and the effect's
   * position among that event's effects, so a retried commit produces the same ids (and the
   * outbox rejects the duplicate instead of publishing twice).
   * @default deterministic `${orderId}:${eventId}:${index}`
   */
  readonly ids?: IdSource;
  /**
   * Prefix of each message's topic; the effect type follows it.
   * @default 'order.'
   */
  readonly topicPrefix?: string;
  /**
   * The messages' `createdAt`.
   * @default order.updatedAt (the instant of the last applied event)
   */
  readonly createdAt?: Instant;
}

/**
 * Turns effects into outbox messages to commit in the same unit of work as the order:
 * topic `order.<effect type>`, key the order id (so one order's messages keep their order),
 * payload the effect itself.
 *
 * @example
 * const result = machine.transition(order, event, { clock });
 * if (result.ok && result.value.entry !== null) await storage.commit({
 *   orders: [{ order: result.value.order, expectedVersion: order.version, newHistory: [result.value.entry] }],
 *   outbox: effectsToOutbox(result.value.effects, result.value.order),
 * });
 */
export function effectsToOutbox(
  effects: readonly OrderEffect[],
  order: Pick<Order<string>, 'id' | 'updatedAt'>,
  options: EffectsToOutboxOptions = {},
): OutboxMessage[] {
  expectArray('effectsToOutbox effects', effects, 'an array of effects');
  expectObject('effectsToOutbox order', order, 'the order the effects belong to');
  const prefix = options.topicPrefix ?? 'order.';
  const createdAt = options.createdAt ?? order.updatedAt;
  const perEvent = new Map<string, number>();
  const messages: OutboxMessage[] = [];
  for (const effect of effects) {
    // Indexing per event keeps ids stable when the caller concatenates several transitions' effects.
    const index = perEvent.get(effect.eventId) ?? 0;
    perEvent.set(effect.eventId, index + 1);
    messages.push({
      id: options.ids ? options.ids() : `${order.id}:${effect.eventId}:${index}`,
      topic: `${prefix}${effect.type}`,
      key: order.id,
      payload: effect as unknown as JsonValue,
      headers: { eventId: effect.eventId, effect: effect.type },
      createdAt,
    });
  }
  return messages;
}
