// Anything a storage adapter's driver threw, wrapped once at the port with a code and a hint.
import { maskDriverText, quoteCode } from './mask.js';
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';
import { describePart, type UnitPart } from './unit-error.js';

/** The storage error codes. */
export type StorageErrorCode =
  | 'DUPLICATE_KEY'
  | 'STORAGE_UNAVAILABLE'
  | 'STORAGE_TIMEOUT'
  | 'STORAGE_FAILURE'
  | 'MIGRATIONS_MISSING'
  | 'ACCESS_DENIED';

/** Thrown by storage adapters; `cause` holds the driver's own error. */
export class StorageError extends OrdoError<StorageErrorCode> {
  /** What to try, for the common cases (e.g. "run storage.migrate()"). */
  readonly hint: string | undefined;
  /** The storage operation that failed, e.g. `commit`, `outbox.claim`. */
  readonly operation: string;
  /** The unit-of-work part that failed (a duplicate id in it), when the write was one. */
  readonly part: UnitPart | undefined;

  constructor(
    code: StorageErrorCode,
    fields: { operation: string; message: string; hint?: string; part?: UnitPart },
    options: OrdoErrorOptions = {},
  ) {
    const where = fields.part === undefined ? '' : ` (part ${describePart(fields.part)})`;
    super(code, `Storage ${fields.operation}${where} failed: ${fields.message}${fields.hint ? ` (hint: ${fields.hint})` : ''}`, {
      ...options,
      details: { operation: fields.operation, hint: fields.hint, ...(fields.part === undefined ? {} : { part: fields.part }), ...options.details },
    });
    this.name = 'StorageError';
    this.hint = fields.hint;
    this.operation = fields.operation;
    this.part = fields.part;
  }
}

/** True for a {@link StorageError}, also across realms. */
export function isStorageError(value: unknown): value is StorageError {
  return value instanceof StorageError || (value as { name?: unknown } | null)?.name === 'StorageError';
}

const DRIVER_FIELDS = ['code', 'severity', 'schema', 'table', 'column', 'constraint', 'dataType', 'routine', 'errno', 'syscall'] as const;

/**
 * A driver error fit to keep as a {@link StorageError}'s `cause`: the same class of facts (code,
 * table, constraint, the stack) with the values the database quoted in its message and detail
 * (a duplicate key's value, a row that broke a constraint) replaced by their shapes.
 */
export function maskDriverError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return typeof error === 'string' ? maskDriverText(error) : error;
  const source = error as Record<string, unknown>;
  const masked = new Error(typeof source['message'] === 'string' ? maskDriverText(source['message']) : 'driver error');
  masked.name = typeof source['name'] === 'string' ? source['name'] : 'Error';
  if (typeof source['stack'] === 'string') masked.stack = `${masked.name}: ${masked.message}\n${source['stack'].split('\n').slice(1).join('\n')}`;
  const target = masked as unknown as Record<string, unknown>;
  for (const field of DRIVER_FIELDS) if (source[field] !== undefined) target[field] = source[field];
  for (const field of ['detail', 'hint', 'where'] as const) {
    if (typeof source[field] === 'string') target[field] = maskDriverText(source[field]);
  }
  if (Array.isArray(source['errors'])) target['errors'] = source['errors'].map(maskDriverError);
  return masked;
}

/** `details.reason` of a {@link recordedEventError}. */
const EVENT_ALREADY_RECORDED = 'event already recorded';

/**
 * The `DUPLICATE_KEY` of an order write whose new history repeats an event id the order already
 * recorded (the unique (order, event id) row). `details.eventId` says which, when known.
 */
export function recordedEventError(part: UnitPart, orderId: string, eventId: string | undefined, cause?: unknown): StorageError {
  return new StorageError(
    'DUPLICATE_KEY',
    {
      operation: 'commit',
      part,
      message: `order ${quoteCode(orderId)} already recorded event ${eventId === undefined ? 'of this write' : quoteCode(eventId)}`,
      hint: 'a redelivered event: read the recorded entry (orders.history) and answer the repeat with it',
    },
    { ...(cause === undefined ? {} : { cause }), details: { orderId, ...(eventId === undefined ? {} : { eventId }), reason: EVENT_ALREADY_RECORDED } },
  );
}

/** True for a {@link recordedEventError} about this order (and this event, when it names one). */
export function isRecordedEventError(error: unknown, orderId: string, eventId: string): boolean {
  if (!isStorageError(error) || error.code !== 'DUPLICATE_KEY' || error.part?.store !== 'orders') return false;
  const details = error.details as { orderId?: unknown; eventId?: unknown; reason?: unknown };
  return details.reason === EVENT_ALREADY_RECORDED && details.orderId === orderId && (details.eventId === undefined || details.eventId === eventId);
}
