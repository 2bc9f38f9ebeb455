// What only the SQLite adapter promises: WAL mode, a table prefix, persistence across reopen, migrations from several processes, a database of yours.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStorage, SQLITE_MIGRATIONS } from '../../../src/adapters/sqlite.js';
import { createFixedClock, type Instant } from '../../../src/clock/index.js';
import { isStorageError } from '../../../src/errors/index.js';
import { runWorker } from '../../reliability/spawn-worker.js';
import { tempDir } from '../../support/sqlite.js';
import { paidOrder } from '../../support/transitions.js';

const T0 = '2026-03-01T00:00:00.000Z' as Instant;
const dir = tempDir();
afterAll(() => dir.remove());

describe('createSqliteStorage', () => {
  it('rejects bad options eagerly with INVALID_OPTIONS', () => {
    const bad: unknown[] = [undefined, {}, { file: '' }, { file: 'a', database: new Database(':memory:') }, { file: 'a', tablePrefix: 'X-' }, { file: 'a', busyTimeoutMs: -1 }, { database: {} }];
    for (const options of bad) {
      expect(() => createSqliteStorage(options as never), String(JSON.stringify(options))).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    }
  });

  it('ships its migrations as numbered versions in order', () => {
    expect(SQLITE_MIGRATIONS.map((m) => m.version)).toEqual(SQLITE_MIGRATIONS.map((_, i) => i + 1));
  });

  it('before migrate(), a call fails with MIGRATIONS_MISSING and says to run migrate()', async () => {
    const storage = createSqliteStorage({ file: ':memory:' });
    const error = await storage.orders.get('x').catch((e: unknown) => e);
    expect(isStorageError(error) && error.code).toBe('MIGRATIONS_MISSING');
    expect(isStorageError(error) && error.hint).toMatch(/migrate\(\)/);
    await storage.close();
  });

  it('opens the file in WAL mode, and the data survives closing and reopening', async () => {
    const file = dir.file('persist.sqlite');
    const first = createSqliteStorage({ file });
    await first.migrate();
    const { order, writes } = paidOrder('ord-1', createFixedClock('2026-03-01T08:09:10.123Z'));
    await first.commit(writes);
    await first.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    const second = createSqliteStorage({ file });
    await second.migrate();
    expect(await second.orders.get('ord-1')).toEqual(order);
    expect((await second.outbox.list()).length).toBeGreaterThan(0);
    await second.close();
  });

  it('keeps tables under the prefix, so two prefixes (or your own tables) share one file', async () => {
    const db = new Database(dir.file('shared.sqlite'));
    db.exec('CREATE TABLE erp_customers (id TEXT PRIMARY KEY)');
    const a = createSqliteStorage({ database: db, tablePrefix: 'shop_a_' });
    const b = createSqliteStorage({ database: db, tablePrefix: 'shop_b_' });
    await a.migrate();
    await b.migrate();
    const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'shop_a_%' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(['shop_a_customer_audit', 'shop_a_customer_golden_sources', 'shop_a_customer_goldens', 'shop_a_customer_posting_counts', 'shop_a_customer_postings', 'shop_a_customer_profiles', 'shop_a_idempotency', 'shop_a_migrations', 'shop_a_order_history', 'shop_a_orders', 'shop_a_outbox', 'shop_a_quarantine', 'shop_a_reservations', 'shop_a_settings', 'shop_a_stock', 'shop_a_tasks', 'shop_a_warehouse_capacity']);
    await a.commit(paidOrder('ord-1', createFixedClock(T0)).writes);
    expect(await a.orders.get('ord-1')).not.toBeNull();
    expect(await b.orders.get('ord-1')).toBeNull();
    // close() leaves a database you passed open.
    await a.close();
    await b.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM erp_customers').get()).toEqual({ n: 0 });
    db.close();
  });

  it('migrations from several processes at once apply once', async () => {
    const file = dir.file('migrate-race.sqlite');
    const jobs = Array.from({ length: 3 }, () => runWorker<{ ok: boolean }>({ job: 'migrate', target: { adapter: 'sqlite', file } }));
    expect(await Promise.all(jobs)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT version FROM ordo_migrations ORDER BY version').all()).toEqual(SQLITE_MIGRATIONS.map((m) => ({ version: m.version })));
    raw.close();
  });

  it('decides due-ness with the caller instant, never the database clock', async () => {
    const storage = createSqliteStorage({ file: ':memory:' });
    await storage.migrate();
    const due = '2100-01-01T00:00:00.000Z' as Instant;
    await storage.tasks.enqueue({ queue: 'q', key: 'k', payload: null, dueAt: due }, 't1', T0);
    expect(await storage.tasks.claim({ queue: 'q', owner: 'w', now: T0, leaseUntil: T0, limit: 5 })).toEqual([]);
    const claimed = await storage.tasks.claim({ queue: 'q', owner: 'w', now: due, leaseUntil: '2100-01-01T00:01:00.000Z' as Instant, limit: 5 });
    expect(claimed.map((t) => t.id)).toEqual(['t1']);
    await storage.close();
  });

  it('stores instants as exact canonical text and JSON as text', async () => {
    const db = new Database(':memory:');
    const storage = createSqliteStorage({ database: db });
    await storage.migrate();
    const at = '2026-03-01T08:09:10.123Z' as Instant;
    await storage.commit(paidOrder('ord-x', createFixedClock(at)).writes);
    const row = db.prepare(`SELECT updated_at, json_extract(data, '$.currency') AS currency, json_type(data, '$.history') AS history FROM ordo_orders WHERE id = ?`).get('ord-x');
    expect(row).toEqual({ updated_at: at, currency: 'CNY', history: null });
    await storage.close();
    db.close();
  });
});
