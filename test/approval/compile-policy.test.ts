// compilePolicy: every kind of invalid policy is reported with its path; warnings for dead and overlapping rules.
import { describe, expect, it } from 'vitest';
import {
  ORDER_FACTS,
  compilePolicy,
  extendFactCatalogue,
  isCompiledPolicy,
  safeCompilePolicy,
  type ApprovalPolicyInput,
} from '../../src/approval/index.js';
import { isValidationError, type ValidationError } from '../../src/errors/index.js';
import { cny, outcome, policyOf } from './helpers.js';

function issuesOf(json: unknown): ValidationError['issues'] {
  const result = safeCompilePolicy(json);
  if (result.ok) throw new Error('expected the policy to be rejected');
  expect(result.error.code).toBe('VALIDATION_FAILED');
  return result.error.issues;
}

function leafPolicy(fact: string, operator: string, value: unknown): unknown {
  return policyOf([{ id: 'r', when: { fact, operator, value } as never }]);
}

describe('compilePolicy: structure', () => {
  it('compiles a valid policy and fills in defaults', () => {
    const compiled = compilePolicy(policyOf([{ id: 'big', when: { fact: 'order.total', operator: 'gt', value: cny(100) } }]));
    expect(isCompiledPolicy(compiled)).toBe(true);
    expect(compiled.hitPolicy).toBe('first-match');
    expect(compiled.onMissingFact).toBe('hold');
    expect(compiled.version).toBe('1');
    expect(compiled.facts).toEqual(['order.total']);
    expect(compiled.warnings).toEqual([]);
    expect(Object.isFrozen(compiled)).toBe(true);
  });

  it('rejects unknown fields at the root and inside rules, conditions and outcomes, with paths', () => {
    const json = {
      ...(policyOf([{ id: 'r', when: { all: [{ fact: 'order.total', operator: 'gt', value: cny(1), extra: 1 } as never] } }]) as object),
      colour: 'blue',
    } as Record<string, unknown>;
    (json.rules as Record<string, unknown>[])[0]!.weight = 3;
    (json.defaultOutcome as Record<string, unknown>).note = 'x';
    const issues = issuesOf(json);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'unrecognized_keys', path: ['colour'] }),
        expect.objectContaining({ code: 'unrecognized_keys', path: ['rules', 0, 'weight'] }),
        expect.objectContaining({ code: 'unrecognized_keys', path: ['rules', 0, 'when', 'all', 0, 'extra'] }),
        expect.objectContaining({ code: 'unrecognized_keys', path: ['defaultOutcome', 'note'] }),
      ]),
    );
  });

  it('rejects an unknown operator with its path', () => {
    const issues = issuesOf(policyOf([{ id: 'r', when: { any: [{ not: { fact: 'order.total', operator: 'greaterThan', value: 1 } }] } as never }]));
    expect(issues).toEqual([expect.objectContaining({ path: ['rules', 0, 'when', 'any', 0, 'not', 'operator'] })]);
  });

  it('rejects missing required fields and bad enumerations', () => {
    const issues = issuesOf({ id: 'p', rules: [], defaultOutcome: { decision: 'maybe', reasons: [], severity: 'low' }, hitPolicy: 'random' });
    const paths = issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['version', 'defaultOutcome.decision', 'defaultOutcome.reasons', 'hitPolicy']));
  });

  it('rejects a condition that is not an object', () => {
    expect(issuesOf(policyOf([{ id: 'r', when: 'always' as never }]))).toEqual([expect.objectContaining({ path: ['rules', 0, 'when'] })]);
  });

  it('rejects duplicate rule ids', () => {
    const when = { fact: 'order.channel', operator: 'eq', value: 'jd' } as const;
    const issues = issuesOf(policyOf([{ id: 'a', when }, { id: 'a', when }]));
    expect(issues).toEqual([expect.objectContaining({ code: 'duplicate_rule_id', path: ['rules', 1, 'id'] })]);
  });

  it('throws a ValidationError from compilePolicy', () => {
    expect.assertions(2);
    try {
      compilePolicy({});
    } catch (error) {
      expect(isValidationError(error)).toBe(true);
      expect((error as ValidationError).message).toContain('approval policy');
    }
  });
});

describe('compilePolicy: facts and types', () => {
  it('rejects an unknown fact with the path of the fact', () => {
    const issues = issuesOf(policyOf([{ id: 'r', when: { all: [{ fact: 'order.colour', operator: 'eq', value: 'red' }] } }]));
    expect(issues).toEqual([expect.objectContaining({ code: 'unknown_fact', path: ['rules', 0, 'when', 'all', 0, 'fact'] })]);
  });

  it.each([
    ['customer.creditScore', 'gt', '700'],
    ['customer.creditScore', 'eq', true],
    ['customer.tier', 'eq', 3],
    ['customer.isBlocked', 'eq', 'yes'],
    ['order.total', 'gt', 500],
    ['order.total', 'gt', { amount: 1.5, currency: 'CNY' }],
    ['order.total', 'gt', { amount: 100, currency: 'XYZ' }],
    ['order.total', 'gt', { amount: 100, currency: 'CNY', note: 1 }],
    ['order.total', 'between', [cny(10), { amount: 20, currency: 'USD' }]],
    ['order.total', 'between', [cny(30), cny(20)]],
    ['customer.creditScore', 'between', [800, 700]],
    ['customer.creditScore', 'between', [700]],
    ['customer.creditScore', 'in', []],
    ['customer.tier', 'in', ['gold', 1]],
    ['customer.tier', 'matches', '(unclosed'],
    ['customer.tier', 'matches', '^(a+)+$'],
    ['customer.tier', 'matches', '(\\w+\\s?)*@'],
    ['customer.tags', 'contains', 3],
    ['customer.tier', 'exists', 'yes'],
  ])('rejects %s %s %j as a value of the wrong type', (fact, operator, value) => {
    expect(issuesOf(leafPolicy(fact, operator, value))).toEqual([
      expect.objectContaining({ code: 'invalid_value', path: ['rules', 0, 'when', 'value'] }),
    ]);
  });

  it.each([
    ['customer.isBlocked', 'gt', true],
    ['customer.tier', 'lt', 'gold'],
    ['order.total', 'in', [cny(1)]],
    ['order.total', 'contains', 'x'],
    ['customer.tags', 'eq', 'vip'],
  ])('rejects operator %s %s that does not apply to the type', (fact, operator, value) => {
    expect(issuesOf(leafPolicy(fact, operator, value))).toEqual([
      expect.objectContaining({ code: 'invalid_operator', path: ['rules', 0, 'when', 'operator'] }),
    ]);
  });

  it('reports every problem at once', () => {
    const issues = issuesOf(
      policyOf([
        { id: 'a', when: { fact: 'nope', operator: 'eq', value: 1 } },
        { id: 'b', when: { fact: 'customer.creditScore', operator: 'eq', value: 'high' } },
      ]),
    );
    expect(issues.map((i) => i.path[1])).toEqual([0, 1]);
  });

  it('accepts facts the policy declares, and rejects redeclaring a catalogue fact with another type', () => {
    const withFact = policyOf([{ id: 'gift', when: { fact: 'order.giftWrap', operator: 'eq', value: true } }], {
      facts: { 'order.giftWrap': { type: 'boolean' } },
    });
    expect(compilePolicy(withFact).catalogue['order.giftWrap']).toEqual({ type: 'boolean' });

    const conflicting = policyOf([], { facts: { 'order.total': { type: 'number' } } });
    expect(issuesOf(conflicting)).toEqual([expect.objectContaining({ code: 'conflicting_fact', path: ['facts', 'order.total', 'type'] })]);
  });

  it('uses a custom catalogue when given one', () => {
    const catalogue = extendFactCatalogue(ORDER_FACTS, { 'order.weightKg': { type: 'number' } });
    const json = policyOf([{ id: 'heavy', when: { fact: 'order.weightKg', operator: 'gt', value: 30 } }]);
    expect(safeCompilePolicy(json).ok).toBe(false);
    expect(compilePolicy(json, { catalogue }).facts).toEqual(['order.weightKg']);
    expect(() => extendFactCatalogue(ORDER_FACTS, { 'bad name': { type: 'number' } })).toThrow(/dotted fact name/);
  });
});

describe('compilePolicy: warnings', () => {
  const catchAll = { all: [] };

  it('warns about rules unreachable behind a catch-all in first-match mode', () => {
    const compiled = compilePolicy(
      policyOf([
        { id: 'everything', when: catchAll, priority: 10 },
        { id: 'later', when: { fact: 'order.channel', operator: 'eq', value: 'jd' } },
      ]),
    );
    expect(compiled.warnings).toEqual([
      expect.objectContaining({ code: 'unreachable_rule', path: ['rules', 1], ruleIds: ['later', 'everything'] }),
    ]);
  });

  it('sees through not/any when finding a catch-all', () => {
    const compiled = compilePolicy(
      policyOf([
        { id: 'everything', when: { not: { any: [] } } },
        { id: 'later', when: { fact: 'order.channel', operator: 'eq', value: 'jd' } },
      ]),
    );
    expect(compiled.warnings.map((w) => w.code)).toEqual(['unreachable_rule']);
  });

  it('does not warn about a catch-all in collect-all mode', () => {
    const compiled = compilePolicy(
      policyOf(
        [
          { id: 'everything', when: catchAll, priority: 10 },
          { id: 'later', when: { fact: 'order.channel', operator: 'eq', value: 'jd' } },
        ],
        { hitPolicy: 'collect-all' },
      ),
    );
    expect(compiled.warnings).toEqual([]);
  });

  it('warns about a rule that can never match', () => {
    const compiled = compilePolicy(
      policyOf([
        {
          id: 'impossible',
          when: {
            all: [
              { fact: 'customer.creditScore', operator: 'gt', value: 800 },
              { fact: 'customer.creditScore', operator: 'lt', value: 600 },
            ],
          },
        },
        { id: 'none', when: { any: [] } },
      ]),
    );
    expect(compiled.warnings.map((w) => [w.code, w.ruleIds[0]])).toEqual([
      ['never_matches', 'impossible'],
      ['never_matches', 'none'],
    ]);
  });

  it('warns about overlapping rules with different outcomes in first-match mode', () => {
    const json = policyOf([
      { id: 'big', when: { fact: 'order.total', operator: 'gte', value: cny(100_000) }, then: outcome('hold', 'BIG') },
      { id: 'vip', when: { fact: 'customer.tier', operator: 'eq', value: 'gold' }, then: outcome('approve', 'VIP') },
    ]);
    const compiled = compilePolicy(json);
    expect(compiled.warnings).toEqual([
      expect.objectContaining({ code: 'overlapping_rules', path: ['rules', 1], ruleIds: ['big', 'vip'] }),
    ]);
    expect(compilePolicy({ ...(json as object), hitPolicy: 'collect-all' }).warnings).toEqual([]);
  });

  it('does not warn about disjoint rules, identical outcomes, or a final catch-all', () => {
    const compiled = compilePolicy(
      policyOf([
        { id: 'small', when: { fact: 'order.total', operator: 'lt', value: cny(1_000) }, then: outcome('approve', 'SMALL') },
        { id: 'mid', when: { fact: 'order.total', operator: 'between', value: [cny(1_000), cny(9_999)] }, then: outcome('hold', 'MID') },
        { id: 'large', when: { not: { fact: 'order.total', operator: 'lt', value: cny(10_000) } }, then: outcome('reject', 'LARGE') },
        { id: 'jd', when: { fact: 'order.channel', operator: 'in', value: ['jd', 'tmall'] }, then: outcome('reject', 'LARGE') },
        { id: 'pos', when: { fact: 'order.channel', operator: 'eq', value: 'pos' }, then: outcome('hold', 'POS') },
        { id: 'rest', when: { all: [] }, then: outcome('hold', 'REST') },
      ]),
    );
    // Only pairs that really can meet: the money bands vs the channel rules.
    const pairs = compiled.warnings.map((w) => w.ruleIds.join('+'));
    expect(pairs).not.toContain('small+mid');
    expect(pairs).not.toContain('mid+large');
    expect(pairs).not.toContain('small+large');
    expect(pairs).not.toContain('large+jd');
    expect(pairs).not.toContain('jd+pos');
    expect(pairs.some((p) => p.endsWith('+rest'))).toBe(false);
    expect(pairs).toContain('small+jd');
  });

  it('turns warnings into errors in strict mode', () => {
    const json = policyOf([
      { id: 'everything', when: catchAll },
      { id: 'later', when: { fact: 'order.channel', operator: 'eq', value: 'jd' } },
    ]);
    expect(compilePolicy(json).warnings).toHaveLength(1);
    expect(safeCompilePolicy(json, { strict: true })).toMatchObject({
      ok: false,
      error: { issues: [{ code: 'unreachable_rule', path: ['rules', 1] }] },
    });
  });

  it('orders rules by priority, keeping declaration order for ties', () => {
    const when = { fact: 'order.channel', operator: 'eq', value: 'jd' } as const;
    const json: ApprovalPolicyInput = policyOf(
      [
        { id: 'a', when, priority: 1 },
        { id: 'b', when, priority: 5 },
        { id: 'c', when, priority: 1 },
        { id: 'd', when },
      ],
      { hitPolicy: 'collect-all' },
    );
    expect(compilePolicy(json).ruleIds).toEqual(['b', 'a', 'c', 'd']);
  });
});
