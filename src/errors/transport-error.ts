// Anything a transport adapter's client threw, wrapped once at the port.
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';

/** Thrown by transport adapters; `cause` holds the client's own error. */
export class TransportError extends OrdoError<'TRANSPORT_FAILURE' | 'TRANSPORT_CLOSED' | 'ACCESS_DENIED'> {
  /** The transport operation that failed, e.g. `publish`. */
  readonly operation: string;

  constructor(
    code: 'TRANSPORT_FAILURE' | 'TRANSPORT_CLOSED' | 'ACCESS_DENIED',
    fields: { operation: string; message: string },
    options: OrdoErrorOptions = {},
  ) {
    super(code, `Transport ${fields.operation} failed: ${fields.message}`, {
      ...options,
      details: { operation: fields.operation, ...options.details },
    });
    this.name = 'TransportError';
    this.operation = fields.operation;
  }
}

/** True for a {@link TransportError}, also across realms. */
export function isTransportError(value: unknown): value is TransportError {
  return value instanceof TransportError || (value as { name?: unknown } | null)?.name === 'TransportError';
}
