// Properties: fast and explained evaluation agree; compiled policies agree with a plain reference interpreter.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compilePolicy,
  decide,
  evaluate,
  type ApprovalPolicy,
  type ApprovalPolicyInput,
  type Facts,
  type MissingFactPolicy,
  type PolicyCondition,
} from '../../src/approval/index.js';

/** A small catalogue covering every type, declared by the generated policies themselves. */
const FACTS = {
  'x.n': { type: 'number' },
  'x.s': { type: 'string' },
  'x.b': { type: 'boolean' },
  'x.m': { type: 'money' },
  'x.tags': { type: 'string[]' },
} as const;
type FactName = keyof typeof FACTS;

const num = fc.integer({ min: 0, max: 10 });
const str = fc.constantFrom('a', 'b', 'ab', 'ba', 'c');
const cny = num.map((amount) => ({ amount, currency: 'CNY' }));
const present = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined | null> =>
  fc.oneof({ weight: 6, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(null) });

const leafArb: fc.Arbitrary<PolicyCondition> = fc.oneof(
  fc.record({
    fact: fc.constant('x.n'),
    operator: fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte'),
    value: num,
  }),
  fc.record({ fact: fc.constant('x.n'), operator: fc.constantFrom('in', 'notIn'), value: fc.array(num, { minLength: 1, maxLength: 12 }) }),
  fc.record({ fact: fc.constant('x.n'), operator: fc.constant('between'), value: fc.tuple(num, num).map(([a, b]) => [Math.min(a, b), Math.max(a, b)]) }),
  fc.record({ fact: fc.constant('x.s'), operator: fc.constantFrom('eq', 'ne', 'contains'), value: str }),
  fc.record({ fact: fc.constant('x.s'), operator: fc.constantFrom('in', 'notIn'), value: fc.array(str, { minLength: 1, maxLength: 3 }) }),
  fc.record({ fact: fc.constant('x.s'), operator: fc.constant('matches'), value: fc.constantFrom('^a', 'b$', 'a|c') }),
  fc.record({ fact: fc.constant('x.b'), operator: fc.constantFrom('eq', 'ne'), value: fc.boolean() }),
  fc.record({ fact: fc.constantFrom('x.n', 'x.s', 'x.b', 'x.m', 'x.tags'), operator: fc.constant('exists'), value: fc.boolean() }),
  fc.record({ fact: fc.constant('x.m'), operator: fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte'), value: cny }),
  fc.record({
    fact: fc.constant('x.m'),
    operator: fc.constant('between'),
    value: fc.tuple(num, num).map(([a, b]) => [
      { amount: Math.min(a, b), currency: 'CNY' },
      { amount: Math.max(a, b), currency: 'CNY' },
    ]),
  }),
  fc.record({ fact: fc.constant('x.tags'), operator: fc.constant('contains'), value: str }),
) as fc.Arbitrary<PolicyCondition>;

const conditionArb: fc.Arbitrary<PolicyCondition> = fc.letrec<{ node: PolicyCondition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.record({ all: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ not: tie('node') }),
  ),
})).node;

const missingArb = fc.constantFrom<MissingFactPolicy>('hold', 'reject', 'skip-rule', 'treat-as-false');
const outcomeArb = fc.record(
  {
    decision: fc.constantFrom('approve', 'hold', 'reject'),
    reasons: fc.constantFrom(['A'], ['B'], ['C', 'D']),
    severity: fc.constantFrom('info', 'low', 'medium', 'high', 'critical'),
    riskScore: fc.integer({ min: 0, max: 100 }),
  },
  { requiredKeys: ['decision', 'reasons', 'severity'] },
);

const policyArb: fc.Arbitrary<ApprovalPolicyInput> = fc
  .record({
    hitPolicy: fc.constantFrom('first-match', 'collect-all'),
    onMissingFact: missingArb,
    rules: fc.array(
      fc.record(
        { when: conditionArb, then: outcomeArb, priority: fc.integer({ min: 0, max: 3 }), onMissingFact: missingArb },
        { requiredKeys: ['when', 'then', 'priority'] },
      ),
      { maxLength: 5 },
    ),
    defaultOutcome: outcomeArb,
  })
  .map((p) => ({
    id: 'generated',
    version: 'v1',
    facts: FACTS,
    hitPolicy: p.hitPolicy,
    onMissingFact: p.onMissingFact,
    rules: p.rules.map((r, i) => ({ ...r, id: `r${i}` })),
    defaultOutcome: p.defaultOutcome,
  })) as unknown as fc.Arbitrary<ApprovalPolicyInput>;

const factsArb: fc.Arbitrary<Facts> = fc.record({
  'x.n': present(fc.oneof(num, fc.constant(Number.NaN))),
  'x.s': present(str),
  'x.b': present(fc.boolean()),
  'x.m': present(cny),
  'x.tags': present(fc.array(str, { maxLength: 3 })),
});

// ---- The reference: a direct, unoptimised reading of the documented semantics. ----

type Tri = boolean | 'unknown';
const isMissing = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v));

function compare(fact: FactName, operator: string, required: unknown, actual: unknown): boolean {
  const scalar = (v: unknown): unknown => (fact === 'x.m' ? (v as { amount: number }).amount : v);
  const a = scalar(actual) as number & string;
  switch (operator) {
    case 'eq':
      return a === scalar(required);
    case 'ne':
      return a !== scalar(required);
    case 'lt':
      return a < (scalar(required) as number);
    case 'lte':
      return a <= (scalar(required) as number);
    case 'gt':
      return a > (scalar(required) as number);
    case 'gte':
      return a >= (scalar(required) as number);
    case 'in':
      return (required as unknown[]).includes(a);
    case 'notIn':
      return !(required as unknown[]).includes(a);
    case 'between': {
      const [low, high] = required as [unknown, unknown];
      return a >= (scalar(low) as number) && a <= (scalar(high) as number);
    }
    case 'contains':
      return fact === 'x.tags' ? (actual as string[]).includes(required as string) : (actual as string).includes(required as string);
    case 'matches':
      return new RegExp(required as string, 'u').test(actual as string);
    default:
      throw new Error(operator);
  }
}

function reference(condition: PolicyCondition, facts: Facts, onMissing: MissingFactPolicy): Tri {
  if ('all' in condition) {
    let result: Tri = true;
    for (const child of condition.all) {
      const t = reference(child, facts, onMissing);
      if (t === false) return false;
      if (t === 'unknown') result = 'unknown';
    }
    return result;
  }
  if ('any' in condition) {
    let result: Tri = false;
    for (const child of condition.any) {
      const t = reference(child, facts, onMissing);
      if (t === true) return true;
      if (t === 'unknown') result = 'unknown';
    }
    return result;
  }
  if ('not' in condition) {
    const t = reference(condition.not, facts, onMissing);
    return t === 'unknown' ? t : !t;
  }
  const actual = facts[condition.fact];
  if (condition.operator === 'exists') return !isMissing(actual) === condition.value;
  if (isMissing(actual)) return onMissing === 'treat-as-false' ? false : 'unknown';
  return compare(condition.fact as FactName, condition.operator, condition.value, actual);
}

const RANK = { approve: 0, hold: 1, reject: 2 } as const;
const SEV = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;

function referenceDecide(policy: ApprovalPolicy, facts: Facts): { outcome: string; ruleId: string | null; reasons: readonly string[] } {
  const rules = policy.rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => b.rule.priority - a.rule.priority || a.index - b.index)
    .map((x) => x.rule);
  const hits: { outcome: (typeof rules)[number]['then']; ruleId: string }[] = [];
  for (const rule of rules) {
    const onMissing = rule.onMissingFact ?? policy.onMissingFact;
    const t = reference(rule.when, facts, onMissing);
    let hit: (typeof rules)[number]['then'] | null = null;
    if (t === true) hit = rule.then;
    else if (t === 'unknown' && (onMissing === 'hold' || onMissing === 'reject')) {
      hit = { decision: onMissing, reasons: ['MISSING_FACT'], severity: 'high' };
    }
    if (hit === null) continue;
    if (policy.hitPolicy === 'first-match') return { outcome: hit.decision, ruleId: rule.id, reasons: hit.reasons };
    hits.push({ outcome: hit, ruleId: rule.id });
  }
  let best: (typeof hits)[number] | undefined;
  for (const h of hits) {
    const key = (o: (typeof hits)[number]['outcome']): number[] => [RANK[o.decision], SEV[o.severity], o.riskScore ?? 0];
    const [a, b] = [key(h.outcome), best === undefined ? [-1, -1, -1] : key(best.outcome)];
    if (a[0]! > b[0]! || (a[0] === b[0] && (a[1]! > b[1]! || (a[1] === b[1] && a[2]! > b[2]!)))) best = h;
  }
  if (best === undefined) return { outcome: policy.defaultOutcome.decision, ruleId: null, reasons: policy.defaultOutcome.reasons };
  return { outcome: best.outcome.decision, ruleId: best.ruleId, reasons: best.outcome.reasons };
}

describe('properties', () => {
  it('the fast mode and the explain mode always give the same decision', () => {
    fc.assert(
      fc.property(policyArb, fc.array(factsArb, { minLength: 1, maxLength: 8 }), (json, factsList) => {
        const policy = compilePolicy(json);
        for (const facts of factsList) {
          const { explanation, ...explained } = evaluate(policy, facts);
          expect(explained).toEqual({ ...decide(policy, facts) });
          expect(explanation?.rules).toHaveLength(policy.ruleIds.length);
          // Every fired rule is reported as fired, and the decider is among them (or a missing fact decided).
          const firedInTrace = explanation?.rules.filter((r) => r.status === 'fired').map((r) => r.ruleId);
          expect(explanation?.fired).toEqual(firedInTrace);
          if (explained.ruleId !== null && explained.missingFact === undefined) expect(firedInTrace).toContain(explained.ruleId);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a compiled policy decides as the reference interpreter does', () => {
    fc.assert(
      fc.property(policyArb, fc.array(factsArb, { minLength: 1, maxLength: 8 }), (json, factsList) => {
        const policy = compilePolicy(json);
        for (const facts of factsList) {
          const ours = decide(policy, facts);
          const theirs = referenceDecide(policy.policy, facts);
          expect({ outcome: ours.outcome, ruleId: ours.ruleId, reasons: ours.reasons }).toEqual(theirs);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a not-matched rule is explained by comparisons that really fail (or hold under a not)', () => {
    fc.assert(
      fc.property(policyArb, factsArb, (json, facts) => {
        const policy = compilePolicy(json);
        for (const trace of evaluate(policy, facts).explanation?.rules ?? []) {
          if (trace.status !== 'not-matched') continue;
          // Empty only when a constant (an empty any, a negated empty all) decided.
          if (trace.failed.length === 0) expect(JSON.stringify(policy.policy.rules)).toMatch(/"(any|all)":\[\]/);
          for (const failure of trace.failed) {
            const held = failure.operator === 'exists'
              ? !isMissing(failure.actual) === failure.required
              : !isMissing(failure.actual) && compare(failure.fact as FactName, failure.operator, failure.required, failure.actual);
            expect(held).toBe(failure.negated);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
