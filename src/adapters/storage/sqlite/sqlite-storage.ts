// createSqliteStorage: the storage port on one SQLite file (better-sqlite3, WAL mode) for a shop on one machine.
import { z } from 'zod';
import { option, parseOptions } from '../../../errors/options.js';
import { expectNoMoreArguments } from '../../../errors/validation-error.js';
import { sqlIdentifierOption } from '../shared/table-names.js';
import { StorageError } from '../../../errors/storage-error.js';
import type { StorageCapabilities, StoragePort, UnitOfWork } from '../../../ports/storage-port.js';
import { createSqliteCustomers } from './sqlite-customers.js';
import { createSqliteContext, type SqliteDatabaseLike } from './sqlite-driver.js';
import { createSqliteIdempotency } from './sqlite-idempotency.js';
import { createSqliteInventory } from './sqlite-inventory.js';
import { migrateSqlite } from './sqlite-migrations.js';
import { commitSqlite, createSqliteOrderReader } from './sqlite-orders.js';
import { createSqliteOutbox } from './sqlite-outbox.js';
import { createSqliteQuarantine } from './sqlite-quarantine.js';
import { createSqliteSettings } from './sqlite-settings.js';
import { createSqliteTasks } from './sqlite-tasks.js';

/** Settings shared by both ways of opening. */
interface SqliteStorageCommonOptions {
  /**
   * Prepended to every table name, so Ordo can share a database file with your own tables.
   * @default 'ordo_'
   */
  readonly tablePrefix?: string;
  /**
   * How long a write waits for another connection's write lock before failing with
   * `STORAGE_TIMEOUT` (SQLite's `busy_timeout`).
   * @default 5000
   */
  readonly busyTimeoutMs?: number;
}

/** Options of {@link createSqliteStorage}: a file to open, or a better-sqlite3 database of yours. */
export type SqliteStorageOptions =
  | (SqliteStorageCommonOptions & {
      /**
       * Path of the database file (created if missing); `:memory:` for a private in-memory
       * database. The adapter loads `better-sqlite3`, opens it and closes it on `close()`.
       * @example './data/ordo.sqlite'
       */
      readonly file: string;
      readonly database?: never;
    })
  | (SqliteStorageCommonOptions & {
      /**
       * An open better-sqlite3 `Database` (or anything shaped like {@link SqliteDatabaseLike});
       * stays yours: `close()` does not close it. The adapter sets WAL mode and `busy_timeout` on it.
       */
      readonly database: SqliteDatabaseLike;
      readonly file?: never;
    });

/** A SQLite storage: the {@link StoragePort} with the adapter's capabilities. */
export interface SqliteStorage extends StoragePort {
  readonly capabilities: StorageCapabilities & { readonly name: 'sqlite'; readonly persistent: true; readonly multiProcess: true };
  /** The table prefix in use, for your own SQL and operators. */
  readonly location: { readonly tablePrefix: string };
}

interface SqliteModuleLike {
  new (file: string): SqliteDatabaseLike;
}

const sqliteOptionsSchema = z
  .strictObject({
    file: option.text().optional(),
    database: option.withMethods<SqliteDatabaseLike>('a better-sqlite3 Database (with prepare and exec)', 'prepare', 'exec').optional(),
    tablePrefix: sqlIdentifierOption(true).default('ordo_'),
    busyTimeoutMs: option.nonNegativeInt().default(5_000),
  })
  .refine((o) => (o.file === undefined) !== (o.database === undefined), { message: 'Expected exactly one of file or database', path: ['file'] });

/** Loads better-sqlite3 only when a file is given, so a user passing a database needs no import here. */
async function openFile(file: string): Promise<SqliteDatabaseLike> {
  let Database: SqliteModuleLike;
  try {
    const imported = (await import('better-sqlite3')) as unknown as { default?: SqliteModuleLike };
    Database = (imported.default ?? imported) as SqliteModuleLike;
  } catch (error) {
    throw new StorageError(
      'STORAGE_UNAVAILABLE',
      { operation: 'open', message: 'the better-sqlite3 package could not be loaded', hint: 'install the optional peer dependency: npm install better-sqlite3' },
      { cause: error },
    );
  }
  return new Database(file);
}

/**
 * Creates a storage on SQLite through better-sqlite3, in WAL mode. Opens lazily on first use;
 * call `await storage.migrate()` once before use (safe from several processes at once: it runs
 * under SQLite's write lock). Every write is a `BEGIN IMMEDIATE` transaction, so several
 * processes on one machine may share the file: writers take turns, waiting up to
 * `busyTimeoutMs`, and a reservation or a claim sees every committed change.
 *
 * @throws ValidationError `INVALID_OPTIONS` with every bad option's path (checked eagerly).
 * @example
 * const storage = createSqliteStorage({ file: './ordo.sqlite' });
 * await storage.migrate();
 */
export function createSqliteStorage(options: SqliteStorageOptions, ...unexpected: never[]): SqliteStorage {
  expectNoMoreArguments('createSqliteStorage arguments', unexpected);
  const { tablePrefix, busyTimeoutMs, ...given } = parseOptions('createSqliteStorage options', sqliteOptionsSchema, options);
  const file = given.file;
  const database = given.database;
  const context = createSqliteContext({
    prefix: tablePrefix,
    open: file !== undefined ? () => openFile(file) : async () => database as SqliteDatabaseLike,
    ownsDatabase: file !== undefined,
    busyTimeoutMs,
  });

  return Object.freeze({
    capabilities: Object.freeze({ name: 'sqlite', persistent: true, multiProcess: true } as const),
    location: Object.freeze({ tablePrefix }),
    orders: Object.freeze(createSqliteOrderReader(context)),
    outbox: Object.freeze(createSqliteOutbox(context)),
    idempotency: Object.freeze(createSqliteIdempotency(context)),
    inventory: Object.freeze(createSqliteInventory(context)),
    tasks: Object.freeze(createSqliteTasks(context)),
    quarantine: Object.freeze(createSqliteQuarantine(context)),
    settings: Object.freeze(createSqliteSettings(context)),
    customers: Object.freeze(createSqliteCustomers(context)),
    async commit(unit: UnitOfWork): Promise<void> {
      await commitSqlite(context, unit);
    },
    async migrate(): Promise<void> {
      await migrateSqlite(context);
    },
    close: (): Promise<void> => context.close(),
  });
}
