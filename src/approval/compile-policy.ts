// compilePolicy: validates a policy document against the fact catalogue and compiles its rules to functions.
import safeRegex from 'safe-regex2';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import { isCurrencyCode, type Money } from '../money/money.js';
import {
  buildAllFn,
  buildAnyFn,
  buildLeafFn,
  buildNotFn,
  buildTest,
  type CompiledNode,
  type LeafSpec,
} from './condition-compiler.js';
import {
  CompiledPolicy,
  type ApprovalDecision,
  type PolicyEngine,
  type PolicyWarning,
  type RuntimeRule,
} from './compiled-policy.js';
import { BUILT_IN_CHANNEL_IDS } from '../intake/channel-ids.js';
import { ISO_COUNTRY_CODES } from '../model/countries.js';
import { ORDER_FACTS, factType, type FactCatalogue } from './fact-catalogue.js';
import { analysePolicy } from './policy-analysis.js';
import {
  APPROVAL_OUTCOMES,
  SEVERITIES,
  approvalPolicySchema,
  type ApprovalPolicy,
  type ConditionOperator,
  type FactType,
  type MissingFactPolicy,
  type PolicyCondition,
  type PolicyOutcome,
} from './policy-schema.js';

/** Options of {@link compilePolicy}. */
export interface CompilePolicyOptions {
  /**
   * The facts rules may name, with their types. The policy's own `facts` are added on top.
   * @default ORDER_FACTS
   * @example extendFactCatalogue(ORDER_FACTS, { 'order.giftWrap': { type: 'boolean' } })
   */
  readonly catalogue?: FactCatalogue;
  /**
   * Turn warnings (unreachable, never-matching and overlapping rules) into errors.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * The names a string fact may be compared with, by fact. A literal outside its fact's list
   * (`"wechat"` where the channel is `"wechat-mini"`) is an `unknown_name` issue with its path,
   * because a condition on a name nothing carries can never match. Pass your own channels here
   * when you define more than the built-in ones; a fact not listed is not checked.
   * @default { 'order.channel': BUILT_IN_CHANNEL_IDS, 'order.shippingCountry': ISO_COUNTRY_CODES }
   * @example { knownValues: { 'order.channel': [...BUILT_IN_CHANNEL_IDS, 'shopify'] } }
   */
  readonly knownValues?: Readonly<Record<string, readonly string[]>>;
}

/** The names {@link compilePolicy} checks literals against unless told otherwise. */
export const DEFAULT_KNOWN_VALUES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'order.channel': BUILT_IN_CHANNEL_IDS,
  // "UK" for the United Kingdom is the classic: addresses carry "GB".
  'order.shippingCountry': ISO_COUNTRY_CODES,
});

/** Which operators each fact type accepts. */
const OPERATORS_BY_TYPE: Readonly<Record<FactType, readonly ConditionOperator[]>> = Object.freeze({
  number: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'notIn', 'between', 'exists'],
  string: ['eq', 'ne', 'in', 'notIn', 'contains', 'matches', 'exists'],
  boolean: ['eq', 'ne', 'exists'],
  money: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between', 'exists'],
  'string[]': ['contains', 'exists'],
});

type Path = readonly (string | number)[];

function isMoneyLiteral(value: unknown): value is Money {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const m = value as Record<string, unknown>;
  return (
    keys.length === 2 &&
    Number.isSafeInteger(m.amount) &&
    typeof m.currency === 'string' &&
    isCurrencyCode(m.currency)
  );
}

/** Checks a literal against the fact's type and the operator; returns a message or null. */
function literalProblem(type: FactType, operator: ConditionOperator, value: unknown): string | null {
  if (operator === 'exists') return typeof value === 'boolean' ? null : 'Expected true or false for "exists"';
  const scalar = (v: unknown): boolean => {
    switch (type) {
      case 'number':
        return typeof v === 'number' && Number.isFinite(v);
      case 'string':
      case 'string[]':
        return typeof v === 'string';
      case 'boolean':
        return typeof v === 'boolean';
      case 'money':
        return isMoneyLiteral(v);
    }
  };
  const what =
    type === 'money'
      ? 'money { "amount": <integer minor units>, "currency": "<known ISO 4217 code>" }'
      : type === 'number'
        ? 'a finite number'
        : `a ${type === 'string[]' ? 'string' : type}`;
  switch (operator) {
    case 'in':
    case 'notIn':
      return Array.isArray(value) && value.length > 0 && value.every(scalar)
        ? null
        : `Expected a non-empty array of ${what} for "${operator}"`;
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2 || !value.every(scalar)) {
        return `Expected [low, high], each ${what}, for "between"`;
      }
      const [low, high] = value as [unknown, unknown];
      if (type === 'money') {
        const [a, b] = [low as Money, high as Money];
        if (a.currency !== b.currency) return 'Expected both bounds of "between" in the same currency';
        return a.amount <= b.amount ? null : 'Expected low <= high for "between"';
      }
      return (low as number) <= (high as number) ? null : 'Expected low <= high for "between"';
    }
    case 'matches': {
      if (typeof value !== 'string') return 'Expected a regular expression source string for "matches"';
      try {
        new RegExp(value, 'u');
      } catch {
        return 'Expected a valid regular expression (Unicode mode) for "matches"';
      }
      // A nested quantifier ((a+)+) can backtrack for minutes on one crafted value, stalling every decision.
      return safeRegex(value) ? null : 'Expected a regular expression without nested quantifiers for "matches" (it could backtrack catastrophically)';
    }
    default:
      return scalar(value) ? null : `Expected ${what} to compare fact of type ${type} with "${operator}"`;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

interface CompileContext {
  readonly catalogue: FactCatalogue;
  readonly knownValues: Readonly<Record<string, readonly string[]>>;
  readonly issues: ValidationIssue[];
  readonly facts: Set<string>;
  ruleId: string;
  onMissing: MissingFactPolicy;
}

/** Checks the names a condition compares a fact with against the fact's known names; false when one is unknown. */
function checkKnownNames(fact: string, operator: ConditionOperator, value: unknown, path: Path, ctx: CompileContext): boolean {
  if (!Object.prototype.hasOwnProperty.call(ctx.knownValues, fact)) return true;
  if (operator !== 'eq' && operator !== 'ne' && operator !== 'in' && operator !== 'notIn') return true;
  const known = ctx.knownValues[fact] as readonly string[];
  const listed = Array.isArray(value);
  const values: readonly unknown[] = listed ? value : [value];
  let ok = true;
  values.forEach((name, i) => {
    if (typeof name !== 'string' || known.includes(name)) return;
    ok = false;
    ctx.issues.push({
      code: 'unknown_name',
      path: listed ? [...path, 'value', i] : [...path, 'value'],
      message: `${fact}: "${name}" is not a known name (${known.length > 12 ? `${known.length} known, e.g. ${known.slice(0, 6).join(', ')}` : `known: ${known.join(', ')}`}); pass knownValues to compilePolicy to add your own`,
    });
  });
  return ok;
}

function compileCondition(condition: PolicyCondition, path: Path, ctx: CompileContext): CompiledNode | null {
  if ('all' in condition || 'any' in condition) {
    const kind = 'all' in condition ? 'all' : 'any';
    const list = 'all' in condition ? condition.all : condition.any;
    const children = list.map((child, i) => compileCondition(child, [...path, kind, i], ctx));
    if (children.some((c) => c === null)) return null;
    const nodes = children as CompiledNode[];
    const fns = nodes.map((c) => c.fn);
    return { kind, path, fn: kind === 'all' ? buildAllFn(fns) : buildAnyFn(fns), children: nodes };
  }
  if ('not' in condition) {
    const child = compileCondition(condition.not, [...path, 'not'], ctx);
    return child === null ? null : { kind: 'not', path, fn: buildNotFn(child.fn), child };
  }
  const type = factType(ctx.catalogue, condition.fact);
  if (type === undefined) {
    ctx.issues.push({
      code: 'unknown_fact',
      path: [...path, 'fact'],
      message: `Unknown fact "${condition.fact}": declare it in the policy's "facts" or the catalogue`,
    });
    return null;
  }
  ctx.facts.add(condition.fact);
  if (!OPERATORS_BY_TYPE[type].includes(condition.operator)) {
    ctx.issues.push({
      code: 'invalid_operator',
      path: [...path, 'operator'],
      message: `Operator "${condition.operator}" does not apply to ${condition.fact} (${type}); allowed: ${OPERATORS_BY_TYPE[type].join(', ')}`,
    });
    return null;
  }
  const problem = literalProblem(type, condition.operator, condition.value);
  if (problem !== null) {
    ctx.issues.push({ code: 'invalid_value', path: [...path, 'value'], message: `${condition.fact}: ${problem}` });
    return null;
  }
  if (!checkKnownNames(condition.fact, condition.operator, condition.value, path, ctx)) return null;
  const spec: LeafSpec = {
    fact: condition.fact,
    factType: type,
    operator: condition.operator,
    value: deepFreeze(structuredClone(condition.value)),
    path,
    ruleId: ctx.ruleId,
  };
  const test = buildTest(spec);
  return {
    kind: 'leaf',
    path,
    fn: buildLeafFn(spec, test, ctx.onMissing),
    fact: spec.fact,
    factType: type,
    operator: spec.operator,
    value: spec.value,
    test,
  };
}

/** Orders outcomes: the decision kind first (reject > hold > approve), then severity, then risk score. */
export function outcomeRank(outcome: Pick<PolicyOutcome, 'decision' | 'severity' | 'riskScore'>): number {
  return (
    APPROVAL_OUTCOMES.indexOf(outcome.decision) * 1_000_000 +
    SEVERITIES.indexOf(outcome.severity) * 10_000 +
    Math.round((outcome.riskScore ?? 0) * 10)
  );
}

function makeDecision(policy: ApprovalPolicy, outcome: PolicyOutcome, ruleId: string | null): ApprovalDecision {
  return Object.freeze({
    outcome: outcome.decision,
    reasons: Object.freeze([...outcome.reasons]),
    severity: outcome.severity,
    ...(outcome.riskScore === undefined ? {} : { riskScore: outcome.riskScore }),
    ruleId,
    policyId: policy.id,
    policyVersion: policy.version,
  });
}

/** The outcome a rule yields when a fact it needs is missing and its policy is to hold or reject. */
export function missingFactOutcome(action: 'hold' | 'reject'): PolicyOutcome {
  return { decision: action, reasons: ['MISSING_FACT'], severity: 'high' };
}

/** The result of {@link safeCompilePolicy}. */
export type SafeCompileResult = { ok: true; value: CompiledPolicy } | { ok: false; error: ValidationError };

/**
 * Validates a policy document and compiles it to plain synchronous functions.
 *
 * Errors (thrown together as one `ValidationError` with a path per issue): unknown fields,
 * operators or facts, an operator that does not apply to the fact's type, a literal of the
 * wrong type, duplicate rule ids. Warnings (in `warnings`, or errors with `strict`): rules
 * unreachable behind a catch-all, rules that can never match, and in first-match mode rules
 * with different outcomes that can match the same order.
 *
 * @example
 * const policy = compilePolicy(JSON.parse(text));
 * const decision = evaluate(policy, buildFacts(order, customer, derived));
 * @throws ValidationError `VALIDATION_FAILED` for an invalid policy.
 */
export function compilePolicy(json: unknown, options: CompilePolicyOptions = {}): CompiledPolicy {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('compilePolicy options', [{ code: 'invalid_type', path: [], message: 'Expected an options object' }]);
  }
  const parsed = approvalPolicySchema.safeParse(json);
  if (!parsed.success) throw ValidationError.fromZod('approval policy', parsed.error);
  const policy = deepFreeze(parsed.data);
  const base = options.catalogue ?? ORDER_FACTS;
  const issues: ValidationIssue[] = [];

  for (const [name, definition] of Object.entries(policy.facts)) {
    const known = factType(base, name);
    if (known !== undefined && known !== definition.type) {
      issues.push({
        code: 'conflicting_fact',
        path: ['facts', name, 'type'],
        message: `Fact "${name}" is already a ${known} in the catalogue; the policy cannot redeclare it as ${definition.type}`,
      });
    }
  }
  const catalogue: FactCatalogue = Object.freeze({ ...base, ...policy.facts });

  const seen = new Map<string, number>();
  policy.rules.forEach((rule, index) => {
    const first = seen.get(rule.id);
    if (first !== undefined) {
      issues.push({ code: 'duplicate_rule_id', path: ['rules', index, 'id'], message: `Rule id "${rule.id}" is already used by rules[${first}]` });
    } else {
      seen.set(rule.id, index);
    }
  });

  const knownValues = options.knownValues ?? DEFAULT_KNOWN_VALUES;
  if (typeof knownValues !== 'object' || knownValues === null || Object.values(knownValues).some((list) => !Array.isArray(list) || list.some((name) => typeof name !== 'string'))) {
    throw new ValidationError('compilePolicy options', [{ code: 'invalid_type', path: ['knownValues'], message: 'Expected known names by fact: { "order.channel": ["tmall", ...] }' }]);
  }
  const ctx: CompileContext = { catalogue, knownValues, issues, facts: new Set(), ruleId: '', onMissing: policy.onMissingFact };
  const compiled = policy.rules.map((rule, index) => {
    ctx.ruleId = rule.id;
    ctx.onMissing = rule.onMissingFact ?? policy.onMissingFact;
    return { rule, index, onMissing: ctx.onMissing, root: compileCondition(rule.when, ['rules', index, 'when'], ctx) };
  });
  if (issues.length > 0) throw new ValidationError('approval policy', issues);

  // Highest priority first; Array.prototype.sort is stable, so ties keep declaration order.
  const ordered = [...compiled].sort((a, b) => b.rule.priority - a.rule.priority);
  const rules: RuntimeRule[] = ordered.map(({ rule, index, onMissing, root }) => {
    const node = root as CompiledNode;
    const missing = onMissing === 'hold' || onMissing === 'reject' ? missingFactOutcome(onMissing) : null;
    return Object.freeze({
      id: rule.id,
      index,
      root: node,
      fn: node.fn,
      outcome: rule.then,
      decision: makeDecision(policy, rule.then, rule.id),
      rank: outcomeRank(rule.then),
      onMissing,
      missingDecision: missing === null ? null : makeDecision(policy, missing, rule.id),
      missingRank: missing === null ? -1 : outcomeRank(missing),
    });
  });

  const warnings: PolicyWarning[] = analysePolicy(policy, rules);
  if (options.strict === true && warnings.length > 0) {
    throw new ValidationError(
      'approval policy (strict)',
      warnings.map((w) => ({ code: w.code, path: w.path, message: w.message })),
    );
  }

  const engine: PolicyEngine = {
    rules: Object.freeze(rules),
    firstMatch: policy.hitPolicy === 'first-match',
    defaultDecision: makeDecision(policy, policy.defaultOutcome, null),
    scratch: { missing: null },
  };
  return new CompiledPolicy({
    policy,
    ruleIds: rules.map((r) => r.id),
    facts: [...ctx.facts].sort(),
    catalogue,
    warnings,
    engine,
  });
}

/**
 * {@link compilePolicy} without throwing on an invalid policy.
 * @example
 * const result = safeCompilePolicy(json);
 * if (!result.ok) console.log(result.error.issues);
 */
export function safeCompilePolicy(json: unknown, options: CompilePolicyOptions = {}): SafeCompileResult {
  try {
    return { ok: true, value: compilePolicy(json, options) };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, error };
    throw error;
  }
}
