// Versioned SQLite migrations shipped with the package, applied inside one write transaction.
import type { SqliteContext, SqliteTables } from './sqlite-driver.js';

/** One schema version: statements run in order inside the migration transaction. */
export interface SqliteMigration {
  readonly version: number;
  readonly name: string;
  readonly statements: (tables: SqliteTables) => readonly string[];
}

/*
 * Instants are canonical ISO text (text order is time order); JSON is stored as text. Index
 * names carry the table name, so two prefixes can share one database file.
 */
const INITIAL: SqliteMigration = {
  version: 1,
  name: 'initial',
  statements: (t) => {
    const index = (table: string, suffix: string): string => `"${table.slice(1, -1)}_${suffix}"`;
    return [
      `CREATE TABLE ${t.orders} (
        id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        channel_order_id TEXT NOT NULL,
        status TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (channel, channel_order_id)
      )`,
      `CREATE INDEX ${index(t.orders, 'status')} ON ${t.orders} (status, updated_at, id)`,
      `CREATE TABLE ${t.history} (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        entry TEXT NOT NULL
      )`,
      `CREATE INDEX ${index(t.history, 'order')} ON ${t.history} (order_id, seq)`,
      `CREATE TABLE ${t.outbox} (
        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        topic TEXT NOT NULL,
        key TEXT NOT NULL,
        payload TEXT NOT NULL,
        headers TEXT,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        delivered_at TEXT,
        last_error TEXT,
        available_at TEXT NOT NULL,
        lease_owner TEXT,
        lease_until TEXT
      )`,
      `CREATE INDEX ${index(t.outbox, 'pending')} ON ${t.outbox} (sequence) WHERE status = 'pending'`,
      `CREATE INDEX ${index(t.outbox, 'key')} ON ${t.outbox} (key, sequence) WHERE status = 'pending'`,
      `CREATE INDEX ${index(t.outbox, 'status')} ON ${t.outbox} (status, sequence)`,
      `CREATE TABLE ${t.idempotency} (
        key TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`,
      `CREATE TABLE ${t.stock} (
        warehouse_id TEXT NOT NULL,
        sku TEXT NOT NULL,
        on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
        reserved INTEGER NOT NULL CHECK (reserved >= 0),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (warehouse_id, sku)
      )`,
      `CREATE TABLE ${t.reservations} (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        reservation_id TEXT NOT NULL UNIQUE,
        order_id TEXT NOT NULL,
        line_id TEXT NOT NULL,
        warehouse_id TEXT NOT NULL,
        sku TEXT NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        expires_at TEXT,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `CREATE INDEX ${index(t.reservations, 'order')} ON ${t.reservations} (order_id, seq)`,
      `CREATE INDEX ${index(t.reservations, 'expiry')} ON ${t.reservations} (expires_at, seq) WHERE status = 'active' AND expires_at IS NOT NULL`,
      `CREATE TABLE ${t.tasks} (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        queue TEXT NOT NULL,
        key TEXT NOT NULL,
        payload TEXT NOT NULL,
        due_at TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        first_failed_at TEXT,
        last_error TEXT,
        lease_owner TEXT,
        lease_until TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `CREATE UNIQUE INDEX ${index(t.tasks, 'unfinished_key')} ON ${t.tasks} (queue, key) WHERE status IN ('pending', 'leased')`,
      `CREATE INDEX ${index(t.tasks, 'due')} ON ${t.tasks} (queue, due_at, seq) WHERE status IN ('pending', 'leased')`,
      `CREATE INDEX ${index(t.tasks, 'status')} ON ${t.tasks} (queue, status, due_at, seq)`,
      `CREATE TABLE ${t.quarantine} (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        payload TEXT NOT NULL,
        issues TEXT NOT NULL,
        received_at TEXT NOT NULL,
        status TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        revisions INTEGER NOT NULL DEFAULT 0
      )`,
      `CREATE INDEX ${index(t.quarantine, 'received')} ON ${t.quarantine} (received_at, seq)`,
    ];
  },
};

/*
 * Version 2 is PostgreSQL's stored reservation function; SQLite reserves inside its write
 * transaction and needs nothing, so its version 2 is empty: the same number means the same
 * schema step in both adapters.
 */
const PLACEHOLDER_2: SqliteMigration = {
  version: 2,
  name: 'postgres-only',
  statements: () => [],
};

/*
 * The customer store. Postings are (key, record_id) in a WITHOUT ROWID table, so a key's ids are
 * one range of the primary key, read in id order; counts per key are kept beside them, so
 * `getPostings` answers a key held by 100,000 profiles without counting them.
 */
const CUSTOMERS: SqliteMigration = {
  version: 3,
  name: 'customers',
  statements: (t) => {
    const index = (table: string, suffix: string): string => `"${table.slice(1, -1)}_${suffix}"`;
    return [
      `CREATE TABLE ${t.customerProfiles} (
        id TEXT PRIMARY KEY,
        data TEXT NOT NULL
      )`,
      `CREATE TABLE ${t.customerGoldens} (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        data TEXT NOT NULL
      )`,
      `CREATE TABLE ${t.customerGoldenSources} (
        source_id TEXT PRIMARY KEY,
        golden_id TEXT NOT NULL
      ) WITHOUT ROWID`,
      `CREATE INDEX ${index(t.customerGoldenSources, 'golden')} ON ${t.customerGoldenSources} (golden_id)`,
      `CREATE TABLE ${t.customerPostings} (
        key TEXT NOT NULL,
        record_id TEXT NOT NULL,
        PRIMARY KEY (key, record_id)
      ) WITHOUT ROWID`,
      `CREATE TABLE ${t.customerPostingCounts} (
        key TEXT PRIMARY KEY,
        total INTEGER NOT NULL CHECK (total > 0)
      ) WITHOUT ROWID`,
      `CREATE TABLE ${t.customerAudit} (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        golden_id TEXT NOT NULL,
        at TEXT NOT NULL,
        data TEXT NOT NULL
      )`,
      `CREATE INDEX ${index(t.customerAudit, 'golden')} ON ${t.customerAudit} (golden_id, seq)`,
    ];
  },
};

/*
 * orders.listByCustomer: the customer and the creation time as columns the commit fills (an index
 * on json_extract would parse every order's JSON on every write), backfilled from `data` here.
 */
const ORDERS_BY_CUSTOMER: SqliteMigration = {
  version: 4,
  name: 'orders-by-customer',
  statements: (t) => [
    `ALTER TABLE ${t.orders} ADD COLUMN customer_ref TEXT`,
    `ALTER TABLE ${t.orders} ADD COLUMN created_at TEXT`,
    `UPDATE ${t.orders} SET customer_ref = json_extract(data, '$.customerRef'), created_at = json_extract(data, '$.createdAt')`,
    `CREATE INDEX "${t.orders.slice(1, -1)}_customer" ON ${t.orders} (customer_ref, created_at, id)`,
  ],
};

/** PostgreSQL's version 5 replaces its stored functions; SQLite has none. */
const PLACEHOLDER_5: SqliteMigration = {
  version: 5,
  name: 'postgres-only',
  statements: () => [],
};

/**
 * An event is recorded once per order: the duplicate-event check is the commit's, so an order
 * read or held without its whole history can never record a redelivered event twice.
 */
const EVENT_ONCE: SqliteMigration = {
  version: 6,
  name: 'event once per order',
  statements: (t) => [`CREATE UNIQUE INDEX "${t.history.slice(1, -1)}_event" ON ${t.history} (order_id, event_id)`],
};

/** Stock by SKU across warehouses, for `inventory.getStockLevels` (the primary key leads with the warehouse). */
const STOCK_BY_SKU: SqliteMigration = {
  version: 7,
  name: 'stock by sku',
  statements: (t) => [`CREATE INDEX "${t.stock.slice(1, -1)}_sku" ON ${t.stock} (sku, warehouse_id)`],
};

/** Orders and units each warehouse was given per local day, for routing's daily capacity. */
const WAREHOUSE_CAPACITY: SqliteMigration = {
  version: 8,
  name: 'warehouse capacity',
  statements: (t) => [
    `CREATE TABLE ${t.capacity} (
      warehouse_id TEXT NOT NULL,
      day TEXT NOT NULL,
      orders INTEGER NOT NULL CHECK (orders >= 0),
      units INTEGER NOT NULL CHECK (units >= 0),
      updated_at TEXT NOT NULL,
      PRIMARY KEY (warehouse_id, day)
    )`,
  ],
};

/** Every failure of a task, for compensation's attempt history and the reconciliation report. */
const TASK_HISTORY: SqliteMigration = {
  version: 9,
  name: 'task history',
  statements: (t) => [`ALTER TABLE ${t.tasks} ADD COLUMN history TEXT NOT NULL DEFAULT '[]'`],
};

/** Versioned values changed at run time: the ops kill switch, job canary stages. */
const SETTINGS: SqliteMigration = {
  version: 10,
  name: 'settings',
  statements: (t) => [
    `CREATE TABLE ${t.settings} (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      version INTEGER NOT NULL CHECK (version >= 1),
      updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL
    )`,
  ],
};

/** The metric reads: orders changed in a window, history entries in a window. */
const METRIC_READS: SqliteMigration = {
  version: 11,
  name: 'metric reads',
  statements: (t) => [
    `CREATE INDEX "${t.orders.slice(1, -1)}_updated" ON ${t.orders} (updated_at, id)`,
    `CREATE INDEX "${t.history.slice(1, -1)}_at" ON ${t.history} (json_extract(entry, '$.at'), order_id, version)`,
  ],
};

/** Every migration, oldest first. Append only: a released version never changes. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = Object.freeze([INITIAL, PLACEHOLDER_2, CUSTOMERS, ORDERS_BY_CUSTOMER, PLACEHOLDER_5, EVENT_ONCE, STOCK_BY_SKU, WAREHOUSE_CAPACITY, TASK_HISTORY, SETTINGS, METRIC_READS]);

/**
 * Applies the migrations not yet recorded, in one `BEGIN IMMEDIATE` transaction: a second
 * process migrating at the same time waits for the write lock, then finds nothing left to do.
 */
export function migrateSqlite(context: SqliteContext): Promise<number[]> {
  const t = context.tables;
  return context.write('migrate', (session) => {
    session.run(`CREATE TABLE IF NOT EXISTS ${t.migrations} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)`);
    const applied = new Set(session.all<{ version: number }>(`SELECT version FROM ${t.migrations}`).map((row) => row.version));
    const done: number[] = [];
    for (const migration of SQLITE_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements(t)) session.run(statement);
      session.run(`INSERT INTO ${t.migrations} (version, name) VALUES (?, ?)`, migration.version, migration.name);
      done.push(migration.version);
    }
    return done;
  });
}
