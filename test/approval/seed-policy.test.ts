// The shipped seed policy: the JSON example and the typed constant agree, compile cleanly and decide as the seed article says.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEED_POLICY, compilePolicy, decide, evaluate, safeCompilePolicy, type Facts } from '../../src/approval/index.js';
import { BUILT_IN_CHANNELS, BUILT_IN_CHANNEL_IDS } from '../../src/intake/index.js';
import { cny } from './helpers.js';

const json: unknown = JSON.parse(readFileSync(new URL('../../examples/policies/seed-policy.json', import.meta.url), 'utf8'));
const policy = compilePolicy(SEED_POLICY);

/** A good-credit, long-standing customer with a normal order: the seed's auto-approve case. */
const normal: Facts = {
  'order.total': cny(30_000),
  'order.channel': 'tmall',
  'order.paymentMethod': 'alipay',
  'customer.tier': 'silver',
  'customer.creditScore': 760,
  'customer.isBlocked': false,
  'derived.accountAgeDays': 400,
  'derived.orderCountInWindow': 6,
  'derived.returnRate': 0.05,
  'derived.distanceFromUsualKm': 4,
  'derived.amountVsAverage': 1.1,
};

describe('seed policy', () => {
  it('the example JSON and the exported constant are the same policy', () => {
    expect(json).toEqual(SEED_POLICY);
    expect(compilePolicy(json).policy).toEqual(policy.policy);
  });

  it('compiles without warnings, about ten rules, collect-all, fail closed', () => {
    expect(policy.warnings).toEqual([]);
    expect(policy.ruleIds).toHaveLength(12);
    expect(policy).toMatchObject({ hitPolicy: 'collect-all', onMissingFact: 'hold' });
  });

  it('approves good-credit customers with normal patterns automatically', () => {
    expect(decide(policy, normal)).toMatchObject({ outcome: 'approve', reasons: ['GOOD_CREDIT_NORMAL_PATTERN'], policyVersion: '2026.2' });
    expect(decide(policy, { ...normal, 'derived.accountAgeDays': 40, 'customer.tier': 'gold' }).outcome).toBe('approve');
  });

  it.each(BUILT_IN_CHANNELS.map((channel) => channel.id))('approves a normal order from a good customer on the built-in channel %s', (channel) => {
    expect(decide(policy, { ...normal, 'order.channel': channel })).toMatchObject({ outcome: 'approve', reasons: ['GOOD_CREDIT_NORMAL_PATTERN'] });
  });

  it('names only channels that exist: a policy naming an unknown channel does not compile, with the path of the name', () => {
    const wrong = structuredClone(SEED_POLICY) as unknown as { rules: { id: string; when: { all: { value: unknown }[] } }[] };
    const rule = wrong.rules.findIndex((r) => r.id === 'good-credit-normal-pattern');
    (wrong.rules[rule] as { when: { all: { value: unknown }[] } }).when.all[2] = { fact: 'order.channel', operator: 'in', value: ['tmall', 'wechat'] } as never;
    const result = safeCompilePolicy(wrong);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toEqual([
      expect.objectContaining({ code: 'unknown_name', path: ['rules', rule, 'when', 'all', 2, 'value', 1] }),
    ]);
    expect(result.error.message).toContain('"wechat" is not a known name');
    // A user's own channel is a known name once declared.
    expect(safeCompilePolicy(wrong, { knownValues: { 'order.channel': [...BUILT_IN_CHANNEL_IDS, 'wechat'] } }).ok).toBe(true);
    // eq is checked as well as in.
    const single = structuredClone(wrong);
    (single.rules[rule] as { when: { all: { value: unknown }[] } }).when.all[2] = { fact: 'order.channel', operator: 'eq', value: 'taobao' } as never;
    expect(safeCompilePolicy(single)).toMatchObject({ ok: false, error: { issues: [{ code: 'unknown_name', path: ['rules', rule, 'when', 'all', 2, 'value'] }] } });
    expect(() => compilePolicy(SEED_POLICY, { knownValues: { 'order.channel': 'tmall' } as never })).toThrow(/knownValues/);
  });

  it('names only countries that exist: "UK" is refused (addresses carry "GB")', () => {
    const policy = { id: 'p', version: '1', rules: [{ id: 'uk', when: { fact: 'order.shippingCountry', operator: 'in', value: ['GB', 'UK'] }, then: { decision: 'hold', reasons: ['ABROAD'], severity: 'low' } }], defaultOutcome: { decision: 'approve', reasons: ['OK'], severity: 'info' } };
    expect(safeCompilePolicy(policy)).toMatchObject({ ok: false, error: { issues: [{ code: 'unknown_name', path: ['rules', 0, 'when', 'value', 1] }] } });
    expect(safeCompilePolicy({ ...policy, rules: [{ ...policy.rules[0], when: { ...policy.rules[0]!.when, value: ['GB', 'HK'] } }] }).ok).toBe(true);
  });

  it('BUILT_IN_CHANNEL_IDS lists the built-in channels', () => {
    expect([...BUILT_IN_CHANNEL_IDS]).toEqual(BUILT_IN_CHANNELS.map((c) => c.id));
  });

  it.each<[string, Facts, string]>([
    ['a large amount', { 'order.total': cny(500_000) }, 'LARGE_AMOUNT'],
    ['shipping far from the usual address', { 'derived.distanceFromUsualKm': 1_200 }, 'FAR_FROM_USUAL_ADDRESS'],
    ['a frequent returner', { 'derived.returnRate': 0.4 }, 'FREQUENT_RETURNS'],
    ['a new account with a high value', { 'derived.accountAgeDays': 3, 'customer.tier': 'gold', 'order.total': cny(150_000) }, 'NEW_ACCOUNT_HIGH_VALUE'],
    ['an amount far above the usual', { 'derived.amountVsAverage': 6 }, 'AMOUNT_ABOVE_USUAL'],
    ['very frequent orders', { 'derived.orderCountInWindow': 45 }, 'HIGH_ORDER_FREQUENCY'],
    ['cash on delivery above CNY 2,000', { 'order.paymentMethod': 'cod', 'order.total': cny(250_000) }, 'COD_HIGH_VALUE'],
    ['mediocre credit', { 'customer.creditScore': 600 }, 'MANUAL_REVIEW'],
    ['an unknown channel', { 'order.channel': 'fax' }, 'MANUAL_REVIEW'],
  ])('holds %s for review', (_, change, reason) => {
    const decision = evaluate(policy, { ...normal, ...change });
    expect(decision.outcome).toBe('hold');
    expect(decision.reasons).toEqual([reason]);
  });

  it('rejects blocked customers and very low credit, whatever else holds', () => {
    expect(decide(policy, { ...normal, 'customer.isBlocked': true, 'order.total': cny(900_000) })).toMatchObject({ outcome: 'reject', reasons: ['CUSTOMER_BLOCKED'] });
    expect(decide(policy, { ...normal, 'customer.creditScore': 300 })).toMatchObject({ outcome: 'reject', reasons: ['CREDIT_TOO_LOW'] });
  });

  it('flags every rule that fired while the most severe decides', () => {
    const decision = evaluate(policy, { ...normal, 'order.total': cny(600_000), 'derived.distanceFromUsualKm': 900 });
    expect(decision.ruleId).toBe('large-amount');
    expect(decision.explanation?.fired).toEqual(['large-amount', 'far-from-usual-address', 'good-credit-normal-pattern']);
  });

  it('without a distance, decides by province: a usual one approves, a new one holds, an unreadable one fails closed', () => {
    const noDistance = { ...normal, 'derived.distanceFromUsualKm': undefined };
    expect(decide(policy, { ...noDistance, 'derived.shipsToNewProvince': false }).outcome).toBe('approve');
    expect(decide(policy, { ...noDistance, 'derived.shipsToNewProvince': true })).toMatchObject({ outcome: 'hold', reasons: ['NEW_DESTINATION_PROVINCE'] });
    // A first order: no usual province, no distance. Not "away" from anything: approved, and the
    // explanation says which facts it did not have.
    const first = evaluate(policy, { ...noDistance, 'derived.orderCountInWindow': 0, 'derived.shippingAddressReadable': true });
    expect(first).toMatchObject({ outcome: 'approve', reasons: ['GOOD_CREDIT_NORMAL_PATTERN'] });
    expect(first.explanation?.rules.flatMap((rule) => (rule.status === 'missing-fact' ? [[rule.ruleId, rule.missingFacts]] : []))).toEqual(
      expect.arrayContaining([
        ['far-from-usual-address', ['derived.distanceFromUsualKm']],
        ['new-destination-province', ['derived.shipsToNewProvince']],
      ]),
    );
    // An address nobody can place is held, first order or not.
    expect(decide(policy, { ...noDistance, 'derived.shippingAddressReadable': false })).toMatchObject({ outcome: 'hold', reasons: ['UNREADABLE_ADDRESS'] });
    // A known distance decides alone: a short hop over a province border is no reason to hold.
    expect(decide(policy, { ...normal, 'derived.distanceFromUsualKm': 80, 'derived.shipsToNewProvince': true }).outcome).toBe('approve');
  });

  it('treats unknown returns and block status as none', () => {
    expect(decide(policy, { ...normal, 'derived.returnRate': undefined, 'customer.isBlocked': undefined }).outcome).toBe('approve');
    expect(decide(policy, { ...normal, 'customer.creditScore': undefined })).toMatchObject({ outcome: 'hold', missingFact: 'customer.creditScore' });
  });
});
