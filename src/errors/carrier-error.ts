// A carrier refused a waybill request or cancellation: an address it does not serve, a parcel too
// heavy, a waybill already collected. Not retried: someone must fix the shipment.
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';

/** Thrown or answered by carrier adapters for a request the carrier refused. */
export class CarrierError extends OrdoError<'CARRIER_REJECTED'> {
  /** The carrier's code, e.g. `YTO`. */
  readonly carrier: string;
  /** The carrier's own reason code, when it gave one (e.g. `ADDRESS_NOT_SERVED`). */
  readonly reason: string | undefined;

  constructor(fields: { readonly carrier: string; readonly message: string; readonly reason?: string; readonly requestId?: string }, options: OrdoErrorOptions = {}) {
    super('CARRIER_REJECTED', `Carrier ${fields.carrier} refused: ${fields.message}`, {
      ...options,
      details: { carrier: fields.carrier, ...(fields.reason === undefined ? {} : { reason: fields.reason }), ...(fields.requestId === undefined ? {} : { requestId: fields.requestId }), ...options.details },
    });
    this.name = 'CarrierError';
    this.carrier = fields.carrier;
    this.reason = fields.reason;
  }
}

/** True for a {@link CarrierError}, also across realms. */
export function isCarrierError(value: unknown): value is CarrierError {
  return value instanceof CarrierError || (value as { name?: unknown } | null)?.name === 'CarrierError';
}
