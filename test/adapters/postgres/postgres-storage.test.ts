// What only the PostgreSQL adapter promises: schema and prefix, advisory-locked migrations, a pool of yours, SKIP LOCKED leasing across pools.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStorage, POSTGRES_MIGRATIONS, type PostgresStorage } from '../../../src/adapters/postgres.js';
import type { Instant } from '../../../src/clock/index.js';
import { isOrdoError, isStorageError, type StorageError } from '../../../src/errors/index.js';
import type { OutboxMessage } from '../../../src/ports/index.js';
import { runWorker } from '../../reliability/spawn-worker.js';
import { postgresTarget, randomName, testSchema } from '../../support/postgres.js';
import { paidOrder } from '../../support/transitions.js';
import { createFixedClock } from '../../../src/clock/index.js';

const target = await postgresTarget();
const T0 = '2026-03-01T00:00:00.000Z' as Instant;

describe('createPostgresStorage options', () => {
  it('rejects bad options eagerly with INVALID_OPTIONS, before any connection', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/test';
    const bad: unknown[] = [
      undefined,
      {},
      { connectionString: '' },
      { connectionString: url, pool: new pg.Pool() },
      { connectionString: url, schema: 'Ordo' },
      { connectionString: url, schema: 'ordo"; DROP TABLE x; --' },
      { connectionString: url, tablePrefix: 'a-b' },
      { connectionString: url, connectTimeoutMs: 0 },
      { connectionString: url, maxConnections: 1.5 },
      { pool: {} },
    ];
    for (const options of bad) {
      expect(() => createPostgresStorage(options as never), JSON.stringify(options)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    }
  });

  it('ships its migrations as numbered versions in order', () => {
    expect(POSTGRES_MIGRATIONS.map((m) => m.version)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
  });
});

describe.skipIf(target.url === undefined)('PostgreSQL adapter', () => {
  const url = target.url as string;
  const schema = testSchema(url);
  afterAll(() => schema.drop());
  const open = (tablePrefix: string, extra: { readonly schema?: string } = {}): PostgresStorage =>
    createPostgresStorage({ connectionString: url, schema: extra.schema ?? schema.name, tablePrefix, maxConnections: 2 });

  it('before migrate(), a call fails with MIGRATIONS_MISSING and says to run migrate()', async () => {
    const storage = open(randomName('nomig_'));
    const error = await storage.orders.get('x').catch((e: unknown) => e);
    expect(isStorageError(error) && error.code).toBe('MIGRATIONS_MISSING');
    expect(isStorageError(error) && error.hint).toMatch(/migrate\(\)/);
    await storage.close();
  });

  it('creates its tables in the configured schema with the configured prefix, and two prefixes stay apart', async () => {
    const a = open('shop_a_');
    const b = open('shop_b_');
    await a.migrate();
    await b.migrate();
    const tables = await schema.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE 'shop_a_%' ORDER BY table_name`,
      [schema.name],
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'shop_a_customer_audit',
      'shop_a_customer_golden_sources',
      'shop_a_customer_goldens',
      'shop_a_customer_posting_counts',
      'shop_a_customer_postings',
      'shop_a_customer_profiles',
      'shop_a_idempotency',
      'shop_a_migrations',
      'shop_a_order_history',
      'shop_a_orders',
      'shop_a_outbox',
      'shop_a_quarantine',
      'shop_a_reservations',
      'shop_a_settings',
      'shop_a_stock',
      'shop_a_tasks',
      'shop_a_warehouse_capacity',
    ]);
    await a.commit(paidOrder('ord-1', createFixedClock(T0)).writes);
    expect(await a.orders.get('ord-1')).not.toBeNull();
    expect(await b.orders.get('ord-1')).toBeNull();
    await Promise.all([a.close(), b.close()]);
  });

  it('migrations from several processes at once take turns under the advisory lock and apply once', async () => {
    const fresh = randomName('ordo_mig_');
    try {
      const jobs = Array.from({ length: 3 }, () => runWorker<{ ok: boolean }>({ job: 'migrate', target: { adapter: 'postgres', url, schema: fresh } }));
      expect(await Promise.all(jobs)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
      const applied = await schema.pool.query<{ version: number }>(`SELECT version FROM "${fresh}"."migrations" ORDER BY version`);
      expect(applied.rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    } finally {
      await schema.pool.query(`DROP SCHEMA IF EXISTS "${fresh}" CASCADE`);
    }
  });

  it('upgrades a database from an older version: only the missing migrations run', async () => {
    const storage = open(randomName('upgrade_'));
    await storage.migrate();
    const table = (name: string): string => `"${schema.name}"."${storage.location.tablePrefix}${name}"`;
    await storage.inventory.setStock('WH', 'SKU', 5, T0);
    // Back to version 1: the reservation function of version 2 is gone.
    await schema.pool.query(`DELETE FROM ${table('migrations')} WHERE version = 2`);
    await schema.pool.query(`DROP FUNCTION ${table('reserve_stock')}`);
    const request = { reservationId: 'r1', orderId: 'o1', lineId: 'L1', warehouseId: 'WH', sku: 'SKU', quantity: 2 };
    const error = await storage.inventory.reserve([request], T0).catch((e: unknown) => e);
    expect(isStorageError(error) && error.code).toBe('MIGRATIONS_MISSING');
    await storage.migrate();
    expect((await schema.pool.query(`SELECT version FROM ${table('migrations')} ORDER BY version`)).rows).toEqual(POSTGRES_MIGRATIONS.map((m) => ({ version: m.version })));
    expect(await storage.inventory.reserve([request], T0)).toMatchObject({ ok: true });
    expect(await storage.inventory.getStock('WH', 'SKU')).toMatchObject({ onHand: 5, reserved: 2 });
    await storage.close();
  });

  it('stores the order as JSON with indexed columns and instants as exact canonical text', async () => {
    const storage = open(randomName('json_'));
    await storage.migrate();
    const at = '2026-03-01T08:09:10.123Z' as Instant;
    const { order, writes } = paidOrder('ord-json', createFixedClock(at));
    await storage.commit(writes);
    const row = await schema.pool.query(
      `SELECT status, version, updated_at, channel_order_id, data->>'currency' AS currency, (data::jsonb) ? 'history' AS has_history FROM "${schema.name}"."${storage.location.tablePrefix}orders" WHERE id = $1`,
      ['ord-json'],
    );
    expect(row.rows[0]).toEqual({ status: 'paid', version: 2, updated_at: at, channel_order_id: 'T-ord-json', currency: 'CNY', has_history: false });
    const read = await storage.orders.get('ord-json');
    expect(read?.updatedAt).toBe(at);
    expect(read).toEqual(order);
    await storage.close();
  });

  it('a unit across stores chosen as a deadlock victim runs again whole (bounded), and lands once', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    // The first reservation inside a transaction fails as PostgreSQL fails a deadlock victim.
    let victims = 0;
    const flaky = {
      query: pool.query.bind(pool),
      end: () => pool.end(),
      async connect() {
        const client = await pool.connect();
        return {
          on: client.on.bind(client),
          off: client.off.bind(client),
          release: client.release.bind(client),
          async query(config: { text: string; values?: unknown[]; name?: string }) {
            if (victims === 0 && /reserve_stock/.test(config.text)) {
              victims += 1;
              throw Object.assign(new Error('deadlock detected'), { code: '40P01', severity: 'ERROR' });
            }
            return client.query(config as never);
          },
        };
      },
    };
    try {
      const storage = createPostgresStorage({ pool: flaky as never, schema: schema.name, tablePrefix: randomName('deadlock_') });
      await storage.migrate();
      await storage.inventory.setStock('WH', 'SKU', 5, T0);
      const { order, writes } = paidOrder('o-deadlock', createFixedClock(T0));
      await storage.commit({
        ...writes,
        at: T0,
        inventory: [{ type: 'reserve', requests: [{ reservationId: 'r-1', orderId: order.id, lineId: 'L1', warehouseId: 'WH', sku: 'SKU', quantity: 2 }] }],
        tasks: [{ type: 'enqueue', id: 't-1', task: { queue: 'q', key: 'k', payload: null, dueAt: T0 } }],
      });
      expect(victims).toBe(1);
      expect((await storage.orders.get('o-deadlock'))?.version).toBe(order.version);
      expect((await storage.inventory.getStock('WH', 'SKU'))?.reserved).toBe(2);
      expect((await storage.tasks.list({ queue: 'q' })).length).toBe(1);
      await storage.close();
    } finally {
      await pool.end();
    }
  });

  it('works on a pg Pool you pass, and close() leaves your pool open', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      const storage = createPostgresStorage({ pool, schema: schema.name, tablePrefix: randomName('pool_') });
      await storage.migrate();
      await storage.inventory.setStock('WH', 'SKU', 3, T0);
      await storage.close();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      const error = await storage.inventory.getStock('WH', 'SKU').catch((e: unknown) => e);
      expect(isOrdoError(error) && error.code).toBe('STORAGE_UNAVAILABLE');
    } finally {
      await pool.end();
    }
  });

  it('relays on separate pools claiming at once never share a message, and each batch keeps per-key order', async () => {
    const prefix = randomName('claim_');
    const relays = Array.from({ length: 4 }, () => open(prefix));
    await relays[0]?.migrate();
    const messages: OutboxMessage[] = Array.from({ length: 120 }, (_, i) => ({ id: `m${i}`, topic: 't', key: `k${i % 9}`, payload: i, createdAt: T0 }));
    await relays[0]?.commit({ outbox: messages });
    const seen = new Map<string, string>();
    for (let round = 0; round < 6; round += 1) {
      const now = `2026-03-01T00:0${round}:00.000Z` as Instant;
      const leaseUntil = `2026-03-01T00:0${round}:30.000Z` as Instant;
      const batches = await Promise.all(relays.map((relay, r) => relay.outbox.claim({ owner: `r${r}`, now, leaseUntil, limit: 7 })));
      batches.forEach((batch, r) => {
        for (const message of batch) {
          expect(seen.has(message.id), `${message.id} claimed twice`).toBe(false);
          seen.set(message.id, `r${r}`);
        }
        // Deliver what was claimed so the next round moves on.
        const sequences = batch.map((m) => m.sequence);
        expect(sequences).toEqual([...sequences].sort((x, y) => x - y));
      });
      await Promise.all(batches.map((batch, r) => relays[r]?.outbox.markDelivered(batch.map((m) => m.id), `r${r}`, now)));
    }
    // Per key, a later message was never claimed before an earlier one was delivered: claims by
    // round were in sequence order, which the delivered timestamps confirm.
    const delivered = await relays[0]!.outbox.list({ status: 'delivered' });
    for (let k = 0; k < 9; k += 1) {
      const ofKey = delivered.filter((m) => m.key === `k${k}`);
      const times = ofKey.map((m) => m.deliveredAt as string);
      expect(times).toEqual([...times].sort());
    }
    expect(seen.size).toBeGreaterThan(40);
    await Promise.all(relays.map((relay) => relay.close()));
  });

  it('task workers on separate pools claiming at once never share a task, and due-ness uses the caller instant, not now()', async () => {
    const prefix = randomName('tasks_');
    const workers = Array.from({ length: 4 }, () => open(prefix));
    await workers[0]?.migrate();
    // Due in 2100: the database's now() would never call it due; the caller's instant does.
    const due = '2100-01-01T00:00:00.000Z' as Instant;
    for (let i = 0; i < 40; i += 1) await workers[0]?.tasks.enqueue({ queue: 'sync', key: `k${i}`, payload: { i }, dueAt: due }, `t${i}`, T0);
    expect(await workers[0]?.tasks.claim({ queue: 'sync', owner: 'early', now: T0, leaseUntil: T0, limit: 10 })).toEqual([]);
    const now = '2100-01-01T00:00:00.000Z' as Instant;
    const leaseUntil = '2100-01-01T00:05:00.000Z' as Instant;
    const batches = await Promise.all(workers.map((w, i) => w.tasks.claim({ queue: 'sync', owner: `w${i}`, now, leaseUntil, limit: 15 })));
    const ids = batches.flat().map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(40);
    await Promise.all(workers.map((w) => w.close()));
  });

  it('a driver error quoting a value (a duplicate key) reaches message, toJSON and cause only masked', async () => {
    const storage = open(randomName('mask_'));
    await storage.migrate();
    const phone = '13912345678';
    const message = { id: `msg-${phone}`, topic: 't', key: 'k', payload: { phone }, createdAt: T0 };
    await storage.commit({ outbox: [message] });
    const error = await storage.commit({ outbox: [message] }).catch((e: unknown) => e);
    expect(isStorageError(error) && error.code).toBe('DUPLICATE_KEY');
    const cause = (error as { cause?: { detail?: string; message?: string; code?: string } }).cause;
    expect(cause?.code).toBe('23505');
    expect(cause?.detail).toMatch(/^Key \(id\)=\(/);
    for (const text of [(error as Error).message, JSON.stringify((error as StorageError).toJSON()), cause?.detail, cause?.message, (error as Error).stack]) {
      expect(text).not.toContain(phone);
    }
    await storage.close();
  });
});
