// createPostgresStorage: the storage port on PostgreSQL for several processes and machines.
import { z } from 'zod';
import { option, parseOptions } from '../../../errors/options.js';
import { expectNoMoreArguments } from '../../../errors/validation-error.js';
import { sqlIdentifierOption } from '../shared/table-names.js';
import type { StorageCapabilities, StoragePort, UnitOfWork } from '../../../ports/storage-port.js';
import { createPostgresCustomers } from './postgres-customers.js';
import { createPgContext, createPgPool, type PgPoolLike } from './postgres-driver.js';
import type { PostgresErrorContext } from './postgres-errors.js';
import { createPostgresIdempotency } from './postgres-idempotency.js';
import { createPostgresInventory } from './postgres-inventory.js';
import { migratePostgres } from './postgres-migrations.js';
import { commitPostgres, createPostgresOrderReader } from './postgres-orders.js';
import { createPostgresOutbox } from './postgres-outbox.js';
import { createPostgresQuarantine } from './postgres-quarantine.js';
import { createPostgresSettings } from './postgres-settings.js';
import { createPostgresTasks } from './postgres-tasks.js';

/** Settings shared by both ways of connecting. */
interface PostgresStorageCommonOptions {
  /**
   * The schema Ordo's tables live in; created by `migrate()`. Lets Ordo sit inside an existing
   * ERP database without touching its tables.
   * @default 'ordo'
   */
  readonly schema?: string;
  /**
   * Prepended to every table name (e.g. `ordo_` gives `ordo_orders`), for databases where a
   * separate schema is not an option.
   * @default ''
   */
  readonly tablePrefix?: string;
  /**
   * How long to wait for a connection before failing with `STORAGE_TIMEOUT`. Used for the pool
   * the adapter makes; configure your own pool's `connectionTimeoutMillis` likewise.
   * @default 5000
   */
  readonly connectTimeoutMs?: number;
  /**
   * Server-side `statement_timeout` for the pool the adapter makes; a longer statement fails
   * with `STORAGE_TIMEOUT`.
   * @default 30000
   */
  readonly statementTimeoutMs?: number;
  /**
   * Connections in the pool the adapter makes.
   * @default 10
   */
  readonly maxConnections?: number;
  /**
   * `application_name` of the pool the adapter makes, as `pg_stat_activity` shows it: lets an
   * operator tell Ordo's connections (and each service's) apart.
   * @default 'ordo'
   */
  readonly applicationName?: string;
}

/** Options of {@link createPostgresStorage}: a connection string, or a `pg` pool of yours. */
export type PostgresStorageOptions =
  | (PostgresStorageCommonOptions & {
      /**
       * A libpq connection URL; the adapter loads `pg` and makes (and on `close()` ends) a pool.
       * @example 'postgres://ordo@127.0.0.1:5432/erp'
       */
      readonly connectionString: string;
      readonly pool?: never;
    })
  | (PostgresStorageCommonOptions & {
      /** A `pg` Pool (or anything shaped like {@link PgPoolLike}); stays yours: `close()` does not end it. */
      readonly pool: PgPoolLike;
      readonly connectionString?: never;
    });

/** A PostgreSQL storage: the {@link StoragePort} with the adapter's capabilities. */
export interface PostgresStorage extends StoragePort {
  readonly capabilities: StorageCapabilities & { readonly name: 'postgres'; readonly persistent: true; readonly multiProcess: true };
  /** The schema and prefix in use, for your own SQL and operators. */
  readonly location: { readonly schema: string; readonly tablePrefix: string };
}

const postgresOptionsSchema = z
  .strictObject({
    connectionString: option.url(['postgres:', 'postgresql:'], 'postgres://user:password@127.0.0.1:5432/database').optional(),
    pool: option.withMethods<PgPoolLike>('a pg Pool (with query and connect)', 'query', 'connect').optional(),
    schema: sqlIdentifierOption(false).default('ordo'),
    tablePrefix: sqlIdentifierOption(true).default(''),
    connectTimeoutMs: option.positiveInt().default(5_000),
    statementTimeoutMs: option.positiveInt().default(30_000),
    maxConnections: option.positiveInt().default(10),
    applicationName: option.text().max(63).default('ordo'),
  })
  .refine((o) => (o.connectionString === undefined) !== (o.pool === undefined), {
    message: 'Expected exactly one of connectionString or pool',
    path: ['connectionString'],
  });

/** host:port of a connection URL, never its password. */
function describeTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}`;
  } catch {
    return 'the configured server';
  }
}

/**
 * Creates a storage on PostgreSQL. Connects lazily: creating it never touches the network;
 * call `await storage.migrate()` once (safe from several processes at once: an advisory lock
 * serialises them) before use. Orders are stored as JSON with indexed columns, history in an
 * append-only table, the outbox with a bigserial sequence; outbox relays and task workers in
 * several processes share work with `FOR UPDATE SKIP LOCKED` and expiring leases. Outbox
 * messages committed with their order's write keep commit order per key (the order's row lock
 * serialises those commits); messages committed without an order write are ordered by insertion.
 *
 * @throws ValidationError `INVALID_OPTIONS` with every bad option's path (checked eagerly).
 * @example
 * const storage = createPostgresStorage({ connectionString: process.env.DATABASE_URL!, schema: 'ordo' });
 * await storage.migrate();
 */
export function createPostgresStorage(options: PostgresStorageOptions, ...unexpected: never[]): PostgresStorage {
  expectNoMoreArguments('createPostgresStorage arguments', unexpected);
  const { schema, tablePrefix, connectTimeoutMs, statementTimeoutMs, maxConnections, applicationName, ...given } = parseOptions('createPostgresStorage options', postgresOptionsSchema, options);

  const errorContext: PostgresErrorContext =
    given.connectionString !== undefined
      ? { target: describeTarget(given.connectionString), connectTimeoutMs, statementTimeoutMs }
      : { target: 'the pool you passed', connectTimeoutMs: undefined, statementTimeoutMs: undefined };
  const connectionString = given.connectionString;
  const context = createPgContext({
    schema,
    prefix: tablePrefix,
    pool:
      connectionString !== undefined
        ? () => createPgPool({ connectionString, max: maxConnections, connectTimeoutMs, statementTimeoutMs, applicationName })
        : (given.pool as PgPoolLike),
    ownsPool: connectionString !== undefined,
    errorContext,
  });

  return Object.freeze({
    capabilities: Object.freeze({ name: 'postgres', persistent: true, multiProcess: true } as const),
    location: Object.freeze({ schema, tablePrefix }),
    orders: Object.freeze(createPostgresOrderReader(context)),
    outbox: Object.freeze(createPostgresOutbox(context)),
    idempotency: Object.freeze(createPostgresIdempotency(context)),
    inventory: Object.freeze(createPostgresInventory(context)),
    tasks: Object.freeze(createPostgresTasks(context)),
    quarantine: Object.freeze(createPostgresQuarantine(context)),
    settings: Object.freeze(createPostgresSettings(context)),
    customers: Object.freeze(createPostgresCustomers(context)),
    async commit(unit: UnitOfWork): Promise<void> {
      await commitPostgres(context, unit);
    },
    async migrate(): Promise<void> {
      await migratePostgres(context, `${schema}.${tablePrefix}`);
    },
    close: (): Promise<void> => context.close(),
  });
}
