// The standard status dictionary: every canonical status with its written definition, as data.

/** The canonical statuses of the default lifecycle, in their usual order of travel. */
export const ORDER_STATUSES = [
  'pending_payment',
  'paid',
  'on_hold',
  'approved',
  'allocated',
  'picking',
  'packed',
  'partially_shipped',
  'shipped',
  'delivered',
  'completed',
  'cancelled',
  'rejected',
  'return_requested',
  'returned',
  'refunded',
  'exception',
] as const;

/** A canonical order status. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The statuses before anything ships: where `cancel` and `change_address` apply. */
export const BEFORE_SHIPMENT_STATUSES = ['pending_payment', 'paid', 'on_hold', 'approved', 'allocated', 'picking', 'packed'] as const satisfies readonly OrderStatus[];

/** What a status means, written for the people who map their own codes to it. */
export interface StatusDefinition {
  /** One sentence: what is true of an order in this status. */
  readonly description: string;
  /** No event leads out of it in the default lifecycle (refunds aside). */
  readonly terminal: boolean;
}

/**
 * The written definition of every canonical status. Exported as data so that channel and
 * warehouse adapters can map their codes to it and show it to their users.
 */
export const ORDER_STATUS_DEFINITIONS: Readonly<Record<OrderStatus, StatusDefinition>> = Object.freeze({
  pending_payment: { description: 'Placed by the buyer; payment not yet confirmed. Nothing is reserved.', terminal: false },
  paid: { description: 'Payment confirmed; waiting for approval.', terminal: false },
  on_hold: { description: 'Held for manual review by an approval policy or an operator; not released to a warehouse.', terminal: false },
  approved: { description: 'Approved for fulfilment; waiting for a warehouse allocation.', terminal: false },
  allocated: { description: 'Every line is allocated to a warehouse and its stock reserved.', terminal: false },
  picking: { description: 'The warehouse is picking the allocated items.', terminal: false },
  packed: { description: 'Packed and waiting for the carrier.', terminal: false },
  partially_shipped: { description: 'Some, not all, allocated units have left the warehouse with a waybill.', terminal: false },
  shipped: { description: 'Every unit has left the warehouse with a waybill.', terminal: false },
  delivered: { description: 'The carrier reports every shipment delivered to the buyer.', terminal: false },
  completed: { description: 'Delivered and past the after-sales window; the order is closed.', terminal: true },
  cancelled: { description: 'Cancelled before anything shipped; reservations are released.', terminal: true },
  rejected: { description: 'Refused by approval (fraud, risk or policy); never fulfilled.', terminal: true },
  return_requested: { description: 'The buyer asked to return shipped or delivered items.', terminal: false },
  returned: { description: 'Returned items were received back by the warehouse.', terminal: false },
  refunded: { description: 'Money was returned to the buyer, up to the amount paid.', terminal: true },
  exception: { description: 'Something outside the normal flow (lost parcel, stock mismatch) needs an operator.', terminal: false },
});
