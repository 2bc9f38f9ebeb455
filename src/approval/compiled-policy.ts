// The compiled policy: public metadata plus the functions evaluation runs, kept private.
import { ValidationError } from '../errors/validation-error.js';
import type { CompiledNode, Scratch } from './condition-compiler.js';
import type { FactCatalogue } from './fact-catalogue.js';
import type { ApprovalOutcome, ApprovalPolicy, HitPolicy, MissingFactPolicy, PolicyOutcome, Severity } from './policy-schema.js';

/** A problem that does not stop a policy from compiling, e.g. a rule nothing can reach. */
export interface PolicyWarning {
  /** `unreachable_rule`, `never_matches` or `overlapping_rules`. */
  readonly code: 'unreachable_rule' | 'never_matches' | 'overlapping_rules';
  /** Where in the policy, e.g. `['rules', 3]`. */
  readonly path: readonly (string | number)[];
  /** What is wrong, for people. */
  readonly message: string;
  /** The rules involved. */
  readonly ruleIds: readonly string[];
}

/**
 * What a policy decided. Without an explanation it is a shared, frozen object: keep it, compare
 * it, but do not expect a fresh copy per call.
 */
export interface ApprovalDecision {
  /** `approve`, `hold` or `reject`. */
  readonly outcome: ApprovalOutcome;
  /** Reason codes of the deciding outcome, e.g. `['LARGE_AMOUNT']`; `['MISSING_FACT']` when a fact was missing. */
  readonly reasons: readonly string[];
  readonly severity: Severity;
  /** The deciding outcome's risk score, 0-100, when it has one. */
  readonly riskScore?: number;
  /** The rule that decided, or `null` when the default outcome applied. */
  readonly ruleId: string | null;
  readonly policyId: string;
  /** The version of the policy that decided. */
  readonly policyVersion: string;
  /** The missing fact that decided (fail closed), when that is why. */
  readonly missingFact?: string;
  /** Present when evaluated with `explain: true` (the default of `evaluate`). */
  readonly explanation?: DecisionExplanation;
}

/** One failed (or, under `not`, unwantedly satisfied) comparison. */
export interface ConditionFailure {
  /** Where the comparison is in the policy, e.g. `['rules', 2, 'when', 'all', 1]`. */
  readonly path: readonly (string | number)[];
  readonly fact: string;
  readonly operator: string;
  /** The policy's literal. When `negated`, the rule needed the comparison NOT to hold. */
  readonly required: unknown;
  /** The fact's value (`undefined` when missing). */
  readonly actual: unknown;
  /** True when the comparison held but sat under a `not`. */
  readonly negated: boolean;
  /** True when the fact was missing and the rule treats that as false. */
  readonly missing: boolean;
}

/** What happened to one rule in one evaluation. */
export type RuleTrace =
  | { readonly ruleId: string; readonly status: 'fired'; readonly outcome: PolicyOutcome }
  | { readonly ruleId: string; readonly status: 'not-matched'; readonly failed: readonly ConditionFailure[] }
  | {
      readonly ruleId: string;
      readonly status: 'missing-fact';
      /** The missing facts that left the rule undecided. */
      readonly missingFacts: readonly string[];
      /** What the rule's missing-fact policy did: yield `hold`/`reject`, or `skip-rule`. */
      readonly action: Exclude<MissingFactPolicy, 'treat-as-false'>;
    }
  | { readonly ruleId: string; readonly status: 'not-evaluated' };

/** Why a decision came out as it did. */
export interface DecisionExplanation {
  readonly hitPolicy: HitPolicy;
  /** Ids of the rules whose condition held, in evaluation order. */
  readonly fired: readonly string[];
  /** Every rule in evaluation order (priority, then declaration). */
  readonly rules: readonly RuleTrace[];
  /** True when no rule decided and the default outcome applied. */
  readonly defaultApplied: boolean;
}

/** @internal One rule ready to run. */
export interface RuntimeRule {
  readonly id: string;
  readonly index: number;
  readonly root: CompiledNode;
  readonly fn: CompiledNode['fn'];
  readonly outcome: PolicyOutcome;
  readonly decision: ApprovalDecision;
  readonly rank: number;
  readonly onMissing: MissingFactPolicy;
  /** The outcome a missing fact yields (hold or reject), or null for skip-rule/treat-as-false. */
  readonly missingDecision: ApprovalDecision | null;
  readonly missingRank: number;
}

/** @internal Everything evaluation needs. */
export interface PolicyEngine {
  readonly rules: readonly RuntimeRule[];
  readonly firstMatch: boolean;
  readonly defaultDecision: ApprovalDecision;
  readonly scratch: Scratch;
}

let engineOf: (policy: CompiledPolicy) => PolicyEngine;

/**
 * A policy checked and compiled by `compilePolicy`. Pass it to `evaluate`, `decide`,
 * `simulate` or `createRollout`. Immutable and safe to share.
 */
export class CompiledPolicy {
  /** The policy id. */
  readonly id: string;
  /** The policy version, recorded in every decision. */
  readonly version: string;
  readonly hitPolicy: HitPolicy;
  /** The policy-wide missing-fact policy (rules may override it). */
  readonly onMissingFact: MissingFactPolicy;
  /** The validated policy document, defaults filled in. */
  readonly policy: ApprovalPolicy;
  /** Rule ids in evaluation order: priority (highest first), then declaration. */
  readonly ruleIds: readonly string[];
  /** Every fact the rules read. */
  readonly facts: readonly string[];
  /** The catalogue the policy was checked against (the engine's plus the policy's own facts). */
  readonly catalogue: FactCatalogue;
  /** Problems that do not prevent evaluation (empty for a clean policy). */
  readonly warnings: readonly PolicyWarning[];
  readonly #engine: PolicyEngine;

  static {
    engineOf = (policy) => policy.#engine;
  }

  /** @internal Use `compilePolicy`. */
  constructor(fields: {
    policy: ApprovalPolicy;
    ruleIds: readonly string[];
    facts: readonly string[];
    catalogue: FactCatalogue;
    warnings: readonly PolicyWarning[];
    engine: PolicyEngine;
  }) {
    this.id = fields.policy.id;
    this.version = fields.policy.version;
    this.hitPolicy = fields.policy.hitPolicy;
    this.onMissingFact = fields.policy.onMissingFact;
    this.policy = fields.policy;
    this.ruleIds = Object.freeze([...fields.ruleIds]);
    this.facts = Object.freeze([...fields.facts]);
    this.catalogue = fields.catalogue;
    this.warnings = Object.freeze([...fields.warnings]);
    this.#engine = fields.engine;
    Object.freeze(this);
  }
}

/** @internal The runtime behind a compiled policy. */
export function policyEngine(policy: CompiledPolicy): PolicyEngine {
  if (!(policy instanceof CompiledPolicy)) {
    throw new ValidationError('policy', [{ code: 'invalid_type', path: [], message: 'Expected a compiled policy: pass the policy document through compilePolicy() first' }]);
  }
  return engineOf(policy);
}

/** True for a policy made by `compilePolicy`. */
export function isCompiledPolicy(value: unknown): value is CompiledPolicy {
  return value instanceof CompiledPolicy;
}
