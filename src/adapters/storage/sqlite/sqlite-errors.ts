// Wraps whatever better-sqlite3 threw into one StorageError with a stable code, the driver error as `cause`, and a hint.
import { isOrdoError } from '../../../errors/ordo-error.js';
import { maskDriverText } from '../../../errors/mask.js';
import { maskDriverError, StorageError, type StorageErrorCode } from '../../../errors/storage-error.js';

/**
 * Maps a better-sqlite3 error to a {@link StorageError}. Ordo's own errors pass through
 * unchanged, so an error is wrapped exactly once.
 */
export function wrapSqliteError(error: unknown, operation: string, busyTimeoutMs: number): unknown {
  if (isOrdoError(error)) return error;
  const code = typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : undefined;
  const message = maskDriverText(error instanceof Error ? error.message : String(error));
  const make = (storageCode: StorageErrorCode, text: string, hint?: string): StorageError =>
    new StorageError(storageCode, hint === undefined ? { operation, message: text } : { operation, message: text, hint }, { cause: maskDriverError(error), details: { driverCode: code } });

  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return make('DUPLICATE_KEY', `a unique key already exists (${message})`, 'use a new id or key; read the existing record for a repeat');
  }
  if (/no such table/i.test(message)) {
    return make('MIGRATIONS_MISSING', message, 'run `await storage.migrate()` once before using the storage');
  }
  if (code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) {
    return make('STORAGE_TIMEOUT', `the database stayed locked for ${busyTimeoutMs} ms (${message})`, 'another process holds a long write transaction; raise busyTimeoutMs or shorten it');
  }
  if ((code !== undefined && code.startsWith('SQLITE_CANTOPEN')) || /database connection is not open|unable to open|directory does not exist/i.test(message)) {
    return make('STORAGE_UNAVAILABLE', message, 'check that the directory exists and is writable by this process');
  }
  return make('STORAGE_FAILURE', message);
}
