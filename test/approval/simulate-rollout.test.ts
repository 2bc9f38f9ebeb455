// simulate (dry run of two policies) and createRollout (stable hash-based share of orders).
import { describe, expect, it } from 'vitest';
import {
  ROLLOUT_BUCKETS,
  compilePolicy,
  createRollout,
  rolloutBucket,
  simulate,
  type SimulationCase,
} from '../../src/approval/index.js';
import { isValidationError } from '../../src/errors/index.js';
import { fnv1a32 } from '../../src/approval/rollout.js';
import { cny, outcome, policyOf } from './helpers.js';

const bigRule = (threshold: number) =>
  ({ id: 'big', when: { fact: 'order.total', operator: 'gte', value: cny(threshold) }, then: outcome('hold', 'BIG') }) as const;

const v1 = compilePolicy(policyOf([bigRule(10_000)], { version: 'v1' }));
const v2 = compilePolicy(
  policyOf(
    [
      bigRule(5_000),
      { id: 'cod', when: { fact: 'order.paymentMethod', operator: 'eq', value: 'cod' }, then: outcome('reject', 'COD') },
    ],
    { version: 'v2' },
  ),
);

describe('simulate', () => {
  const cases: SimulationCase[] = [
    { id: 'small', facts: { 'order.total': cny(1_000), 'order.paymentMethod': 'card' } },
    { id: 'mid', facts: { 'order.total': cny(7_000), 'order.paymentMethod': 'card' } },
    { id: 'large', facts: { 'order.total': cny(20_000), 'order.paymentMethod': 'card' } },
    { id: 'cod', facts: { 'order.total': cny(1_000), 'order.paymentMethod': 'cod' } },
    { id: 'bad-type', facts: { 'order.total': 'a lot' as never, 'order.paymentMethod': 'card' } },
  ];

  it('reports what each policy decides, where they differ, approval rates and flags per rule', () => {
    const report = simulate(v1, v2, cases);
    expect(report.total).toBe(5);
    expect(report.a).toMatchObject({
      policyVersion: 'v1',
      approve: 3,
      hold: 1,
      reject: 0,
      errors: 1,
      approvalRate: 0.75,
      firedByRule: { big: 1 },
      decidedByRule: { big: 1 },
      defaultApplied: 3,
    });
    expect(report.b).toMatchObject({
      policyVersion: 'v2',
      approve: 1,
      hold: 2,
      reject: 1,
      errors: 1,
      approvalRate: 0.25,
      firedByRule: { big: 2, cod: 1 },
    });
    expect(report.differences).toEqual([
      { id: 'mid', outcomeChanged: true, a: { outcome: 'approve', ruleId: null, reasons: ['DEFAULT'] }, b: { outcome: 'hold', ruleId: 'big', reasons: ['BIG'] } },
      { id: 'cod', outcomeChanged: true, a: { outcome: 'approve', ruleId: null, reasons: ['DEFAULT'] }, b: { outcome: 'reject', ruleId: 'cod', reasons: ['COD'] } },
    ]);
    expect(report.differenceCount).toBe(2);
    expect(report.transitions).toEqual({ 'approve->hold': 1, 'approve->reject': 1 });
  });

  it('counts evaluation errors per case instead of stopping', () => {
    const report = simulate(v1, v2, cases);
    expect(report.a.errors).toBe(1);
    expect(report.b.errors).toBe(1);
  });

  it('accepts policy documents and any iterable, and caps the listed differences', () => {
    function* many(): Generator<SimulationCase> {
      for (let i = 0; i < 50; i++) yield { id: `o${i}`, facts: { 'order.total': cny(7_000), 'order.paymentMethod': 'card' } };
    }
    const report = simulate(v1.policy, v2.policy, many(), { maxDifferences: 3 });
    expect(report.differences).toHaveLength(3);
    expect(report.differenceCount).toBe(50);
  });

  it('reports reason-only differences without an outcome change', () => {
    const renamed = compilePolicy(policyOf([{ ...bigRule(10_000), then: outcome('hold', 'LARGE') }]));
    const report = simulate(v1, renamed, [{ id: 'x', facts: { 'order.total': cny(50_000) } }]);
    expect(report.differences).toMatchObject([{ id: 'x', outcomeChanged: false }]);
    expect(report.transitions).toEqual({});
  });
});

describe('rollout', () => {
  it('fnv1a32 matches the published FNV-1a vectors and hashes UTF-8 bytes', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    // Same as hashing the UTF-8 bytes directly, for CJK text and astral characters alike.
    const viaBytes = (text: string): number => {
      let hash = 0x811c9dc5;
      for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
      return hash;
    };
    for (const text of ['订单-20260618-001', 'ord-😀-1', 'é', '\ud800x']) expect(fnv1a32(text)).toBe(viaBytes(text));
  });

  it('gives the same bucket to the same id, always in 0..9999', () => {
    expect(rolloutBucket('ord-42')).toBe(rolloutBucket('ord-42'));
    expect(rolloutBucket('ord-42')).toBe(fnv1a32('ord-42') % ROLLOUT_BUCKETS);
    expect(rolloutBucket('ord-42', 'spring')).toBe(fnv1a32('spring:ord-42') % ROLLOUT_BUCKETS);
  });

  it('sends close to the configured share to the candidate over 100k ids', () => {
    const rollout = createRollout({ stable: v1, candidate: v2, share: 0.1 });
    let candidate = 0;
    for (let i = 0; i < 100_000; i++) if (rollout.arm(`ORD-${i}`) === 'candidate') candidate++;
    // Binomial sd is ~95; allow a generous band that a broken split would still miss.
    expect(candidate).toBeGreaterThan(9_500);
    expect(candidate).toBeLessThan(10_500);
  });

  it('keeps an order on the same version, and widening the share only moves stable orders over', () => {
    const ten = createRollout({ stable: v1, candidate: v2, share: 0.1 });
    const fifty = createRollout({ stable: v1, candidate: v2, share: 0.5 });
    for (let i = 0; i < 2_000; i++) {
      const id = `ord-${i}`;
      expect(ten.arm(id)).toBe(ten.arm(id));
      if (ten.arm(id) === 'candidate') expect(fifty.arm(id)).toBe('candidate');
    }
    expect(createRollout({ stable: v1, candidate: v2, share: 0 }).arm('x')).toBe('stable');
    expect(createRollout({ stable: v1, candidate: v2, share: 1 }).arm('x')).toBe('candidate');
  });

  it('the decision says which version decided', () => {
    const rollout = createRollout({ stable: v1, candidate: v2, share: 0.5 });
    const facts = { 'order.total': cny(7_000), 'order.paymentMethod': 'card' };
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const decision = rollout.decide(facts, `ord-${i}`);
      seen.add(decision.rollout.arm);
      expect(decision.policyVersion).toBe(decision.rollout.arm === 'candidate' ? 'v2' : 'v1');
      expect(decision.outcome).toBe(decision.rollout.arm === 'candidate' ? 'hold' : 'approve');
      expect(decision.rollout.bucket).toBe(rolloutBucket(`ord-${i}`));
      expect(decision.explanation).toBeDefined();
    }
    expect(seen).toEqual(new Set(['stable', 'candidate']));
    expect(rollout.decide(facts, 'ord-1', { explain: false }).explanation).toBeUndefined();
  });

  it('validates its config eagerly', () => {
    for (const share of [-0.1, 1.5, Number.NaN]) {
      let caught: unknown;
      try {
        createRollout({ stable: v1, candidate: v2, share });
      } catch (error) {
        caught = error;
      }
      expect(isValidationError(caught)).toBe(true);
    }
    expect(() => createRollout({ stable: v1.policy as never, candidate: v2, share: 0.1 })).toThrow(/compilePolicy/);
  });
});
