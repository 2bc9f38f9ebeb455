// evaluate/decide: operators, money, boolean trees, hit policies, defaults, missing facts and explanations.
import { describe, expect, it } from 'vitest';
import { compilePolicy, decide, evaluate, type ConditionOperator, type Facts } from '../../src/approval/index.js';
import { isValidationError } from '../../src/errors/index.js';
import { cny, outcome, policyOf } from './helpers.js';

/** Whether a single condition holds for the facts (the rule holds, the default approves). */
function holds(fact: string, operator: ConditionOperator, value: unknown, facts: Facts): boolean {
  const policy = compilePolicy(policyOf([{ id: 'r', when: { fact, operator, value } }]));
  const fast = decide(policy, facts).ruleId === 'r';
  expect(evaluate(policy, facts).ruleId === 'r').toBe(fast);
  return fast;
}

describe('operators', () => {
  it.each<[ConditionOperator, unknown, unknown, boolean]>([
    ['eq', 700, 700, true],
    ['eq', 700, 701, false],
    ['ne', 700, 701, true],
    ['ne', 700, 700, false],
    ['lt', 700, 699, true],
    ['lt', 700, 700, false],
    ['lte', 700, 700, true],
    ['lte', 700, 701, false],
    ['gt', 700, 701, true],
    ['gt', 700, 700, false],
    ['gte', 700, 700, true],
    ['gte', 700, 699, false],
    ['in', [1, 2, 3], 2, true],
    ['in', [1, 2, 3], 4, false],
    ['notIn', [1, 2, 3], 4, true],
    ['notIn', [1, 2, 3], 3, false],
    ['in', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10, true],
    ['notIn', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10, false],
    ['between', [600, 700], 600, true],
    ['between', [600, 700], 700, true],
    ['between', [600, 700], 701, false],
    ['between', [600, 700], 599, false],
  ])('number %s %j against %j is %s', (operator, value, actual, expected) => {
    expect(holds('customer.creditScore', operator, value, { 'customer.creditScore': actual })).toBe(expected);
  });

  it.each<[ConditionOperator, unknown, unknown, boolean]>([
    ['eq', 'gold', 'gold', true],
    ['eq', 'gold', 'Gold', false],
    ['ne', 'gold', 'silver', true],
    ['ne', 'gold', 'gold', false],
    ['in', ['gold', 'platinum'], 'platinum', true],
    ['in', ['gold', 'platinum'], 'silver', false],
    ['notIn', ['gold'], 'silver', true],
    ['notIn', ['gold'], 'gold', false],
    ['contains', 'old', 'gold', true],
    ['contains', 'xyz', 'gold', false],
    ['matches', '^g.+d$', 'gold', true],
    ['matches', '^s', 'gold', false],
    ['matches', '^\\p{Script=Han}+$', '金卡', true],
  ])('string %s %j against %j is %s', (operator, value, actual, expected) => {
    expect(holds('customer.tier', operator, value, { 'customer.tier': actual })).toBe(expected);
  });

  it('compares booleans and tests list membership', () => {
    expect(holds('customer.isBlocked', 'eq', true, { 'customer.isBlocked': true })).toBe(true);
    expect(holds('customer.isBlocked', 'eq', true, { 'customer.isBlocked': false })).toBe(false);
    expect(holds('customer.isBlocked', 'ne', true, { 'customer.isBlocked': false })).toBe(true);
    expect(holds('customer.tags', 'contains', 'vip', { 'customer.tags': ['new', 'vip'] })).toBe(true);
    expect(holds('customer.tags', 'contains', 'vip', { 'customer.tags': ['new'] })).toBe(false);
  });

  it('exists asks about presence and never counts as a missing fact', () => {
    expect(holds('customer.tier', 'exists', true, { 'customer.tier': 'gold' })).toBe(true);
    expect(holds('customer.tier', 'exists', true, {})).toBe(false);
    expect(holds('customer.tier', 'exists', false, { 'customer.tier': null })).toBe(true);
    expect(holds('customer.tier', 'exists', false, { 'customer.tier': 'gold' })).toBe(false);
    const policy = compilePolicy(policyOf([{ id: 'r', when: { fact: 'customer.tier', operator: 'exists', value: true } }]));
    expect(decide(policy, {}).missingFact).toBeUndefined();
  });
});

describe('money', () => {
  it.each<[ConditionOperator, unknown, number, boolean]>([
    ['eq', cny(500), 500, true],
    ['ne', cny(500), 500, false],
    ['lt', cny(500), 499, true],
    ['lte', cny(500), 501, false],
    ['gt', cny(500), 501, true],
    ['gt', cny(500), 500, false],
    ['gte', cny(500), 500, true],
    ['gte', cny(500), 499, false],
    ['between', [cny(100), cny(500)], 100, true],
    ['between', [cny(100), cny(500)], 501, false],
  ])('money %s %j against %i fen is %s', (operator, value, amount, expected) => {
    expect(holds('order.total', operator, value, { 'order.total': cny(amount) })).toBe(expected);
  });

  it.each<ConditionOperator>(['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between'])(
    'money %s with another currency holds the order as CURRENCY_NOT_COMPARABLE in both modes, never throws',
    (operator) => {
      const value = operator === 'between' ? [cny(1), cny(2)] : cny(1);
      const policy = compilePolicy(policyOf([{ id: 'r', when: { fact: 'order.total', operator, value } }]));
      const facts = { 'order.total': { amount: 1, currency: 'USD' } };
      for (const decision of [decide(policy, facts), evaluate(policy, facts)]) {
        expect(decision).toMatchObject({ outcome: 'hold', reasons: ['CURRENCY_NOT_COMPARABLE'], ruleId: 'r' });
      }
    },
  );

  it('a currency condition placed first guards a money comparison', () => {
    const policy = compilePolicy(
      policyOf([
        {
          id: 'big-cny',
          when: {
            all: [
              { fact: 'order.currency', operator: 'eq', value: 'CNY' },
              { fact: 'order.total', operator: 'gt', value: cny(100) },
            ],
          },
        },
      ]),
    );
    expect(decide(policy, { 'order.currency': 'USD', 'order.total': { amount: 1_000, currency: 'USD' } }).outcome).toBe('approve');
    expect(decide(policy, { 'order.currency': 'CNY', 'order.total': cny(1_000) }).outcome).toBe('hold');
  });

  it('a fact of the wrong type is a ValidationError naming the fact', () => {
    const policy = compilePolicy(policyOf([{ id: 'r', when: { fact: 'order.total', operator: 'gt', value: cny(1) } }]));
    expect.assertions(2);
    try {
      decide(policy, { 'order.total': 100 });
    } catch (error) {
      expect(isValidationError(error)).toBe(true);
      expect(error).toMatchObject({ issues: [{ path: ['order.total'] }] });
    }
  });

  it('rejects a wrongly typed fact for the other types too', () => {
    const cases: [string, ConditionOperator, unknown, unknown][] = [
      ['customer.creditScore', 'gt', 1, '700'],
      ['customer.tier', 'eq', 'gold', 1],
      ['customer.tier', 'matches', 'g', 1],
      ['customer.isBlocked', 'eq', true, 'true'],
      ['customer.tags', 'contains', 'vip', 'vip'],
    ];
    for (const [fact, operator, value, actual] of cases) {
      const policy = compilePolicy(policyOf([{ id: 'r', when: { fact, operator, value } }]));
      expect(() => decide(policy, { [fact]: actual }), fact).toThrow(/Expected fact/);
    }
  });
});

describe('all / any / not', () => {
  const a = { fact: 'customer.creditScore', operator: 'gte', value: 700 } as const;
  const b = { fact: 'customer.tier', operator: 'eq', value: 'gold' } as const;
  const facts = (score: number, tier: string): Facts => ({ 'customer.creditScore': score, 'customer.tier': tier });

  it.each([
    [{ all: [a, b] }, [false, false, false, true]],
    [{ any: [a, b] }, [false, true, true, true]],
    [{ not: { all: [a, b] } }, [true, true, true, false]],
    [{ all: [a, { not: b }] }, [false, false, true, false]],
    [{ any: [{ all: [a, b] }, { not: { any: [a, b] } }] }, [true, false, false, true]],
    [{ all: [a, b, { any: [a, b, a] }] }, [false, false, false, true]],
    [{ any: [a, b, { all: [] }] }, [true, true, true, true]],
  ])('%j', (when, expected) => {
    const policy = compilePolicy(policyOf([{ id: 'r', when }]));
    const table = [facts(600, 'silver'), facts(600, 'gold'), facts(800, 'silver'), facts(800, 'gold')].map(
      (f) => decide(policy, f).ruleId === 'r',
    );
    expect(table).toEqual(expected);
  });
});

describe('hit policies and the default outcome', () => {
  const rules = [
    { id: 'approve-vip', priority: 30, when: { fact: 'customer.tier', operator: 'eq', value: 'gold' }, then: outcome('approve', 'VIP', 'info') },
    { id: 'hold-big', priority: 20, when: { fact: 'order.total', operator: 'gte', value: cny(1_000) }, then: outcome('hold', 'BIG', 'high') },
    { id: 'hold-cod', priority: 10, when: { fact: 'order.paymentMethod', operator: 'eq', value: 'cod' }, then: outcome('hold', 'COD', 'high') },
    { id: 'reject-blocked', priority: 0, when: { fact: 'customer.isBlocked', operator: 'eq', value: true }, then: outcome('reject', 'BLOCKED', 'low') },
  ] as const;
  const facts: Facts = {
    'customer.tier': 'gold',
    'order.total': cny(5_000),
    'order.paymentMethod': 'cod',
    'customer.isBlocked': false,
  };

  it('first-match: the highest-priority rule that holds decides', () => {
    const policy = compilePolicy(policyOf([...rules]));
    expect(decide(policy, facts)).toMatchObject({ outcome: 'approve', ruleId: 'approve-vip', reasons: ['VIP'] });
    expect(decide(policy, { ...facts, 'customer.tier': 'silver' })).toMatchObject({ ruleId: 'hold-big' });
  });

  it('collect-all: the most severe outcome wins, ties go to the higher priority', () => {
    const policy = compilePolicy(policyOf([...rules], { hitPolicy: 'collect-all' }));
    const decision = evaluate(policy, facts);
    expect(decision).toMatchObject({ outcome: 'hold', ruleId: 'hold-big', severity: 'high' });
    expect(decision.explanation?.fired).toEqual(['approve-vip', 'hold-big', 'hold-cod']);
    // A reject beats any hold, whatever its severity.
    expect(decide(policy, { ...facts, 'customer.isBlocked': true })).toMatchObject({ outcome: 'reject', ruleId: 'reject-blocked' });
  });

  it('collect-all: the risk score breaks ties of decision and severity', () => {
    const policy = compilePolicy(
      policyOf(
        [
          { id: 'low-risk', when: { all: [] }, then: { decision: 'hold', reasons: ['A'], severity: 'medium', riskScore: 10 } },
          { id: 'high-risk', when: { all: [] }, then: { decision: 'hold', reasons: ['B'], severity: 'medium', riskScore: 70 } },
        ],
        { hitPolicy: 'collect-all' },
      ),
    );
    expect(decide(policy, {})).toMatchObject({ ruleId: 'high-risk', riskScore: 70 });
  });

  it('the default outcome applies when no rule fires', () => {
    const policy = compilePolicy(policyOf([...rules], { defaultOutcome: { decision: 'hold', reasons: ['REVIEW'], severity: 'low', riskScore: 30 } }));
    const decision = evaluate(policy, { 'customer.tier': 'silver', 'order.total': cny(1), 'order.paymentMethod': 'card', 'customer.isBlocked': false });
    expect(decision).toMatchObject({ outcome: 'hold', reasons: ['REVIEW'], ruleId: null, riskScore: 30 });
    expect(decision.explanation?.defaultApplied).toBe(true);
  });

  it('records the policy id and version in every decision', () => {
    const policy = compilePolicy(policyOf([...rules], { id: 'risk', version: '2026.07-b' }));
    for (const decision of [decide(policy, facts), evaluate(policy, facts), decide(policy, {})]) {
      expect(decision).toMatchObject({ policyId: 'risk', policyVersion: '2026.07-b' });
    }
  });

  it('the fast decision is a shared frozen object; the explained one is fresh', () => {
    const policy = compilePolicy(policyOf([...rules]));
    expect(decide(policy, facts)).toBe(decide(policy, facts));
    expect(Object.isFrozen(decide(policy, facts))).toBe(true);
    expect(evaluate(policy, facts)).not.toBe(evaluate(policy, facts));
    expect(evaluate(policy, facts, { explain: false })).toBe(decide(policy, facts));
  });
});

describe('missing facts', () => {
  const bigOrder = { fact: 'order.total', operator: 'gte', value: cny(1_000) } as const;
  const goodCredit = { fact: 'customer.creditScore', operator: 'gte', value: 700 } as const;

  it('fail closed by default: a missing fact holds the order and says which fact', () => {
    const policy = compilePolicy(policyOf([{ id: 'approve-good', when: goodCredit, then: outcome('approve', 'GOOD', 'info') }]));
    for (const missing of [undefined, null, Number.NaN]) {
      const decision = evaluate(policy, { 'customer.creditScore': missing });
      expect(decision).toMatchObject({ outcome: 'hold', reasons: ['MISSING_FACT'], missingFact: 'customer.creditScore', ruleId: 'approve-good' });
      expect(decision.explanation?.rules).toEqual([
        { ruleId: 'approve-good', status: 'missing-fact', missingFacts: ['customer.creditScore'], action: 'hold' },
      ]);
    }
  });

  it('never silently approves, even when the default outcome approves', () => {
    const policy = compilePolicy(policyOf([{ id: 'hold-big', when: bigOrder }]));
    expect(decide(policy, {})).toMatchObject({ outcome: 'hold', missingFact: 'order.total' });
  });

  it('reject, skip-rule and treat-as-false, per policy and per rule', () => {
    const reject = compilePolicy(policyOf([{ id: 'hold-big', when: bigOrder }], { onMissingFact: 'reject' }));
    expect(decide(reject, {})).toMatchObject({ outcome: 'reject', reasons: ['MISSING_FACT'] });

    const skip = compilePolicy(
      policyOf([
        { id: 'hold-big', when: bigOrder, onMissingFact: 'skip-rule' },
        { id: 'hold-cod', when: { fact: 'order.paymentMethod', operator: 'eq', value: 'cod' } },
      ]),
    );
    expect(evaluate(skip, { 'order.paymentMethod': 'cod' })).toMatchObject({ ruleId: 'hold-cod' });
    expect(evaluate(skip, { 'order.paymentMethod': 'cod' }).explanation?.rules[0]).toMatchObject({ status: 'missing-fact', action: 'skip-rule' });
    expect(decide(skip, { 'order.paymentMethod': 'card' })).toMatchObject({ outcome: 'approve', ruleId: null });

    const asFalse = compilePolicy(
      policyOf([
        { id: 'hold-big', when: bigOrder, onMissingFact: 'treat-as-false' },
        { id: 'hold-not-gold', when: { not: { fact: 'customer.tier', operator: 'eq', value: 'gold' } }, onMissingFact: 'treat-as-false' },
      ]),
    );
    // The comparison is false, so its negation is true: documented behaviour of treat-as-false.
    const decision = evaluate(asFalse, {});
    expect(decision).toMatchObject({ ruleId: 'hold-not-gold' });
    expect(decision.explanation?.rules[0]).toMatchObject({ status: 'not-matched', failed: [{ fact: 'order.total', missing: true }] });
  });

  it('uses three-valued logic: a false sibling decides an all, a true sibling decides an any', () => {
    const policy = compilePolicy(
      policyOf([
        { id: 'all', when: { all: [goodCredit, bigOrder] }, then: outcome('hold', 'ALL') },
        { id: 'any', when: { any: [goodCredit, bigOrder] }, then: outcome('hold', 'ANY') },
      ], { hitPolicy: 'collect-all' }),
    );
    // credit missing, total small: the all is false; the any is unknown -> fail closed.
    const small = evaluate(policy, { 'order.total': cny(1) });
    expect(small.explanation?.rules.map((r) => r.status)).toEqual(['not-matched', 'missing-fact']);
    expect(small).toMatchObject({ outcome: 'hold', missingFact: 'customer.creditScore', ruleId: 'any' });
    // credit missing, total big: the any is true; the all is unknown.
    const big = evaluate(policy, { 'order.total': cny(5_000) });
    expect(big.explanation?.rules.map((r) => r.status)).toEqual(['missing-fact', 'fired']);
  });

  it('collect-all: a rule that fires with a reject beats a missing-fact hold', () => {
    const policy = compilePolicy(
      policyOf(
        [
          { id: 'needs-credit', when: goodCredit, then: outcome('approve', 'GOOD', 'info') },
          { id: 'blocked', when: { fact: 'customer.isBlocked', operator: 'eq', value: true }, then: outcome('reject', 'BLOCKED', 'critical') },
        ],
        { hitPolicy: 'collect-all' },
      ),
    );
    expect(decide(policy, { 'customer.isBlocked': true })).toMatchObject({ outcome: 'reject', ruleId: 'blocked' });
    expect(decide(policy, { 'customer.isBlocked': true }).missingFact).toBeUndefined();
    expect(decide(policy, { 'customer.isBlocked': false })).toMatchObject({ outcome: 'hold', missingFact: 'customer.creditScore' });
  });
});

describe('explanations', () => {
  const policy = compilePolicy(
    policyOf(
      [
        {
          id: 'new-and-big',
          when: {
            all: [
              { fact: 'derived.accountAgeDays', operator: 'lt', value: 30 },
              { fact: 'order.total', operator: 'gte', value: cny(100_000) },
            ],
          },
        },
        {
          id: 'odd-channel',
          when: { any: [{ fact: 'order.channel', operator: 'eq', value: 'pos' }, { fact: 'order.channel', operator: 'matches', value: '^test-' }] },
        },
        { id: 'not-cn', when: { not: { fact: 'order.shippingCountry', operator: 'eq', value: 'CN' } } },
        { id: 'cod', when: { fact: 'order.paymentMethod', operator: 'eq', value: 'cod' } },
      ],
      { hitPolicy: 'first-match' },
    ),
  );
  const facts: Facts = {
    'derived.accountAgeDays': 10,
    'order.total': cny(50_000),
    'order.channel': 'jd',
    'order.shippingCountry': 'CN',
    'order.paymentMethod': 'cod',
  };

  it('lists the fired rule, and for every other rule the failed comparison with actual and required values', () => {
    const explanation = evaluate(policy, facts).explanation;
    expect(explanation).toEqual({
      hitPolicy: 'first-match',
      fired: ['cod'],
      defaultApplied: false,
      rules: [
        {
          ruleId: 'new-and-big',
          status: 'not-matched',
          // Only the comparison that decided: the account age held.
          failed: [
            {
              path: ['rules', 0, 'when', 'all', 1],
              fact: 'order.total',
              operator: 'gte',
              required: cny(100_000),
              actual: cny(50_000),
              negated: false,
              missing: false,
            },
          ],
        },
        {
          ruleId: 'odd-channel',
          status: 'not-matched',
          failed: [
            { path: ['rules', 1, 'when', 'any', 0], fact: 'order.channel', operator: 'eq', required: 'pos', actual: 'jd', negated: false, missing: false },
            { path: ['rules', 1, 'when', 'any', 1], fact: 'order.channel', operator: 'matches', required: '^test-', actual: 'jd', negated: false, missing: false },
          ],
        },
        {
          ruleId: 'not-cn',
          status: 'not-matched',
          failed: [
            { path: ['rules', 2, 'when', 'not'], fact: 'order.shippingCountry', operator: 'eq', required: 'CN', actual: 'CN', negated: true, missing: false },
          ],
        },
        { ruleId: 'cod', status: 'fired', outcome: outcome('hold', 'COD') },
      ],
    });
  });

  it('marks rules after the deciding one as not evaluated in first-match mode', () => {
    const explanation = evaluate(policy, { ...facts, 'derived.accountAgeDays': 1, 'order.total': cny(200_000) }).explanation;
    expect(explanation?.rules.map((r) => r.status)).toEqual(['fired', 'not-evaluated', 'not-evaluated', 'not-evaluated']);
    expect(explanation?.fired).toEqual(['new-and-big']);
  });

  it('explains a satisfied all under a not with every comparison, negated', () => {
    const negatedAll = compilePolicy(
      policyOf([
        {
          id: 'r',
          when: {
            not: {
              all: [
                { fact: 'customer.tier', operator: 'eq', value: 'gold' },
                { fact: 'customer.creditScore', operator: 'gt', value: 700 },
              ],
            },
          },
        },
      ]),
    );
    const rule = evaluate(negatedAll, { 'customer.tier': 'gold', 'customer.creditScore': 800 }).explanation?.rules[0];
    expect(rule).toMatchObject({
      status: 'not-matched',
      failed: [
        { fact: 'customer.tier', negated: true, actual: 'gold' },
        { fact: 'customer.creditScore', negated: true, actual: 800 },
      ],
    });
  });
});
