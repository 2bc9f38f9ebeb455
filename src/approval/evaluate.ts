// evaluate and decide: run a compiled policy over facts, with or without the explanation.
import { hasErrorCode } from '../errors/ordo-error.js';
import { expectObject } from '../errors/validation-error.js';
import { FALSE, TRUE, UNKNOWN, isMissingValue, type CompiledNode, type Facts, type Scratch, type Truth } from './condition-compiler.js';
import {
  policyEngine,
  type ApprovalDecision,
  type CompiledPolicy,
  type ConditionFailure,
  type DecisionExplanation,
  type PolicyEngine,
  type RuleTrace,
  type RuntimeRule,
} from './compiled-policy.js';

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /**
   * Build the explanation: every rule that fired, and for the others the comparison that failed
   * with the actual and the required value. Off, evaluation allocates nothing in the common case.
   * @default true
   */
  readonly explain?: boolean;
}

function withMissing(decision: ApprovalDecision, fact: string | null): ApprovalDecision {
  return fact === null ? decision : { ...decision, missingFact: fact };
}

/** The decision alone, as fast as the policy allows. */
function run(engine: PolicyEngine, facts: Facts): ApprovalDecision {
  const rules = engine.rules;
  const n = rules.length;
  const scratch = engine.scratch;
  if (engine.firstMatch) {
    for (let i = 0; i < n; i++) {
      const rule = rules[i] as RuntimeRule;
      scratch.missing = null;
      const t = rule.fn(facts, scratch);
      if (t === TRUE) return rule.decision;
      if (t === UNKNOWN && rule.missingDecision !== null) return withMissing(rule.missingDecision, scratch.missing);
    }
    return engine.defaultDecision;
  }
  let best: ApprovalDecision | null = null;
  let bestRank = -1;
  let bestMissing: string | null = null;
  for (let i = 0; i < n; i++) {
    const rule = rules[i] as RuntimeRule;
    scratch.missing = null;
    const t = rule.fn(facts, scratch);
    if (t === TRUE) {
      if (rule.rank > bestRank) {
        best = rule.decision;
        bestRank = rule.rank;
        bestMissing = null;
      }
    } else if (t === UNKNOWN && rule.missingDecision !== null && rule.missingRank > bestRank) {
      best = rule.missingDecision;
      bestRank = rule.missingRank;
      bestMissing = scratch.missing;
    }
  }
  return best === null ? engine.defaultDecision : withMissing(best, bestMissing);
}

/** Why a node came out as `value`: the leaves responsible, `negated` flipping under each `not`. */
function why(node: CompiledNode, value: Truth, negated: boolean, facts: Facts, scratch: Scratch, out: ConditionFailure[]): void {
  switch (node.kind) {
    case 'leaf': {
      const actual = facts[node.fact];
      out.push({
        path: node.path,
        fact: node.fact,
        operator: node.operator,
        required: node.value,
        actual,
        negated,
        missing: node.operator !== 'exists' && isMissingValue(actual),
      });
      return;
    }
    case 'not':
      why(node.child, value === TRUE ? FALSE : TRUE, !negated, facts, scratch, out);
      return;
    case 'all':
    case 'any': {
      // The deciding value short-circuits (false for all, true for any): its first child is the reason.
      const decisive: Truth = node.kind === 'all' ? FALSE : TRUE;
      for (const child of node.children) {
        const t = child.fn(facts, scratch);
        if (value === decisive) {
          if (t === decisive) {
            why(child, t, negated, facts, scratch, out);
            return;
          }
        } else {
          why(child, t, negated, facts, scratch, out);
        }
      }
    }
  }
}

/** The missing facts that left a node unknown. */
function missingFacts(node: CompiledNode, facts: Facts, scratch: Scratch, out: Set<string>): void {
  switch (node.kind) {
    case 'leaf':
      if (isMissingValue(facts[node.fact])) out.add(node.fact);
      return;
    case 'not':
      missingFacts(node.child, facts, scratch, out);
      return;
    case 'all':
    case 'any':
      for (const child of node.children) {
        if (child.fn(facts, scratch) === UNKNOWN) missingFacts(child, facts, scratch, out);
      }
  }
}

function explainRule(rule: RuntimeRule, t: Truth, facts: Facts, scratch: Scratch): RuleTrace {
  if (t === TRUE) return { ruleId: rule.id, status: 'fired', outcome: rule.outcome };
  if (t === UNKNOWN) {
    const missing = new Set<string>();
    missingFacts(rule.root, facts, scratch, missing);
    const action = rule.onMissing === 'treat-as-false' ? 'skip-rule' : rule.onMissing;
    return { ruleId: rule.id, status: 'missing-fact', missingFacts: [...missing], action };
  }
  const failed: ConditionFailure[] = [];
  why(rule.root, FALSE, false, facts, scratch, failed);
  return { ruleId: rule.id, status: 'not-matched', failed };
}

/**
 * The decision plus its explanation, in one pass: the same selection as {@link run} (the
 * property tests hold the two to the same outcome), with a trace recorded per rule.
 */
function runExplained(policy: CompiledPolicy, engine: PolicyEngine, facts: Facts): ApprovalDecision {
  const scratch = engine.scratch;
  const traces: RuleTrace[] = [];
  const fired: string[] = [];
  let best: ApprovalDecision | null = null;
  let bestRank = -1;
  let bestMissing: string | null = null;
  let done = false;
  for (const rule of engine.rules) {
    if (done) {
      traces.push({ ruleId: rule.id, status: 'not-evaluated' });
      continue;
    }
    scratch.missing = null;
    const t = rule.fn(facts, scratch);
    const missing = scratch.missing;
    if (t === TRUE) fired.push(rule.id);
    traces.push(explainRule(rule, t, facts, scratch));
    if (t === TRUE && rule.rank > bestRank) {
      best = rule.decision;
      bestRank = rule.rank;
      bestMissing = null;
    } else if (t === UNKNOWN && rule.missingDecision !== null && rule.missingRank > bestRank) {
      best = rule.missingDecision;
      bestRank = rule.missingRank;
      bestMissing = missing;
    } else {
      continue;
    }
    // In first-match mode the first rule that yields an outcome decides; later ones are skipped.
    if (engine.firstMatch) done = true;
  }
  const decision = best === null ? engine.defaultDecision : withMissing(best, bestMissing);
  const explanation: DecisionExplanation = {
    hitPolicy: policy.hitPolicy,
    fired,
    rules: traces,
    defaultApplied: best === null,
  };
  return { ...decision, explanation };
}

/**
 * Runs a compiled policy over facts (a flat record keyed by fact name, see `buildFacts`).
 * Synchronous. With `explain` (the default) the decision carries an explanation.
 *
 * @example
 * const decision = evaluate(policy, facts);
 * decision.outcome; // 'hold'
 * decision.explanation?.rules.filter((r) => r.status === 'fired');
 * A money fact in another currency than a rule's amount (a USD order under a CNY policy) cannot
 * be compared: the order is held, fail closed, with the reason `CURRENCY_NOT_COMPARABLE` and
 * the rule that could not compare it.
 * @throws ValidationError `VALIDATION_FAILED` when a fact has the wrong type.
 */
export function evaluate(policy: CompiledPolicy, facts: Facts, options?: EvaluateOptions): ApprovalDecision {
  expectObject('evaluate facts', facts, 'facts: an object of fact name to value');
  const engine = policyEngine(policy);
  try {
    if (options?.explain === false) return run(engine, facts);
    return runExplained(policy, engine, facts);
  } catch (error) {
    return notComparable(policy, error);
  }
}

/** The hold a currency mismatch becomes; anything else is rethrown. */
function notComparable(policy: CompiledPolicy, error: unknown): ApprovalDecision {
  if (!hasErrorCode(error, 'CURRENCY_MISMATCH')) throw error;
  const ruleId = typeof error.details['ruleId'] === 'string' ? error.details['ruleId'] : null;
  return Object.freeze({
    outcome: 'hold',
    reasons: Object.freeze(['CURRENCY_NOT_COMPARABLE']),
    severity: 'medium',
    ruleId,
    policyId: policy.id,
    policyVersion: policy.version,
  });
}

/**
 * The decision without an explanation: the fast path for pipelines. Same outcome as
 * {@link evaluate}; the returned object is shared and frozen unless a fact was missing.
 * A money fact in another currency is held as `CURRENCY_NOT_COMPARABLE`, as {@link evaluate} does.
 * @throws ValidationError for a fact of the wrong type.
 */
export function decide(policy: CompiledPolicy, facts: Facts): ApprovalDecision {
  expectObject('decide facts', facts, 'facts: an object of fact name to value');
  try {
    return run(policyEngine(policy), facts);
  } catch (error) {
    return notComparable(policy, error);
  }
}
