// ordo/adapters/prometheus: Ordo's order metrics as prom-client 15 gauges (prom-client is an
// optional peer: install it to use this entry). Without prom-client, `formatPrometheusMetrics`
// in `ordo` writes the same figures as text.
export { registerOrdoMetrics } from './metrics/prometheus-collector.js';
export type { OrdoPrometheusOptions, OrdoPrometheusMetrics } from './metrics/prometheus-collector.js';
