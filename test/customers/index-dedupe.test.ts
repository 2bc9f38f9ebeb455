// The blocking index (add, remove, match) and batch dedupe with its anti-chaining guard.
import { createMemoryStorage, createMemoryCustomerStore } from '../../src/adapters/memory.js';
import { describe, expect, it } from 'vitest';
import {
  chineseRetailPreset,
  createCustomerIndex,
  createCustomerMatcher,
  dedupe,
} from '../../src/customers/index.js';
import {
  createStoredCustomerIndex,
} from '../../src/app/index.js';
import { evaluateBlocking, evaluateClusters, generateSyntheticCustomers } from '../../src/testing/index.js';
import { customerSchema, type CustomerInput } from '../../src/model/index.js';

const matcher = createCustomerMatcher(chineseRetailPreset());
const addr = { country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路100号' };


const PHONES = ['13812345678', '15987654321', '18611112222', '13700003333', '15055554444', '18966667777', '13588889999', '17700001234', '18912340000', '19900005555', '13066660000'];
const STREETS = ['中山路1号', '人民路22号', '解放路35号', '建设路48号', '和平路51号', '新华路66号', '胜利路72号', '学院路89号', '青年路90号', '长江路101号', '黄河路112号'];
/** A buyer paying with a real-name-verified account; only the real name (and the city) is shared between i's. */
const payer = (i: number, realName: string, street = STREETS[i] ?? ''): CustomerInput => ({
  id: `${realName}-${i}`,
  names: [realName],
  phones: [PHONES[i] ?? ''],
  addresses: [{ country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', street }],
  paymentAccounts: [{ provider: 'alipay', accountId: `2088000000${String(100 + i)}`, realName }],
});
/** A second profile of payer 9: another phone and account, the same name, real name and address. */
const samePayerAs9 = (realName: string): CustomerInput => payer(10, realName, STREETS[9] ?? '');

describe('createCustomerIndex', () => {
  it('finds a new customer among many in a handful of comparisons, best first, explained', () => {
    const { customers } = generateSyntheticCustomers({ records: 2000, seed: 5 });
    const index = createCustomerIndex(matcher);
    for (const c of customers) index.add(c);
    index.add({ id: 'old-1', names: ['欧阳娜娜'], phones: ['13900001111'], idNumber: '11010519491231002X' });
    index.add({ id: 'old-2', names: ['欧阳娜娜'], phones: ['13900001111'] });
    const result = index.match({ id: 'new', names: ['欧阳娜娜'], phones: ['+86 139 0000 1111'], idNumber: '110105491231002' });
    expect(result.candidates.map((c) => c.rightId)).toEqual(['old-1', 'old-2']);
    expect(result.candidates[0]?.score).toBeGreaterThan(result.candidates[1]?.score ?? 1);
    expect(result.comparisons).toBeLessThan(10);
  });
  it('blocks a mistyped phone digit with the same name together, wherever the digit is', () => {
    const index = createCustomerIndex(matcher);
    index.add({ id: 'typo-in-head', names: ['欧阳娜娜'], phones: ['13900001111'] });
    index.add({ id: 'typo-in-tail', names: ['欧阳娜娜'], phones: ['13711119999'] });
    expect(index.match({ id: 'q1', names: ['欧阳娜娜'], phones: ['13910001111'] }).candidates.map((c) => c.rightId)).toEqual(['typo-in-head']);
    expect(index.match({ id: 'q2', names: ['欧阳娜娜'], phones: ['13711118999'] }).candidates.map((c) => c.rightId)).toEqual(['typo-in-tail']);
    expect(index.match({ id: 'q3', names: ['李秀英'], phones: ['13910001111'] }).candidates).toEqual([]);
  });
  it('discounts a payment real name held by many records, although real names do not block', () => {
    const index = createCustomerIndex(matcher);
    for (let i = 0; i < 8; i += 1) index.add(payer(i, '王伟'));
    expect(index.postingCount('realName:王伟')).toBe(8);
    const common = index.match(payer(8, '王伟'));
    expect(common.comparisons).toBe(8);
    expect(common.candidates).toEqual([]);
    index.add(payer(9, '欧阳娜娜'));
    // A real name alone never merges, rare or not; with the same name and address it adds up.
    expect(index.match(payer(10, '欧阳娜娜')).candidates).toEqual([]);
    const rare = index.match(samePayerAs9('欧阳娜娜'));
    expect(rare.candidates.map((c) => c.rightId)).toEqual(['欧阳娜娜-9']);
    expect(rare.candidates[0]?.evidence.map((e) => e.rule)).toContain('same payment real name');
    expect(index.remove('王伟-1')).toBe(true);
    expect(index.postingCount('realName:王伟')).toBe(7);
  });
  it('counts a payment real name as common when many buyers carry it as their name', () => {
    const index = createCustomerIndex(matcher);
    for (let i = 0; i < 8; i += 1) index.add({ id: `name-${i}`, names: ['王伟'], phones: [PHONES[i] ?? ''] });
    index.add(payer(9, '王伟'));
    expect(index.postingCount('realName:王伟')).toBe(9);
    expect(index.match(payer(10, '王伟')).candidates).toEqual([]);
  });
  it('remove(id) takes a record out of every posting; add with the same id replaces it', () => {
    const index = createCustomerIndex(matcher);
    index.add({ id: 'a', phones: ['13812345678'] });
    expect(index.match({ id: 'q', phones: ['13812345678'] }).candidates).toHaveLength(1);
    index.add({ id: 'a', phones: ['13912345678'] });
    expect(index.match({ id: 'q', phones: ['13812345678'] }).candidates).toHaveLength(0);
    expect(index.remove('a')).toBe(true);
    expect(index.remove('a')).toBe(false);
    expect(index.get('a')).toBeNull();
    expect(index.match({ id: 'q', phones: ['13912345678'] }).candidates).toHaveLength(0);
    expect(index.postingCount('phone:+8613912345678')).toBe(0);
  });
  it('skips and reports a blocking key shared by too many records', () => {
    const index = createCustomerIndex(matcher, { maxBlockSize: 3 });
    for (let i = 0; i < 5; i += 1) index.add({ id: `s${i}`, names: [`客${i}`], phones: ['4008123123'] });
    const result = index.match({ id: 'q', phones: ['400-812-3123'] });
    expect(result.oversizedKeys).toEqual(['phone:+864008123123']);
    expect(result.candidates).toHaveLength(0);
  });
  it('down-weights a value held by many records and flags it as common', () => {
    const index = createCustomerIndex(matcher);
    for (let i = 0; i < 10; i += 1) index.add({ id: `f${i}`, phones: ['13812345678'] });
    const result = index.match({ id: 'q', phones: ['13812345678'] }, { threshold: 0 });
    expect(result.candidates[0]?.fields.find((f) => f.field === 'phone')?.common).toBe(true);
    expect(result.candidates[0]?.score).toBeLessThan(0.9);
  });
  it('refuses invalid options', () => {
    expect(() => createCustomerIndex(matcher, { maxBlockSize: 0 })).toThrow(/positive integer/);
  });
});

describe('createStoredCustomerIndex', () => {
  it('adds, matches and removes through a CustomerStore', async () => {
    const store = createMemoryCustomerStore();
    const index = createStoredCustomerIndex(matcher, store);
    const full = (c: CustomerInput) => customerSchema.parse(c);
    await index.add(full({ id: 'a', names: ['王小明'], phones: ['13812345678'] }));
    await index.add(full({ id: 'b', names: ['李雷'], phones: ['13900001111'] }));
    const result = await index.match(full({ id: 'q', names: ['王小明'], phones: ['+86 138 1234 5678'] }));
    expect(result.candidates.map((c) => c.rightId)).toEqual(['a']);
    expect(result.comparisons).toBe(1);
    expect(await store.getPostings('phone:+8613812345678', 10)).toEqual({ ids: ['a'], total: 1 });
    await index.add(full({ id: 'a', names: ['王小明'], phones: ['13700000000'] }));
    expect((await store.getPostings('phone:+8613812345678', 10)).total).toBe(0);
    expect(await index.remove('a')).toBe(true);
    expect(await index.remove('a')).toBe(false);
    expect((await index.match(full({ id: 'q', phones: ['13700000000'] }))).candidates).toEqual([]);
  });
  it('re-adding a profile is one unit: a failed commit keeps the old profile with its old postings', async () => {
    let fail = false;
    const storage = createMemoryStorage({ failWith: (op) => (fail && op === 'customers.commit' ? new Error('disk full') : undefined) });
    const index = createStoredCustomerIndex(matcher, storage.customers);
    await index.add(customerSchema.parse({ id: 'a', names: ['王小明'], phones: ['13812345678'] }));
    fail = true;
    await expect(index.add(customerSchema.parse({ id: 'a', names: ['王小明'], phones: ['13700000000'] }))).rejects.toMatchObject({ code: 'STORAGE_FAILURE' });
    await expect(index.remove('a')).rejects.toMatchObject({ code: 'STORAGE_FAILURE' });
    expect((await storage.customers.getProfile('a'))?.phones).toEqual(['13812345678']);
    expect(await storage.customers.getPostings('phone:+8613812345678', 10)).toEqual({ ids: ['a'], total: 1 });
    expect((await storage.customers.getPostings('phone:+8613700000000', 10)).total).toBe(0);
  });

  it('counts payment real names in the store, so a common one loses its weight', async () => {
    const store = createMemoryCustomerStore();
    const index = createStoredCustomerIndex(matcher, store);
    for (let i = 0; i < 8; i += 1) await index.add(customerSchema.parse(payer(i, '王伟')));
    expect((await store.getPostings('realName:王伟', 0)).total).toBe(8);
    expect((await index.match(customerSchema.parse(payer(8, '王伟')))).candidates).toEqual([]);
    await index.add(customerSchema.parse(payer(9, '欧阳娜娜')));
    expect((await index.match(customerSchema.parse(samePayerAs9('欧阳娜娜')))).candidates.map((c) => c.rightId)).toEqual(['欧阳娜娜-9']);
    expect(await index.remove('王伟-3')).toBe(true);
    expect((await store.getPostings('realName:王伟', 0)).total).toBe(7);
  });
});

describe('dedupe', () => {
  it('clusters generated records with high precision and recall and reports blocking quality', () => {
    const { customers, entityOf } = generateSyntheticCustomers({ records: 4000, seed: 9 });
    const prepared = customers.map((c) => matcher.prepare(c));
    const result = dedupe(matcher, prepared);
    const accuracy = evaluateClusters(result.clusters, (id) => entityOf.get(id));
    expect(accuracy.precision).toBeGreaterThan(0.97);
    expect(accuracy.recall).toBeGreaterThan(0.92);
    expect(result.clusters.flat()).toHaveLength(4000);
    const blocking = evaluateBlocking(matcher, prepared, (p) => entityOf.get(p.id));
    expect(blocking.pairsCompleteness).toBeGreaterThan(0.95);
    expect(blocking.reductionRatio).toBeGreaterThan(0.999);
    expect(blocking.candidatePairs).toBe(result.stats.candidatePairs);
  });
  it('does not cluster strangers who share a payment real name in one city, common or rare', () => {
    const records = [...Array.from({ length: 8 }, (_, i) => payer(i, '王伟')), payer(9, '欧阳娜娜'), samePayerAs9('欧阳娜娜'), payer(11, '欧阳娜娜')].map((c) => matcher.prepare(c));
    const clusters = dedupe(matcher, records).clusters.filter((c) => c.length > 1);
    expect(clusters).toEqual([['欧阳娜娜-9', '欧阳娜娜-10']]);
  });
  it('does not let a shared family phone glue a household into one profile', () => {
    const records: CustomerInput[] = [
      { id: 'dad-1', names: ['王建国'], phones: ['13812345678'], addresses: [addr] },
      { id: 'dad-2', names: ['王建国'], phones: ['13812345678', '13911112222'] },
      { id: 'kid-1', names: ['刘晓红'], phones: ['13812345678'], addresses: [addr], idNumber: '11010519491231002X' },
      { id: 'phone-only', phones: ['13812345678'] },
    ];
    const result = dedupe(matcher, records.map((r) => matcher.prepare(r)));
    const clusterOf = (id: string) => result.clusters.find((c) => c.includes(id));
    expect(clusterOf('dad-1')).toContain('dad-2');
    expect(clusterOf('dad-1')).not.toContain('kid-1');
    expect(result.stats.refusedForChaining).toBeGreaterThan(0);
  });
  it('never joins two different valid ID numbers, whatever else they share', () => {
    const records: CustomerInput[] = [
      { id: 'a', names: ['张伟'], phones: ['13812345678'], idNumber: '11010519491231002X' },
      { id: 'b', names: ['张伟'], phones: ['13812345678'] },
      { id: 'c', names: ['张伟'], phones: ['13812345678'], idNumber: '330106198001010013' },
    ];
    const result = dedupe(matcher, records.map((r) => matcher.prepare(r)));
    expect(result.clusters.find((c) => c.includes('a'))).not.toContain('c');
    expect(result.stats.refusedForConflict).toBeGreaterThan(0);
  });
  it('validates its options', () => {
    expect(() => dedupe(matcher, [], { maxBlockSize: 1 })).toThrow(/at least 2/);
  });
});
