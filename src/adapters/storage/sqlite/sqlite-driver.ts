// The subset of better-sqlite3 the SQLite adapter uses, declared structurally, and the shared context.
import { StorageError } from '../../../errors/storage-error.js';
import { wrapSqliteError } from './sqlite-errors.js';
import { storageTables, type StorageTables } from '../shared/table-names.js';

/** A value SQLite binds: better-sqlite3 refuses booleans and undefined. */
export type SqliteValue = string | number | bigint | null;

/** A prepared statement (a subset of better-sqlite3's `Statement`); the adapter binds only {@link SqliteValue}s. */
export interface SqliteStatementLike {
  run(...params: unknown[]): { readonly changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** A database connection (a subset of better-sqlite3's `Database`). */
export interface SqliteDatabaseLike {
  prepare(sql: string): SqliteStatementLike;
  exec(sql: string): unknown;
  close(): unknown;
  /** False once closed. */
  readonly open: boolean;
  /** True inside a transaction (better-sqlite3 has it); absent reads as false. */
  readonly inTransaction?: boolean;
}

/** Table names of one storage, already quoted. */
export type SqliteTables = StorageTables;

/** The quoted names of every table with `prefix`. */
export function sqliteTables(prefix: string): SqliteTables {
  return storageTables((table) => `"${prefix}${table}"`);
}

/** A synchronous view of the database for one operation. */
export interface SqliteSession {
  run(sql: string, ...params: SqliteValue[]): number;
  get<T>(sql: string, ...params: SqliteValue[]): T | undefined;
  all<T>(sql: string, ...params: SqliteValue[]): T[];
}

/** What every SQLite sub-store shares: the connection, table names, error wrapping. */
export interface SqliteContext {
  readonly tables: SqliteTables;
  /** Runs `work` in a read transaction: all its statements see one snapshot, and writers are never blocked (WAL). */
  read<T>(operation: string, work: (session: SqliteSession) => T): Promise<T>;
  /**
   * Runs `work` in a `BEGIN IMMEDIATE` transaction: it takes the write lock up front, so two
   * processes never both read and then fail to upgrade; rolls back on any throw.
   */
  write<T>(operation: string, work: (session: SqliteSession) => T): Promise<T>;
  close(): Promise<void>;
}

/** Creates the context; the connection is opened (or taken) lazily on first use. */
export function createSqliteContext(config: {
  readonly prefix: string;
  readonly open: () => Promise<SqliteDatabaseLike>;
  readonly ownsDatabase: boolean;
  readonly busyTimeoutMs: number;
}): SqliteContext {
  const tables = sqliteTables(config.prefix);
  let db: SqliteDatabaseLike | undefined;
  let pending: Promise<SqliteDatabaseLike> | undefined;
  let closed = false;
  const statements = new Map<string, SqliteStatementLike>();

  const connect = async (operation: string): Promise<SqliteDatabaseLike> => {
    if (closed) {
      throw new StorageError('STORAGE_UNAVAILABLE', {
        operation,
        message: 'the SQLite storage was closed',
        hint: 'create a new storage with createSqliteStorage()',
      });
    }
    if (db !== undefined) return db;
    pending ??= config.open().then((opened) => {
      // WAL lets readers work beside one writer (also across processes); NORMAL sync is durable
      // against process crashes, which is what WAL mode is documented to guarantee with it.
      opened.exec(`PRAGMA busy_timeout = ${config.busyTimeoutMs}`);
      opened.exec('PRAGMA journal_mode = WAL');
      opened.exec('PRAGMA synchronous = NORMAL');
      db = opened;
      return opened;
    });
    try {
      return await pending;
    } catch (error) {
      pending = undefined;
      throw error;
    }
  };

  const session = (database: SqliteDatabaseLike): SqliteSession => {
    const prepare = (sql: string): SqliteStatementLike => {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    };
    return {
      run: (sql, ...params) => prepare(sql).run(...params).changes,
      get: <T>(sql: string, ...params: SqliteValue[]) => prepare(sql).get(...params) as T | undefined,
      all: <T>(sql: string, ...params: SqliteValue[]) => prepare(sql).all(...params) as T[],
    };
  };

  return {
    tables,
    async read(operation, work) {
      try {
        const database = await connect(operation);
        // One snapshot for every statement of a read: another process committing between an
        // order's row and its history would otherwise tear it (WAL readers never block writers).
        const own = database.inTransaction !== true;
        if (own) database.exec('BEGIN');
        try {
          const result = work(session(database));
          if (own) database.exec('COMMIT');
          return result;
        } catch (error) {
          if (own) {
            try {
              database.exec('ROLLBACK');
            } catch {
              // Already rolled back; the first error is the one to report.
            }
          }
          throw error;
        }
      } catch (error) {
        throw wrapSqliteError(error, operation, config.busyTimeoutMs);
      }
    },
    async write(operation, work) {
      try {
        const database = await connect(operation);
        database.exec('BEGIN IMMEDIATE');
        try {
          const result = work(session(database));
          database.exec('COMMIT');
          return result;
        } catch (error) {
          try {
            database.exec('ROLLBACK');
          } catch {
            // SQLite already rolled back (it does on some errors); the first error is the one to report.
          }
          throw error;
        }
      } catch (error) {
        throw wrapSqliteError(error, operation, config.busyTimeoutMs);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      statements.clear();
      if (!config.ownsDatabase) return;
      const opened = db ?? (pending === undefined ? undefined : await pending.catch(() => undefined));
      if (opened !== undefined && opened.open) opened.close();
    },
  };
}

/** `?` placeholders are bound from a JSON array through `json_each`, SQLite's stand-in for `= ANY($1)`. */
export function jsonList(values: readonly SqliteValue[]): string {
  return JSON.stringify(values);
}

/** A `LIMIT` value: -1 (no limit in SQLite) when undefined, never negative otherwise. */
export function limitValue(limit: number | undefined): number {
  return limit === undefined ? -1 : Math.max(0, Math.floor(limit));
}
