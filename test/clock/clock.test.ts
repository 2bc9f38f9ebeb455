// Injectable clocks and instant arithmetic: fixed, offset and manual clocks, strict input, durations.
import { describe, expect, it } from 'vitest';
import {
  addDuration,
  compareInstants,
  createFixedClock,
  createManualClock,
  createOffsetClock,
  durationToMillis,
  instant,
  instantFromMillis,
  instantToMillis,
  isAfter,
  isBefore,
  isInstant,
  maxInstant,
  millisBetween,
  minInstant,
  systemClock,
} from '../../src/clock/index.js';
import { isTimeError } from '../../src/errors/index.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('createFixedClock', () => {
  it('always returns the same canonical instant, whatever offset it was given', () => {
    const clock = createFixedClock('2025-12-31T23:00:00-05:00');
    expect(clock.now()).toBe('2026-01-01T04:00:00.000Z');
    expect(clock.now()).toBe(clock.now());
    expect(clock.millis()).toBe(Date.UTC(2026, 0, 1, 4));
  });

  it('accepts epoch milliseconds and canonical instants', () => {
    expect(createFixedClock(0).now()).toBe('1970-01-01T00:00:00.000Z');
    expect(createFixedClock(instant('2026-06-18T00:00:00+08:00')).now()).toBe('2026-06-17T16:00:00.000Z');
  });

  it('accepts every offset spelling: Z, +08:00, +0800, +08', () => {
    for (const text of ['2026-06-17T16:00:00Z', '2026-06-18T00:00:00+08:00', '2026-06-18T00:00:00+0800', '2026-06-18T00:00:00+08']) {
      expect(createFixedClock(text).now()).toBe('2026-06-17T16:00:00.000Z');
    }
  });

  it('refuses start text without an offset, saying how to fix it', () => {
    expect(() => createFixedClock('2026-01-01T00:00:00')).toThrow(/has no offset/);
    expect(codeOf(() => createFixedClock('2026-01-01T00:00'))).toBe('INVALID_INSTANT');
    expect(codeOf(() => createFixedClock('2026-01-01'))).toBe('INVALID_INSTANT');
  });

  it('refuses impossible or non-ISO text that Date.parse would accept', () => {
    for (const text of ['2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z', 'Tue, 01 Jan 2026 00:00:00 +0800', 'yesterday Z', '']) {
      expect(codeOf(() => createFixedClock(text)), text).toBe('INVALID_INSTANT');
    }
  });

  it('refuses non-integer and out-of-range epoch milliseconds', () => {
    expect(codeOf(() => createFixedClock(1.5))).toBe('INVALID_INSTANT');
    expect(codeOf(() => createFixedClock(Number.NaN))).toBe('INVALID_INSTANT');
    expect(codeOf(() => createFixedClock(8.64e15))).toBe('INVALID_INSTANT');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(createFixedClock(0))).toBe(true);
  });
});

describe('createOffsetClock', () => {
  it('runs ahead of (or behind) its base clock by the offset', () => {
    const base = createManualClock('2026-01-01T00:00:00Z');
    const ahead = createOffsetClock(base, { hours: 13 });
    const behind = createOffsetClock(base, '-PT30M');
    expect(ahead.now()).toBe('2026-01-01T13:00:00.000Z');
    expect(behind.now()).toBe('2025-12-31T23:30:00.000Z');
    base.advance(1000);
    expect(ahead.millis() - base.millis()).toBe(13 * 3_600_000);
    expect(ahead.now()).toBe('2026-01-01T13:00:01.000Z');
  });

  it('refuses calendar offsets', () => {
    expect(codeOf(() => createOffsetClock(systemClock, 'P1M'))).toBe('INVALID_DURATION');
  });
});

describe('createManualClock', () => {
  it('stands still until advanced, then moves by exactly the duration', () => {
    const clock = createManualClock('2026-06-18T00:00:00+08:00');
    expect(clock.now()).toBe('2026-06-17T16:00:00.000Z');
    expect(clock.now()).toBe('2026-06-17T16:00:00.000Z');
    expect(clock.advance({ minutes: 15 })).toBe('2026-06-17T16:15:00.000Z');
    expect(clock.advance('PT1H')).toBe('2026-06-17T17:15:00.000Z');
    expect(clock.advance(-900_000)).toBe('2026-06-17T17:00:00.000Z');
    expect(clock.now()).toBe('2026-06-17T17:00:00.000Z');
  });

  it('jumps with set(), also back in time, and refuses offset-less text there too', () => {
    const clock = createManualClock(0);
    clock.set('2026-01-01T05:00:00Z');
    expect(clock.now()).toBe('2026-01-01T05:00:00.000Z');
    clock.set(instantFromMillis(1000));
    expect(clock.millis()).toBe(1000);
    expect(codeOf(() => clock.set('2026-01-01T00:00'))).toBe('INVALID_INSTANT');
    expect(clock.millis()).toBe(1000);
  });

  it('refuses an offset-less start', () => {
    const attempt = (): unknown => createManualClock('2026-06-18 10:00:00');
    expect(attempt).toThrow(/has no offset/);
    expect(isTimeError((() => { try { attempt(); } catch (error) { return error; } return null; })())).toBe(true);
  });

  it('refuses to advance past year 9999', () => {
    const clock = createManualClock('9999-12-31T23:59:59Z');
    expect(codeOf(() => clock.advance({ seconds: 1 }))).toBe('INVALID_INSTANT');
    expect(clock.now()).toBe('9999-12-31T23:59:59.000Z');
  });
});

describe('systemClock', () => {
  it('returns a canonical instant consistent with millis()', () => {
    const now = systemClock.now();
    expect(isInstant(now)).toBe(true);
    expect(Math.abs(systemClock.millis() - instantToMillis(now))).toBeLessThan(60_000);
  });
});

describe('durationToMillis', () => {
  it('reads ISO-8601 durations', () => {
    expect(durationToMillis('PT15M')).toBe(900_000);
    expect(durationToMillis('PT72H')).toBe(259_200_000);
    expect(durationToMillis('P1DT0.5S')).toBe(86_400_500);
    expect(durationToMillis('P2W')).toBe(14 * 86_400_000);
  });

  it('reads unit objects up to weeks, mixing units', () => {
    expect(durationToMillis({ hours: 1, minutes: 30 })).toBe(5_400_000);
    expect(durationToMillis({ weeks: 1, days: 1 })).toBe(8 * 86_400_000);
    expect(durationToMillis({ milliseconds: 7 })).toBe(7);
    expect(durationToMillis({})).toBe(0);
  });

  it('reads integer milliseconds, negative included', () => {
    expect(durationToMillis(900_000)).toBe(900_000);
    expect(durationToMillis(-1)).toBe(-1);
  });

  it('refuses months and years in every spelling: they have no fixed length', () => {
    for (const input of ['P1M', 'P1Y', 'P1Q', { months: 1 }, { years: 1 }, { month: 1 }]) {
      expect(codeOf(() => durationToMillis(input as never)), JSON.stringify(input)).toBe('INVALID_DURATION');
    }
    expect(() => durationToMillis({ months: 1 } as never)).toThrow(/months or years/);
  });

  it('refuses malformed durations', () => {
    for (const input of ['15 minutes', 'PT', '', 1.5, Number.POSITIVE_INFINITY, { hours: '1' }, { fortnights: 1 }, { hours: Number.NaN }]) {
      expect(codeOf(() => durationToMillis(input as never)), JSON.stringify(input)).toBe('INVALID_DURATION');
    }
  });
});

describe('instant arithmetic', () => {
  const a = instant('2026-01-01T00:00:00Z');
  const b = instant('2026-01-01T05:00:00Z');

  it('adds durations and measures the distance between instants', () => {
    expect(addDuration(a, { hours: 5 })).toBe(b);
    expect(addDuration(b, '-PT5H')).toBe(a);
    expect(millisBetween(a, b)).toBe(5 * 3_600_000);
    expect(millisBetween(b, a)).toBe(-5 * 3_600_000);
  });

  it('compares instants', () => {
    expect(compareInstants(a, b)).toBe(-1);
    expect(compareInstants(b, a)).toBe(1);
    expect(compareInstants(a, a)).toBe(0);
    expect(isBefore(a, b)).toBe(true);
    expect(isAfter(a, b)).toBe(false);
    expect(maxInstant(a, b)).toBe(b);
    expect(minInstant(a, b)).toBe(a);
  });

  it('compares the extreme years 0000 and 9999 in time order', () => {
    expect(isBefore(instantFromMillis(-62_167_219_200_000), instantFromMillis(253_402_300_799_999))).toBe(true);
  });

  it('isInstant accepts only canonical, real instants', () => {
    expect(isInstant('2026-01-01T05:00:00.000Z')).toBe(true);
    expect(isInstant('2026-01-01T05:00:00Z')).toBe(false);
    expect(isInstant('2026-01-01T00:00:00.000-05:00')).toBe(false);
    expect(isInstant('2026-02-30T00:00:00.000Z')).toBe(false);
    expect(isInstant(Date.UTC(2026, 0, 1))).toBe(false);
    expect(isInstant(null)).toBe(false);
  });
});
