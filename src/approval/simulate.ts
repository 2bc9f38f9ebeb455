// simulate: a dry run of two policies over the same orders, with the differences and per-rule counts.
import { isOrdoError } from '../errors/ordo-error.js';
import { CompiledPolicy, type ApprovalDecision } from './compiled-policy.js';
import { compilePolicy } from './compile-policy.js';
import type { Facts } from './condition-compiler.js';
import { evaluate } from './evaluate.js';
import type { ApprovalOutcome } from './policy-schema.js';

/** One order to simulate: its id and its facts. */
export interface SimulationCase {
  readonly id: string;
  readonly facts: Facts;
}

/** A decision reduced for a report; `error` when evaluation threw (e.g. a currency mismatch). */
export interface SimulatedDecision {
  readonly outcome: ApprovalOutcome | 'error';
  readonly ruleId: string | null;
  readonly reasons: readonly string[];
  /** The error code when `outcome` is `error`. */
  readonly errorCode?: string;
}

/** What one policy decided over all cases. */
export interface PolicySimulationStats {
  readonly policyId: string;
  readonly policyVersion: string;
  readonly approve: number;
  readonly hold: number;
  readonly reject: number;
  /** Cases whose evaluation threw. */
  readonly errors: number;
  /** approve / (approve + hold + reject); 0 with no decided case. */
  readonly approvalRate: number;
  /** How often each rule's condition held (its flag was raised), by rule id. */
  readonly firedByRule: Readonly<Record<string, number>>;
  /** How often each rule decided, by rule id. */
  readonly decidedByRule: Readonly<Record<string, number>>;
  /** How often the default outcome applied. */
  readonly defaultApplied: number;
  /** How often a missing fact decided. */
  readonly missingFactDecisions: number;
}

/** One case the two policies decided differently (outcome or reasons). */
export interface SimulationDifference {
  readonly id: string;
  readonly a: SimulatedDecision;
  readonly b: SimulatedDecision;
  /** True when the outcome itself changed, not only the reasons. */
  readonly outcomeChanged: boolean;
}

/** The result of {@link simulate}. */
export interface SimulationReport {
  readonly total: number;
  readonly a: PolicySimulationStats;
  readonly b: PolicySimulationStats;
  /** Cases that differ, up to `maxDifferences`, in input order. */
  readonly differences: readonly SimulationDifference[];
  /** Cases that differ in all (even past `maxDifferences`). */
  readonly differenceCount: number;
  /** Outcome changes counted as `"approve->hold"` and so on. */
  readonly transitions: Readonly<Record<string, number>>;
}

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /**
   * How many differing cases to list (all are counted); bounds memory over a long history.
   * @default 10000
   */
  readonly maxDifferences?: number;
}

interface MutableStats {
  approve: number;
  hold: number;
  reject: number;
  errors: number;
  firedByRule: Record<string, number>;
  decidedByRule: Record<string, number>;
  defaultApplied: number;
  missingFactDecisions: number;
}

function emptyStats(policy: CompiledPolicy): MutableStats {
  const zeros = (): Record<string, number> => Object.fromEntries(policy.ruleIds.map((id) => [id, 0]));
  return { approve: 0, hold: 0, reject: 0, errors: 0, firedByRule: zeros(), decidedByRule: zeros(), defaultApplied: 0, missingFactDecisions: 0 };
}

function run(policy: CompiledPolicy, facts: Facts, stats: MutableStats): SimulatedDecision {
  let decision: ApprovalDecision;
  try {
    decision = evaluate(policy, facts);
  } catch (error) {
    if (!isOrdoError(error)) throw error;
    stats.errors += 1;
    return { outcome: 'error', ruleId: null, reasons: [], errorCode: error.code };
  }
  stats[decision.outcome] += 1;
  if (decision.ruleId === null) stats.defaultApplied += 1;
  else stats.decidedByRule[decision.ruleId] = (stats.decidedByRule[decision.ruleId] ?? 0) + 1;
  if (decision.missingFact !== undefined) stats.missingFactDecisions += 1;
  for (const id of decision.explanation?.fired ?? []) stats.firedByRule[id] = (stats.firedByRule[id] ?? 0) + 1;
  return { outcome: decision.outcome, ruleId: decision.ruleId, reasons: decision.reasons };
}

function finish(policy: CompiledPolicy, stats: MutableStats): PolicySimulationStats {
  const decided = stats.approve + stats.hold + stats.reject;
  return Object.freeze({
    policyId: policy.id,
    policyVersion: policy.version,
    ...stats,
    approvalRate: decided === 0 ? 0 : stats.approve / decided,
  });
}

function sameReasons(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}

/**
 * Runs two policies (compiled, or documents to compile) over the same cases: what each decides,
 * where they differ, the approval rate and how often each rule fired. Evaluation errors (an
 * unexpected currency, a bad fact) are counted per case, not thrown, so one bad order does not
 * stop a dry run over history.
 * @example
 * const report = simulate(current, proposed, history.map((o) => ({ id: o.id, facts: factsOf(o) })));
 * report.b.approvalRate - report.a.approvalRate;
 * @throws ValidationError when a policy document is invalid.
 */
export function simulate(
  policyA: CompiledPolicy | unknown,
  policyB: CompiledPolicy | unknown,
  cases: Iterable<SimulationCase>,
  options: SimulateOptions = {},
): SimulationReport {
  const a = policyA instanceof CompiledPolicy ? policyA : compilePolicy(policyA);
  const b = policyB instanceof CompiledPolicy ? policyB : compilePolicy(policyB);
  const maxDifferences = options.maxDifferences ?? 10_000;
  const statsA = emptyStats(a);
  const statsB = emptyStats(b);
  const differences: SimulationDifference[] = [];
  const transitions: Record<string, number> = {};
  let total = 0;
  let differenceCount = 0;
  for (const item of cases) {
    total += 1;
    const da = run(a, item.facts, statsA);
    const db = run(b, item.facts, statsB);
    const outcomeChanged = da.outcome !== db.outcome;
    if (outcomeChanged) {
      const key = `${da.outcome}->${db.outcome}`;
      transitions[key] = (transitions[key] ?? 0) + 1;
    }
    if (outcomeChanged || !sameReasons(da.reasons, db.reasons)) {
      differenceCount += 1;
      if (differences.length < maxDifferences) differences.push({ id: item.id, a: da, b: db, outcomeChanged });
    }
  }
  return Object.freeze({ total, a: finish(a, statsA), b: finish(b, statsB), differences, differenceCount, transitions });
}
