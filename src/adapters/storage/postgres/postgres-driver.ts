// The subset of `pg` the PostgreSQL adapter uses, declared structurally so the core never depends on the driver.
import { StorageError } from '../../../errors/storage-error.js';
import { wrapPostgresError, type PostgresErrorContext } from './postgres-errors.js';
import { storageTables, type StorageTables } from '../shared/table-names.js';

/** What a query returns (a subset of pg's `QueryResult`). */
export interface PgResultLike {
  readonly rows: unknown[];
  readonly rowCount: number | null;
}

/** A query as pg accepts it; `name` makes pg prepare it once per connection. */
export interface PgQueryConfigLike {
  readonly text: string;
  readonly values?: unknown[];
  readonly name?: string;
}

/** Something that runs queries: a pool or a checked-out client. */
export interface PgQueryableLike {
  query(config: PgQueryConfigLike): Promise<PgResultLike>;
}

/** A client checked out of a pool (a subset of pg's `PoolClient`). */
export interface PgClientLike extends PgQueryableLike {
  /** Returns the client; pass an error to make the pool discard it. */
  release(error?: Error | boolean): void;
  /**
   * pg emits `'error'` on a checked-out client whose connection dies (a terminated backend, a
   * failover); pg-pool removes its own listener on checkout, so the adapter listens while it holds it.
   */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: 'error', listener: (error: Error) => void): unknown;
}

/** A connection pool (a subset of pg's `Pool`). */
export interface PgPoolLike extends PgQueryableLike {
  connect(): Promise<PgClientLike>;
  end(): Promise<void>;
}

/** Connection settings used when the adapter makes its own pool. */
export interface PgPoolSettings {
  readonly connectionString: string;
  readonly max: number;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly applicationName: string;
}

interface PgModuleLike {
  readonly Pool: new (config: Record<string, unknown>) => PgPoolLike & {
    on(event: 'error', listener: (error: Error) => void): unknown;
    on(event: 'connect', listener: (client: { on(event: 'error', listener: (error: Error) => void): unknown }) => void): unknown;
  };
}

/** Loads `pg` only when a connection string is given, so a user passing a pool needs no import. */
export async function createPgPool(settings: PgPoolSettings): Promise<PgPoolLike> {
  let module: PgModuleLike;
  try {
    const imported = (await import('pg')) as unknown as { default?: PgModuleLike } & Partial<PgModuleLike>;
    module = (imported.default ?? imported) as PgModuleLike;
  } catch (error) {
    throw new StorageError(
      'STORAGE_UNAVAILABLE',
      { operation: 'connect', message: 'the pg package could not be loaded', hint: 'install the optional peer dependency: npm install pg' },
      { cause: error },
    );
  }
  const pool = new module.Pool({
    connectionString: settings.connectionString,
    max: settings.max,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    // Both: statement_timeout stops the server, query_timeout stops waiting on a dead socket.
    statement_timeout: settings.statementTimeoutMs,
    query_timeout: settings.statementTimeoutMs + settings.connectTimeoutMs,
    application_name: settings.applicationName,
  });
  // A client losing its connection must not crash the process, idle or checked out: pg-pool
  // listens only to idle clients, and pg emits 'error' on a checked-out client whose backend is
  // terminated between two queries. The query in flight, if any, rejects on its own.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Table names of one storage, already quoted and schema-qualified, and its stored functions. */
export interface PgTables extends StorageTables {
  readonly schema: string;
  /** The stored commit function. */
  readonly commitFunction: string;
  /** The stored reservation function. */
  readonly reserveFunction: string;
}

/** The quoted names of every table under `schema` with `prefix`. */
export function pgTables(schema: string, prefix: string): PgTables {
  const name = (table: string): string => `"${schema}"."${prefix}${table}"`;
  return {
    ...storageTables(name),
    schema: `"${schema}"`,
    commitFunction: name('commit_unit'),
    reserveFunction: name('reserve_stock'),
  };
}

/** Short, stable statement-name prefix for this schema and prefix (pg names prepared statements per connection). */
function statementPrefix(schema: string, prefix: string): string {
  let hash = 0x811c9dc5;
  for (const char of `${schema}\u0000${prefix}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `ordo_${hash.toString(36)}_`;
}

/** What every PostgreSQL sub-store shares: the pool, the table names, error wrapping. */
export interface PgContext {
  readonly tables: PgTables;
  /** Runs one statement on the pool, wrapping driver errors. */
  query(operation: string, text: string, values?: unknown[], name?: string): Promise<PgResultLike>;
  /** Runs `work` in one transaction on one client; rolls back on any throw. */
  transaction<T>(operation: string, work: (query: (text: string, values?: unknown[], name?: string) => Promise<PgResultLike>) => Promise<T>): Promise<T>;
  /** Marks the storage closed and ends the pool if the adapter made it. */
  close(): Promise<void>;
}

/** Creates the shared context; the pool is made (or taken) lazily on first use. */
export function createPgContext(config: {
  readonly schema: string;
  readonly prefix: string;
  readonly pool: PgPoolLike | (() => Promise<PgPoolLike>);
  readonly ownsPool: boolean;
  readonly errorContext: PostgresErrorContext;
}): PgContext {
  const tables = pgTables(config.schema, config.prefix);
  const names = statementPrefix(config.schema, config.prefix);
  let closed = false;
  let pool: PgPoolLike | undefined = typeof config.pool === 'function' ? undefined : config.pool;
  let pending: Promise<PgPoolLike> | undefined;

  const getPool = async (operation: string): Promise<PgPoolLike> => {
    if (closed) {
      throw new StorageError('STORAGE_UNAVAILABLE', {
        operation,
        message: 'the PostgreSQL storage was closed',
        hint: 'create a new storage with createPostgresStorage()',
      });
    }
    if (pool !== undefined) return pool;
    const make = config.pool as () => Promise<PgPoolLike>;
    pending ??= make().then((made) => (pool = made));
    return pending;
  };

  const wrap = (operation: string, error: unknown): unknown => wrapPostgresError(error, operation, config.errorContext);
  const toConfig = (text: string, values: unknown[] | undefined, name: string | undefined): PgQueryConfigLike =>
    name === undefined ? { text, values: values ?? [] } : { text, values: values ?? [], name: names + name };

  const transactionOnce = async <T>(operation: string, work: (query: (text: string, values?: unknown[], name?: string) => Promise<PgResultLike>) => Promise<T>): Promise<T> => {
    let client: PgClientLike;
    try {
      client = await (await getPool(operation)).connect();
    } catch (error) {
      throw wrap(operation, error);
    }
    let broken: Error | undefined;
    // Without a listener a connection lost while checked out is an unhandled 'error' event that
    // ends the process; the query in flight rejects on its own, so the error is only recorded.
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on?.('error', onError);
    try {
      await client.query({ text: 'BEGIN' });
      const result = await work((text, values, name) => client.query(toConfig(text, values, name)));
      await client.query({ text: 'COMMIT' });
      return result;
    } catch (error) {
      if (broken === undefined) {
        try {
          await client.query({ text: 'ROLLBACK' });
        } catch (rollbackError) {
          // A client that cannot roll back is not returned to the pool for reuse.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
      }
      throw wrap(operation, error);
    } finally {
      client.off?.('error', onError);
      client.release(broken ?? false);
    }
  };

  return {
    tables,
    async query(operation, text, values, name) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          const target = await getPool(operation);
          return await target.query(toConfig(text, values, name));
        } catch (error) {
          // A deadlock victim's statement was rolled back whole, so running it again is safe.
          if ((error as { code?: unknown } | null)?.code === '40P01' && attempt < 3) continue;
          throw wrap(operation, error);
        }
      }
    },
    async transaction(operation, work) {
      // A deadlock victim's transaction was rolled back whole: running it again is safe, and
      // what a unit across stores meets when two of them lock the same rows in other orders.
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await transactionOnce(operation, work);
        } catch (error) {
          const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
          if (code === '40P01' && attempt < 3) continue;
          throw error;
        }
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!config.ownsPool) return;
      const made = pool ?? (pending === undefined ? undefined : await pending.catch(() => undefined));
      if (made !== undefined) await made.end();
    },
  };
}

/** A `LIMIT` parameter: null (no limit) when undefined, never negative, as the memory adapter's `take`. */
export function limitParam(limit: number | undefined): number | null {
  return limit === undefined ? null : Math.max(0, Math.floor(limit));
}
