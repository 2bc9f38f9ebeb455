// Alert thresholds over sync diffs: sliding windows on the caller's instants, raise and clear once each.
import { describe, expect, it } from 'vitest';
import { addDuration, instant, type Instant } from '../../src/clock/index.js';
import { createDiffMonitor, type FieldDifference } from '../../src/sync/index.js';

const T0 = instant('2026-11-11T00:00:00.000Z');
const at = (seconds: number): Instant => addDuration(T0, { seconds });
const amount: FieldDifference = { path: ['total'], field: 'total', kind: 'mismatch', severity: 'error', source: 1, target: 2 };
const note: FieldDifference = { path: ['remark'], field: '*', kind: 'mismatch', severity: 'info', source: 'a', target: 'b' };

describe('createDiffMonitor', () => {
  it('raises when 0.5% of the last 15 minutes\' orders have an amount mismatch, and clears when they slide out', () => {
    const monitor = createDiffMonitor({ thresholds: [{ id: 'amounts', field: 'total', rate: 0.005, window: { minutes: 15 }, minRecords: 100 }] });
    const events = [];
    // 300 clean orders, one a second.
    for (let i = 0; i < 300; i += 1) events.push(...monitor.observe({ system: 'finance', at: at(i), differences: [note] }));
    expect(events).toEqual([]);
    events.push(...monitor.observe({ system: 'finance', at: at(300), differences: [amount] }));
    expect(events, '1 of 301 is 0.33%').toEqual([]);
    events.push(...monitor.observe({ system: 'finance', at: at(301), differences: [amount] }));
    expect(events).toEqual([expect.objectContaining({ type: 'alert_raised', threshold: 'amounts', system: 'finance', matching: 2, records: 302 })]);
    expect(monitor.active()).toEqual([expect.objectContaining({ threshold: 'amounts', matching: 2 })]);
    // Nothing new is raised while it stays raised.
    expect(monitor.observe({ system: 'finance', at: at(302), differences: [amount] })).toEqual([]);
    // 15 minutes after the last mismatch, it has left the window.
    expect(monitor.tick(at(302 + 899)), 'one record left: too few to judge, still raised').toEqual([]);
    const cleared = monitor.tick(at(302 + 900));
    expect(cleared).toEqual([expect.objectContaining({ type: 'alert_cleared', matching: 0 })]);
    expect(monitor.active()).toEqual([]);
  });

  it('clears when clean records dilute the rate below the threshold, within the window', () => {
    const monitor = createDiffMonitor({ thresholds: [{ rate: 0.01, window: { hours: 1 }, minRecords: 10 }] });
    for (let i = 0; i < 99; i += 1) monitor.observe({ system: 'wms', at: at(i), differences: [] });
    expect(monitor.observe({ system: 'wms', at: at(99), differences: [amount] })).toEqual([expect.objectContaining({ type: 'alert_raised', rate: 0.01 })]);
    expect(monitor.observe({ system: 'wms', at: at(100), differences: [] })).toEqual([expect.objectContaining({ type: 'alert_cleared', matching: 1, records: 101 })]);
  });

  it('a rate needs minRecords in the window; a count does not', () => {
    const monitor = createDiffMonitor({
      thresholds: [
        { id: 'rate', rate: 0.5, window: { minutes: 1 }, minRecords: 3 },
        { id: 'count', count: 2, window: { minutes: 1 } },
      ],
    });
    expect(monitor.observe({ system: 'wms', at: at(0), differences: [amount] })).toEqual([]);
    expect(monitor.observe({ system: 'wms', at: at(1), differences: [amount] }).map((e) => e.threshold)).toEqual(['count']);
    expect(monitor.observe({ system: 'wms', at: at(2), differences: [] }).map((e) => e.threshold)).toEqual(['rate']);
  });

  it('keeps a window per system, filters by field and severity', () => {
    const monitor = createDiffMonitor({ thresholds: [{ count: 1, field: 'total', minSeverity: 'error', window: 60_000 }, { id: 'wms-any', system: 'wms', count: 1, minSeverity: 'warning', window: 60_000 }] });
    expect(monitor.observe({ system: 'finance', at: at(0), differences: [note] })).toEqual([]);
    expect(monitor.observe({ system: 'finance', at: at(1), differences: [amount] })).toEqual([expect.objectContaining({ threshold: '*:total', system: 'finance' })]);
    expect(monitor.observe({ system: 'wms', at: at(2), differences: [note] })).toEqual([]);
    expect(monitor.observe({ system: 'wms', at: at(3), differences: [amount] }).map((e) => `${e.threshold}@${e.system}`)).toEqual(['*:total@wms', 'wms-any@wms']);
  });

  it('holds a busy window (ring buffer growth) and counts exactly', () => {
    const monitor = createDiffMonitor({ thresholds: [{ count: 5000, window: { seconds: 10 } }] });
    let raised = 0;
    for (let i = 0; i < 20_000; i += 1) {
      // 1,000 records a second, every other one with a difference: 5,000 in any 10 s.
      raised += monitor.observe({ system: 's', at: addDuration(T0, i), differences: i % 2 === 0 ? [amount] : [] }).length;
    }
    expect(raised).toBe(1);
    expect(monitor.active()[0]).toMatchObject({ records: 10_000, matching: 5000 });
  });

  it('refuses wrong thresholds with every problem and a path, and wrong observations with a typed error', () => {
    expect(() => createDiffMonitor({ thresholds: [{ window: 'soon', rate: 5 } as never, { window: { minutes: 1 } } as never] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['thresholds', 0, 'window'] }), expect.objectContaining({ path: ['thresholds', 0, 'rate'] }), expect.objectContaining({ path: ['thresholds', 1, 'rate'] }), expect.objectContaining({ path: ['thresholds', 1, 'id'] })] }),
    );
    expect(() => createDiffMonitor({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    const monitor = createDiffMonitor({ thresholds: [{ count: 1, window: 1000 }] });
    expect(() => monitor.observe({ system: 's', at: '2026-11-11 10:00' as Instant, differences: [] })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => monitor.observe(null as never)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
