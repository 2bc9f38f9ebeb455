// Runs the CustomerStore conformance suite on SQLite (a file and an in-memory database), and checks its writes with raw SQL.
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSqliteStorage, type SqliteStorage } from '../../../src/adapters/sqlite.js';
import type { Instant } from '../../../src/clock/index.js';
import type { GoldenProfile } from '../../../src/customers/index.js';
import { isStorageError } from '../../../src/errors/index.js';
import type { Customer } from '../../../src/model/index.js';
import { customerStoreConformance } from '../../../src/testing/index.js';
import { tempDir } from '../../support/sqlite.js';

const dir = tempDir();
const open: { storage: SqliteStorage; db?: Database.Database }[] = [];
let counter = 0;

afterEach(async () => {
  for (const { storage, db } of open.splice(0)) {
    await storage.close();
    db?.close();
  }
});
afterAll(() => dir.remove());

/** A migrated storage on a new file; closed after the test. */
async function fileStorage(): Promise<SqliteStorage> {
  const storage = createSqliteStorage({ file: dir.file(`c${++counter}.sqlite`) });
  open.push({ storage });
  await storage.migrate();
  return storage;
}

/** A migrated storage on a private in-memory database, with the handle for raw reads. */
async function memoryStorage(): Promise<{ storage: SqliteStorage; db: Database.Database }> {
  const db = new Database(':memory:');
  const storage = createSqliteStorage({ database: db, tablePrefix: 'mem_' });
  open.push({ storage, db });
  await storage.migrate();
  return { storage, db };
}

describe('sqlite customer store (file)', () => {
  customerStoreConformance({ describe, it }, async () => (await fileStorage()).customers);
});

describe('sqlite customer store (in-memory database)', () => {
  customerStoreConformance({ describe, it }, async () => (await memoryStorage()).storage.customers);
});

const AT = '2026-01-01T00:00:00.000Z' as Instant;
const customer = (id: string): Customer => ({ id, names: ['张三'], phones: ['+8613812345678'], emails: [], addresses: [], paymentAccounts: [], deviceIds: [], attributes: {} });
const golden = (id: string, sourceIds: string[], version = 1): GoldenProfile => ({ id, profile: customer(id), sourceIds, lineage: {}, version, createdAt: AT, updatedAt: AT });

describe('sqlite customer store, read behind its back', () => {
  it('postings land as (key, record_id) rows with a count per key', async () => {
    const { storage, db } = await memoryStorage();
    await storage.customers.addPostings('r2', ['phone:1', 'name:zs']);
    await storage.customers.addPostings('r1', ['phone:1', 'phone:1']);
    await storage.customers.removePostings('r2', ['name:zs']);
    expect(db.prepare('SELECT key, record_id FROM mem_customer_postings ORDER BY key, record_id').all()).toEqual([
      { key: 'phone:1', record_id: 'r1' },
      { key: 'phone:1', record_id: 'r2' },
    ]);
    expect(db.prepare('SELECT key, total FROM mem_customer_posting_counts ORDER BY key').all()).toEqual([{ key: 'phone:1', total: 2 }]);
  });

  it('putGolden replaces the golden profile row and its source rows together', async () => {
    const { storage, db } = await memoryStorage();
    await storage.customers.putGolden(golden('g1', ['s1', 's2']));
    await storage.customers.putGolden(golden('g1', ['s2', 's3'], 2));
    expect(db.prepare('SELECT source_id, golden_id FROM mem_customer_golden_sources ORDER BY source_id').all()).toEqual([
      { source_id: 's2', golden_id: 'g1' },
      { source_id: 's3', golden_id: 'g1' },
    ]);
    expect(db.prepare('SELECT id, version FROM mem_customer_goldens').all()).toEqual([{ id: 'g1', version: 2 }]);
    await storage.customers.deleteGolden('g1');
    expect(db.prepare('SELECT count(*) AS n FROM mem_customer_golden_sources').get()).toEqual({ n: 0 });
  });

  it('a failed putGolden leaves the old source rows (one transaction)', async () => {
    const { storage, db } = await memoryStorage();
    await storage.customers.putGolden(golden('g1', ['s1', 's2']));
    // Make the last statement of putGolden fail: the earlier DELETE of s1 must roll back with it.
    db.exec(`CREATE TRIGGER mem_fail BEFORE INSERT ON mem_customer_golden_sources BEGIN SELECT RAISE(ABORT, 'injected'); END`);
    await expect(storage.customers.putGolden(golden('g1', ['s3'], 2))).rejects.toMatchObject({ code: 'STORAGE_FAILURE' });
    expect(db.prepare('SELECT source_id FROM mem_customer_golden_sources ORDER BY source_id').all()).toEqual([{ source_id: 's1' }, { source_id: 's2' }]);
    expect(db.prepare('SELECT version FROM mem_customer_goldens').all()).toEqual([{ version: 1 }]);
  });

  it('profiles and audit records are stored as JSON text, audit rows in append order', async () => {
    const { storage, db } = await memoryStorage();
    await storage.customers.putProfile(customer('c1'));
    const record = { id: 'a1', action: 'merge', goldenId: 'g1', actor: 't', at: AT, reason: 'r', evidence: [], before: { profiles: [], goldens: [] }, after: { profiles: [], goldens: [] } } as const;
    await storage.customers.appendAudit(record);
    await storage.customers.appendAudit({ ...record, id: 'a0' });
    expect(JSON.parse((db.prepare('SELECT data FROM mem_customer_profiles WHERE id = ?').get('c1') as { data: string }).data)).toEqual(customer('c1'));
    expect(db.prepare('SELECT id, golden_id, at FROM mem_customer_audit ORDER BY seq').all()).toEqual([
      { id: 'a1', golden_id: 'g1', at: AT },
      { id: 'a0', golden_id: 'g1', at: AT },
    ]);
  });

  it('answers getPostings on a key held by many records from the primary key and the count row', async () => {
    const { storage, db } = await memoryStorage();
    const plan = (sql: string): string =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('k', 10) as { detail: string }[]).map((row) => row.detail).join(' | ');
    expect(plan('SELECT record_id FROM mem_customer_postings WHERE key = ? ORDER BY record_id LIMIT ?')).toMatch(/SEARCH .*USING PRIMARY KEY \(key=\?\)/);
    expect(plan('SELECT record_id FROM mem_customer_postings WHERE key = ? ORDER BY record_id LIMIT ?')).not.toMatch(/TEMP B-TREE/);
    // 5,000 holders of one key: the count comes from its row, the ids from the first ten of the range.
    db.exec('BEGIN');
    const insert = db.prepare('INSERT INTO mem_customer_postings (key, record_id) VALUES (?, ?)');
    for (let i = 0; i < 5_000; i += 1) insert.run('device:shared', `r${String(i).padStart(5, '0')}`);
    db.prepare('INSERT INTO mem_customer_posting_counts (key, total) VALUES (?, ?)').run('device:shared', 5_000);
    db.exec('COMMIT');
    expect(await storage.customers.getPostings('device:shared', 3)).toEqual({ ids: ['r00000', 'r00001', 'r00002'], total: 5_000 });
  });

  it('before migrate(), a call fails with MIGRATIONS_MISSING', async () => {
    const db = new Database(':memory:');
    const storage = createSqliteStorage({ database: db });
    open.push({ storage, db });
    const error = await storage.customers.getProfile('c1').catch((e: unknown) => e);
    expect(isStorageError(error) && error.code).toBe('MIGRATIONS_MISSING');
  });

  it('after close, customer calls fail with STORAGE_UNAVAILABLE', async () => {
    const storage = await fileStorage();
    await storage.close();
    for (const call of [() => storage.customers.getPostings('k', 1), () => storage.customers.addPostings('r', []), () => storage.customers.getProfiles([])]) {
      const error = await call().catch((e: unknown) => e);
      expect(isStorageError(error) && error.code).toBe('STORAGE_UNAVAILABLE');
    }
  });
});
