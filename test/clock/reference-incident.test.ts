// The reference incident: a Singapore server cancelled a New York promotion 13 hours early.
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createDeadline,
  createTimeWindow,
  describeDeadline,
  instant,
  isDeadlinePassed,
  isWithinWindow,
  millisBetween,
  timeUntilDeadline,
  windowState,
  type Instant,
} from '../../src/clock/index.js';

const PROMOTION = { start: '2025-12-26T00:00', end: '2026-01-01T00:00', zone: 'America/New_York' } as const;
const STILL_RUNNING = instant('2025-12-31T23:00:00-05:00'); // one hour before midnight in New York
const OVER = instant('2026-01-01T05:00:00Z'); // midnight in New York, exactly
const SINGAPORE_CANCELLED_AT = instant('2026-01-01T00:00:00+08:00'); // midnight in Singapore

/** Everything the promotion logic answers, so runs under different process zones can be compared. */
function evaluate(): Record<string, unknown> {
  const promotion = createTimeWindow(PROMOTION);
  const end = createDeadline(PROMOTION.end, PROMOTION.zone);
  const at = (now: Instant): unknown => ({
    state: windowState(promotion, now),
    within: isWithinWindow(promotion, now),
    passed: isDeadlinePassed(end, now),
    until: timeUntilDeadline(end, now),
  });
  return {
    promotion,
    end,
    described: describeDeadline(end),
    running: at(STILL_RUNNING),
    over: at(OVER),
    singaporeMidnight: at(SINGAPORE_CANCELLED_AT),
  };
}

const originalTz = process.env.TZ;

function setProcessZone(zone: string): void {
  process.env.TZ = zone;
}

function restoreProcessZone(): void {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
}

describe('the reference incident (promotion ending 2026-01-01T00:00 America/New_York, server in Singapore)', () => {
  beforeEach(() => setProcessZone('Asia/Singapore'));
  afterEach(restoreProcessZone);

  it('really runs in a Singapore process (precondition, so the test cannot pass vacuously)', () => {
    expect(new Date(2026, 0, 1).getTimezoneOffset()).toBe(-480);
    expect(DateTime.fromISO('2026-01-01T00:00').offset).toBe(480);
  });

  it('is still running at 2025-12-31T23:00:00-05:00 and over at 2026-01-01T05:00:00Z', () => {
    const promotion = createTimeWindow(PROMOTION);
    expect(promotion.endInstant).toBe('2026-01-01T05:00:00.000Z');
    expect(windowState(promotion, STILL_RUNNING)).toBe('running');
    expect(isWithinWindow(promotion, STILL_RUNNING)).toBe(true);
    expect(windowState(promotion, OVER)).toBe('over');
    expect(isWithinWindow(promotion, OVER)).toBe(false);
    // One millisecond before the end it still runs: the end is exclusive, nothing is rounded.
    expect(windowState(promotion, instant(Date.UTC(2026, 0, 1, 5) - 1))).toBe('running');
  });

  it('is still running at midnight Singapore time, when the incident cancelled the orders', () => {
    const promotion = createTimeWindow(PROMOTION);
    expect(windowState(promotion, SINGAPORE_CANCELLED_AT)).toBe('running');
    const end = createDeadline(PROMOTION.end, PROMOTION.zone);
    expect(isDeadlinePassed(end, SINGAPORE_CANCELLED_AT)).toBe(false);
    expect(timeUntilDeadline(end, SINGAPORE_CANCELLED_AT)).toBe(13 * 3_600_000);
  });

  it('prints the deadline in its own zone and in UTC, whatever the server zone', () => {
    expect(describeDeadline(createDeadline(PROMOTION.end, PROMOTION.zone))).toBe(
      '2026-01-01T00:00:00-05:00 [America/New_York] = 2026-01-01T05:00:00.000Z',
    );
  });

  it('demonstrates the bug the API prevents: reading the wall time in the process zone ends 13 hours early', () => {
    // What the incident's code did: parse the deadline text with no zone, i.e. in the server's zone.
    const naiveEnd = DateTime.fromISO(PROMOTION.end).toUTC().toISO();
    expect(naiveEnd).toBe('2025-12-31T16:00:00.000Z');
    const naiveIsOver = (now: Instant): boolean => now >= instant(naiveEnd as string);

    const correctEnd = createDeadline(PROMOTION.end, PROMOTION.zone);
    expect(millisBetween(instant(naiveEnd as string), correctEnd.instant)).toBe(13 * 3_600_000);
    // At 23:00 in New York the naive reading had already cancelled the promotion; Ordo has not.
    expect(naiveIsOver(STILL_RUNNING)).toBe(true);
    expect(isDeadlinePassed(correctEnd, STILL_RUNNING)).toBe(false);
  });

  it('cannot make the same mistake: a deadline written with an offset or a bare abbreviation is refused', () => {
    expect(() => createDeadline('2026-01-01T00:00:00+08:00', PROMOTION.zone)).toThrow(/not a wall time/);
    expect(() => createDeadline(PROMOTION.end, 'EST')).toThrow(/Unknown time zone "EST"/);
  });
});

describe('the same promotion is independent of the process time zone', () => {
  afterEach(restoreProcessZone);

  it('gives identical answers under UTC, Singapore, Shanghai, New York, Chatham and Kolkata', () => {
    const zones = ['UTC', 'Asia/Singapore', 'Asia/Shanghai', 'America/New_York', 'Pacific/Chatham', 'Asia/Kolkata'];
    const results = zones.map((zone) => {
      setProcessZone(zone);
      return evaluate();
    });
    for (const result of results) expect(result).toStrictEqual(results[0]);
    expect(results[0]).toMatchObject({
      running: { state: 'running', within: true, passed: false, until: 3_600_000 },
      over: { state: 'over', within: false, passed: true, until: 0 },
    });
  });

  it('while the naive reading changes with the process zone (so the zones above were really in effect)', () => {
    const naive = ['UTC', 'Asia/Singapore', 'America/New_York'].map((zone) => {
      setProcessZone(zone);
      return DateTime.fromISO(PROMOTION.end).toUTC().toISO();
    });
    expect(naive).toEqual(['2026-01-01T00:00:00.000Z', '2025-12-31T16:00:00.000Z', '2026-01-01T05:00:00.000Z']);
  });
});
