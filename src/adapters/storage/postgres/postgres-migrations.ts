// Versioned PostgreSQL migrations shipped with the package, applied under an advisory lock.
import type { PgContext, PgTables } from './postgres-driver.js';

/** One schema version: statements run in order inside the migration transaction. */
export interface PostgresMigration {
  readonly version: number;
  readonly name: string;
  readonly statements: (tables: PgTables) => readonly string[];
}

/*
 * Instants are stored as canonical ISO text, not timestamptz: text order is time order for
 * Ordo's instants, they round-trip byte for byte (timestamptz would need formatting back to
 * millisecond 'Z' text on every read), and every due-ness comparison uses the caller's instant
 * parameter against the column, never the server's now().
 *
 * Orders, history entries and outbox payloads are `json` (text as written), not `jsonb`: the hot
 * path writes them and returns them whole, and json skips the binary conversion both ways (it
 * also keeps characters jsonb refuses, such as \u0000). Cast to jsonb in your own queries for
 * jsonb operators or a GIN index. Small documents queried by key (tasks, idempotency,
 * quarantine) are jsonb.
 */
const INITIAL: PostgresMigration = {
  version: 1,
  name: 'initial',
  statements: (t) => [
    `CREATE TABLE ${t.orders} (
      id text PRIMARY KEY,
      channel text NOT NULL,
      channel_order_id text NOT NULL,
      status text NOT NULL,
      version integer NOT NULL,
      updated_at text NOT NULL,
      data json NOT NULL,
      UNIQUE (channel, channel_order_id)
    )`,
    `CREATE INDEX ON ${t.orders} (status, updated_at, id)`,
    // Keyed by (order_id, seq): the one index reads need, and one index less to write per event.
    `CREATE TABLE ${t.history} (
      order_id text NOT NULL,
      seq bigserial,
      version integer NOT NULL,
      event_id text NOT NULL,
      entry json NOT NULL,
      PRIMARY KEY (order_id, seq)
    )`,
    `CREATE TABLE ${t.outbox} (
      sequence bigserial PRIMARY KEY,
      id text NOT NULL UNIQUE,
      topic text NOT NULL,
      key text NOT NULL,
      payload json NOT NULL,
      headers json,
      created_at text NOT NULL,
      status text NOT NULL DEFAULT 'pending',
      attempts integer NOT NULL DEFAULT 0,
      delivered_at text,
      last_error text,
      available_at text NOT NULL,
      lease_owner text,
      lease_until text
    )`,
    // Only pending rows are indexed for relays: delivered rows (the bulk) cost no index writes
    // beyond the keys; listing delivered or dead messages is an operator's scan.
    `CREATE INDEX ON ${t.outbox} (sequence) WHERE status = 'pending'`,
    `CREATE INDEX ON ${t.outbox} (key, sequence) WHERE status = 'pending'`,
    `CREATE TABLE ${t.idempotency} (
      key text PRIMARY KEY,
      fingerprint text NOT NULL,
      result jsonb NOT NULL,
      created_at text NOT NULL
    )`,
    `CREATE TABLE ${t.stock} (
      warehouse_id text NOT NULL,
      sku text NOT NULL,
      on_hand integer NOT NULL CHECK (on_hand >= 0),
      reserved integer NOT NULL CHECK (reserved >= 0),
      updated_at text NOT NULL,
      PRIMARY KEY (warehouse_id, sku)
    )`,
    `CREATE TABLE ${t.reservations} (
      seq bigserial UNIQUE,
      reservation_id text PRIMARY KEY,
      order_id text NOT NULL,
      line_id text NOT NULL,
      warehouse_id text NOT NULL,
      sku text NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      expires_at text,
      status text NOT NULL,
      created_at text NOT NULL,
      updated_at text NOT NULL
    )`,
    `CREATE INDEX ON ${t.reservations} (order_id, seq)`,
    `CREATE INDEX ON ${t.reservations} (expires_at, seq) WHERE status = 'active' AND expires_at IS NOT NULL`,
    `CREATE TABLE ${t.tasks} (
      seq bigserial UNIQUE,
      id text PRIMARY KEY,
      queue text NOT NULL,
      key text NOT NULL,
      payload jsonb NOT NULL,
      due_at text NOT NULL,
      status text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      first_failed_at text,
      last_error text,
      lease_owner text,
      lease_until text,
      created_at text NOT NULL,
      updated_at text NOT NULL
    )`,
    // One unfinished task per (queue, key): enqueue dedupes on it.
    `CREATE UNIQUE INDEX ON ${t.tasks} (queue, key) WHERE status IN ('pending', 'leased')`,
    `CREATE INDEX ON ${t.tasks} (queue, due_at, seq) WHERE status IN ('pending', 'leased')`,
    `CREATE INDEX ON ${t.tasks} (queue, status, due_at, seq)`,
    `CREATE TABLE ${t.quarantine} (
      seq bigserial UNIQUE,
      id text PRIMARY KEY,
      source text NOT NULL,
      payload jsonb NOT NULL,
      issues jsonb NOT NULL,
      received_at text NOT NULL,
      status text NOT NULL,
      updated_at text NOT NULL,
      revisions integer NOT NULL DEFAULT 0
    )`,
    `CREATE INDEX ON ${t.quarantine} (received_at, seq)`,
    // The unit of work in one round trip: a single statement is one transaction, so a raised
    // conflict rolls back every write of the unit. ORD01 is Ordo's own SQLSTATE for a stale version.
    `CREATE FUNCTION ${t.commitFunction}(p_orders json, p_outbox json, p_idempotency json) RETURNS void
    LANGUAGE plpgsql AS $fn$
    DECLARE
      w json;
      o json;
      n integer;
      actual integer;
    BEGIN
      FOR w IN SELECT value FROM json_array_elements(p_orders) LOOP
        -- The adapter sends each order without its history (kept in its own table).
        o := w->'order';
        IF json_typeof(w->'expectedVersion') = 'null' THEN
          INSERT INTO ${t.orders} (id, channel, channel_order_id, status, version, updated_at, data)
          VALUES (o->>'id', o->>'channel', o->>'channelOrderId', o->>'status', (o->>'version')::integer, o->>'updatedAt', o)
          ON CONFLICT DO NOTHING;
          GET DIAGNOSTICS n = ROW_COUNT;
          IF n = 0 THEN
            SELECT version INTO actual FROM ${t.orders} WHERE id = o->>'id';
            RAISE EXCEPTION USING ERRCODE = 'ORD01', MESSAGE = 'stale order write',
              DETAIL = json_build_object('id', o->>'id', 'expected', NULL, 'actual', actual, 'channelRef', actual IS NULL)::text;
          END IF;
        ELSE
          UPDATE ${t.orders} SET channel = o->>'channel', channel_order_id = o->>'channelOrderId', status = o->>'status',
            version = (o->>'version')::integer, updated_at = o->>'updatedAt', data = o
          WHERE id = o->>'id' AND version = (w->>'expectedVersion')::integer;
          GET DIAGNOSTICS n = ROW_COUNT;
          IF n = 0 THEN
            SELECT version INTO actual FROM ${t.orders} WHERE id = o->>'id';
            RAISE EXCEPTION USING ERRCODE = 'ORD01', MESSAGE = 'stale order write',
              DETAIL = json_build_object('id', o->>'id', 'expected', (w->>'expectedVersion')::integer, 'actual', actual, 'channelRef', false)::text;
          END IF;
        END IF;
        INSERT INTO ${t.history} (order_id, version, event_id, entry)
        SELECT o->>'id', (e.value->>'version')::integer, e.value->>'eventId', e.value
        FROM json_array_elements(w->'newHistory') WITH ORDINALITY AS e(value, i) ORDER BY e.i;
      END LOOP;
      INSERT INTO ${t.outbox} (id, topic, key, payload, headers, created_at, available_at)
      SELECT m.id, m.topic, m.key, m.payload, m.headers, m."createdAt", m."createdAt"
      FROM ROWS FROM (json_to_recordset(p_outbox) AS (id text, topic text, key text, payload json, headers json, "createdAt" text))
        WITH ORDINALITY AS m(id, topic, key, payload, headers, "createdAt", i)
      ORDER BY m.i;
      INSERT INTO ${t.idempotency} (key, fingerprint, result, created_at)
      SELECT r.key, r.fingerprint, r.result::jsonb, r."createdAt"
      FROM json_to_recordset(p_idempotency) AS r(key text, fingerprint text, result json, "createdAt" text);
    END
    $fn$`,
  ],
};

/*
 * Reservations in one round trip: stock rows are locked in (warehouse, sku) order, so workers
 * wanting the same SKUs queue instead of deadlocking, and the locks are held only for this one
 * statement. A shortfall raises ORD02 with the first unmet request, which undoes every insert
 * and update of the call; the adapter turns it into `{ ok: false }`.
 */
/**
 * The reservation function's text. Version 2 created it; version 5 replaces it so a shortfall
 * names the line (reservation, order and line ids) as well as the stock.
 */
function reserveFunction(t: PgTables, replace: boolean): string {
  const line = replace ? `'reservationId', r."reservationId", 'orderId', r."orderId", 'lineId', r."lineId", ` : '';
  return `${replace ? 'CREATE OR REPLACE' : 'CREATE'} FUNCTION ${t.reserveFunction}(p_requests json, p_at text) RETURNS SETOF ${t.reservations}
    LANGUAGE plpgsql AS $fn$
    DECLARE
      r record;
      n integer;
      available integer;
    BEGIN
      PERFORM 1 FROM ${t.stock} st
      WHERE (st.warehouse_id, st.sku) IN (SELECT q."warehouseId", q.sku FROM json_to_recordset(p_requests) AS q("warehouseId" text, sku text))
      ORDER BY st.warehouse_id, st.sku FOR UPDATE;
      FOR r IN
        SELECT q.* FROM ROWS FROM (json_to_recordset(p_requests) AS ("reservationId" text, "orderId" text, "lineId" text, "warehouseId" text, sku text, quantity integer, "expiresAt" text))
          WITH ORDINALITY AS q("reservationId", "orderId", "lineId", "warehouseId", sku, quantity, "expiresAt", i)
        ORDER BY q.i
      LOOP
        -- An existing id (stored before, earlier in this batch, or by a concurrent call that won) is a no-op.
        INSERT INTO ${t.reservations} (reservation_id, order_id, line_id, warehouse_id, sku, quantity, expires_at, status, created_at, updated_at)
        VALUES (r."reservationId", r."orderId", r."lineId", r."warehouseId", r.sku, r.quantity, r."expiresAt", 'active', p_at, p_at)
        ON CONFLICT (reservation_id) DO NOTHING;
        GET DIAGNOSTICS n = ROW_COUNT;
        CONTINUE WHEN n = 0;
        UPDATE ${t.stock} SET reserved = reserved + r.quantity, updated_at = p_at
        WHERE warehouse_id = r."warehouseId" AND sku = r.sku AND on_hand - reserved >= r.quantity;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n = 0 THEN
          SELECT GREATEST(0, on_hand - reserved) INTO available FROM ${t.stock} WHERE warehouse_id = r."warehouseId" AND sku = r.sku;
          RAISE EXCEPTION USING ERRCODE = 'ORD02', MESSAGE = 'insufficient stock',
            DETAIL = json_build_object(${line}'warehouseId', r."warehouseId", 'sku', r.sku, 'requested', r.quantity, 'available', COALESCE(available, 0))::text;
        END IF;
      END LOOP;
      RETURN QUERY SELECT * FROM ${t.reservations}
        WHERE reservation_id IN (SELECT q."reservationId" FROM json_to_recordset(p_requests) AS q("reservationId" text));
    END
    $fn$`;
}

const RESERVE_FUNCTION: PostgresMigration = {
  version: 2,
  name: 'reserve function',
  statements: (t) => [
    reserveFunction(t, false),
  ],
};

/*
 * The customer store. Profiles, golden profiles and audit records are read and written whole, so
 * they are `json` like orders. Postings are (key, record_id) with "C" collation: a key's ids are
 * one range of the primary key, in the byte order the other adapters sort by. Counts per key are
 * kept beside them, so `getPostings` answers a key held by 100,000 profiles without counting them.
 */
const CUSTOMERS: PostgresMigration = {
  version: 3,
  name: 'customers',
  statements: (t) => [
    `CREATE TABLE ${t.customerProfiles} (
      id text PRIMARY KEY,
      data json NOT NULL
    )`,
    `CREATE TABLE ${t.customerGoldens} (
      id text PRIMARY KEY,
      version integer NOT NULL,
      data json NOT NULL
    )`,
    `CREATE TABLE ${t.customerGoldenSources} (
      source_id text PRIMARY KEY,
      golden_id text NOT NULL
    )`,
    `CREATE INDEX ON ${t.customerGoldenSources} (golden_id)`,
    `CREATE TABLE ${t.customerPostings} (
      key text COLLATE "C" NOT NULL,
      record_id text COLLATE "C" NOT NULL,
      PRIMARY KEY (key, record_id)
    )`,
    `CREATE TABLE ${t.customerPostingCounts} (
      key text COLLATE "C" PRIMARY KEY,
      total integer NOT NULL CHECK (total >= 0)
    )`,
    `CREATE TABLE ${t.customerAudit} (
      seq bigserial UNIQUE,
      id text PRIMARY KEY,
      golden_id text NOT NULL,
      at text NOT NULL,
      data json NOT NULL
    )`,
    `CREATE INDEX ON ${t.customerAudit} (golden_id, seq)`,
  ],
};

/**
 * The commit function as version 4 left it. Version 5 replaces it null-safe: a message payload or
 * idempotency result that is JSON `null` is stored as JSON null, not refused as SQL NULL.
 */
function commitFunction(t: PgTables, nullSafe: boolean): string {
  return `CREATE OR REPLACE FUNCTION ${t.commitFunction}(p_orders json, p_outbox json, p_idempotency json) RETURNS void
    LANGUAGE plpgsql AS $fn$
    DECLARE
      w json;
      o json;
      n integer;
      actual integer;
    BEGIN
      FOR w IN SELECT value FROM json_array_elements(p_orders) LOOP
        -- The adapter sends each order without its history (kept in its own table).
        o := w->'order';
        IF json_typeof(w->'expectedVersion') = 'null' THEN
          INSERT INTO ${t.orders} (id, channel, channel_order_id, status, version, updated_at, customer_ref, created_at, data)
          VALUES (o->>'id', o->>'channel', o->>'channelOrderId', o->>'status', (o->>'version')::integer, o->>'updatedAt', o->>'customerRef', o->>'createdAt', o)
          ON CONFLICT DO NOTHING;
          GET DIAGNOSTICS n = ROW_COUNT;
          IF n = 0 THEN
            SELECT version INTO actual FROM ${t.orders} WHERE id = o->>'id';
            RAISE EXCEPTION USING ERRCODE = 'ORD01', MESSAGE = 'stale order write',
              DETAIL = json_build_object('id', o->>'id', 'expected', NULL, 'actual', actual, 'channelRef', actual IS NULL)::text;
          END IF;
        ELSE
          UPDATE ${t.orders} SET channel = o->>'channel', channel_order_id = o->>'channelOrderId', status = o->>'status',
            version = (o->>'version')::integer, updated_at = o->>'updatedAt', customer_ref = o->>'customerRef', created_at = o->>'createdAt', data = o
          WHERE id = o->>'id' AND version = (w->>'expectedVersion')::integer;
          GET DIAGNOSTICS n = ROW_COUNT;
          IF n = 0 THEN
            SELECT version INTO actual FROM ${t.orders} WHERE id = o->>'id';
            RAISE EXCEPTION USING ERRCODE = 'ORD01', MESSAGE = 'stale order write',
              DETAIL = json_build_object('id', o->>'id', 'expected', (w->>'expectedVersion')::integer, 'actual', actual, 'channelRef', false)::text;
          END IF;
        END IF;
        INSERT INTO ${t.history} (order_id, version, event_id, entry)
        SELECT o->>'id', (e.value->>'version')::integer, e.value->>'eventId', e.value
        FROM json_array_elements(w->'newHistory') WITH ORDINALITY AS e(value, i) ORDER BY e.i;
      END LOOP;
      INSERT INTO ${t.outbox} (id, topic, key, payload, headers, created_at, available_at)
      SELECT m.id, m.topic, m.key, ${nullSafe ? `COALESCE(m.payload, 'null'::json)` : 'm.payload'}, m.headers, m."createdAt", m."createdAt"
      FROM ROWS FROM (json_to_recordset(p_outbox) AS (id text, topic text, key text, payload json, headers json, "createdAt" text))
        WITH ORDINALITY AS m(id, topic, key, payload, headers, "createdAt", i)
      ORDER BY m.i;
      INSERT INTO ${t.idempotency} (key, fingerprint, result, created_at)
      SELECT r.key, r.fingerprint, ${nullSafe ? `COALESCE(r.result::jsonb, 'null'::jsonb)` : 'r.result::jsonb'}, r."createdAt"
      FROM json_to_recordset(p_idempotency) AS r(key text, fingerprint text, result json, "createdAt" text);
    END
    $fn$`;
}

/*
 * orders.listByCustomer: the customer and the creation time as columns the commit fills (an index
 * on data->>'customerRef' would parse every order's json on every write), backfilled from `data`
 * here. COLLATE "C" keeps code-point order, as the memory and SQLite adapters compare, whatever
 * the database's collation. The commit function is replaced to fill the columns; its body is
 * version 1's otherwise.
 */
const ORDERS_BY_CUSTOMER: PostgresMigration = {
  version: 4,
  name: 'orders-by-customer',
  statements: (t) => [
    `ALTER TABLE ${t.orders} ADD COLUMN customer_ref text COLLATE "C", ADD COLUMN created_at text COLLATE "C"`,
    `UPDATE ${t.orders} SET customer_ref = data->>'customerRef', created_at = data->>'createdAt'`,
    `ALTER TABLE ${t.orders} ALTER COLUMN customer_ref SET NOT NULL, ALTER COLUMN created_at SET NOT NULL`,
    `CREATE INDEX ON ${t.orders} (customer_ref, created_at, id COLLATE "C")`,
    commitFunction(t, false),
  ],
};

/**
 * Units of work across stores: a reservation shortfall names the line it stopped at, so a unit's
 * `INSUFFICIENT_STOCK` says which line; the commit function stores a JSON `null` payload or result.
 */
const UNIT_PARTS: PostgresMigration = {
  version: 5,
  name: 'unit parts: reserve names the line, commit keeps JSON null',
  statements: (t) => [reserveFunction(t, true), commitFunction(t, true)],
};

/**
 * An event is recorded once per order: the duplicate-event check is the commit's, so an order
 * read or held without its whole history can never record a redelivered event twice. PostgreSQL
 * names the index `<prefix>order_history_order_id_event_id_idx`, which the adapter recognises.
 */
const EVENT_ONCE: PostgresMigration = {
  version: 6,
  name: 'event once per order',
  statements: (t) => [`CREATE UNIQUE INDEX ON ${t.history} (order_id, event_id)`],
};

/** Stock by SKU across warehouses, for `inventory.getStockLevels` (the primary key leads with the warehouse). */
const STOCK_BY_SKU: PostgresMigration = {
  version: 7,
  name: 'stock by sku',
  statements: (t) => [`CREATE INDEX ON ${t.stock} (sku, warehouse_id)`],
};

/** Orders and units each warehouse was given per local day, for routing's daily capacity. */
const WAREHOUSE_CAPACITY: PostgresMigration = {
  version: 8,
  name: 'warehouse capacity',
  statements: (t) => [
    `CREATE TABLE ${t.capacity} (
      warehouse_id text NOT NULL,
      day text NOT NULL,
      orders integer NOT NULL CHECK (orders >= 0),
      units integer NOT NULL CHECK (units >= 0),
      updated_at text NOT NULL,
      PRIMARY KEY (warehouse_id, day)
    )`,
  ],
};

/** Every failure of a task, for compensation's attempt history and the reconciliation report. */
const TASK_HISTORY: PostgresMigration = {
  version: 9,
  name: 'task history',
  statements: (t) => [`ALTER TABLE ${t.tasks} ADD COLUMN history jsonb NOT NULL DEFAULT '[]'::jsonb`],
};

/** Versioned values changed at run time: the ops kill switch, job canary stages. */
const SETTINGS: PostgresMigration = {
  version: 10,
  name: 'settings',
  statements: (t) => [
    `CREATE TABLE ${t.settings} (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      version integer NOT NULL CHECK (version >= 1),
      updated_at text NOT NULL,
      updated_by text NOT NULL
    )`,
  ],
};

/** The metric reads: orders changed in a window, history entries in a window. */
const METRIC_READS: PostgresMigration = {
  version: 11,
  name: 'metric reads',
  statements: (t) => [
    // Kept beside the documents, so a snapshot reads them from covering indexes (index-only scans)
    // instead of fetching and parsing each row. Each ALTER rewrites its table once.
    `ALTER TABLE ${t.orders} ADD COLUMN status_entered_at jsonb GENERATED ALWAYS AS ((data->'statusEnteredAt')::jsonb) STORED`,
    `ALTER TABLE ${t.history} ADD COLUMN entered_at text GENERATED ALWAYS AS (entry->>'at') STORED`,
    `ALTER TABLE ${t.history} ADD COLUMN to_status text GENERATED ALWAYS AS (entry->>'to') STORED`,
    // The covering index replaces the plain (status, updated_at, id) one.
    `DO $drop$ DECLARE found record; BEGIN
       FOR found IN SELECT n.nspname AS schema, i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
         WHERE x.indrelid = '${t.orders.replace(/'/g, "''")}'::regclass AND pg_get_indexdef(x.indexrelid) LIKE '%(status, updated_at, id)' LOOP
         EXECUTE format('DROP INDEX %I.%I', found.schema, found.name);
       END LOOP;
     END $drop$`,
    // Narrow, so counting a million orders per status reads a small index only.
    `CREATE INDEX ON ${t.orders} (status)`,
    `CREATE INDEX ON ${t.orders} (status, updated_at, id) INCLUDE (status_entered_at)`,
    `CREATE INDEX ON ${t.orders} (updated_at, id) INCLUDE (status, status_entered_at)`,
    `CREATE INDEX ON ${t.history} (entered_at, order_id, version) INCLUDE (to_status)`,
  ],
};

/** Every migration, oldest first. Append only: a released version never changes. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = Object.freeze([INITIAL, RESERVE_FUNCTION, CUSTOMERS, ORDERS_BY_CUSTOMER, UNIT_PARTS, EVENT_ONCE, STOCK_BY_SKU, WAREHOUSE_CAPACITY, TASK_HISTORY, SETTINGS, METRIC_READS]);

/** An arbitrary constant that namespaces Ordo's advisory locks (the first of the two int4 keys). */
const ADVISORY_LOCK_CLASS = 0x4f52444f; // 'ORDO'

/**
 * Applies the migrations not yet recorded. Runs in one transaction holding a transaction-level
 * advisory lock keyed by the schema and prefix, so two processes migrating at once take turns
 * and the second finds nothing left to do.
 */
export async function migratePostgres(context: PgContext, lockName: string): Promise<number[]> {
  const t = context.tables;
  return context.transaction('migrate', async (query) => {
    await query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADVISORY_LOCK_CLASS, lockName]);
    await query(`CREATE SCHEMA IF NOT EXISTS ${t.schema}`);
    await query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const applied = new Set(((await query(`SELECT version FROM ${t.migrations}`)).rows as { version: number }[]).map((row) => row.version));
    const done: number[] = [];
    for (const migration of POSTGRES_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements(t)) await query(statement);
      await query(`INSERT INTO ${t.migrations} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
      done.push(migration.version);
    }
    return done;
  });
}
