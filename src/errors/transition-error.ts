// A state-machine event that could not be applied: illegal in this status, or refused by a guard.
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';

/** Why a transition failed. */
export type TransitionErrorCode = 'ILLEGAL_TRANSITION' | 'GUARD_REJECTED';

/** Returned by `machine.transition` (never thrown) when an event cannot be applied. */
export class TransitionError extends OrdoError<TransitionErrorCode> {
  /** The order the event was aimed at. */
  readonly orderId: string;
  /** The status the order was in. */
  readonly status: string;
  /** The event type that was refused. */
  readonly event: string;
  /** The guard that refused, for `GUARD_REJECTED`. */
  readonly guard: string | undefined;
  /** The guard's reason, for `GUARD_REJECTED`. */
  readonly reason: string | undefined;

  constructor(
    code: TransitionErrorCode,
    fields: { orderId: string; status: string; event: string; guard?: string; reason?: string },
    options: OrdoErrorOptions = {},
  ) {
    const message =
      code === 'ILLEGAL_TRANSITION'
        ? `Order ${fields.orderId}: event "${fields.event}" is not allowed in status "${fields.status}"`
        : `Order ${fields.orderId}: event "${fields.event}" in status "${fields.status}" was rejected by guard "${fields.guard ?? '?'}": ${fields.reason ?? 'no reason given'}`;
    super(code, message, { ...options, details: { ...fields, ...options.details } });
    this.name = 'TransitionError';
    this.orderId = fields.orderId;
    this.status = fields.status;
    this.event = fields.event;
    this.guard = fields.guard;
    this.reason = fields.reason;
  }
}

/** True for a {@link TransitionError}, also across realms. */
export function isTransitionError(value: unknown): value is TransitionError {
  return value instanceof TransitionError || (value as { name?: unknown } | null)?.name === 'TransitionError';
}
