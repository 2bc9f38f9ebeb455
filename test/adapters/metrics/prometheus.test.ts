// The prom-client collector: gauges on the user's registry, one snapshot per scrape, the same
// figures as the text format, failures reported to the scrape and retried on the next.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../../src/adapters/memory.js';
import { registerOrdoMetrics } from '../../../src/adapters/prometheus.js';
import { collectStoredMetrics } from '../../../src/app/index.js';
import { createFixedClock, instant } from '../../../src/clock/index.js';
import { compileSlas, formatPrometheusMetrics, type OrderMetrics } from '../../../src/ops/index.js';
import { createOrder } from '../../../src/orders/index.js';

const AT = instant('2026-11-30T12:00:00.000Z');
const slas = compileSlas([{ id: 'pay-within-30-min', from: 'pending_payment', to: ['paid', 'cancelled'], within: { minutes: 30 } }]);

async function storageWithOrders() {
  const storage = createMemoryStorage();
  for (let i = 0; i < 3; i += 1) {
    const order = createOrder<string>(
      { id: `o-${i}`, channel: 'shop', channelOrderId: `c-${i}`, customerRef: 'b', currency: 'CNY', lines: [{ sku: 'TEA', quantity: 1, unitPrice: { amount: 100, currency: 'CNY' } }] },
      { clock: createFixedClock(instant('2026-11-30T10:00:00.000Z')), initialStatus: 'pending_payment' },
    );
    await storage.commit({ orders: [{ order, expectedVersion: null, newHistory: order.history }] });
  }
  return storage;
}

describe('registerOrdoMetrics', () => {
  it('exposes orders per status, overdue per SLA and entered per status on the given registry, one snapshot per scrape', async () => {
    const storage = await storageWithOrders();
    const registry = new Registry();
    let snapshots = 0;
    const metrics = registerOrdoMetrics({
      registry,
      cacheMs: 0,
      snapshot: () => {
        snapshots += 1;
        return collectStoredMetrics({ orders: storage.orders, slas, at: AT });
      },
    });
    const text = await registry.metrics();
    expect(snapshots).toBe(1);
    expect(text).toContain('ordo_orders{status="pending_payment"} 3');
    expect(text).toContain('ordo_orders_overdue{sla="pay-within-30-min"} 3');
    expect(text).toContain('ordo_orders_entered{status="pending_payment"} 3');
    expect(text).toContain('ordo_stage_count{sla="pay-within-30-min"} 0');
    // The same figures as the text format without prom-client.
    const plain = formatPrometheusMetrics(await collectStoredMetrics({ orders: storage.orders, slas, at: AT }));
    expect(plain).toContain('ordo_orders{status="pending_payment"} 3');
    expect(plain).toContain('ordo_orders_overdue{sla="pay-within-30-min"} 3');
    expect(metrics.names).toContain('ordo_orders');
    metrics.unregister();
    expect(await registry.metrics()).not.toContain('ordo_orders');
  });

  it('the text exporter and the prom-client exporter expose the same families, types and samples, valid Prometheus text', async () => {
    const snapshot: OrderMetrics = {
      at: AT,
      ordersPerStatus: { paid: 2, shipped: 5 },
      overdue: [],
      overdueBySla: { 'paid-to-shipped': 1, 'pay-within-30-min': 0 },
      stages: [
        { sla: 'paid-to-shipped', count: 4, late: 1, p50: 1_500, p95: 60_000, p99: 61_000 },
        { sla: 'pay-within-30-min', count: 0, late: 0, p50: undefined, p95: undefined, p99: undefined },
      ] as never,
      throughput: [{ start: AT, entered: { paid: 3, shipped: 1 } }],
    };
    const registry = new Registry();
    registerOrdoMetrics({ registry, cacheMs: 0, snapshot: async () => snapshot });
    const normalise = (text: string) =>
      parsePrometheusTextFormat(text)
        .map((family) => ({ name: family.name, type: family.type, samples: family.metrics.map((m) => `${JSON.stringify(m.labels ?? {})} ${Number(m.value)}`).sort() }))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
    const fromText = normalise(formatPrometheusMetrics(snapshot));
    const fromClient = normalise(await registry.metrics());
    expect(fromText).toEqual(fromClient);
    expect(fromText.map((family) => `${family.name} ${family.type}`)).toEqual([
      'ordo_orders GAUGE',
      'ordo_orders_entered GAUGE',
      'ordo_orders_overdue GAUGE',
      'ordo_stage_count GAUGE',
      'ordo_stage_late GAUGE',
      'ordo_stage_seconds GAUGE',
    ]);
    expect(fromText.find((family) => family.name === 'ordo_stage_seconds')?.samples).toContain('{"sla":"paid-to-shipped","quantile":"0.95"} 60');
  });

  it('a failed snapshot fails the scrape, and the next scrape reads again', async () => {
    const registry = new Registry();
    let fail = true;
    const ok: OrderMetrics = { at: AT, ordersPerStatus: { paid: 2 }, overdue: [], overdueBySla: {}, stages: [] };
    registerOrdoMetrics({ registry, cacheMs: 0, snapshot: async () => (fail ? Promise.reject(new Error('database down')) : ok) });
    await expect(registry.metrics()).rejects.toThrow('database down');
    fail = false;
    expect(await registry.metrics()).toContain('ordo_orders{status="paid"} 2');
  });

  it('refuses bad options with INVALID_OPTIONS', () => {
    expect(() => registerOrdoMetrics({ snapshot: 'no' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => registerOrdoMetrics({ snapshot: async () => ({}) as OrderMetrics, prefix: 'bad prefix' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });
});
