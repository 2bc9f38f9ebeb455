// Ordo's order metrics as prom-client gauges on your registry: every scrape reads one snapshot
// (shared by the gauges of that scrape) through the function you give.
import { Gauge, register as globalRegistry, type Registry } from 'prom-client';
import { z } from 'zod';
import { option, parseOptions } from '../../errors/options.js';
import type { OrderMetrics } from '../../ops/order-metrics.js';

/** Options of {@link registerOrdoMetrics}. */
export interface OrdoPrometheusOptions {
  /**
   * Where the snapshot comes from, e.g.
   * `() => collectStoredMetrics({ orders: storage.orders, slas, clock })`.
   */
  readonly snapshot: () => Promise<OrderMetrics>;
  /** @default prom-client's default registry */
  readonly registry?: Registry;
  /** @default 'ordo_' */
  readonly prefix?: string;
  /** One snapshot serves every gauge of a scrape and scrapes within this time. @default 1000 */
  readonly cacheMs?: number;
}

/** The registered gauges; `unregister()` removes them from the registry. */
export interface OrdoPrometheusMetrics {
  readonly names: readonly string[];
  unregister(): void;
}

const optionsSchema = z.strictObject({
  snapshot: option.fn<() => Promise<OrderMetrics>>(),
  registry: option.withMethods<Registry>('a prom-client Registry', 'registerMetric', 'removeSingleMetric').optional(),
  prefix: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'Expected a Prometheus metric name prefix').default('ordo_'),
  cacheMs: option.nonNegativeInt().default(1000),
});

/**
 * Registers gauges for orders per status, overdue orders per SLA, stage quantiles (seconds),
 * stage counts and late stages, and orders entered per status over the window. A failed snapshot
 * fails the scrape (prom-client reports it), and the next scrape tries again.
 * @throws ValidationError `INVALID_OPTIONS`.
 */
export function registerOrdoMetrics(options: OrdoPrometheusOptions): OrdoPrometheusMetrics {
  const parsed = parseOptions('registerOrdoMetrics options', optionsSchema, options);
  const registry = parsed.registry ?? globalRegistry;
  const p = parsed.prefix;
  let cached: Promise<OrderMetrics> | undefined;
  const snapshot = (): Promise<OrderMetrics> => {
    if (cached === undefined) {
      const current = parsed.snapshot();
      cached = current;
      const forget = (): void => {
        if (cached === current) cached = undefined;
      };
      current.then(() => void setTimeout(forget, parsed.cacheMs).unref?.(), forget);
    }
    return cached;
  };

  const gauge = (name: string, help: string, labelNames: string[], fill: (metrics: OrderMetrics, set: (labels: Record<string, string>, value: number) => void) => void): Gauge<string> =>
    new Gauge({
      name: `${p}${name}`,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const metrics = await snapshot();
        this.reset();
        fill(metrics, (labels, value) => this.set(labels, value));
      },
    });

  const gauges = [
    gauge('orders', 'Orders per status.', ['status'], (m, set) => {
      for (const [status, n] of Object.entries(m.ordersPerStatus)) set({ status }, n);
    }),
    gauge('orders_overdue', 'Orders past an SLA.', ['sla'], (m, set) => {
      for (const [sla, n] of Object.entries(m.overdueBySla)) set({ sla }, n);
    }),
    gauge('stage_seconds', 'Time per stage over the window (working time for a calendar SLA), by quantile.', ['sla', 'quantile'], (m, set) => {
      for (const stage of m.stages) {
        for (const [quantile, ms] of [['0.5', stage.p50], ['0.95', stage.p95], ['0.99', stage.p99]] as const) if (ms !== undefined) set({ sla: stage.sla, quantile }, ms / 1000);
      }
    }),
    gauge('stage_count', 'Stages that ended over the window.', ['sla'], (m, set) => {
      for (const stage of m.stages) set({ sla: stage.sla }, stage.count);
    }),
    gauge('stage_late', 'Stages over the window that ended after their due time.', ['sla'], (m, set) => {
      for (const stage of m.stages) set({ sla: stage.sla }, stage.late);
    }),
    gauge('orders_entered', 'Orders that entered each status over the window.', ['status'], (m, set) => {
      const entered: Record<string, number> = {};
      for (const bucket of m.throughput ?? []) for (const [status, n] of Object.entries(bucket.entered)) entered[status] = (entered[status] ?? 0) + n;
      for (const [status, n] of Object.entries(entered)) set({ status }, n);
    }),
  ];
  const names = gauges.map((g) => (g as unknown as { name: string }).name);
  return {
    names,
    unregister() {
      for (const name of names) registry.removeSingleMetric(name);
    },
  };
}
