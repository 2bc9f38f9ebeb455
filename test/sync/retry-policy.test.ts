// Retry decisions (pure) and recurring schedules on zoned wall times, DST included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDuration, instant, type Instant } from '../../src/clock/index.js';
import { STANDARD_WEBHOOKS_SCHEDULE, compileRetryPolicy, decideRetry, defineRecurringSchedule } from '../../src/sync/index.js';

const T0 = instant('2026-11-11T00:00:00.000Z');
const minutes = (n: number): Instant => addDuration(T0, { minutes: n });

describe('decideRetry', () => {
  it('defaults: every 15 minutes; a target that never answers gets 289 attempts and is given up at exactly 72 h', () => {
    const policy = compileRetryPolicy();
    let failedAt = T0;
    let failures = 1;
    for (;;) {
      const decision = decideRetry(policy, { failures, firstFailedAt: T0, failedAt });
      if (decision.action === 'dead_letter') {
        expect(decision.reason).toBe('deadline');
        break;
      }
      expect(decision.nextDueAt).toBe(addDuration(failedAt, { minutes: 15 }));
      failedAt = decision.nextDueAt;
      failures += 1;
    }
    expect(failures).toBe(289);
    expect(failedAt).toBe(addDuration(T0, { hours: 72 }));
  });

  it('a late attempt is cut to the deadline, so the last one runs at the deadline itself', () => {
    const policy = compileRetryPolicy();
    const late = addDuration(T0, { hours: 71, minutes: 50 });
    expect(decideRetry(policy, { failures: 5, firstFailedAt: T0, failedAt: late })).toEqual({ action: 'retry', nextDueAt: addDuration(T0, { hours: 72 }) });
  });

  it('exponential backoff up to the maximum interval, maximum attempts, non-retryable codes', () => {
    const policy = compileRetryPolicy({ initialInterval: { seconds: 1 }, backoffCoefficient: 2, maximumInterval: { seconds: 10 }, maximumAttempts: 6, nonRetryableErrorCodes: ['VALIDATION_FAILED'] });
    const waits = [1, 2, 3, 4, 5].map((failures) => {
      const decision = decideRetry(policy, { failures, firstFailedAt: T0, failedAt: T0 });
      return decision.action === 'retry' ? (Date.parse(decision.nextDueAt) - Date.parse(T0)) / 1000 : decision.reason;
    });
    expect(waits).toEqual([1, 2, 4, 8, 10]);
    expect(decideRetry(policy, { failures: 6, firstFailedAt: T0, failedAt: T0 })).toEqual({ action: 'dead_letter', reason: 'max_attempts' });
    expect(decideRetry(policy, { failures: 1, firstFailedAt: T0, failedAt: T0, code: 'VALIDATION_FAILED' })).toEqual({ action: 'dead_letter', reason: 'non_retryable' });
  });

  it('an explicit schedule (Standard Webhooks): 8 attempts, then dead-lettered', () => {
    const policy = compileRetryPolicy({ intervals: STANDARD_WEBHOOKS_SCHEDULE });
    let failedAt = T0;
    const attemptsAt = [T0];
    for (let failures = 1; ; failures += 1) {
      const decision = decideRetry(policy, { failures, firstFailedAt: T0, failedAt });
      if (decision.action === 'dead_letter') {
        expect(decision.reason).toBe('max_attempts');
        break;
      }
      attemptsAt.push((failedAt = decision.nextDueAt));
    }
    expect(attemptsAt.map((at) => (Date.parse(at) - Date.parse(T0)) / 1000)).toEqual([0, 5, 305, 2105, 9305, 27305, 63305, 99305]);
  });

  it('a Retry-After longer than the scheduled wait is honoured, never past the deadline', () => {
    const policy = compileRetryPolicy({ initialInterval: { seconds: 5 }, deadline: { hours: 1 } });
    expect(decideRetry(policy, { failures: 1, firstFailedAt: T0, failedAt: T0, retryAfterMs: 120_000 })).toEqual({ action: 'retry', nextDueAt: minutes(2) });
    expect(decideRetry(policy, { failures: 1, firstFailedAt: T0, failedAt: T0, retryAfterMs: 1_000 })).toEqual({ action: 'retry', nextDueAt: addDuration(T0, { seconds: 5 }) });
    expect(decideRetry(policy, { failures: 1, firstFailedAt: T0, failedAt: T0, retryAfterMs: 7_200_000 })).toEqual({ action: 'retry', nextDueAt: minutes(60) });
  });

  it('jitter spreads waits within its share, deterministically per seed and attempt', () => {
    const policy = compileRetryPolicy({ jitter: 0.2 });
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 200 }), (seed, failures) => {
        const decision = decideRetry(policy, { failures, firstFailedAt: T0, failedAt: T0, seed });
        const again = decideRetry(policy, { failures, firstFailedAt: T0, failedAt: T0, seed });
        expect(decision).toEqual(again);
        if (decision.action !== 'retry') throw new Error('expected a retry');
        const wait = Date.parse(decision.nextDueAt) - Date.parse(T0);
        expect(wait).toBeGreaterThanOrEqual(15 * 60_000 * 0.8);
        expect(wait).toBeLessThanOrEqual(15 * 60_000 * 1.2);
      }),
    );
  });

  it('never schedules past the deadline nor before the failure, whatever the policy', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3_600_000 }), fc.double({ min: 1, max: 4, noNaN: true }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 80 * 60 }), (initial, coefficient, failures, elapsedMinutes) => {
        const policy = compileRetryPolicy({ initialInterval: initial, backoffCoefficient: coefficient });
        const failedAt = minutes(elapsedMinutes);
        const decision = decideRetry(policy, { failures, firstFailedAt: T0, failedAt });
        if (decision.action === 'retry') {
          expect(decision.nextDueAt > failedAt).toBe(true);
          expect(decision.nextDueAt <= addDuration(T0, { hours: 72 })).toBe(true);
        } else expect(elapsedMinutes).toBeGreaterThanOrEqual(72 * 60);
      }),
    );
  });

  it('refuses a wrong policy with every problem at its path', () => {
    expect(() => compileRetryPolicy({ initialInterval: 'soon', backoffCoefficient: 0.5, maximumAttempts: -1, jitter: 2, deadline: { months: 1 }, nonRetryableErrorCodes: [3] } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', issues: ['initialInterval', 'deadline', 'backoffCoefficient', 'maximumAttempts', 'jitter', 'nonRetryableErrorCodes'].map((key) => expect.objectContaining({ path: [key] })) }),
    );
    expect(() => decideRetry(compileRetryPolicy(), { failures: 0, firstFailedAt: T0, failedAt: T0 })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('defineRecurringSchedule', () => {
  it('every Sunday 22:00 Asia/Shanghai', () => {
    const weekly = defineRecurringSchedule({ zone: 'Asia/Shanghai', time: '22:00', weekdays: ['sun'] });
    expect(weekly.next(instant('2026-11-30T00:00:00Z'))).toBe('2026-12-06T14:00:00.000Z');
    expect(weekly.next(instant('2026-12-06T14:00:00Z')), 'strictly after').toBe('2026-12-13T14:00:00.000Z');
    expect(weekly.next(instant('2026-12-06T13:59:59.999Z'))).toBe('2026-12-06T14:00:00.000Z');
    expect(weekly.describe()).toBe('every sun at 22:00 (Asia/Shanghai)');
  });

  it('DST: a skipped wall time runs once just after the gap; a repeated one runs once, at its first reading', () => {
    const nightly = defineRecurringSchedule({ zone: 'America/New_York', time: '02:30' });
    // 2026-03-08: clocks jump from 02:00 EST to 03:00 EDT.
    expect(nightly.next(instant('2026-03-08T05:00:00Z'))).toBe('2026-03-08T07:30:00.000Z');
    expect(nightly.next(instant('2026-03-08T07:30:00Z'))).toBe('2026-03-09T06:30:00.000Z');
    const early = defineRecurringSchedule({ zone: 'America/New_York', time: '01:30' });
    // 2026-11-01: 01:00-02:00 happens twice; the first reading is 05:30Z, the second 06:30Z.
    expect(early.next(instant('2026-11-01T04:00:00Z'))).toBe('2026-11-01T05:30:00.000Z');
    expect(early.next(instant('2026-11-01T05:30:00Z')), 'not again at the second 01:30').toBe('2026-11-02T06:30:00.000Z');
  });

  it('occurrences are strictly increasing, one per matching local date, in any zone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Pacific/Chatham', 'Europe/London', 'Australia/Lord_Howe'),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom(0, 30, 45),
        fc.integer({ min: 0, max: 730 }),
        (zone, hour, minute, day) => {
          const schedule = defineRecurringSchedule({ zone, time: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`, weekdays: ['mon', 'thu'] });
          let at = addDuration(instant('2026-01-01T00:00:00Z'), { days: day });
          for (let i = 0; i < 6; i += 1) {
            const next = schedule.next(at);
            expect(next > at).toBe(true);
            expect(Date.parse(next) - Date.parse(at)).toBeLessThanOrEqual(5 * 86_400_000);
            at = next;
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a wrong schedule with every problem', () => {
    expect(() => defineRecurringSchedule({ zone: 'Mars/Base', time: '25:00', weekdays: ['sunday' as never] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['zone'] }), expect.objectContaining({ path: ['time'] }), expect.objectContaining({ path: ['weekdays', 0] })] }),
    );
  });
});
