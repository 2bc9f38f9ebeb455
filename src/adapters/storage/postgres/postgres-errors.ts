// Wraps whatever pg threw into one StorageError with a stable code, the driver error as `cause`, and a hint.
import { isOrdoError } from '../../../errors/ordo-error.js';
import { maskDriverText } from '../../../errors/mask.js';
import { maskDriverError, StorageError, type StorageErrorCode } from '../../../errors/storage-error.js';

/** Where the storage connects, for hints (never the password). */
export interface PostgresErrorContext {
  /** e.g. `127.0.0.1:5432`, or `the pool you passed`. */
  readonly target: string;
  readonly connectTimeoutMs: number | undefined;
  readonly statementTimeoutMs: number | undefined;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const TIMEOUT_MESSAGES = [/timeout exceeded when trying to connect/i, /connection timeout/i, /query read timeout/i, /timed out/i];

/** The fields of a pg `DatabaseError` or a Node socket error that the mapping reads. */
function fieldsOf(error: unknown): { code: string | undefined; message: string } {
  if (typeof error !== 'object' || error === null) return { code: undefined, message: String(error) };
  const candidate = error as { code?: unknown; message?: unknown; errors?: unknown };
  let code = typeof candidate.code === 'string' ? candidate.code : undefined;
  // Node reports a refused dual-stack connect as an AggregateError whose parts carry the code.
  if (code === undefined && Array.isArray(candidate.errors)) {
    const first = candidate.errors.find((part) => typeof (part as { code?: unknown } | null)?.code === 'string') as { code: string } | undefined;
    code = first?.code;
  }
  return { code, message: typeof candidate.message === 'string' && candidate.message !== '' ? candidate.message : String(error) };
}

/**
 * Maps a pg or socket error to a {@link StorageError}. Ordo's own errors pass through unchanged,
 * so an error is wrapped exactly once however deep it was thrown.
 */
export function wrapPostgresError(error: unknown, operation: string, context: PostgresErrorContext): unknown {
  if (isOrdoError(error)) return error;
  const { code, message: raw } = fieldsOf(error);
  // The database quotes values (a duplicate key, a bad input): never let them into a message. The
  // adapter's own stored functions raise ORDxx errors whose detail is Ordo's JSON: kept whole.
  const message = maskDriverText(raw);
  const make = (storageCode: StorageErrorCode, text: string, hint?: string): StorageError =>
    new StorageError(storageCode, hint === undefined ? { operation, message: text } : { operation, message: text, hint }, { cause: code?.startsWith('ORD') === true ? error : maskDriverError(error), details: { driverCode: code } });

  if (code === '23505') {
    return make('DUPLICATE_KEY', `a unique key already exists (${message})`, 'use a new id or key; read the existing record for a repeat');
  }
  // undefined_table, invalid_schema_name, undefined_function (the commit function): the schema is not there yet.
  if (code === '42P01' || code === '3F000' || code === '42883') {
    return make('MIGRATIONS_MISSING', message, 'run `await storage.migrate()` once before using the storage');
  }
  // protocol_violation: the server got a message it cannot use (e.g. a parameter count that does
  // not match the statement); the connection is fine, the statement is not.
  if (code === '08P01') return make('STORAGE_FAILURE', `PostgreSQL refused the statement as sent (${message})`);
  if (code === '57014') {
    return make(
      'STORAGE_TIMEOUT',
      `the statement was cancelled after ${context.statementTimeoutMs ?? 'the configured'} ms (${message})`,
      'raise statementTimeoutMs or look for lock waits',
    );
  }
  if ((code !== undefined && TIMEOUT_CODES.has(code)) || TIMEOUT_MESSAGES.some((pattern) => pattern.test(raw))) {
    return make(
      'STORAGE_TIMEOUT',
      `no answer from PostgreSQL at ${context.target} within ${context.connectTimeoutMs ?? 'the configured'} ms (${message})`,
      'check that the host is reachable and not firewalled; raise connectTimeoutMs for slow networks',
    );
  }
  if (code === '28P01' || code === '28000' || code === '42501') {
    // Not a network problem: the server answered, and said no. Retrying will not change that.
    return make(
      'ACCESS_DENIED',
      code === '42501'
        ? `PostgreSQL at ${context.target} refused the operation: the user lacks a permission (${code}: ${message})`
        : `PostgreSQL at ${context.target} refused the login (${code}: ${message})`,
      code === '42501' ? 'grant the user the privileges Ordo needs (see README: PostgreSQL)' : 'check the user and password in the connection string (and pg_hba.conf)',
    );
  }
  if (
    (code !== undefined && (CONNECTION_CODES.has(code) || (code.startsWith('08') && code !== '08P01') || code === '57P01' || code === '57P03' || code === '3D000')) ||
    /Connection terminated|not queryable|Client was closed/i.test(message)
  ) {
    return make(
      'STORAGE_UNAVAILABLE',
      `cannot reach PostgreSQL at ${context.target} (${code ?? message})`,
      code === '3D000' ? 'the database in the connection string does not exist' : 'is PostgreSQL running and accepting connections there? check the connection string',
    );
  }
  return make('STORAGE_FAILURE', message);
}
