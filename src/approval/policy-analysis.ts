// Static checks on compiled rules: catch-alls that hide later rules, rules that never match, overlaps.
import type { Money } from '../money/money.js';
import { buildTest, type CompiledNode } from './condition-compiler.js';
import type { PolicyWarning, RuntimeRule } from './compiled-policy.js';
import type { ApprovalPolicy, ConditionOperator, FactType, PolicyOutcome } from './policy-schema.js';

/** A comparison after `not` has been pushed down to the leaves. */
interface Literal {
  readonly fact: string;
  readonly factType: FactType;
  readonly operator: ConditionOperator;
  readonly value: unknown;
  readonly test: (value: unknown) => boolean;
  readonly negated: boolean;
}

/** Beyond this many conjunctions a rule is not analysed for overlaps (the check stays cheap). */
const MAX_TERMS = 64;

/** 1 when the condition always holds, 0 when it never does, null when it depends on facts. */
function constantTruth(node: CompiledNode): 0 | 1 | null {
  switch (node.kind) {
    case 'leaf':
      return null;
    case 'not': {
      const inner = constantTruth(node.child);
      return inner === null ? null : inner === 1 ? 0 : 1;
    }
    case 'all': {
      let result: 0 | 1 | null = 1;
      for (const child of node.children) {
        const t = constantTruth(child);
        if (t === 0) return 0;
        if (t === null) result = null;
      }
      return result;
    }
    case 'any': {
      let result: 0 | 1 | null = 0;
      for (const child of node.children) {
        const t = constantTruth(child);
        if (t === 1) return 1;
        if (t === null) result = null;
      }
      return result;
    }
  }
}

function product(left: Literal[][], right: Literal[][]): Literal[][] | null {
  if (left.length * right.length > MAX_TERMS) return null;
  const out: Literal[][] = [];
  for (const a of left) for (const b of right) out.push([...a, ...b]);
  return out;
}

/** Disjunctive normal form of a condition (or its negation), or null when it grows too large. */
function toDnf(node: CompiledNode, negated: boolean): Literal[][] | null {
  switch (node.kind) {
    case 'leaf': {
      if (negated && node.operator === 'between') {
        // not (low <= x <= high) is (x < low) or (x > high).
        const [low, high] = node.value as [unknown, unknown];
        const side = (operator: 'lt' | 'gt', value: unknown): Literal => {
          const spec = { fact: node.fact, factType: node.factType, operator, value, path: node.path, ruleId: '' };
          return { ...spec, test: buildTest(spec), negated: false };
        };
        return [[side('lt', low)], [side('gt', high)]];
      }
      return [[{ fact: node.fact, factType: node.factType, operator: node.operator, value: node.value, test: node.test, negated }]];
    }
    case 'not':
      return toDnf(node.child, !negated);
    case 'all':
    case 'any': {
      const conjunction = (node.kind === 'all') !== negated;
      let acc: Literal[][] | null = conjunction ? [[]] : [];
      for (const child of node.children) {
        const part = toDnf(child, negated);
        if (part === null || acc === null) return null;
        acc = conjunction ? product(acc, part) : [...acc, ...part];
        if (acc !== null && acc.length > MAX_TERMS) return null;
      }
      return acc;
    }
  }
}

function literalHolds(literal: Literal, candidate: unknown): boolean {
  try {
    return literal.test(candidate) !== literal.negated;
  } catch {
    // A comparison that would throw (another currency) proves nothing: assume it can hold.
    return true;
  }
}

/** Numeric view of a literal for interval reasoning: numbers as is, money as its amount. */
function numeric(value: unknown): number {
  return typeof value === 'number' ? value : (value as Money).amount;
}

/** Conservative: false only when no value of the fact can satisfy every literal on it. */
function factSatisfiable(literals: readonly Literal[]): boolean {
  const wantsAbsent = literals.some((l) => l.operator === 'exists' && (l.value === true) === l.negated);
  const wantsPresent = literals.some((l) => l.operator !== 'exists' || (l.value === true) !== l.negated);
  if (wantsAbsent) return !wantsPresent;
  const comparisons = literals.filter((l) => l.operator !== 'exists');
  const first = comparisons[0];
  if (first === undefined) return true;
  const type = first.factType;

  let candidates: unknown[] | null = type === 'boolean' ? [true, false] : null;
  for (const l of comparisons) {
    const points =
      (l.operator === 'eq' && !l.negated) || (l.operator === 'ne' && l.negated)
        ? [l.value]
        : (l.operator === 'in' && !l.negated) || (l.operator === 'notIn' && l.negated)
          ? (l.value as unknown[])
          : null;
    if (points !== null) candidates = candidates === null ? [...points] : candidates.filter((c) => points.some((p) => sameValue(p, c)));
  }
  if (candidates !== null) return candidates.some((c) => comparisons.every((l) => literalHolds(l, c)));
  if (type !== 'number' && type !== 'money') return true;
  let currency = '';
  if (type === 'money') {
    const currencies = new Set(comparisons.flatMap((l) => (Array.isArray(l.value) ? l.value : [l.value]).map((m) => (m as Money).currency)));
    if (currencies.size > 1) return true;
    currency = [...currencies][0] ?? '';
  }

  let low = -Infinity;
  let lowIncl = false;
  let high = Infinity;
  let highIncl = false;
  const raiseLow = (v: number, incl: boolean): void => {
    if (v > low || (v === low && !incl)) {
      low = v;
      lowIncl = incl;
    }
  };
  const lowerHigh = (v: number, incl: boolean): void => {
    if (v < high || (v === high && !incl)) {
      high = v;
      highIncl = incl;
    }
  };
  for (const l of comparisons) {
    const op = l.operator;
    if (op === 'between' && !l.negated) {
      const [a, b] = l.value as [unknown, unknown];
      raiseLow(numeric(a), true);
      lowerHigh(numeric(b), true);
      continue;
    }
    if (op !== 'lt' && op !== 'lte' && op !== 'gt' && op !== 'gte') continue;
    const v = numeric(l.value);
    const effective = l.negated ? ({ lt: 'gte', lte: 'gt', gt: 'lte', gte: 'lt' } as const)[op] : op;
    if (effective === 'lt') lowerHigh(v, false);
    else if (effective === 'lte') lowerHigh(v, true);
    else if (effective === 'gt') raiseLow(v, false);
    else raiseLow(v, true);
  }
  if (low < high) return true;
  if (low > high || !lowIncl || !highIncl) return false;
  const point = type === 'money' ? { amount: low, currency } : low;
  return comparisons.every((l) => literalHolds(l, point));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    return (a as Money).amount === (b as Money).amount && (a as Money).currency === (b as Money).currency;
  }
  return a === b;
}

function conjunctionSatisfiable(literals: readonly Literal[]): boolean {
  const byFact = new Map<string, Literal[]>();
  for (const l of literals) {
    const list = byFact.get(l.fact);
    if (list === undefined) byFact.set(l.fact, [l]);
    else list.push(l);
  }
  for (const list of byFact.values()) if (!factSatisfiable(list)) return false;
  return true;
}

function sameOutcome(a: PolicyOutcome, b: PolicyOutcome): boolean {
  return (
    a.decision === b.decision &&
    a.severity === b.severity &&
    a.riskScore === b.riskScore &&
    a.reasons.length === b.reasons.length &&
    a.reasons.every((r, i) => r === b.reasons[i])
  );
}

/**
 * Warnings for a policy's rules (in evaluation order). Overlap checks assume facts are present
 * and treat `contains`/`matches` as satisfiable unless a finite set of candidates rules them out,
 * so they may warn about an overlap no real order produces, but never miss a simple one.
 */
export function analysePolicy(policy: ApprovalPolicy, rules: readonly RuntimeRule[]): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  const firstMatch = policy.hitPolicy === 'first-match';
  const analysed = rules.map((rule) => {
    const constant = constantTruth(rule.root);
    const dnf = toDnf(rule.root, false);
    const live = dnf === null ? null : dnf.filter(conjunctionSatisfiable);
    return { rule, constant, live };
  });

  let catchAll: RuntimeRule | null = null;
  const reachable: typeof analysed = [];
  for (const entry of analysed) {
    const { rule, constant, live } = entry;
    if (firstMatch && catchAll !== null) {
      warnings.push({
        code: 'unreachable_rule',
        path: ['rules', rule.index],
        message: `Rule "${rule.id}" can never fire: catch-all rule "${catchAll.id}" comes first in first-match mode`,
        ruleIds: [rule.id, catchAll.id],
      });
      continue;
    }
    if (constant === 0 || (live !== null && live.length === 0)) {
      warnings.push({
        code: 'never_matches',
        path: ['rules', rule.index, 'when'],
        message: `Rule "${rule.id}" can never match: its conditions contradict each other`,
        ruleIds: [rule.id],
      });
      continue;
    }
    if (constant === 1) catchAll = rule;
    reachable.push(entry);
  }

  if (firstMatch) {
    for (let i = 0; i < reachable.length; i++) {
      const a = reachable[i];
      if (a === undefined || a.live === null) continue;
      for (let j = i + 1; j < reachable.length; j++) {
        const b = reachable[j];
        // A catch-all placed last is a deliberate fallback, not an accidental overlap.
        if (b === undefined || b.live === null || b.constant === 1 || sameOutcome(a.rule.outcome, b.rule.outcome)) continue;
        const overlaps = a.live.some((x) => b.live?.some((y) => conjunctionSatisfiable([...x, ...y])));
        if (overlaps) {
          warnings.push({
            code: 'overlapping_rules',
            path: ['rules', b.rule.index],
            message: `Rules "${a.rule.id}" and "${b.rule.id}" can match the same order with different outcomes; in first-match mode "${a.rule.id}" wins`,
            ruleIds: [a.rule.id, b.rule.id],
          });
        }
      }
    }
  }
  return warnings;
}
