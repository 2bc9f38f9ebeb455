// The same idempotency key reused for a different request.
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';

/** Thrown when an idempotency key is replayed with a payload whose fingerprint differs. */
export class IdempotencyError extends OrdoError<'IDEMPOTENCY_MISMATCH'> {
  /** The key that was reused. */
  readonly key: string;

  /**
   * @param kind what the key is, for the message: `Idempotency key` (default), `Event id`,
   * `Channel order`.
   */
  constructor(key: string, options: OrdoErrorOptions & { readonly kind?: string } = {}) {
    const kind = options.kind ?? 'Idempotency key';
    super(
      'IDEMPOTENCY_MISMATCH',
      `${kind} "${key}" was already used for a different payload; use a new ${kind === 'Idempotency key' ? 'key' : kind === 'Event id' ? 'event id' : 'id'} for a new request`,
      { ...options, details: { key, ...options.details } },
    );
    this.name = 'IdempotencyError';
    this.key = key;
  }
}

/** True for an {@link IdempotencyError}, also across realms. */
export function isIdempotencyError(value: unknown): value is IdempotencyError {
  return value instanceof IdempotencyError || (value as { name?: unknown } | null)?.name === 'IdempotencyError';
}
