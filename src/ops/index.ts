// The ops module's face: order metrics (per status, overdue against SLAs, time per stage) and their Prometheus text; pure.
export { compileSlas, ordersPerStatus, overdueOrders, stageTimings, collectMetrics, formatPrometheusMetrics } from './order-metrics.js';
export type { SlaInput, Sla, MeasuredOrder, OverdueOrder, StageTiming, OrderMetrics } from './order-metrics.js';
