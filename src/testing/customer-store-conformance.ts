// The CustomerStore conformance suite: one contract, run against every adapter (memory, SQLite, PostgreSQL).
import { expectObject } from '../errors/validation-error.js';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Instant } from '../clock/instant.js';
import type { CustomerStore, GoldenProfile, MergeAuditRecord } from '../ports/customer-store-port.js';
import type { Customer } from '../model/customer.js';
import type { ConformanceTestApi } from './conformance-api.js';

// Random ids per test (test code, not core logic), so tests never depend on each other, on
// running in order, or on a database being empty.
const unique = (prefix: string): string => `${prefix}-${randomUUID()}`;
const AT = '2026-01-01T00:00:00.000Z' as Instant;

function customer(id: string, extra: Partial<Customer> = {}): Customer {
  return { id, names: ['张三'], phones: ['+8613812345678'], emails: [], addresses: [], paymentAccounts: [], deviceIds: [], attributes: {}, ...extra };
}
function golden(id: string, sourceIds: string[], version = 1): GoldenProfile {
  return { id, profile: customer(id), sourceIds, lineage: {}, version, createdAt: AT, updatedAt: AT };
}
function audit(id: string, goldenId: string): MergeAuditRecord {
  return { id, action: 'merge', goldenId, actor: 'test', at: AT, reason: 'conformance', evidence: [], before: { profiles: [], goldens: [] }, after: { profiles: [], goldens: [] } };
}

/**
 * Reads a customer store's database behind its back, so the suite sees what was written, not
 * what the store's own reads say.
 */
export interface CustomerStoreBackdoor {
  /** True when a profile row with this id is stored. */
  hasProfile(id: string): Promise<boolean>;
  /** The stored version of a golden profile, or null. */
  readGoldenVersion(id: string): Promise<number | null>;
  /** How many audit records are stored for a golden profile. */
  countAudit(goldenId: string): Promise<number>;
}

/** Options of {@link customerStoreConformance}. */
export interface CustomerStoreConformanceOptions<S = CustomerStore> {
  /**
   * A direct reader of the database; a function receives each test's store. Without it the
   * suite checks writes through the store's own reads, which proves less.
   */
  readonly backdoor?: CustomerStoreBackdoor | ((store: S) => CustomerStoreBackdoor | Promise<CustomerStoreBackdoor>);
  /** Cleans up after every test (close a storage, drop a schema). */
  readonly destroy?: (store: S) => Promise<void>;
  /** Name shown in the outer `describe`. @default 'CustomerStore' */
  readonly name?: string;
}

/** The backdoor of last resort: the store's own reads. */
export function customerStoreReader(store: CustomerStore): CustomerStoreBackdoor {
  return {
    hasProfile: async (id) => (await store.getProfile(id)) !== null,
    readGoldenVersion: async (id) => (await store.getGolden(id))?.version ?? null,
    countAudit: async (goldenId) => (await store.listAudit(goldenId)).length,
  };
}

/**
 * Registers the CustomerStore contract as tests. `makeStore` gives a fresh store per test;
 * `options.destroy` cleans it up after the test, `options.backdoor` checks writes in the
 * database itself. The storage suite ({@link storageConformance}) runs it on `storage.customers`.
 * @example customerStoreConformance({ describe, it }, async () => createMemoryCustomerStore());
 */
export function customerStoreConformance<S extends CustomerStore>(
  api: ConformanceTestApi,
  makeStore: () => Promise<S> | S,
  options: CustomerStoreConformanceOptions<S> = {},
): void {
  if (typeof api?.describe !== 'function' || typeof api.it !== 'function') expectObject('customerStoreConformance api', undefined, 'your runner\'s { describe, it }');
  const { describe, it } = api;
  const test = (name: string, body: (context: { readonly store: S; readonly inspect: CustomerStoreBackdoor }) => Promise<void>): void => {
    it(name, async () => {
      const store = await makeStore();
      try {
        const backdoor = options.backdoor;
        const inspect = backdoor === undefined ? customerStoreReader(store) : typeof backdoor === 'function' ? await backdoor(store) : backdoor;
        await body({ store, inspect });
      } finally {
        await options.destroy?.(store);
      }
    });
  };
  describe(`${options.name ?? 'CustomerStore'} conformance`, () => {
    test('getProfile(id) returns null for a missing profile', async ({ store }) => {
      assert.equal(await store.getProfile(unique('missing')), null);
    });
    test('putProfile then getProfile returns an equal copy, not the same object', async ({ store, inspect }) => {
      const p = customer(unique('c'), { idNumber: '11010519491231002X', attributes: { tier: 'gold' } });
      await store.putProfile(p);
      assert.equal(await inspect.hasProfile(p.id), true);
      const read = await store.getProfile(p.id);
      assert.deepEqual(read, p);
      assert.notEqual(read, p);
      p.names.push('mutated');
      assert.deepEqual((await store.getProfile(p.id))?.names, ['张三']);
    });
    test('putProfile replaces a profile with the same id', async ({ store }) => {
      const id = unique('c');
      await store.putProfile(customer(id));
      await store.putProfile(customer(id, { names: ['李四'] }));
      assert.deepEqual((await store.getProfile(id))?.names, ['李四']);
    });
    test('getProfiles(ids) keeps the asked order and skips missing ids', async ({ store }) => {
      const a = unique('a');
      const b = unique('b');
      await store.putProfile(customer(a));
      await store.putProfile(customer(b));
      const read = await store.getProfiles([b, unique('missing'), a]);
      assert.deepEqual(read.map((p) => p.id), [b, a]);
    });
    test('deleteProfile(id) returns true once, then false', async ({ store, inspect }) => {
      const id = unique('c');
      await store.putProfile(customer(id));
      assert.equal(await store.deleteProfile(id), true);
      assert.equal(await inspect.hasProfile(id), false);
      assert.equal(await store.deleteProfile(id), false);
      assert.equal(await store.getProfile(id), null);
    });
    test('putGolden maps every source id to the golden profile', async ({ store }) => {
      const g = golden(unique('g'), [unique('s'), unique('s')]);
      await store.putGolden(g);
      assert.deepEqual(await store.getGolden(g.id), g);
      for (const s of g.sourceIds) assert.equal((await store.findGoldenBySource(s))?.id, g.id);
    });
    test('putGolden with fewer sources unmaps the dropped ones', async ({ store, inspect }) => {
      const [s1, s2] = [unique('s'), unique('s')];
      const id = unique('g');
      await store.putGolden(golden(id, [s1, s2]));
      await store.putGolden(golden(id, [s1], 2));
      assert.equal(await inspect.readGoldenVersion(id), 2);
      assert.equal(await store.findGoldenBySource(s2), null);
      assert.equal((await store.findGoldenBySource(s1))?.version, 2);
    });
    test('deleteGolden removes the golden profile and its source mappings', async ({ store }) => {
      const g = golden(unique('g'), [unique('s')]);
      await store.putGolden(g);
      assert.equal(await store.deleteGolden(g.id), true);
      assert.equal(await store.getGolden(g.id), null);
      assert.equal(await store.findGoldenBySource(g.sourceIds[0] ?? ''), null);
      assert.equal(await store.deleteGolden(g.id), false);
    });
    test('findGoldenBySource returns null for an unmerged profile', async ({ store }) => {
      assert.equal(await store.findGoldenBySource(unique('s')), null);
    });
    test('addPostings is idempotent and getPostings counts every holder', async ({ store }) => {
      const key = unique('phone:+86138');
      await store.addPostings('r2', [key]);
      await store.addPostings('r1', [key]);
      await store.addPostings('r1', [key]);
      const postings = await store.getPostings(key, 10);
      assert.deepEqual([...postings.ids], ['r1', 'r2']);
      assert.equal(postings.total, 2);
    });
    test('getPostings(key, limit) returns at most limit ids but the full total', async ({ store }) => {
      const key = unique('device:x');
      for (let i = 0; i < 5; i += 1) await store.addPostings(`r${i}`, [key]);
      const postings = await store.getPostings(key, 2);
      assert.equal(postings.ids.length, 2);
      assert.equal(postings.total, 5);
    });
    test('removePostings removes only that record from only those keys', async ({ store }) => {
      const [k1, k2] = [unique('k'), unique('k')];
      await store.addPostings('r1', [k1, k2]);
      await store.addPostings('r2', [k1]);
      await store.removePostings('r1', [k1]);
      assert.deepEqual([...(await store.getPostings(k1, 10)).ids], ['r2']);
      assert.deepEqual([...(await store.getPostings(k2, 10)).ids], ['r1']);
    });
    test('getPostings returns no ids and total 0 for an unknown key', async ({ store }) => {
      assert.deepEqual(await store.getPostings(unique('none'), 10), { ids: [], total: 0 });
    });
    test('appendAudit then getAudit and listAudit (oldest first)', async ({ store, inspect }) => {
      const g = unique('g');
      const [a1, a2] = [audit(unique('a'), g), audit(unique('a'), g)];
      await store.appendAudit(a1);
      await store.appendAudit(a2);
      assert.equal(await inspect.countAudit(g), 2);
      assert.deepEqual(await store.getAudit(a1.id), a1);
      assert.deepEqual((await store.listAudit(g)).map((a) => a.id), [a1.id, a2.id]);
      assert.deepEqual(await store.listAudit(unique('other')), []);
    });
    test('appendAudit refuses a second record with the same id (DUPLICATE_KEY)', async ({ store, inspect }) => {
      const a = audit(unique('a'), unique('g'));
      await store.appendAudit(a);
      await assert.rejects(store.appendAudit(a), (error: unknown) => (error as { code?: unknown }).code === 'DUPLICATE_KEY');
      assert.equal(await inspect.countAudit(a.goldenId), 1);
    });
    test('getAudit(id) returns null for a missing record', async ({ store }) => {
      assert.equal(await store.getAudit(unique('missing')), null);
    });
    test('getProfiles([]) returns [] and getProfiles returns copies', async ({ store }) => {
      assert.deepEqual(await store.getProfiles([]), []);
      const p = customer(unique('c'));
      await store.putProfile(p);
      const [read] = await store.getProfiles([p.id]);
      read?.names.push('mutated');
      assert.deepEqual((await store.getProfile(p.id))?.names, ['张三']);
    });
    test('getProfiles reads hundreds of ids in the asked order', async ({ store }) => {
      const ids = Array.from({ length: 300 }, (_, i) => `${unique('bulk')}-${String(i).padStart(3, '0')}`);
      for (const id of ids) await store.putProfile(customer(id));
      const asked = [...ids].reverse();
      assert.deepEqual((await store.getProfiles(asked)).map((p) => p.id), asked);
    });
    test('profiles round-trip every field, including non-ASCII text and attributes of each type', async ({ store }) => {
      const p = customer(unique('c'), {
        names: ['张三', 'Zhang San', 'ｚｈａｎｇ'],
        emails: ['zs@example.com'],
        addresses: [{ country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 1 号', postalCode: '310000', recipient: '张三' }],
        paymentAccounts: [{ provider: 'alipay', accountId: 'a-1', realName: '张三' }],
        deviceIds: ['dev-1'],
        source: 'tmall',
        attributes: { tier: 'gold', points: 12, vip: true },
      });
      await store.putProfile(p);
      assert.deepEqual(await store.getProfile(p.id), p);
    });
    test('putGolden replaces the stored golden profile (version, profile, lineage)', async ({ store }) => {
      const id = unique('g');
      const [s1, s2] = [unique('s'), unique('s')];
      await store.putGolden(golden(id, [s1, s2]));
      const next: GoldenProfile = { ...golden(id, [s1, s2], 2), profile: customer(id, { names: ['李四'] }), lineage: { idNumber: s2 }, updatedAt: '2026-01-02T00:00:00.000Z' as Instant };
      await store.putGolden(next);
      assert.deepEqual(await store.getGolden(id), next);
      assert.deepEqual(await store.findGoldenBySource(s2), next);
    });
    test('putGolden moves a source id that another golden profile held, and deleting that one keeps the move', async ({ store }) => {
      const [a, b] = [unique('g'), unique('g')];
      const [shared, onlyA] = [unique('s'), unique('s')];
      await store.putGolden(golden(a, [shared, onlyA]));
      await store.putGolden(golden(b, [shared]));
      assert.equal((await store.findGoldenBySource(shared))?.id, b);
      assert.equal((await store.findGoldenBySource(onlyA))?.id, a);
      assert.equal(await store.deleteGolden(a), true);
      assert.equal((await store.findGoldenBySource(shared))?.id, b);
      assert.equal(await store.findGoldenBySource(onlyA), null);
    });
    test('putGolden with other source ids unmaps every old one', async ({ store }) => {
      const id = unique('g');
      const old = [unique('s'), unique('s'), unique('s')];
      const fresh = [unique('s'), unique('s')];
      await store.putGolden(golden(id, old));
      await store.putGolden(golden(id, fresh, 2));
      for (const s of old) assert.equal(await store.findGoldenBySource(s), null);
      for (const s of fresh) assert.equal((await store.findGoldenBySource(s))?.id, id);
    });
    test('getGolden returns a copy, not the stored object', async ({ store }) => {
      const g = golden(unique('g'), [unique('s')]);
      await store.putGolden(g);
      const read = await store.getGolden(g.id);
      read?.profile.names.push('mutated');
      assert.deepEqual((await store.getGolden(g.id))?.profile.names, ['张三']);
    });
    test('getPostings returns the smallest ids in id order, whatever the insertion order', async ({ store }) => {
      const key = unique('name:zhang');
      for (const r of ['r5', 'r3', 'r1', 'r4', 'r2']) await store.addPostings(r, [key]);
      assert.deepEqual(await store.getPostings(key, 3), { ids: ['r1', 'r2', 'r3'], total: 5 });
      assert.deepEqual(await store.getPostings(key, 0), { ids: [], total: 5 });
    });
    test('addPostings counts a key once per record, also when a call repeats it', async ({ store }) => {
      const [k1, k2] = [unique('k'), unique('k')];
      await store.addPostings('r1', [k1, k1, k2]);
      await store.addPostings('r1', [k2, k1]);
      await store.addPostings('r2', [k1]);
      assert.deepEqual(await store.getPostings(k1, 10), { ids: ['r1', 'r2'], total: 2 });
      assert.deepEqual(await store.getPostings(k2, 10), { ids: ['r1'], total: 1 });
    });
    test('removePostings of a record that is not there changes no count', async ({ store }) => {
      const [k1, k2] = [unique('k'), unique('k')];
      await store.addPostings('r1', [k1]);
      await store.addPostings('r4', [k1]);
      await store.removePostings('r2', [k1, k2]);
      assert.deepEqual(await store.getPostings(k1, 10), { ids: ['r1', 'r4'], total: 2 });
      await store.removePostings('r4', [k1]);
      await store.removePostings('r2', [k1]);
      assert.deepEqual(await store.getPostings(k1, 10), { ids: ['r1'], total: 1 });
      await store.removePostings('r1', [k1, k1]);
      await store.removePostings('r1', [k1]);
      assert.deepEqual(await store.getPostings(k1, 10), { ids: [], total: 0 });
      assert.deepEqual(await store.getPostings(k2, 10), { ids: [], total: 0 });
      await store.addPostings('r3', [k1]);
      assert.deepEqual(await store.getPostings(k1, 10), { ids: ['r3'], total: 1 });
    });
    test('addPostings and removePostings with no keys do nothing', async ({ store }) => {
      const key = unique('k');
      await store.addPostings('r1', [key]);
      await store.addPostings('r2', []);
      await store.removePostings('r1', []);
      assert.deepEqual(await store.getPostings(key, 10), { ids: ['r1'], total: 1 });
    });
    test('postings keep many records under one key and many keys per record', async ({ store }) => {
      const keys = Array.from({ length: 20 }, () => unique('k'));
      for (let r = 0; r < 30; r += 1) await store.addPostings(`r${String(r).padStart(2, '0')}`, keys);
      await store.removePostings('r07', keys.slice(0, 10));
      const first = await store.getPostings(keys[0] ?? '', 100);
      assert.equal(first.total, 29);
      assert.equal(first.ids.includes('r07'), false);
      assert.deepEqual(await store.getPostings(keys[19] ?? '', 1), { ids: ['r00'], total: 30 });
    });
    test('listAudit keeps append order, not id order, and only that golden profile', async ({ store }) => {
      const g = unique('g');
      const base = unique('a');
      const ids = [`${base}-3`, `${base}-1`, `${base}-2`];
      for (const id of ids) await store.appendAudit(audit(id, g));
      await store.appendAudit(audit(unique('a'), unique('g')));
      assert.deepEqual((await store.listAudit(g)).map((a) => a.id), ids);
    });
    test('an audit record round-trips its snapshots, evidence and undoes', async ({ store }) => {
      const g = golden(unique('g'), [unique('s'), unique('s')]);
      const record: MergeAuditRecord = {
        ...audit(unique('a'), g.id),
        action: 'unmerge',
        undoes: unique('a'),
        before: { profiles: [customer(g.sourceIds[0] ?? ''), customer(g.sourceIds[1] ?? '', { idNumber: '11010519491231002X' })], goldens: [g] },
        after: { profiles: [customer(g.sourceIds[0] ?? '')], goldens: [] },
      };
      await store.appendAudit(record);
      assert.deepEqual(await store.getAudit(record.id), record);
    });
    test('a refused duplicate audit record leaves the first one as it was', async ({ store }) => {
      const g = unique('g');
      const first = audit(unique('a'), g);
      await store.appendAudit(first);
      await assert.rejects(store.appendAudit({ ...first, reason: 'second' }));
      assert.deepEqual(await store.getAudit(first.id), first);
      assert.deepEqual((await store.listAudit(g)).map((a) => a.reason), ['conformance']);
    });
  });
}
