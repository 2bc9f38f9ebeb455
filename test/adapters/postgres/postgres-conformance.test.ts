// Runs the storage conformance suite on PostgreSQL, checking writes with raw SQL (a table prefix per test, a schema per file).
import { afterAll, describe, it } from 'vitest';
import { createPostgresStorage, type PostgresStorage } from '../../../src/adapters/postgres.js';
import type { StoragePort } from '../../../src/ports/index.js';
import { storageConformance, type CustomerStoreBackdoor, type StorageBackdoor } from '../../../src/testing/index.js';
import { dropPrefix, postgresTarget, testSchema, type TestSchema } from '../../support/postgres.js';

const target = await postgresTarget();

/** Raw SQL reads behind the adapter's back. */
function backdoor(schema: TestSchema, storage: StoragePort): StorageBackdoor {
  const { tablePrefix } = (storage as PostgresStorage).location;
  const table = (name: string): string => `"${schema.name}"."${tablePrefix}${name}"`;
  return {
    async readOrderVersion(id) {
      const result = await schema.pool.query<{ version: number }>(`SELECT version FROM ${table('orders')} WHERE id = $1`, [id]);
      return result.rows[0]?.version ?? null;
    },
    async countHistory(orderId) {
      const result = await schema.pool.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${table('order_history')} WHERE order_id = $1`, [orderId]);
      return result.rows[0]?.n ?? 0;
    },
    async countOutbox() {
      const result = await schema.pool.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${table('outbox')}`);
      return result.rows[0]?.n ?? 0;
    },
    async hasIdempotencyKey(key) {
      const result = await schema.pool.query(`SELECT 1 FROM ${table('idempotency')} WHERE key = $1`, [key]);
      return result.rows.length > 0;
    },
    async readStock(warehouseId, sku) {
      const result = await schema.pool.query<{ on_hand: number; reserved: number }>(
        `SELECT on_hand, reserved FROM ${table('stock')} WHERE warehouse_id = $1 AND sku = $2`,
        [warehouseId, sku],
      );
      const row = result.rows[0];
      return row === undefined ? null : { onHand: row.on_hand, reserved: row.reserved };
    },
    async readReservationStatus(id) {
      const result = await schema.pool.query<{ status: string }>(`SELECT status FROM ${table('reservations')} WHERE reservation_id = $1`, [id]);
      return result.rows[0]?.status ?? null;
    },
    async readTask(id) {
      const result = await schema.pool.query<{ status: string; lease_owner: string | null }>(`SELECT status, lease_owner FROM ${table('tasks')} WHERE id = $1`, [id]);
      const row = result.rows[0];
      return row === undefined ? null : { status: row.status, leaseOwner: row.lease_owner };
    },
    async readQuarantineStatus(id) {
      const result = await schema.pool.query<{ status: string }>(`SELECT status FROM ${table('quarantine')} WHERE id = $1`, [id]);
      return result.rows[0]?.status ?? null;
    },
    async readSettingVersion(key) {
      const result = await schema.pool.query<{ version: number }>(`SELECT version FROM ${table('settings')} WHERE key = $1`, [key]);
      return result.rows[0]?.version ?? null;
    },
  };
}

/** The customer tables, read with raw SQL. */
function customerBackdoor(schema: TestSchema, storage: StoragePort): CustomerStoreBackdoor {
  const { tablePrefix } = (storage as PostgresStorage).location;
  const table = (name: string): string => `"${schema.name}"."${tablePrefix}${name}"`;
  return {
    async hasProfile(id) {
      return (await schema.pool.query(`SELECT 1 FROM ${table('customer_profiles')} WHERE id = $1`, [id])).rows.length > 0;
    },
    async readGoldenVersion(id) {
      const result = await schema.pool.query<{ version: number }>(`SELECT version FROM ${table('customer_goldens')} WHERE id = $1`, [id]);
      return result.rows[0]?.version ?? null;
    },
    async countAudit(goldenId) {
      const result = await schema.pool.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${table('customer_audit')} WHERE golden_id = $1`, [goldenId]);
      return result.rows[0]?.n ?? 0;
    },
  };
}

if (target.url === undefined) {
  describe.skip(`postgres storage conformance (${target.skipReason})`, () => {
    it('is skipped', () => undefined);
  });
} else {
  const url = target.url;
  const schema = testSchema(url);
  afterAll(() => schema.drop());
  let counter = 0;
  // A fresh set of tables per test (an empty storage, as the suite expects), one schema per file.
  storageConformance(
    { describe, it },
    () => createPostgresStorage({ connectionString: url, schema: schema.name, tablePrefix: `t${++counter}_`, maxConnections: 4 }),
    {
      name: 'postgres storage',
      backdoor: (storage) => backdoor(schema, storage),
      customerBackdoor: (storage) => customerBackdoor(schema, storage),
      destroy: async (storage) => {
        await storage.close();
        await dropPrefix(schema.pool, schema.name, (storage as PostgresStorage).location.tablePrefix);
      },
    },
  );
}
