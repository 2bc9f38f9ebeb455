// The events of the default order lifecycle: their names, written meanings and typed payloads.
import type { JsonValue } from '../ports/json.js';
import type { Address } from '../model/address.js';
import type { Instant } from '../clock/instant.js';
import type { Money } from '../money/money.js';

/**
 * The event types of the default lifecycle, in their usual order of travel; `change_address`,
 * an amendment that may come at any point before shipment, is last.
 */
export const ORDER_EVENT_TYPES = [
  'pay',
  'hold',
  'approve',
  'reject',
  'allocate',
  'start_picking',
  'pack',
  'ship',
  'deliver',
  'complete',
  'cancel',
  'request_return',
  'receive_return',
  'refund',
  'flag_exception',
  'resolve_exception',
  'change_address',
] as const;

/** An event type of the default lifecycle. */
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/**
 * What every event carries. Events are plain data: they can be stored, queued and replayed.
 * `id` makes them idempotent: an order never applies the same id twice.
 */
export interface OrderEventBase<T extends string = string> {
  /** Unique per order; a second event with the same id is reported as a duplicate and ignored. */
  readonly id: string;
  readonly type: T;
  /** Who caused it; recorded in history. Falls back to `context.actor`, then `system`. */
  readonly actor?: string;
  /** Why; recorded in history. */
  readonly reason?: string;
  /** Structured detail of why (plain JSON, no personal data); recorded in history with `reason`. */
  readonly details?: Readonly<Record<string, JsonValue>>;
}

/**
 * Any event as a guard, hook or custom transition sees it: the base fields plus an untyped
 * payload. Narrow it yourself (e.g. `event as ShipEvent`) to read a payload.
 */
export type AnyOrderEvent = OrderEventBase & { readonly [key: string]: unknown };

/** One line's quantity, for shipments and returns. */
export type LineQuantity = { readonly lineId: string; readonly quantity: number };

/** One line's units allocated to one warehouse. */
export type LineAllocation = { readonly lineId: string; readonly warehouseId: string; readonly quantity: number };

/** Payment confirmed. `amount` defaults to the order total; paid plus amount must cover the total. */
export type PayEvent = OrderEventBase<'pay'> & {
  readonly amount?: Money;
  readonly method?: string;
  /**
   * A presale deposit: part of the total now, the balance later. The order stays
   * `pending_payment` with the deposit recorded (`payment.deposit`) until a `pay` of the balance
   * brings it to `paid`. @default false
   */
  readonly deposit?: boolean;
  /** With a deposit: when the balance is due (a promotion's end, resolved in its zone). */
  readonly balanceDueAt?: Instant;
};
/** Held for manual review; the reason is required. */
export type HoldEvent = OrderEventBase<'hold'> & { readonly reason: string };
/** Approved for fulfilment. */
export type ApproveEvent = OrderEventBase<'approve'>;
/** Refused by approval (fraud, risk, policy). */
export type RejectEvent = OrderEventBase<'reject'>;
/**
 * Warehouses chosen and stock reserved. Allocations replace those of the lines they name;
 * afterwards every line must be allocated exactly (allocated units = ordered units).
 */
export type AllocateEvent = OrderEventBase<'allocate'> & { readonly allocations: readonly LineAllocation[] };
/** The warehouse started picking. */
export type StartPickingEvent = OrderEventBase<'start_picking'>;
/** Packed, waiting for the carrier. */
export type PackEvent = OrderEventBase<'pack'>;
/** A parcel left a warehouse with these units; never more than allocated and not yet shipped. */
export type ShipEvent = OrderEventBase<'ship'> & {
  /** Unique within the order. */
  readonly shipmentId: string;
  readonly lines: readonly LineQuantity[];
  /** When given, every shipped line must have an allocation in this warehouse. */
  readonly warehouseId?: string;
  readonly carrier?: string;
  readonly trackingNumber?: string;
};
/** The carrier delivered every shipment. */
export type DeliverEvent = OrderEventBase<'deliver'>;
/** Closed after the after-sales window. */
export type CompleteEvent = OrderEventBase<'complete'>;
/** Cancelled; only before anything shipped. */
export type CancelEvent = OrderEventBase<'cancel'>;
/** The buyer asked to return items; `lines` defaults to every shipped, unreturned unit. */
export type RequestReturnEvent = OrderEventBase<'request_return'> & { readonly lines?: readonly LineQuantity[] };
/** Returned units arrived at the warehouse; never more than shipped and not yet returned. */
export type ReceiveReturnEvent = OrderEventBase<'receive_return'> & { readonly lines: readonly LineQuantity[] };
/** Money returned to the buyer; refunds in total never exceed what was paid. */
export type RefundEvent = OrderEventBase<'refund'> & { readonly amount: Money };
/** Something outside the normal flow needs an operator; the reason is required. */
export type FlagExceptionEvent = OrderEventBase<'flag_exception'> & { readonly reason: string };
/** An operator dealt with the exception; the order goes back to review (on hold). */
export type ResolveExceptionEvent = OrderEventBase<'resolve_exception'>;
/**
 * The buyer changed the shipping address. Allowed only while nothing has shipped (pending
 * payment to packed); the status stays the same. The address must pass `addressSchema`. The
 * order keeps the new address; the `address_changed` effect tells warehouses and carriers, and
 * says when stock is already allocated for the old one.
 */
export type ChangeAddressEvent = OrderEventBase<'change_address'> & { readonly address: Address };

/** Any event of the default lifecycle, discriminated by `type`. */
export type DefaultOrderEvent =
  | PayEvent
  | HoldEvent
  | ApproveEvent
  | RejectEvent
  | AllocateEvent
  | StartPickingEvent
  | PackEvent
  | ShipEvent
  | DeliverEvent
  | CompleteEvent
  | CancelEvent
  | RequestReturnEvent
  | ReceiveReturnEvent
  | RefundEvent
  | FlagExceptionEvent
  | ResolveExceptionEvent
  | ChangeAddressEvent;

/**
 * An event of a custom type added by `createOrderMachine(definition)`: the base fields plus a
 * payload the machine does not type.
 */
export type CustomOrderEvent<T extends string> = OrderEventBase<T> & { readonly [key: string]: unknown };
