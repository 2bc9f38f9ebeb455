// Which state-machine events bring a stored order to the status its channel reports; pure.
import type { CancelEvent, PayEvent, RequestReturnEvent } from '../orders/order-events.js';
import { BEFORE_SHIPMENT_STATUSES, type OrderStatus } from '../orders/order-statuses.js';

/** The events a channel may drive: the buyer pays, cancels or asks for a return. Everything else is Ordo's own flow. */
export type ChannelDrivenEvent = PayEvent | CancelEvent | RequestReturnEvent;

/** Why a reported status did not (fully) become events. */
export const STATUS_NOTE_CODES = ['status-ahead', 'status-conflict'] as const;

/** A note code; see {@link STATUS_NOTE_CODES}. */
export type StatusNoteCode = (typeof STATUS_NOTE_CODES)[number];

/** A note about a reported status, for people and dashboards. */
export interface StatusNote {
  readonly code: StatusNoteCode;
  readonly message: string;
}

/** The result of {@link planStatusEvents}. */
export interface StatusPlan {
  /** Events to apply in order; empty when the stored order is already there (or further). */
  readonly events: readonly ChannelDrivenEvent[];
  /** What was reported and not turned into events. */
  readonly notes: readonly StatusNote[];
}

// The forward path; `on_hold` and `approved` share a rank because either may follow payment.
const RANK: Partial<Record<OrderStatus, number>> = {
  pending_payment: 0,
  paid: 1,
  on_hold: 2,
  approved: 2,
  allocated: 3,
  picking: 4,
  packed: 5,
  partially_shipped: 6,
  shipped: 7,
  delivered: 8,
  completed: 9,
  return_requested: 10,
  returned: 11,
  refunded: 12,
};
const CLOSED: readonly OrderStatus[] = ['cancelled', 'rejected', 'refunded'];

/**
 * Plans the events that bring an order from `current` (what Ordo stored) to `reported` (what
 * the channel says). Event ids are `${eventIdPrefix}:${type}`, so a redelivered payload plans
 * the same ids and the machine treats them as duplicates.
 *
 * - Payment, cancellation and return requests are the buyer's acts: they become `pay`,
 *   `cancel` and `request_return`.
 * - Approval, allocation, shipping and refunds are Ordo's job: a channel that reports them
 *   before Ordo gets a `status-ahead` note and no event.
 * - A status Ordo is already at or past (a late redelivery) plans nothing.
 * - A cancellation after shipment, or shipping reported for a closed order, is `status-conflict`.
 *
 * @example planStatusEvents('pending_payment', 'paid', 'tmall:T1').events // [{ id: 'tmall:T1:pay', type: 'pay' }]
 */
export function planStatusEvents(current: OrderStatus, reported: OrderStatus, eventIdPrefix: string): StatusPlan {
  if (current === reported) return { events: [], notes: [] };
  const ahead = (at: OrderStatus): StatusNote => ({
    code: 'status-ahead',
    message: `channel reports ${reported} while Ordo has ${at}; Ordo reaches it through its own flow, nothing changed`,
  });
  const conflict: StatusNote = {
    code: 'status-conflict',
    message: `channel reports ${reported} but Ordo has ${current}; needs an operator`,
  };

  if (reported === 'cancelled') {
    if ((BEFORE_SHIPMENT_STATUSES as readonly OrderStatus[]).includes(current)) return { events: [{ id: `${eventIdPrefix}:cancel`, type: 'cancel', reason: 'cancelled in channel' }], notes: [] };
    if (CLOSED.includes(current)) return { events: [], notes: [] };
    return { events: [], notes: [conflict] };
  }
  if (reported === 'return_requested') {
    if (current === 'shipped' || current === 'delivered') {
      return { events: [{ id: `${eventIdPrefix}:request_return`, type: 'request_return', reason: 'return requested in channel' }], notes: [] };
    }
    if (current === 'return_requested' || current === 'returned' || current === 'refunded') return { events: [], notes: [] };
    return { events: [], notes: [conflict] };
  }

  const reportedRank = RANK[reported];
  const currentRank = RANK[current];
  if (CLOSED.includes(current) || current === 'exception') {
    // Late redeliveries of early statuses are harmless; fulfilment reported for a closed order is not.
    return reportedRank !== undefined && reportedRank >= (RANK.shipped as number) && current !== 'exception'
      ? { events: [], notes: [conflict] }
      : { events: [], notes: [] };
  }
  if (reported === 'pending_payment') return { events: [], notes: [] };

  const events: ChannelDrivenEvent[] = [];
  let at: OrderStatus = current;
  // Anything the channel reports past payment (even rejected or exception) means the buyer paid.
  if (current === 'pending_payment') {
    events.push({ id: `${eventIdPrefix}:pay`, type: 'pay' });
    at = 'paid';
  }
  if (reported === at) return { events, notes: [] };
  const atRank = at === current ? currentRank : RANK[at];
  if (reportedRank !== undefined && atRank !== undefined && reportedRank <= atRank) return { events, notes: [] };
  return { events, notes: [ahead(at)] };
}
