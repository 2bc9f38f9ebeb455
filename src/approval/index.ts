// The approval module's face: policies as data, compiled to functions, explained, simulated and rolled out.
export {
  APPROVAL_OUTCOMES,
  SEVERITIES,
  HIT_POLICIES,
  MISSING_FACT_POLICIES,
  CONDITION_OPERATORS,
  FACT_TYPES,
  approvalPolicySchema,
  policyRuleSchema,
  policyOutcomeSchema,
  policyConditionSchema,
  factDefinitionSchema,
} from './policy-schema.js';
export type {
  ApprovalOutcome,
  Severity,
  HitPolicy,
  MissingFactPolicy,
  ConditionOperator,
  FactType,
  FactCondition,
  AllCondition,
  AnyCondition,
  NotCondition,
  PolicyCondition,
  ApprovalPolicyInput,
  ApprovalPolicy,
  PolicyRule,
  PolicyOutcome,
  FactDefinition,
} from './policy-schema.js';
export { ORDER_FACTS, extendFactCatalogue } from './fact-catalogue.js';
export type { FactCatalogue } from './fact-catalogue.js';
export { compilePolicy, safeCompilePolicy, DEFAULT_KNOWN_VALUES } from './compile-policy.js';
export type { CompilePolicyOptions, SafeCompileResult } from './compile-policy.js';
export { CompiledPolicy, isCompiledPolicy } from './compiled-policy.js';
export type {
  ApprovalDecision,
  DecisionExplanation,
  RuleTrace,
  ConditionFailure,
  PolicyWarning,
} from './compiled-policy.js';
export type { Facts } from './condition-compiler.js';
export { evaluate, decide } from './evaluate.js';
export type { EvaluateOptions } from './evaluate.js';
export { buildFacts } from './facts.js';
export type { CustomerFacts } from './facts.js';
export {
  haversineKm,
  distanceFromUsualKm,
  destinationRegion,
  addressPoint,
  shipsToNewRegion,
  regionFacts,
  shippingAddressReadable,
  toOrderHistoryItem,
  historyInWindow,
  returnRate,
  averageOrderAmount,
  amountVsAverage,
  accountAgeDays,
  deriveFacts,
} from './derived-facts.js';
export type { OrderHistoryItem, DeriveFactsInput, DerivedFacts, DestinationRegion } from './derived-facts.js';
export {
  collectFacts,
  createCustomerFactProvider,
  createOrderHistoryFactProvider,
  createDistanceFactProvider,
  createDestinationFactProvider,
  createAccountAgeFactProvider,
} from './fact-providers.js';
export type {
  FactProvider,
  FactProviderContext,
  FactLoader,
  CustomerFactProviderConfig,
  OrderHistoryFactProviderConfig,
  DistanceFactProviderConfig,
  DestinationFactProviderConfig,
  AccountAgeFactProviderConfig,
} from './fact-providers.js';
export { simulate } from './simulate.js';
export type {
  SimulationCase,
  SimulatedDecision,
  PolicySimulationStats,
  SimulationDifference,
  SimulationReport,
  SimulateOptions,
} from './simulate.js';
export { createRollout, rolloutBucket, ROLLOUT_BUCKETS, ROLLOUT_ARMS } from './rollout.js';
export type { Rollout, RolloutConfig, RolloutDecision, RolloutArm } from './rollout.js';
export { SEED_POLICY } from './seed-policy.js';
