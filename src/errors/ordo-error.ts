// The one base class every error thrown or returned by Ordo extends.
import type { OrdoErrorCode } from './error-codes.js';

/** Options accepted by every Ordo error constructor. */
export interface OrdoErrorOptions {
  /** The underlying error, kept for logs and debuggers. */
  readonly cause?: unknown;
  /** Structured, already-masked facts about the failure (status, event, zone, ...). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Base class of every Ordo error. `code` is stable and meant for `switch`; `message` is for
 * people and never contains unmasked personal data.
 *
 * @example
 * try { toInstant(local, 'America/New_York') } catch (error) {
 *   if (isOrdoError(error) && error.code === 'NONEXISTENT_LOCAL_TIME') ...
 * }
 */
export class OrdoError<C extends OrdoErrorCode = OrdoErrorCode> extends Error {
  /** The stable, machine-readable code. */
  readonly code: C;
  /** Structured facts about the failure; safe to log. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: C, message: string, options: OrdoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = Object.freeze({ ...options.details });
    // `name` survives bundling and realm crossings, unlike `instanceof`.
    this.name = 'OrdoError';
  }

  /** A plain object for structured logs and JSON APIs. */
  toJSON(): { name: string; code: C; message: string; details: Readonly<Record<string, unknown>> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

const ORDO_ERROR_NAMES = new Set([
  'OrdoError',
  'ValidationError',
  'TransitionError',
  'ConcurrencyError',
  'MoneyError',
  'TimeError',
  'DefinitionError',
  'StorageError',
  'IdempotencyError',
  'TransportError',
  'UnitOfWorkError',
  'StatusCodeError',
  'WebhookError',
]);

/** @internal Registers a subclass name so {@link isOrdoError} recognises it across realms. */
export function registerOrdoErrorName(name: string): void {
  ORDO_ERROR_NAMES.add(name);
}

/**
 * True for any Ordo error, also one that crossed a realm or came from another copy of the
 * package (checked by `name` and `code`, as ky's `isHTTPError` does).
 */
export function isOrdoError(value: unknown): value is OrdoError {
  if (value instanceof OrdoError) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  return (
    typeof candidate.name === 'string' &&
    ORDO_ERROR_NAMES.has(candidate.name) &&
    typeof candidate.code === 'string'
  );
}

/** True for an Ordo error with exactly this code. */
export function hasErrorCode<C extends OrdoErrorCode>(value: unknown, code: C): value is OrdoError<C> {
  return isOrdoError(value) && value.code === code;
}
