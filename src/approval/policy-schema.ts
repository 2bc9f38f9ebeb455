// The approval policy as data: the JSON shape, its zod schema and the enumerations it uses.
import { z } from 'zod';

/** What a policy can decide. */
export const APPROVAL_OUTCOMES = ['approve', 'hold', 'reject'] as const;
/** `approve` (automatic), `hold` (for human review) or `reject`. */
export type ApprovalOutcome = (typeof APPROVAL_OUTCOMES)[number];

/** Severities, least to most severe. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
/** How serious an outcome is; ranks outcomes of the same kind in collect-all mode. */
export type Severity = (typeof SEVERITIES)[number];

/** How rules combine: the first match by priority, or every match with the most severe winning. */
export const HIT_POLICIES = ['first-match', 'collect-all'] as const;
/** See {@link HIT_POLICIES}. */
export type HitPolicy = (typeof HIT_POLICIES)[number];

/**
 * What a rule does when a fact it needs is absent (`undefined` or `null`):
 * - `hold` / `reject`: the rule yields that outcome with reason `MISSING_FACT` (fail closed);
 * - `skip-rule`: the rule neither fires nor blocks; evaluation goes on;
 * - `treat-as-false`: the comparison on the missing fact is false (so `not` of it is true).
 */
export const MISSING_FACT_POLICIES = ['hold', 'reject', 'skip-rule', 'treat-as-false'] as const;
/** See {@link MISSING_FACT_POLICIES}. */
export type MissingFactPolicy = (typeof MISSING_FACT_POLICIES)[number];

/** Comparison operators a condition may use. */
export const CONDITION_OPERATORS = [
  'eq',
  'ne',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'notIn',
  'between',
  'contains',
  'matches',
  'exists',
] as const;
/** See {@link CONDITION_OPERATORS}. */
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** The value types a fact can have. Money is `{ amount, currency }` in integer minor units. */
export const FACT_TYPES = ['number', 'string', 'boolean', 'money', 'string[]'] as const;
/** See {@link FACT_TYPES}. */
export type FactType = (typeof FACT_TYPES)[number];

/** A comparison of one fact with a literal, e.g. `{ "fact": "order.total", "operator": "gt", "value": {...} }`. */
export interface FactCondition {
  readonly fact: string;
  readonly operator: ConditionOperator;
  /** A literal of the fact's type; an array for `in`/`notIn`, `[low, high]` for `between`, a boolean for `exists`. */
  readonly value: unknown;
}
/** True when every child holds; `{ "all": [] }` always holds (a catch-all). */
export interface AllCondition {
  readonly all: readonly PolicyCondition[];
}
/** True when some child holds; `{ "any": [] }` never holds. */
export interface AnyCondition {
  readonly any: readonly PolicyCondition[];
}
/** True when the child does not hold. */
export interface NotCondition {
  readonly not: PolicyCondition;
}
/** A condition tree. */
export type PolicyCondition = FactCondition | AllCondition | AnyCondition | NotCondition;

const factConditionSchema = z
  .object({
    fact: z.string().min(1),
    operator: z.enum(CONDITION_OPERATORS),
    value: z.unknown().refine((v) => v !== undefined, 'Expected a value to compare with'),
  })
  .strict();

/** Picks the branch by its key so errors point at the right place instead of "no union member matched". */
export const policyConditionSchema: z.ZodType<PolicyCondition, PolicyCondition> = z.lazy(() =>
  z
    .custom<PolicyCondition>(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      'Expected a condition: { all: [...] }, { any: [...] }, { not: {...} } or { fact, operator, value }',
    )
    .superRefine((value, ctx) => {
      const record = value as unknown as Record<string, unknown>;
      const schema =
        'all' in record
          ? z.object({ all: z.array(policyConditionSchema) }).strict()
          : 'any' in record
            ? z.object({ any: z.array(policyConditionSchema) }).strict()
            : 'not' in record
              ? z.object({ not: policyConditionSchema }).strict()
              : factConditionSchema;
      const result = schema.safeParse(value);
      if (!result.success) {
        for (const issue of result.error.issues) ctx.addIssue({ ...issue } as Parameters<typeof ctx.addIssue>[0]);
      }
    }),
);

/** An outcome: what happens, why (reason codes), how severe, and an optional risk score 0-100. */
export const policyOutcomeSchema = z
  .object({
    decision: z.enum(APPROVAL_OUTCOMES),
    /** Stable, machine-readable codes such as `LARGE_AMOUNT`. */
    reasons: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'Expected an UPPER_SNAKE_CASE reason code')).min(1),
    severity: z.enum(SEVERITIES),
    riskScore: z.number().min(0).max(100).optional(),
  })
  .strict();

/** One rule: when the condition holds, the outcome applies. */
export const policyRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'Expected a lower-case rule id such as "large-amount"'),
    description: z.string().optional(),
    /** Higher runs first; ties keep the order of declaration. */
    priority: z.number().int().default(0),
    when: policyConditionSchema,
    then: policyOutcomeSchema,
    /** Overrides the policy's `onMissingFact` for this rule. */
    onMissingFact: z.enum(MISSING_FACT_POLICIES).optional(),
  })
  .strict();

/** A fact a policy declares in addition to the engine's catalogue. */
export const factDefinitionSchema = z
  .object({
    type: z.enum(FACT_TYPES),
    description: z.string().optional(),
  })
  .strict();

/** The whole policy document. */
export const approvalPolicySchema = z
  .object({
    /** A JSON Schema link or similar; ignored. */
    $schema: z.string().optional(),
    id: z.string().min(1),
    /** Recorded in every decision, e.g. `"2026.06-1"`. */
    version: z.string().min(1),
    description: z.string().optional(),
    hitPolicy: z.enum(HIT_POLICIES).default('first-match'),
    /** Fail closed by default: a missing fact holds the order for review. */
    onMissingFact: z.enum(MISSING_FACT_POLICIES).default('hold'),
    /** Extra facts this policy uses, keyed by dotted name, e.g. `"order.giftWrap"`. */
    facts: z.record(z.string().regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, 'Expected a dotted fact name'), factDefinitionSchema).default({}),
    rules: z.array(policyRuleSchema),
    /** Applies when no rule fires. */
    defaultOutcome: policyOutcomeSchema,
  })
  .strict();

/** A policy document as written (defaults may be omitted). */
export type ApprovalPolicyInput = z.input<typeof approvalPolicySchema>;
/** A validated policy document with defaults filled in. */
export type ApprovalPolicy = z.output<typeof approvalPolicySchema>;
/** One rule of a validated policy. */
export type PolicyRule = z.output<typeof policyRuleSchema>;
/** An outcome of a validated policy. */
export type PolicyOutcome = z.output<typeof policyOutcomeSchema>;
/** A fact declared by a policy. */
export type FactDefinition = z.output<typeof factDefinitionSchema>;
