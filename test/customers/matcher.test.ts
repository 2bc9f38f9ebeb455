// The matcher: combined evidence, explanations with masked values, configuration, Fellegi-Sunter mode.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chineseRetailPreset,
  createCustomerMatcher,
  differencePattern,
  estimateFellegiSunter,
  matchField,
} from '../../src/customers/index.js';
import { generateSyntheticCustomers } from '../../src/testing/index.js';
import type { CustomerInput } from '../../src/model/index.js';
import { isValidationError } from '../../src/errors/index.js';

const matcher = createCustomerMatcher(chineseRetailPreset());
const base: CustomerInput = { id: 'a', names: ['王小明'], phones: ['13812345678'], addresses: [{ country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路100号' }] };
const compare = (a: CustomerInput, b: CustomerInput) => matcher.compare(matcher.prepare(a), matcher.prepare(b));

describe('createCustomerMatcher with the Chinese retail preset', () => {
  it('matches the same phone across formats at the seed weight 0.90', () => {
    const r = compare({ id: 'a', phones: ['138 1234 5678'] }, { id: 'b', phones: ['+86-138-1234-5678'] });
    expect(r.score).toBeCloseTo(0.9, 10);
    expect(r.isMatch).toBe(true);
    expect(r.evidence.map((e) => e.rule)).toEqual(['same phone']);
  });
  it('combines evidence by noisy-or: phone and device give 0.94, never less than the phone alone', () => {
    const r = compare({ id: 'a', phones: ['13812345678'], deviceIds: ['dev-1'] }, { id: 'b', phones: ['13812345678'], deviceIds: ['DEV1'] });
    expect(r.score).toBeCloseTo(1 - 0.1 * 0.6, 10);
  });
  it('counts a device alone below the threshold, and name with address at 0.70', () => {
    expect(compare({ id: 'a', deviceIds: ['dev-1'] }, { id: 'b', deviceIds: ['dev-1'] }).isMatch).toBe(false);
    const r = compare({ ...base, phones: [] }, { ...base, id: 'b', phones: [], addresses: [{ country: 'CN', street: '浙江杭州西湖区文三路100号2栋301室' }] });
    expect(r.score).toBeCloseTo(0.7, 10);
  });
  it('never merges on a payment real name alone: strangers paying as one common name in one district stay apart', () => {
    const pay = (accountId: string) => [{ provider: 'alipay', accountId, realName: '王伟' }];
    const a: CustomerInput = { id: 'a', names: ['王伟'], phones: ['13812345678'], deviceIds: ['dev-a'], paymentAccounts: pay('2088-1'), addresses: [{ country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路100号' }] };
    const b: CustomerInput = { id: 'b', names: ['王伟'], phones: ['13998765432'], deviceIds: ['dev-b'], paymentAccounts: pay('2088-2'), addresses: [{ country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', street: '天目山路8号' }] };
    const strangers = compare(a, b);
    expect(strangers.evidence.map((e) => e.rule)).toEqual(['same payment real name']);
    expect(strangers.isMatch).toBe(false);
    expect(compare({ id: 'a', paymentAccounts: pay('1') }, { id: 'b', paymentAccounts: pay('2') }).isMatch).toBe(false);
    // It still adds to other evidence: the same real name with the same address and name is one person.
    expect(compare(a, { ...b, addresses: a.addresses }).isMatch).toBe(true);
  });
  it('explains where masked values differ without showing them: 王伟 and 王玮 both mask to 王*, their pattern says =x', () => {
    const r = compare({ ...base, names: ['王伟'] }, { ...base, id: 'b', names: ['王玮'] });
    const name = r.fields.find((f) => f.field === 'name');
    expect([name?.left, name?.right]).toEqual(['王*', '王*']);
    expect(name?.pattern).toBe('=x');
    expect(r.fields.find((f) => f.field === 'phone')?.pattern).toBe('='.repeat('+8613812345678'.length));
    const typo = compare(base, { ...base, id: 'b', phones: ['13812345687'] });
    expect(typo.fields.find((f) => f.field === 'phone')?.pattern).toBe('============xx');
    expect(compare(base, { id: 'b' }).fields.find((f) => f.field === 'phone')?.pattern).toBeUndefined();
    expect(differencePattern('abc', 'abxc')).toBe('==+=');
    expect(differencePattern('abcd', 'abd')).toBe('==-=');
  });
  it('prepare refuses a record that is not shaped like a customer, with paths, instead of reading a string as a list', () => {
    const problem = (record: unknown) => {
      try {
        matcher.prepare(record as CustomerInput);
      } catch (error) {
        if (isValidationError(error)) return error.issues.map((issue) => issue.path.join('.'));
        throw error;
      }
      throw new Error('expected a ValidationError');
    };
    expect(problem({ id: 'a', phones: '13812345678' })).toEqual(['phones']);
    expect(problem({ phones: ['13812345678'] })).toEqual(['id']);
    expect(problem({ id: 'a', names: [42], paymentAccounts: [{ provider: 'alipay' }] })).toEqual(['names.0', 'paymentAccounts.0.accountId']);
    expect(problem(null)).toEqual(['']);
  });
  it('treats a different valid ID number as a conflict and an invalid one as missing evidence', () => {
    const invalid = compare({ ...base, idNumber: '11010519491231002X' }, { ...base, id: 'b', idNumber: '110105194912310021' });
    expect(invalid.fields.find((f) => f.field === 'idNumber')?.level).toBe('missing');
    expect(invalid.conflict).toBe(false);
    const other = '33010619800101001';
    const r = compare({ ...base, idNumber: '11010519491231002X' }, { ...base, id: 'b', idNumber: other + checkOf(other) });
    expect(r.conflict).toBe(true);
    expect(r.isMatch).toBe(false);
  });
  it('matches a phone with one mistyped digit when the name agrees, but not on the phone alone', () => {
    const typo = { id: 'b', phones: ['13812345679'] };
    expect(compare({ id: 'a', phones: ['13812345678'] }, typo).isMatch).toBe(false);
    const r = compare({ id: 'a', names: ['王小明'], phones: ['13812345678'] }, { ...typo, names: ['王小明'] });
    expect(r.fields.find((f) => f.field === 'phone')?.level).toBe('close');
    expect(r.evidence.map((e) => e.rule)).toEqual(['same phone', 'same phone + name']);
    expect(r.score).toBeCloseTo(1 - (1 - 0.9 * 0.5) * (1 - 0.97 * 0.8), 10);
    expect(r.isMatch).toBe(true);
  });
  it('needs a name to back a shared device: a household tablet alone is no match', () => {
    const device = { deviceIds: ['6d92078a82464ba4ae5b76104861e7dc'] };
    expect(compare({ id: 'a', names: ['王小明'], ...device }, { id: 'b', names: ['李秀英'], ...device }).isMatch).toBe(false);
    const r = compare({ id: 'a', names: ['王小明'], ...device }, { id: 'b', names: ['王小明'], ...device });
    expect(r.score).toBeCloseTo(1 - 0.6 * 0.2, 10);
    expect(r.isMatch).toBe(true);
  });
  it('lets a clearly different name outweigh a shared family phone', () => {
    const r = compare({ id: 'a', names: ['王建国'], phones: ['13812345678'] }, { id: 'b', names: ['李秀英'], phones: ['13812345678'] });
    expect(r.isMatch).toBe(false);
    expect(r.fields.find((f) => f.field === 'name')?.contribution).toBeLessThan(0);
  });
  it('reads a wrong homophone from a pinyin IME as the same name, and a different given name as another person', () => {
    const typo = compare({ id: 'a', names: ['王小明'], phones: ['13812345678'] }, { id: 'b', names: ['王晓明'], phones: ['13812345678'] });
    expect(typo.fields.find((f) => f.field === 'name')).toMatchObject({ level: 'exact', similarity: 1 });
    expect(typo.evidence.map((e) => e.rule)).toContain('same phone + name');
    // A household: one family phone, one surname, another given name.
    const sister = compare({ id: 'a', names: ['王伟'], phones: ['13812345678'] }, { id: 'b', names: ['王芳'], phones: ['13812345678'] });
    expect(sister.fields.find((f) => f.field === 'name')?.level).toBe('different');
    expect(sister.isMatch).toBe(false);
  });
  it('reads a legacy 15-digit ID one digit off as a possible typo, not as another person', () => {
    const checked = '11010519491231002X';
    // The same person's legacy number with one mistyped digit: no check character catches it.
    const legacyTypo = '110105491231012';
    const r = compare({ id: 'a', names: ['王小明'], phones: ['13812345678'], idNumber: checked }, { id: 'b', names: ['王小明'], phones: ['13812345678'], idNumber: legacyTypo });
    expect(r.conflict).toBe(false);
    expect(r.fields.find((f) => f.field === 'idNumber')?.level).toBe('missing');
    expect(r.isMatch).toBe(true);
    // A legacy number that differs in many digits is strong counter-evidence, still no veto.
    const other = compare({ id: 'a', names: ['王小明'], idNumber: checked }, { id: 'b', names: ['王小明'], idNumber: '330106800101001' });
    expect(other.conflict).toBe(false);
    expect(other.fields.find((f) => f.field === 'idNumber')).toMatchObject({ level: 'different' });
    expect(other.fields.find((f) => f.field === 'idNumber')?.contribution).toBeLessThan(0);
    // Only checked numbers veto a merge in clustering.
    expect(matcher.identityKeys(matcher.prepare({ id: 'c', idNumber: legacyTypo }))).toEqual([]);
    expect(matcher.identityKeys(matcher.prepare({ id: 'd', idNumber: checked }))).toEqual([`idNumber:${checked}`]);
  });
  it('explains every field: masked values, level and contribution adding up to the score', () => {
    const r = compare({ ...base, idNumber: '11010519491231002X' }, { ...base, id: 'b', names: ['王小敏'], idNumber: '110105491231002' });
    const byField = Object.fromEntries(r.fields.map((f) => [f.field, f]));
    expect(byField.phone).toMatchObject({ level: 'exact', left: '+86138****5678' });
    expect(byField.idNumber).toMatchObject({ level: 'exact', left: '11**************2X' });
    expect(byField.name).toMatchObject({ level: 'close', left: '王**' });
    expect(byField.deviceId?.level).toBe('missing');
    const total = r.fields.reduce((s, f) => s + f.contribution, 0);
    expect(1 - Math.exp(-total)).toBeCloseTo(r.score, 10);
  });
  it('never puts a raw phone or ID number in an explanation (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3589]\d{9}$/), fc.integer({ min: 0, max: 999 }), (phone, seq) => {
        const first17 = `33010619800101${String(seq).padStart(3, '0')}`;
        const id = first17 + checkOf(first17);
        const r = compare({ id: 'a', phones: [phone], idNumber: id }, { id: 'b', phones: [`+86${phone}`], idNumber: id });
        const text = JSON.stringify(r);
        expect(text).not.toContain(phone);
        expect(text).not.toContain(id);
        expect(text).not.toContain(first17.slice(0, 12));
      }),
      { numRuns: 100 },
    );
  });
  it('scores symmetrically (property over generated records)', () => {
    const { customers } = generateSyntheticCustomers({ records: 300, seed: 3 });
    const prepared = customers.map((c) => matcher.prepare(c));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 299 }), fc.integer({ min: 0, max: 299 }), (i, j) => {
        const a = prepared[i];
        const b = prepared[j];
        if (a === undefined || b === undefined) return;
        expect(matcher.score(a, b)).toBeCloseTo(matcher.score(b, a), 12);
      }),
      { numRuns: 300 },
    );
  });
  it('never lowers the score when agreeing evidence is added (property)', () => {
    const extras: ((c: CustomerInput) => CustomerInput)[] = [
      (c) => ({ ...c, deviceIds: ['device-42'] }),
      (c) => ({ ...c, emails: ['wang@example.com'] }),
      (c) => ({ ...c, idNumber: '11010519491231002X' }),
      (c) => ({ ...c, paymentAccounts: [{ provider: 'alipay', accountId: '2088', realName: '王小明' }] }),
    ];
    fc.assert(
      fc.property(fc.subarray([0, 1, 2, 3]), fc.integer({ min: 0, max: 3 }), fc.boolean(), (have, add, withPhone) => {
        let a: CustomerInput = withPhone ? base : { ...base, phones: [] };
        let b: CustomerInput = { ...a, id: 'b', names: ['王晓明'] };
        for (const k of have) {
          a = extras[k]?.(a) ?? a;
          b = extras[k]?.(b) ?? b;
        }
        const before = compare(a, b).score;
        const after = compare(extras[add]?.(a) ?? a, extras[add]?.(b) ?? b).score;
        expect(after).toBeGreaterThanOrEqual(before - 1e-12);
      }),
      { numRuns: 100 },
    );
  });
});

describe('createCustomerMatcher configuration', () => {
  it('works on any person data: fields and rules are configuration', () => {
    interface Person {
      id: string;
      email: string;
      surname: string;
    }
    const m = createCustomerMatcher<Person, Person>({
      prepare: (p) => ({ ...p, email: p.email.toLowerCase() }),
      id: (p) => p.id,
      fields: [
        matchField<Person, string>({ name: 'email', values: (p) => [p.email], block: true }),
        matchField<Person, string>({ name: 'surname', values: (p) => [p.surname], similarity: (a, b) => (a[0] === b[0] ? 0.9 : 0), closeAt: 0.8 }),
      ],
      evidence: [
        { name: 'email', fields: ['email'], probability: 0.95 },
        { name: 'surname', fields: ['surname'], probability: 0.3 },
      ],
      threshold: 0.9,
    });
    const a = m.prepare({ id: '1', email: 'Ann@x.org', surname: 'Smith' });
    const b = m.prepare({ id: '2', email: 'ann@x.org', surname: 'Smyth' });
    expect(m.compare(a, b)).toMatchObject({ isMatch: true, fields: [{ level: 'exact' }, { level: 'close' }] });
    expect(m.blockingKeys(a)).toEqual(['email:ann@x.org']);
  });
  it('validates the configuration eagerly with every issue', () => {
    try {
      createCustomerMatcher({ ...chineseRetailPreset(), evidence: [{ name: 'x', fields: ['nope'], probability: 1.5 }], threshold: 2 });
      expect.unreachable();
    } catch (error) {
      expect(isValidationError(error)).toBe(true);
      if (isValidationError(error)) expect(error.issues.map((i) => i.path.join('.'))).toEqual(['evidence.0.probability', 'evidence.0.fields.0', 'threshold']);
    }
    expect(() => createCustomerMatcher({ ...chineseRetailPreset(), mode: 'fellegi-sunter' })).toThrow(/m\/u parameters/);
  });
});

describe('Fellegi-Sunter mode', () => {
  const { customers, entityOf } = generateSyntheticCustomers({ records: 3000, seed: 11 });
  const prepared = customers.map((c) => matcher.prepare(c));
  const estimate = estimateFellegiSunter(matcher, prepared, { uSamplePairs: 20_000 });
  const fs = matcher.with({ mode: 'fellegi-sunter', fellegiSunter: estimate, threshold: 0.9 });

  it('estimates m above u for exact agreement on every identifier', () => {
    expect(estimate.converged).toBe(true);
    for (const field of ['phone', 'idNumber', 'name', 'deviceId']) {
      expect(estimate.m[field]?.exact ?? 0).toBeGreaterThan((estimate.u[field]?.exact ?? 1) * 100);
    }
  });
  it('scores true pairs above random pairs and explains in bits', () => {
    const byEntity = new Map<string, number[]>();
    prepared.forEach((p, i) => byEntity.set(entityOf.get(p.id) ?? '', [...(byEntity.get(entityOf.get(p.id) ?? '') ?? []), i]));
    const pair = [...byEntity.values()].find((ids) => ids.length > 1) ?? [0, 1];
    const a = prepared[pair[0] ?? 0];
    const b = prepared[pair[1] ?? 1];
    const c = prepared.find((p) => entityOf.get(p.id) !== entityOf.get(a?.id ?? ''));
    if (a === undefined || b === undefined || c === undefined) throw new Error('fixture');
    expect(fs.score(a, b)).toBeGreaterThan(fs.score(a, c));
    const r = fs.compare(a, b);
    expect(r.mode).toBe('fellegi-sunter');
    const bits = r.fields.reduce((s, f) => s + f.contribution, 0) + Math.log2(estimate.prior / (1 - estimate.prior));
    expect(1 / (1 + 2 ** -bits)).toBeCloseTo(r.score, 10);
  });
  it('down-weights a common value by term frequency', () => {
    const a = matcher.prepare({ id: 'x', phones: ['13812345678'] });
    const b = matcher.prepare({ id: 'y', phones: ['13812345678'] });
    const rare = fs.compare(a, b, { frequency: () => 2, total: 3000 });
    const common = fs.compare(a, b, { frequency: () => 300, total: 3000 });
    expect(common.score).toBeLessThan(rare.score);
    expect(common.fields.find((f) => f.field === 'phone')?.common).toBe(true);
  });
});

function checkOf(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * (weights[i] ?? 0);
  return '10X98765432'[sum % 11] ?? '';
}
