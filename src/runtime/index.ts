// The runtime (`ordo`'s root holds it): createOrdo, the pipeline it runs, and the explanation it gives.
export { createOrdo } from './create-ordo.js';
export type { Ordo, OrdoOptions, OrdoRuntime, OrdoLogger, RuntimeHealth, RuntimeRound, SettleReport, RuntimeReconciliation, TargetReconciliation, ReviewDecision, StepContext, PipelineStep, TransportRoute, TransportContext, ApprovalSection, RoutingSection, WaybillsSection, SyncSection, JobEntry } from './create-ordo.js';
export { PIPELINE, PIPELINE_STEPS, shipsGoods } from './pipeline.js';
export type { PipelineLine, PipelineStepName } from './pipeline.js';
export type { OrderExplanation, ExplainedTask, ExplainedWaybill } from './explain.js';
