// Alert thresholds over sync diffs: a sliding window per threshold and system, on instants the caller's clock gives.
import { durationToMillis, instantFromMillis, isInstant, type DurationInput, type Instant } from '../clock/instant.js';
import { isOrdoError } from '../errors/ordo-error.js';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import { DIFF_SEVERITIES, type DiffSeverity, type FieldDifference } from './record-diff.js';

/** One alert threshold of a {@link createDiffMonitor}. */
export interface DiffThreshold {
  /** Names the alert in events. @default `${system ?? '*'}:${field ?? '*'}` */
  readonly id?: string;
  /** Only records of this system; unset: each system has its own window. */
  readonly system?: string;
  /** Only differences of this spec field (`total`, `lines`, `*` for unlisted fields); unset: any field. */
  readonly field?: string;
  /** Only differences at least this severe. @default 'info' */
  readonly minSeverity?: DiffSeverity;
  /** Raise when at least this share (0 to 1) of the window's records has a matching difference. */
  readonly rate?: number;
  /** Raise when at least this many of the window's records have a matching difference. */
  readonly count?: number;
  /** The window, e.g. `{ minutes: 15 }`. */
  readonly window: DurationInput;
  /**
   * A rate alert needs this many records in the window to be raised or cleared: one bad record
   * of one is not 100%. Below it, a raised alert stays raised while any matching record remains.
   * @default 1
   */
  readonly minRecords?: number;
}

/** An alert raised or cleared. Thresholds hold per (threshold, system). */
export interface DiffAlertEvent {
  readonly type: 'alert_raised' | 'alert_cleared';
  readonly threshold: string;
  readonly system: string;
  readonly at: Instant;
  /** Records in the window with a matching difference, and all records in the window. */
  readonly matching: number;
  readonly records: number;
  readonly rate: number;
  /** Start of the window (exclusive) the figures count. */
  readonly windowStart: Instant;
}

/** One alert now raised. */
export type ActiveDiffAlert = Omit<DiffAlertEvent, 'type'>;

/** What {@link DiffMonitor.observe} takes: one diffed record. */
export interface DiffObservation {
  readonly system: string;
  /** When the record was diffed, from the injected clock. */
  readonly at: Instant;
  readonly differences: readonly FieldDifference[];
}

/** Counts differences per threshold and system over sliding windows; raises and clears alerts. */
export interface DiffMonitor {
  /** Counts one diffed record (also one without differences: it is the rate's denominator). */
  observe(observation: DiffObservation): DiffAlertEvent[];
  /** Slides every window to `at` without a record: alerts whose window emptied or improved clear. */
  tick(at: Instant): DiffAlertEvent[];
  /** The alerts raised now. */
  active(): ActiveDiffAlert[];
}

interface Window {
  readonly system: string;
  /** Observation times (epoch ms) and whether each matched; a ring that grows as needed. */
  times: Float64Array;
  hits: Uint8Array;
  head: number;
  size: number;
  matching: number;
  raised: boolean;
}

interface CompiledThreshold {
  readonly id: string;
  readonly system: string | undefined;
  readonly field: string | undefined;
  readonly minSeverity: number;
  readonly rate: number | undefined;
  readonly count: number | undefined;
  readonly windowMillis: number;
  readonly minRecords: number;
  readonly windows: Map<string, Window>;
}

/**
 * A monitor for sync differences: for example, alert when 0.5% of the orders diffed against
 * finance in the last 15 minutes had an amount mismatch, and clear when they no longer do.
 * Pure and synchronous: the caller passes each record's instant from the injected clock (a
 * record earlier than the last one counts as at the last one) and delivers the events.
 *
 * @throws ValidationError `INVALID_OPTIONS` listing every wrong threshold.
 * @example
 * const monitor = createDiffMonitor({ thresholds: [{ id: 'amounts', field: 'total', rate: 0.005, window: { minutes: 15 }, minRecords: 200 }] });
 * const events = monitor.observe({ system: 'finance', at: clock.now(), differences: diff.differences });
 */
export function createDiffMonitor(options: { readonly thresholds: readonly DiffThreshold[] }): DiffMonitor {
  const thresholds = compileThresholds(options);
  let last = Number.NEGATIVE_INFINITY;

  const windowOf = (threshold: CompiledThreshold, system: string): Window => {
    let window = threshold.windows.get(system);
    if (window === undefined) {
      window = { system, times: new Float64Array(64), hits: new Uint8Array(64), head: 0, size: 0, matching: 0, raised: false };
      threshold.windows.set(system, window);
    }
    return window;
  };

  const settle = (threshold: CompiledThreshold, window: Window, now: number, events: DiffAlertEvent[]): void => {
    const start = now - threshold.windowMillis;
    while (window.size > 0 && (window.times[window.head] as number) <= start) {
      window.matching -= window.hits[window.head] as number;
      window.head = (window.head + 1) % window.times.length;
      window.size -= 1;
    }
    const rate = window.size === 0 ? 0 : window.matching / window.size;
    // Too few records to judge a rate: the alert keeps its state until the window holds enough or no difference at all.
    const rateOver =
      threshold.rate === undefined ? false : window.size >= threshold.minRecords ? window.matching > 0 && rate >= threshold.rate : window.matching > 0 && window.raised;
    const over = (threshold.count !== undefined && window.matching >= threshold.count) || rateOver;
    if (over === window.raised) return;
    window.raised = over;
    events.push({
      type: over ? 'alert_raised' : 'alert_cleared',
      threshold: threshold.id,
      system: window.system,
      at: instantFromMillis(now),
      matching: window.matching,
      records: window.size,
      rate,
      windowStart: instantFromMillis(start),
    });
  };

  const advance = (at: unknown, subject: string): number => {
    if (!isInstant(at)) throw new ValidationError(subject, [{ code: 'invalid_instant', path: ['at'], message: 'Expected an Instant from the clock' }]);
    last = Math.max(last, Date.parse(at));
    return last;
  };

  return {
    observe(observation: DiffObservation): DiffAlertEvent[] {
      const { system, differences } = (observation ?? {}) as Partial<DiffObservation>;
      if (typeof system !== 'string' || system === '' || !Array.isArray(differences)) {
        throw new ValidationError('diff observation', [{ code: 'invalid_type', path: [], message: 'Expected { system, at, differences }' }]);
      }
      const now = advance(observation.at, 'diff observation');
      const events: DiffAlertEvent[] = [];
      for (const threshold of thresholds) {
        if (threshold.system !== undefined && threshold.system !== system) continue;
        const window = windowOf(threshold, system);
        const hit = differences.some(
          (difference) => (threshold.field === undefined || difference.field === threshold.field) && DIFF_SEVERITIES.indexOf(difference.severity) >= threshold.minSeverity,
        );
        push(window, now, hit);
        settle(threshold, window, now, events);
      }
      return events;
    },
    tick(at: Instant): DiffAlertEvent[] {
      const now = advance(at, 'diff monitor tick');
      const events: DiffAlertEvent[] = [];
      for (const threshold of thresholds) for (const window of threshold.windows.values()) settle(threshold, window, now, events);
      return events;
    },
    active(): ActiveDiffAlert[] {
      const alerts: ActiveDiffAlert[] = [];
      for (const threshold of thresholds) {
        for (const window of threshold.windows.values()) {
          if (!window.raised) continue;
          const now = Number.isFinite(last) ? last : 0;
          alerts.push({
            threshold: threshold.id,
            system: window.system,
            at: instantFromMillis(now),
            matching: window.matching,
            records: window.size,
            rate: window.size === 0 ? 0 : window.matching / window.size,
            windowStart: instantFromMillis(now - threshold.windowMillis),
          });
        }
      }
      return alerts;
    },
  };
}

function push(window: Window, at: number, hit: boolean): void {
  if (window.size === window.times.length) {
    // Full: double the ring, unrolled from the head so the oldest stays first.
    const times = new Float64Array(window.times.length * 2);
    const hits = new Uint8Array(window.times.length * 2);
    for (let i = 0; i < window.size; i += 1) {
      const from = (window.head + i) % window.times.length;
      times[i] = window.times[from] as number;
      hits[i] = window.hits[from] as number;
    }
    window.times = times;
    window.hits = hits;
    window.head = 0;
  }
  const slot = (window.head + window.size) % window.times.length;
  window.times[slot] = at;
  window.hits[slot] = hit ? 1 : 0;
  window.size += 1;
  if (hit) window.matching += 1;
}

function compileThresholds(options: { readonly thresholds: readonly DiffThreshold[] }): CompiledThreshold[] {
  const issues: ValidationIssue[] = [];
  const list = (options as { thresholds?: unknown } | null | undefined)?.thresholds;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ValidationError('diff monitor options', [{ code: 'invalid_type', path: ['thresholds'], message: 'Expected at least one threshold' }], { code: 'INVALID_OPTIONS' });
  }
  const ids = new Set<string>();
  const compiled = list.map((threshold: DiffThreshold, index): CompiledThreshold => {
    const at = ['thresholds', index];
    const issue = (key: string, message: string): void => {
      issues.push({ code: 'invalid_value', path: [...at, key], message });
    };
    const t = (typeof threshold === 'object' && threshold !== null ? threshold : {}) as Partial<DiffThreshold>;
    let windowMillis = 0;
    try {
      windowMillis = durationToMillis(t.window as DurationInput);
      if (windowMillis <= 0) issue('window', 'Expected a positive duration such as { minutes: 15 }');
    } catch (error) {
      issue('window', isOrdoError(error) ? error.message : 'Expected a duration such as { minutes: 15 }');
    }
    if (t.rate !== undefined && (typeof t.rate !== 'number' || !(t.rate > 0 && t.rate <= 1))) issue('rate', 'Expected a share above 0 and at most 1 (0.005 for 0.5%)');
    if (t.count !== undefined && (!Number.isSafeInteger(t.count) || (t.count as number) < 1)) issue('count', 'Expected a whole number from 1');
    if (t.rate === undefined && t.count === undefined) issue('rate', 'Expected a rate, a count, or both');
    if (t.minRecords !== undefined && (!Number.isSafeInteger(t.minRecords) || (t.minRecords as number) < 1)) issue('minRecords', 'Expected a whole number from 1');
    if (t.minSeverity !== undefined && !(DIFF_SEVERITIES as readonly unknown[]).includes(t.minSeverity)) issue('minSeverity', `Expected one of ${DIFF_SEVERITIES.join(', ')}`);
    for (const key of ['system', 'field', 'id'] as const) if (t[key] !== undefined && (typeof t[key] !== 'string' || t[key] === '')) issue(key, 'Expected a non-empty string');
    const id = t.id ?? `${t.system ?? '*'}:${t.field ?? '*'}`;
    if (ids.has(id)) issue('id', `Threshold id ${id} is used twice: give each an id`);
    ids.add(id);
    return {
      id,
      system: t.system,
      field: t.field,
      minSeverity: DIFF_SEVERITIES.indexOf(t.minSeverity ?? 'info'),
      rate: t.rate,
      count: t.count,
      windowMillis,
      minRecords: t.minRecords ?? 1,
      windows: new Map(),
    };
  });
  if (issues.length > 0) throw new ValidationError('diff monitor options', issues, { code: 'INVALID_OPTIONS' });
  return compiled;
}
