// Runs the CustomerStore conformance suite on PostgreSQL (a table prefix per test, a schema per file), and checks its writes with raw SQL.
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createPostgresStorage, type PgPoolLike, type PostgresStorage } from '../../../src/adapters/postgres.js';
import type { Instant } from '../../../src/clock/index.js';
import type { GoldenProfile } from '../../../src/customers/index.js';
import { isStorageError } from '../../../src/errors/index.js';
import type { Customer } from '../../../src/model/index.js';
import { customerStoreConformance } from '../../../src/testing/index.js';
import { dropPrefix, postgresTarget, testSchema } from '../../support/postgres.js';

const target = await postgresTarget();

const AT = '2026-01-01T00:00:00.000Z' as Instant;
const customer = (id: string): Customer => ({ id, names: ['张三'], phones: ['+8613812345678'], emails: [], addresses: [], paymentAccounts: [], deviceIds: [], attributes: {} });
const golden = (id: string, sourceIds: string[], version = 1): GoldenProfile => ({ id, profile: customer(id), sourceIds, lineage: {}, version, createdAt: AT, updatedAt: AT });

if (target.url === undefined) {
  describe.skip(`postgres customer store (${target.skipReason})`, () => {
    it('is skipped', () => undefined);
  });
} else {
  const url = target.url;
  const schema = testSchema(url);
  const open: PostgresStorage[] = [];
  let counter = 0;

  afterEach(async () => {
    for (const storage of open.splice(0)) {
      await storage.close();
      await dropPrefix(schema.pool, schema.name, storage.location.tablePrefix);
    }
  });
  afterAll(() => schema.drop());

  /** A fresh, migrated set of tables in this file's schema; dropped after the test. */
  async function fresh(pool?: PgPoolLike): Promise<PostgresStorage> {
    const tablePrefix = `c${++counter}_`;
    const storage =
      pool === undefined
        ? createPostgresStorage({ connectionString: url, schema: schema.name, tablePrefix, maxConnections: 4 })
        : createPostgresStorage({ pool, schema: schema.name, tablePrefix });
    open.push(storage);
    await storage.migrate();
    return storage;
  }

  const table = (storage: PostgresStorage, name: string): string => `"${schema.name}"."${storage.location.tablePrefix}${name}"`;
  const rows = async (sql: string, values: unknown[] = []): Promise<unknown[]> => (await schema.pool.query(sql, values)).rows;

  describe('postgres customer store', () => {
    customerStoreConformance({ describe, it }, async () => (await fresh()).customers);
  });

  describe('postgres customer store, read behind its back', () => {
    it('postings land as (key, record_id) rows with a count per key', async () => {
      const storage = await fresh();
      await storage.customers.addPostings('r2', ['phone:1', 'name:zs']);
      await storage.customers.addPostings('r1', ['phone:1', 'phone:1']);
      await storage.customers.removePostings('r2', ['name:zs']);
      expect(await rows(`SELECT key, record_id FROM ${table(storage, 'customer_postings')} ORDER BY key, record_id`)).toEqual([
        { key: 'phone:1', record_id: 'r1' },
        { key: 'phone:1', record_id: 'r2' },
      ]);
      // The emptied key's count row went with its last posting.
      expect(await rows(`SELECT key, total FROM ${table(storage, 'customer_posting_counts')} ORDER BY key`)).toEqual([{ key: 'phone:1', total: 2 }]);
    });

    it('putGolden replaces the golden profile row and its source rows together', async () => {
      const storage = await fresh();
      await storage.customers.putGolden(golden('g1', ['s1', 's2']));
      await storage.customers.putGolden(golden('g1', ['s2', 's3', 's3'], 2));
      expect(await rows(`SELECT source_id, golden_id FROM ${table(storage, 'customer_golden_sources')} ORDER BY source_id`)).toEqual([
        { source_id: 's2', golden_id: 'g1' },
        { source_id: 's3', golden_id: 'g1' },
      ]);
      expect(await rows(`SELECT id, version, data->>'version' AS data_version FROM ${table(storage, 'customer_goldens')}`)).toEqual([{ id: 'g1', version: 2, data_version: '2' }]);
      await storage.customers.deleteGolden('g1');
      expect(await rows(`SELECT count(*)::integer AS n FROM ${table(storage, 'customer_golden_sources')}`)).toEqual([{ n: 0 }]);
    });

    it('a failed putGolden leaves the old row and source rows (one statement)', async () => {
      const storage = await fresh();
      await storage.customers.putGolden(golden('g1', ['s1', 's2']));
      const sources = table(storage, 'customer_golden_sources');
      const fn = `"${schema.name}"."${storage.location.tablePrefix}fail"`;
      await schema.pool.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$`);
      await schema.pool.query(`CREATE TRIGGER fail BEFORE INSERT ON ${sources} FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
      try {
        await expect(storage.customers.putGolden(golden('g1', ['s3'], 2))).rejects.toMatchObject({ code: 'STORAGE_FAILURE' });
        expect(await rows(`SELECT source_id FROM ${sources} ORDER BY source_id`)).toEqual([{ source_id: 's1' }, { source_id: 's2' }]);
        expect(await rows(`SELECT version FROM ${table(storage, 'customer_goldens')}`)).toEqual([{ version: 1 }]);
      } finally {
        await schema.pool.query(`DROP TRIGGER fail ON ${sources}`);
        await schema.pool.query(`DROP FUNCTION ${fn}()`);
      }
    });

    it('profiles and audit records are stored as json, audit rows in append order', async () => {
      const storage = await fresh();
      await storage.customers.putProfile(customer('c1'));
      const record = { id: 'a1', action: 'merge', goldenId: 'g1', actor: 't', at: AT, reason: 'r', evidence: [], before: { profiles: [], goldens: [] }, after: { profiles: [], goldens: [] } } as const;
      await storage.customers.appendAudit(record);
      await storage.customers.appendAudit({ ...record, id: 'a0' });
      expect(await rows(`SELECT data FROM ${table(storage, 'customer_profiles')} WHERE id = $1`, ['c1'])).toEqual([{ data: customer('c1') }]);
      expect(await rows(`SELECT id, golden_id, at FROM ${table(storage, 'customer_audit')} ORDER BY seq`)).toEqual([
        { id: 'a1', golden_id: 'g1', at: AT },
        { id: 'a0', golden_id: 'g1', at: AT },
      ]);
      const error = await storage.customers.appendAudit(record).catch((e: unknown) => e);
      expect(isStorageError(error) && error.code).toBe('DUPLICATE_KEY');
    });

    it('getProfiles, addPostings, removePostings and putGolden are one round trip each', async () => {
      const pool = new pg.Pool({ connectionString: url, max: 2 });
      let queries = 0;
      const counting: PgPoolLike = {
        query: (config) => {
          queries += 1;
          return pool.query(config as pg.QueryConfig);
        },
        connect: () => pool.connect(),
        end: () => pool.end(),
      };
      try {
        const storage = await fresh(counting);
        const ids = Array.from({ length: 300 }, (_, i) => `c${i}`);
        for (const id of ids) await storage.customers.putProfile(customer(id));
        const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
        const count = async (work: () => Promise<unknown>): Promise<number> => {
          const before = queries;
          await work();
          return queries - before;
        };
        expect(await count(() => storage.customers.getProfiles(ids))).toBe(1);
        expect(await count(() => storage.customers.addPostings('r1', keys))).toBe(1);
        expect(await count(() => storage.customers.addPostings('r2', keys))).toBe(1);
        expect(await count(() => storage.customers.removePostings('r2', keys))).toBe(1);
        expect(await count(() => storage.customers.putGolden(golden('g1', ids.slice(0, 50))))).toBe(1);
        expect(await count(() => storage.customers.getPostings('k1', 10))).toBe(1);
      } finally {
        await pool.end();
      }
    });

    it('concurrent addPostings and removePostings on shared keys keep every count equal to its rows', async () => {
      const storage = await fresh();
      const keys = ['k:a', 'k:b', 'k:c'];
      // Records added in overlapping orders, then half removed, all at once over four connections.
      await Promise.all(Array.from({ length: 40 }, (_, i) => storage.customers.addPostings(`r${i}`, i % 2 === 0 ? keys : [...keys].reverse())));
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 2 === 0 ? storage.customers.removePostings(`r${i}`, keys) : storage.customers.addPostings(`r${i}`, keys),
        ),
      );
      const actual = await rows(
        `SELECT p.key, count(*)::integer AS n, max(c.total) AS total FROM ${table(storage, 'customer_postings')} p
         JOIN ${table(storage, 'customer_posting_counts')} c ON c.key = p.key GROUP BY p.key ORDER BY p.key`,
      );
      expect(actual).toEqual(keys.map((key) => ({ key, n: 20, total: 20 })));
      for (const key of keys) expect((await storage.customers.getPostings(key, 100)).total).toBe(20);
    });

    it('reads a key held by 100,000 records from the index: no sort, no count over its rows', async () => {
      const storage = await fresh();
      const postings = table(storage, 'customer_postings');
      await schema.pool.query(`INSERT INTO ${postings} (key, record_id) SELECT 'device:shared', 'r' || lpad(i::text, 6, '0') FROM generate_series(1, 100000) AS i`);
      await schema.pool.query(`INSERT INTO ${table(storage, 'customer_posting_counts')} (key, total) VALUES ('device:shared', 100000)`);
      await schema.pool.query(`ANALYZE ${postings}`);
      const plan = (await rows(`EXPLAIN SELECT record_id FROM ${postings} WHERE key = 'device:shared' ORDER BY record_id LIMIT 100`)) as { 'QUERY PLAN': string }[];
      const text = plan.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index Only Scan|Index Scan/);
      expect(text).not.toMatch(/Sort/);
      expect(await storage.customers.getPostings('device:shared', 3)).toEqual({ ids: ['r000001', 'r000002', 'r000003'], total: 100_000 });
    });

    it('after close, customer calls fail with STORAGE_UNAVAILABLE', async () => {
      const storage = await fresh();
      await storage.close();
      for (const call of [() => storage.customers.getPostings('k', 1), () => storage.customers.addPostings('r', []), () => storage.customers.getProfiles([])]) {
        const error = await call().catch((e: unknown) => e);
        expect(isStorageError(error) && error.code).toBe('STORAGE_UNAVAILABLE');
      }
    });
  });
}
