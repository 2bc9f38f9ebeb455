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
 * Registers the CustomerStore contract as tests. `makeStore` gives a fresh store per test.
 * @example customerStoreConformance({ describe, it }, async () => createMemoryCustomerStore());
 */
export function customerStoreConformance(api: ConformanceTestApi, makeStore: () => Promise<CustomerStore> | CustomerStore): void {
  if (typeof api?.describe !== 'function' || typeof api.it !== 'function') expectObject('customerStoreConformance api', undefined, 'your runner\'s { describe, it }');
  const { describe, it } = api;
  describe('CustomerStore conformance', () => {
    it('getProfile(id) returns null for a missing profile', async () => {
      const store = await makeStore();
      assert.equal(await store.getProfile(unique('missing')), null);
    });
    it('putProfile then getProfile returns an equal copy, not the same object', async () => {
      const store = await makeStore();
      const p = customer(unique('c'), { idNumber: '11010519491231002X', attributes: { tier: 'gold' } });
      await store.putProfile(p);
      const read = await store.getProfile(p.id);
      assert.deepEqual(read, p);
      assert.notEqual(read, p);
      p.names.push('mutated');
      assert.deepEqual((await store.getProfile(p.id))?.names, ['张三']);
    });
    it('putProfile replaces a profile with the same id', async () => {
      const store = await makeStore();
      const id = unique('c');
      await store.putProfile(customer(id));
      await store.putProfile(customer(id, { names: ['李四'] }));
      assert.deepEqual((await store.getProfile(id))?.names, ['李四']);
    });
    it('getProfiles(ids) keeps the asked order and skips missing ids', async () => {
      const store = await makeStore();
      const a = unique('a');
      const b = unique('b');
      await store.putProfile(customer(a));
      await store.putProfile(customer(b));
      const read = await store.getProfiles([b, unique('missing'), a]);
      assert.deepEqual(read.map((p) => p.id), [b, a]);
    });
    it('deleteProfile(id) returns true once, then false', async () => {
      const store = await makeStore();
      const id = unique('c');
      await store.putProfile(customer(id));
      assert.equal(await store.deleteProfile(id), true);
      assert.equal(await store.deleteProfile(id), false);
      assert.equal(await store.getProfile(id), null);
    });
    it('putGolden maps every source id to the golden profile', async () => {
      const store = await makeStore();
      const g = golden(unique('g'), [unique('s'), unique('s')]);
      await store.putGolden(g);
      assert.deepEqual(await store.getGolden(g.id), g);
      for (const s of g.sourceIds) assert.equal((await store.findGoldenBySource(s))?.id, g.id);
    });
    it('putGolden with fewer sources unmaps the dropped ones', async () => {
      const store = await makeStore();
      const [s1, s2] = [unique('s'), unique('s')];
      const id = unique('g');
      await store.putGolden(golden(id, [s1, s2]));
      await store.putGolden(golden(id, [s1], 2));
      assert.equal(await store.findGoldenBySource(s2), null);
      assert.equal((await store.findGoldenBySource(s1))?.version, 2);
    });
    it('deleteGolden removes the golden profile and its source mappings', async () => {
      const store = await makeStore();
      const g = golden(unique('g'), [unique('s')]);
      await store.putGolden(g);
      assert.equal(await store.deleteGolden(g.id), true);
      assert.equal(await store.getGolden(g.id), null);
      assert.equal(await store.findGoldenBySource(g.sourceIds[0] ?? ''), null);
      assert.equal(await store.deleteGolden(g.id), false);
    });
    it('findGoldenBySource returns null for an unmerged profile', async () => {
      const store = await makeStore();
      assert.equal(await store.findGoldenBySource(unique('s')), null);
    });
    it('addPostings is idempotent and getPostings counts every holder', async () => {
      const store = await makeStore();
      const key = unique('phone:+86138');
      await store.addPostings('r2', [key]);
      await store.addPostings('r1', [key]);
      await store.addPostings('r1', [key]);
      const postings = await store.getPostings(key, 10);
      assert.deepEqual([...postings.ids], ['r1', 'r2']);
      assert.equal(postings.total, 2);
    });
    it('getPostings(key, limit) returns at most limit ids but the full total', async () => {
      const store = await makeStore();
      const key = unique('device:x');
      for (let i = 0; i < 5; i += 1) await store.addPostings(`r${i}`, [key]);
      const postings = await store.getPostings(key, 2);
      assert.equal(postings.ids.length, 2);
      assert.equal(postings.total, 5);
    });
    it('removePostings removes only that record from only those keys', async () => {
      const store = await makeStore();
      const [k1, k2] = [unique('k'), unique('k')];
      await store.addPostings('r1', [k1, k2]);
      await store.addPostings('r2', [k1]);
      await store.removePostings('r1', [k1]);
      assert.deepEqual([...(await store.getPostings(k1, 10)).ids], ['r2']);
      assert.deepEqual([...(await store.getPostings(k2, 10)).ids], ['r1']);
    });
    it('getPostings returns no ids and total 0 for an unknown key', async () => {
      const store = await makeStore();
      assert.deepEqual(await store.getPostings(unique('none'), 10), { ids: [], total: 0 });
    });
    it('appendAudit then getAudit and listAudit (oldest first)', async () => {
      const store = await makeStore();
      const g = unique('g');
      const [a1, a2] = [audit(unique('a'), g), audit(unique('a'), g)];
      await store.appendAudit(a1);
      await store.appendAudit(a2);
      assert.deepEqual(await store.getAudit(a1.id), a1);
      assert.deepEqual((await store.listAudit(g)).map((a) => a.id), [a1.id, a2.id]);
      assert.deepEqual(await store.listAudit(unique('other')), []);
    });
    it('appendAudit refuses a second record with the same id (DUPLICATE_KEY)', async () => {
      const store = await makeStore();
      const a = audit(unique('a'), unique('g'));
      await store.appendAudit(a);
      await assert.rejects(store.appendAudit(a), (error: unknown) => (error as { code?: unknown }).code === 'DUPLICATE_KEY');
    });
    it('getAudit(id) returns null for a missing record', async () => {
      const store = await makeStore();
      assert.equal(await store.getAudit(unique('missing')), null);
    });
    it('getProfiles([]) returns [] and getProfiles returns copies', async () => {
      const store = await makeStore();
      assert.deepEqual(await store.getProfiles([]), []);
      const p = customer(unique('c'));
      await store.putProfile(p);
      const [read] = await store.getProfiles([p.id]);
      read?.names.push('mutated');
      assert.deepEqual((await store.getProfile(p.id))?.names, ['张三']);
    });
    it('getProfiles reads hundreds of ids in the asked order', async () => {
      const store = await makeStore();
      const ids = Array.from({ length: 300 }, (_, i) => `${unique('bulk')}-${String(i).padStart(3, '0')}`);
      for (const id of ids) await store.putProfile(customer(id));
      const asked = [...ids].reverse();
      assert.deepEqual((await store.getProfiles(asked)).map((p) => p.id), asked);
    });
    it('profiles round-trip every field, including non-ASCII text and attributes of each type', async () => {
      const store = await makeStore();
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
    it('putGolden replaces the stored golden profile (version, profile, lineage)', async () => {
      const store = await makeStore();
      const id = unique('g');
      const [s1, s2] = [unique('s'), unique('s')];
      await store.putGolden(golden(id, [s1, s2]));
      const next: GoldenProfile = { ...golden(id, [s1, s2], 2), profile: customer(id, { names: ['李四'] }), lineage: { idNumber: s2 }, updatedAt: '2026-01-02T00:00:00.000Z' as Instant };
      await store.putGolden(next);
      assert.deepEqual(await store.getGolden(id), next);
      assert.deepEqual(await store.findGoldenBySource(s2), next);
    });
    it('putGolden moves a source id that another golden profile held, and deleting that one keeps the move', async () => {
      const store = await makeStore();
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
    it('putGolden with other source ids unmaps every old one', async () => {
      const store = await makeStore();
      const id = unique('g');
      const old = [unique('s'), unique('s'), unique('s')];
      const fresh = [unique('s'), unique('s')];
      await store.putGolden(golden(id, old));
      await store.putGolden(golden(id, fresh, 2));
      for (const s of old) assert.equal(await store.findGoldenBySource(s), null);
      for (const s of fresh) assert.equal((await store.findGoldenBySource(s))?.id, id);
    });
    it('getGolden returns a copy, not the stored object', async () => {
      const store = await makeStore();
      const g = golden(unique('g'), [unique('s')]);
      await store.putGolden(g);
      const read = await store.getGolden(g.id);
      read?.profile.names.push('mutated');
      assert.deepEqual((await store.getGolden(g.id))?.profile.names, ['张三']);
    });
    it('getPostings returns the smallest ids in id order, whatever the insertion order', async () => {
      const store = await makeStore();
      const key = unique('name:zhang');
      for (const r of ['r5', 'r3', 'r1', 'r4', 'r2']) await store.addPostings(r, [key]);
      assert.deepEqual(await store.getPostings(key, 3), { ids: ['r1', 'r2', 'r3'], total: 5 });
      assert.deepEqual(await store.getPostings(key, 0), { ids: [], total: 5 });
    });
    it('addPostings counts a key once per record, also when a call repeats it', async () => {
      const store = await makeStore();
      const [k1, k2] = [unique('k'), unique('k')];
      await store.addPostings('r1', [k1, k1, k2]);
      await store.addPostings('r1', [k2, k1]);
      await store.addPostings('r2', [k1]);
      assert.deepEqual(await store.getPostings(k1, 10), { ids: ['r1', 'r2'], total: 2 });
      assert.deepEqual(await store.getPostings(k2, 10), { ids: ['r1'], total: 1 });
    });
    it('removePostings of a record that is not there changes no count', async () => {
      const store = await makeStore();
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
    it('addPostings and removePostings with no keys do nothing', async () => {
      const store = await makeStore();
      const key = unique('k');
      await store.addPostings('r1', [key]);
      await store.addPostings('r2', []);
      await store.removePostings('r1', []);
      assert.deepEqual(await store.getPostings(key, 10), { ids: ['r1'], total: 1 });
    });
    it('postings keep many records under one key and many keys per record', async () => {
      const store = await makeStore();
      const keys = Array.from({ length: 20 }, () => unique('k'));
      for (let r = 0; r < 30; r += 1) await store.addPostings(`r${String(r).padStart(2, '0')}`, keys);
      await store.removePostings('r07', keys.slice(0, 10));
      const first = await store.getPostings(keys[0] ?? '', 100);
      assert.equal(first.total, 29);
      assert.equal(first.ids.includes('r07'), false);
      assert.deepEqual(await store.getPostings(keys[19] ?? '', 1), { ids: ['r00'], total: 30 });
    });
    it('listAudit keeps append order, not id order, and only that golden profile', async () => {
      const store = await makeStore();
      const g = unique('g');
      const base = unique('a');
      const ids = [`${base}-3`, `${base}-1`, `${base}-2`];
      for (const id of ids) await store.appendAudit(audit(id, g));
      await store.appendAudit(audit(unique('a'), unique('g')));
      assert.deepEqual((await store.listAudit(g)).map((a) => a.id), ids);
    });
    it('an audit record round-trips its snapshots, evidence and undoes', async () => {
      const store = await makeStore();
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
    it('a refused duplicate audit record leaves the first one as it was', async () => {
      const store = await makeStore();
      const g = unique('g');
      const first = audit(unique('a'), g);
      await store.appendAudit(first);
      await assert.rejects(store.appendAudit({ ...first, reason: 'second' }));
      assert.deepEqual(await store.getAudit(first.id), first);
      assert.deepEqual((await store.listAudit(g)).map((a) => a.reason), ['conformance']);
    });
  });
}
