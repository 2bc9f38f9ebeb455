// Shared builders for the approval tests: small policies and fact records.
import type { ApprovalPolicyInput, PolicyCondition, PolicyOutcome } from '../../src/approval/index.js';

/** An outcome with sensible defaults. */
export function outcome(decision: PolicyOutcome['decision'], reason: string, severity: PolicyOutcome['severity'] = 'medium'): PolicyOutcome {
  return { decision, reasons: [reason], severity };
}

/** A one-rule-per-condition policy; the default outcome approves unless told otherwise. */
export function policyOf(
  rules: { id: string; when: PolicyCondition; then?: PolicyOutcome; priority?: number; onMissingFact?: 'hold' | 'reject' | 'skip-rule' | 'treat-as-false' }[],
  extra: Partial<ApprovalPolicyInput> = {},
): ApprovalPolicyInput {
  return {
    id: 'test-policy',
    version: '1',
    rules: rules.map((r) => ({
      id: r.id,
      when: r.when,
      then: r.then ?? outcome('hold', r.id.toUpperCase().replace(/-/g, '_')),
      ...(r.priority === undefined ? {} : { priority: r.priority }),
      ...(r.onMissingFact === undefined ? {} : { onMissingFact: r.onMissingFact }),
    })),
    defaultOutcome: outcome('approve', 'DEFAULT', 'info'),
    ...extra,
  };
}

/** CNY money. */
export const cny = (amount: number): { amount: number; currency: string } => ({ amount, currency: 'CNY' });
