// Anything a storage adapter's driver threw, wrapped once at the port with a code and a hint.
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';

/** The storage error codes. */
export type StorageErrorCode =
  | 'DUPLICATE_KEY'
  | 'STORAGE_UNAVAILABLE'
  | 'STORAGE_TIMEOUT'
  | 'STORAGE_FAILURE'
  | 'MIGRATIONS_MISSING';

/** Thrown by storage adapters; `cause` holds the driver's own error. */
export class StorageError extends OrdoError<StorageErrorCode> {
  /** What to try, for the common cases (e.g. "run storage.migrate()"). */
  readonly hint: string | undefined;
  /** The storage operation that failed, e.g. `commit`, `outbox.claim`. */
  readonly operation: string;

  constructor(
    code: StorageErrorCode,
    fields: { operation: string; message: string; hint?: string },
    options: OrdoErrorOptions = {},
  ) {
    super(code, `Storage ${fields.operation} failed: ${fields.message}${fields.hint ? ` (hint: ${fields.hint})` : ''}`, {
      ...options,
      details: { operation: fields.operation, hint: fields.hint, ...options.details },
    });
    this.name = 'StorageError';
    this.hint = fields.hint;
    this.operation = fields.operation;
  }
}

/** True for a {@link StorageError}, also across realms. */
export function isStorageError(value: unknown): value is StorageError {
  return value instanceof StorageError || (value as { name?: unknown } | null)?.name === 'StorageError';
}
