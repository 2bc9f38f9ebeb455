// Runs the storage conformance suite on SQLite: a database file per test, writes checked with raw SQL on a second connection.
import Database from 'better-sqlite3';
import { afterAll, describe, it } from 'vitest';
import { createSqliteStorage, type SqliteStorage } from '../../../src/adapters/sqlite.js';
import type { StoragePort } from '../../../src/ports/index.js';
import { storageConformance, type CustomerStoreBackdoor, type StorageBackdoor } from '../../../src/testing/index.js';
import { tempDir } from '../../support/sqlite.js';

const dir = tempDir();
afterAll(() => dir.remove());

const files = new WeakMap<StoragePort, string>();
const readers: Database.Database[] = [];
let counter = 0;

/** Raw SQL reads on `db`, behind the adapter's back. */
function rawReader(db: Database.Database, tablePrefix: string): StorageBackdoor {
  const table = (name: string): string => `"${tablePrefix}${name}"`;
  return {
    readOrderVersion: async (id) => (db.prepare(`SELECT version FROM ${table('orders')} WHERE id = ?`).get(id) as { version: number } | undefined)?.version ?? null,
    countHistory: async (orderId) => (db.prepare(`SELECT count(*) AS n FROM ${table('order_history')} WHERE order_id = ?`).get(orderId) as { n: number }).n,
    countOutbox: async () => (db.prepare(`SELECT count(*) AS n FROM ${table('outbox')}`).get() as { n: number }).n,
    hasIdempotencyKey: async (key) => db.prepare(`SELECT 1 FROM ${table('idempotency')} WHERE key = ?`).get(key) !== undefined,
    readStock: async (warehouseId, sku) => {
      const row = db.prepare(`SELECT on_hand, reserved FROM ${table('stock')} WHERE warehouse_id = ? AND sku = ?`).get(warehouseId, sku) as
        | { on_hand: number; reserved: number }
        | undefined;
      return row === undefined ? null : { onHand: row.on_hand, reserved: row.reserved };
    },
    readReservationStatus: async (id) => (db.prepare(`SELECT status FROM ${table('reservations')} WHERE reservation_id = ?`).get(id) as { status: string } | undefined)?.status ?? null,
    readTask: async (id) => {
      const row = db.prepare(`SELECT status, lease_owner FROM ${table('tasks')} WHERE id = ?`).get(id) as { status: string; lease_owner: string | null } | undefined;
      return row === undefined ? null : { status: row.status, leaseOwner: row.lease_owner };
    },
    readQuarantineStatus: async (id) => (db.prepare(`SELECT status FROM ${table('quarantine')} WHERE id = ?`).get(id) as { status: string } | undefined)?.status ?? null,
    readSettingVersion: async (key) => (db.prepare(`SELECT version FROM ${table('settings')} WHERE key = ?`).get(key) as { version: number } | undefined)?.version ?? null,
  };
}

/** The customer tables, read raw on `db`. */
function rawCustomerReader(db: Database.Database, tablePrefix: string): CustomerStoreBackdoor {
  const table = (name: string): string => `"${tablePrefix}${name}"`;
  return {
    hasProfile: async (id) => db.prepare(`SELECT 1 FROM ${table('customer_profiles')} WHERE id = ?`).get(id) !== undefined,
    readGoldenVersion: async (id) => (db.prepare(`SELECT version FROM ${table('customer_goldens')} WHERE id = ?`).get(id) as { version: number } | undefined)?.version ?? null,
    countAudit: async (goldenId) => (db.prepare(`SELECT count(*) AS n FROM ${table('customer_audit')} WHERE golden_id = ?`).get(goldenId) as { n: number }).n,
  };
}

/** Reads through a separate connection to the same file: only committed data is visible. */
function backdoor(storage: StoragePort): StorageBackdoor {
  const db = new Database(files.get(storage) as string, { readonly: true });
  readers.push(db);
  return rawReader(db, (storage as SqliteStorage).location.tablePrefix);
}

storageConformance(
  { describe, it },
  () => {
    const file = dir.file(`t${++counter}.sqlite`);
    const storage = createSqliteStorage({ file });
    files.set(storage, file);
    return storage;
  },
  {
    name: 'sqlite storage',
    backdoor,
    customerBackdoor: (storage) => {
      const db = new Database(files.get(storage) as string, { readonly: true });
      readers.push(db);
      return rawCustomerReader(db, (storage as SqliteStorage).location.tablePrefix);
    },
    destroy: async (storage) => {
      await storage.close();
      for (const reader of readers.splice(0)) reader.close();
    },
  },
);

// The same suite on a private in-memory database passed in as { database }, read raw on that handle.
const databases = new WeakMap<StoragePort, Database.Database>();
storageConformance(
  { describe, it },
  () => {
    const db = new Database(':memory:');
    const storage = createSqliteStorage({ database: db, tablePrefix: 'mem_' });
    databases.set(storage, db);
    return storage;
  },
  {
    name: 'sqlite storage (in-memory database)',
    backdoor: (storage) => rawReader(databases.get(storage) as Database.Database, 'mem_'),
    customerBackdoor: (storage) => rawCustomerReader(databases.get(storage) as Database.Database, 'mem_'),
    destroy: async (storage) => {
      await storage.close();
      databases.get(storage)?.close();
    },
  },
);
