// The ops module's face, pure: order metrics (per status, overdue against SLAs, time per stage) and
// their Prometheus text; guarded jobs (what a job would do, its blast radius and canary).
export { compileSlas, ordersPerStatus, overdueOrders, stageTimings, collectMetrics, formatPrometheusMetrics, createOverdueCollector, CLOSED_ORDER_STATUSES, createStageTimingCollector, createThroughputCollector } from './order-metrics.js';
export type { SlaInput, Sla, MeasuredOrder, OverdueOrder, StageTiming, OrderMetrics, ThroughputBucket, OverdueCollector, OverdueOptions, StageTimingCollector, ThroughputCollector } from './order-metrics.js';
export { defineJob, isJob, canaryBucket, inCanary, planJobRun, checkBlastRadius, jobEventId, autoCancelUnpaidJob, promotionExpiryJob } from './jobs.js';
export { definePromotion, isPromotion, describePromotionEnd } from './promotions.js';
export type { Promotion, PromotionDefinition } from './promotions.js';
export type { Job, JobDefinition, JobDecision, JobEvent, JobContext, JobLimits, JobCanary, JobAction, JobPlan, JobDecisionFailure, BlastRadiusBreach, AutoCancelUnpaidOptions, PromotionExpiryOptions, JobDeadlineSource } from './jobs.js';
