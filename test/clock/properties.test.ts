// Property-based checks: wall-time round trips in many zones, business-time and duration algebra.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDuration,
  createBusinessCalendar,
  instantFromMillis,
  instantToMillis,
  isInstant,
  millisBetween,
  toInstant,
  toLocalDateTime,
  type Instant,
} from '../../src/clock/index.js';
import { hasErrorCode } from '../../src/errors/index.js';

// The four CI zones, plus a 1-hour-DST zone, a half-hour offset and a 30-minute DST.
const ZONES = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Pacific/Chatham', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe'] as const;

const instantBetween = (from: number, to: number): fc.Arbitrary<Instant> => fc.integer({ min: from, max: to }).map(instantFromMillis);
const years1900to2100 = instantBetween(Date.UTC(1900, 0, 1), Date.UTC(2100, 11, 31, 23, 59, 59, 999));
const zone = fc.constantFrom(...ZONES);

describe('toInstant(toLocalDateTime(i, zone), zone) round trip', () => {
  it('returns i under earlier or later, whichever matches, and under reject when unambiguous', () => {
    fc.assert(
      fc.property(years1900to2100, zone, (at, z) => {
        const local = toLocalDateTime(at, z);
        const earlier = toInstant(local, z, { disambiguation: 'earlier' });
        const later = toInstant(local, z, { disambiguation: 'later' });
        expect([earlier, later]).toContain(at);
        expect(earlier <= later).toBe(true);
        let rejected: unknown = null;
        try {
          expect(toInstant(local, z)).toBe(at);
        } catch (error) {
          rejected = error;
        }
        if (rejected !== null) {
          // Only a repeated wall time may be refused, and then the two readings differ.
          expect(hasErrorCode(rejected, 'AMBIGUOUS_LOCAL_TIME')).toBe(true);
          expect(earlier < later).toBe(true);
        } else {
          expect(earlier).toBe(later);
        }
        // The wall time of either reading is the same wall time: nothing drifts.
        expect(toLocalDateTime(earlier, z)).toBe(local);
        expect(toLocalDateTime(later, z)).toBe(local);
      }),
      { numRuns: 1500 },
    );
  });

  it('holds densely around DST transitions too (instants within a day of the 2026 changes)', () => {
    const near = (iso: string): fc.Arbitrary<Instant> => {
      const centre = Date.parse(iso);
      return fc.integer({ min: -43_200, max: 43_200 }).map((seconds) => instantFromMillis(centre + seconds * 1000));
    };
    const cases = fc.oneof(
      fc.tuple(near('2026-03-08T07:00:00Z'), fc.constant('America/New_York')),
      fc.tuple(near('2026-11-01T06:00:00Z'), fc.constant('America/New_York')),
      fc.tuple(near('2026-03-29T01:00:00Z'), fc.constant('Europe/London')),
      fc.tuple(near('2026-10-25T01:00:00Z'), fc.constant('Europe/London')),
      fc.tuple(near('2026-09-26T14:00:00Z'), fc.constant('Pacific/Chatham')),
      fc.tuple(near('2026-04-04T14:00:00Z'), fc.constant('Pacific/Chatham')),
      fc.tuple(near('2026-10-03T15:30:00Z'), fc.constant('Australia/Lord_Howe')),
      fc.tuple(near('2026-04-04T15:00:00Z'), fc.constant('Australia/Lord_Howe')),
    );
    fc.assert(
      fc.property(cases, ([at, z]) => {
        const local = toLocalDateTime(at, z);
        expect([toInstant(local, z, { disambiguation: 'earlier' }), toInstant(local, z, { disambiguation: 'later' })]).toContain(at);
      }),
      { numRuns: 800 },
    );
  });
});

describe('business time algebra', () => {
  const lunch = [['08:30', '12:00'], ['13:00', '17:30']] as const;
  const calendar = createBusinessCalendar({
    zone: 'America/New_York',
    workingHours: { mon: lunch, tue: lunch, wed: lunch, thu: lunch, fri: lunch, sat: [['10:00', '14:00']], sun: [['01:30', '03:30']] },
    holidays: ['2026-07-03', '2026-11-26', '2026-12-25', '2027-01-01'],
    extraWorkingDays: [{ date: '2026-11-29', hours: [['09:00', '17:00']] }],
  });
  // Two years around the 2026 DST changes; durations up to 80 business hours, to the millisecond.
  const start = instantBetween(Date.UTC(2026, 0, 1), Date.UTC(2027, 11, 31));
  const duration = fc.integer({ min: 0, max: 80 * 3_600_000 });

  it('addBusinessTime(x, a + b) === addBusinessTime(addBusinessTime(x, a), b)', () => {
    fc.assert(
      fc.property(start, duration, duration, (x, a, b) => {
        expect(calendar.addBusinessTime(x, a + b)).toBe(calendar.addBusinessTime(calendar.addBusinessTime(x, a), b));
      }),
      { numRuns: 300 },
    );
  });

  it('businessTimeBetween(x, addBusinessTime(x, d)) === d, and the result is the earliest such instant', () => {
    fc.assert(
      fc.property(start, duration, (x, d) => {
        const end = calendar.addBusinessTime(x, d);
        expect(calendar.businessTimeBetween(x, end)).toBe(d);
        if (d > 0) {
          expect(calendar.businessTimeBetween(x, addDuration(end, -1))).toBe(d - 1);
          // Work completes during working time: the last millisecond before `end` was worked.
          expect(calendar.isWorkingTime(addDuration(end, -1))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('businessTimeBetween is additive and antisymmetric', () => {
    fc.assert(
      fc.property(start, start, start, (a, b, c) => {
        expect(calendar.businessTimeBetween(a, b) + calendar.businessTimeBetween(b, c)).toBe(calendar.businessTimeBetween(a, c));
        expect(calendar.businessTimeBetween(b, a) + calendar.businessTimeBetween(a, b)).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('nextWorkingTime is working time, is x itself when x is, and no working time lies between', () => {
    fc.assert(
      fc.property(start, (x) => {
        const next = calendar.nextWorkingTime(x);
        expect(calendar.isWorkingTime(next)).toBe(true);
        expect(next >= x).toBe(true);
        if (calendar.isWorkingTime(x)) expect(next).toBe(x);
        expect(calendar.businessTimeBetween(x, next)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('addDuration and millisBetween', () => {
  // Wide enough for any year, narrow enough that ±1e12 ms (about 31 years) stays inside 0000-9999.
  const anyInstant = instantBetween(Date.UTC(100, 0, 1), Date.UTC(9900, 11, 31));
  const delta = fc.integer({ min: -1e12, max: 1e12 });

  it('are inverses', () => {
    fc.assert(
      fc.property(anyInstant, delta, (at, d) => {
        const moved = addDuration(at, d);
        expect(millisBetween(at, moved)).toBe(d);
        expect(addDuration(moved, -d)).toBe(at);
        expect(instantToMillis(moved)).toBe(instantToMillis(at) + d);
      }),
      { numRuns: 500 },
    );
  });

  it('keep text order equal to time order', () => {
    fc.assert(
      fc.property(anyInstant, anyInstant, (a, b) => {
        expect(a < b).toBe(millisBetween(a, b) > 0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('isInstant', () => {
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  const roundTrip = (text: string): boolean => {
    const millis = Date.parse(text);
    return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(text) && !Number.isNaN(millis) && new Date(millis).toISOString() === text;
  };

  it('accepts exactly the texts that survive a round trip through Date (checked by fields, not by the round trip)', () => {
    const field = (max: number) => fc.integer({ min: 0, max });
    fc.assert(
      fc.property(field(9999), field(13), field(32), field(25), field(61), field(61), field(999), (y, mo, d, h, mi, s, ms) => {
        const text = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`;
        expect(isInstant(text)).toBe(roundTrip(text));
      }),
      { numRuns: 20_000 },
    );
    for (const text of ['2024-02-29T00:00:00.000Z', '2000-02-29T12:00:00.000Z', '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) expect(isInstant(text)).toBe(true);
    for (const text of ['2026-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T00:00:60.000Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000+00:00']) expect(isInstant(text)).toBe(false);
  });
});
