// Wall times becoming instants: DST gaps and overlaps, odd offsets, far past and future, bad input.
import { describe, expect, it } from 'vitest';
import {
  DISAMBIGUATIONS,
  formatInZone,
  instant,
  localDateTime,
  resolveZone,
  toInstant,
  toLocalDateTime,
  zoneOffsetMinutes,
  type Disambiguation,
} from '../../src/clock/index.js';
import { isOrdoError, isTimeError, type OrdoError } from '../../src/errors/index.js';

function errorOf(fn: () => unknown): OrdoError {
  try {
    fn();
  } catch (error) {
    if (isOrdoError(error)) return error;
    throw error;
  }
  throw new Error('expected an error, got none');
}

const all = (local: string, zone: string): Record<Disambiguation, string> => {
  const read = (disambiguation: Disambiguation): string => {
    try {
      return toInstant(local, zone, { disambiguation });
    } catch (error) {
      return (error as OrdoError).code;
    }
  };
  return { reject: read('reject'), earlier: read('earlier'), later: read('later'), compatible: read('compatible') };
};

describe('localDateTime', () => {
  it('canonicalises wall times, with or without seconds, T or space', () => {
    expect(localDateTime('2026-01-01T00:00')).toBe('2026-01-01T00:00:00');
    expect(localDateTime('2026-01-01 09:05:07')).toBe('2026-01-01T09:05:07');
    expect(localDateTime('2026-01-01T09:05:07.5')).toBe('2026-01-01T09:05:07.500');
  });

  it('refuses text with an offset: that is an instant, not a wall time', () => {
    for (const text of ['2026-01-01T00:00Z', '2026-01-01T00:00:00+08:00', '2026-01-01T00:00:00-0500']) {
      expect(errorOf(() => localDateTime(text)).code, text).toBe('INVALID_LOCAL_DATE_TIME');
    }
  });

  it('refuses impossible dates and times', () => {
    for (const text of ['2026-02-30T00:00', '2026-02-29T00:00', '2026-13-01T00:00', '2026-04-31T12:00', '2026-01-01T24:00', '2026-01-01T25:00', '2026-01-01T12:60', '2026-01-01T12:00:60', '1900-02-29T00:00', '2100-02-29T00:00', 'tomorrow', '']) {
      expect(errorOf(() => localDateTime(text)).code, text).toBe('INVALID_LOCAL_DATE_TIME');
    }
  });

  it('accepts leap days, including 2000 and the proleptic year 0000', () => {
    expect(localDateTime('2024-02-29T12:00')).toBe('2024-02-29T12:00:00');
    expect(localDateTime('2000-02-29T12:00')).toBe('2000-02-29T12:00:00');
    expect(localDateTime('0000-02-29T00:00')).toBe('0000-02-29T00:00:00');
    expect(toInstant('2028-02-29T23:30', 'Asia/Shanghai')).toBe('2028-02-29T15:30:00.000Z');
    expect(toInstant('2024-02-29T23:30', 'America/New_York')).toBe('2024-03-01T04:30:00.000Z');
  });
});

describe('resolveZone', () => {
  it('accepts IANA names and UTC', () => {
    for (const zone of ['UTC', 'Etc/UTC', 'Asia/Shanghai', 'America/New_York', 'Pacific/Chatham', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
      expect(resolveZone(zone).isValid, zone).toBe(true);
    }
  });

  it('refuses abbreviations, invented and empty names with UNKNOWN_TIME_ZONE', () => {
    for (const zone of ['EST', 'CST', 'PST', 'GMT+8', 'Mars/Olympus', 'Asia/Beijing', '', ' ']) {
      const error = errorOf(() => resolveZone(zone));
      expect(error.code, zone).toBe('UNKNOWN_TIME_ZONE');
      expect(isTimeError(error)).toBe(true);
      expect(error.details).toEqual({ zone });
    }
    expect(errorOf(() => toInstant('2026-01-01T00:00', 'EST')).code).toBe('UNKNOWN_TIME_ZONE');
    expect(errorOf(() => toLocalDateTime(instant(0), 'Mars/Olympus')).code).toBe('UNKNOWN_TIME_ZONE');
    expect(errorOf(() => formatInZone(instant(0), '')).code).toBe('UNKNOWN_TIME_ZONE');
  });
});

describe('toInstant on ordinary times', () => {
  it('reads the wall time in the given zone only', () => {
    expect(toInstant('2026-01-01T00:00', 'America/New_York')).toBe('2026-01-01T05:00:00.000Z');
    expect(toInstant('2026-07-01T00:00', 'America/New_York')).toBe('2026-07-01T04:00:00.000Z');
    expect(toInstant('2026-06-18T10:00', 'Asia/Shanghai')).toBe('2026-06-18T02:00:00.000Z');
    expect(toInstant('2026-01-01T00:00', 'UTC')).toBe('2026-01-01T00:00:00.000Z');
  });

  it('handles half-hour and 45-minute offsets: Asia/Kolkata +05:30, Pacific/Chatham +12:45/+13:45', () => {
    expect(toInstant('2026-01-01T00:00', 'Asia/Kolkata')).toBe('2025-12-31T18:30:00.000Z');
    expect(zoneOffsetMinutes('Asia/Kolkata', instant('2026-07-01T00:00:00Z'))).toBe(330);
    expect(toInstant('2026-07-01T12:00', 'Pacific/Chatham')).toBe('2026-06-30T23:15:00.000Z'); // winter, +12:45
    expect(toInstant('2026-01-01T12:00', 'Pacific/Chatham')).toBe('2025-12-31T22:15:00.000Z'); // summer, +13:45
    expect(formatInZone(instant('2025-12-31T22:15:00Z'), 'Pacific/Chatham')).toBe('2026-01-01T12:00:00+13:45 [Pacific/Chatham]');
  });

  it('handles dates before 1970, including historical offsets with seconds', () => {
    expect(toInstant('1950-01-15T12:00', 'America/New_York')).toBe('1950-01-15T17:00:00.000Z');
    expect(toInstant('1950-07-01T12:00', 'America/New_York')).toBe('1950-07-01T16:00:00.000Z'); // DST in 1950
    expect(toInstant('1950-07-01T12:00', 'Europe/London')).toBe('1950-07-01T11:00:00.000Z');
    expect(toInstant('1900-06-01T12:00', 'America/New_York')).toBe('1900-06-01T17:00:00.000Z');
    // Madras Mean Time, +05:21:10, until 1906: whole milliseconds, no float residue.
    expect(toInstant('1900-06-01T12:00', 'Asia/Kolkata')).toBe('1900-06-01T06:38:50.000Z');
    expect(toLocalDateTime(instant('1900-06-01T06:38:50Z'), 'Asia/Kolkata')).toBe('1900-06-01T12:00:00');
    expect(errorOf(() => toInstant('1950-04-30T02:30', 'America/New_York')).code).toBe('NONEXISTENT_LOCAL_TIME');
  });

  it('handles dates after 2038 (no 32-bit overflow), with DST rules carried forward', () => {
    expect(toInstant('2040-07-01T12:00', 'America/New_York')).toBe('2040-07-01T16:00:00.000Z');
    expect(toInstant('2040-07-01T12:00', 'Europe/London')).toBe('2040-07-01T11:00:00.000Z');
    expect(toInstant('2100-01-01T00:00', 'America/New_York')).toBe('2100-01-01T05:00:00.000Z');
    expect(all('2040-03-11T02:30', 'America/New_York')).toEqual({
      reject: 'NONEXISTENT_LOCAL_TIME',
      earlier: '2040-03-11T06:30:00.000Z',
      later: '2040-03-11T07:30:00.000Z',
      compatible: '2040-03-11T07:30:00.000Z',
    });
    expect(all('2100-03-14T02:30', 'America/New_York').reject).toBe('NONEXISTENT_LOCAL_TIME');
  });

  it('refuses an unknown disambiguation with a ValidationError', () => {
    const error = errorOf(() => toInstant('2026-01-01T00:00', 'UTC', { disambiguation: 'nearest' as never }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(DISAMBIGUATIONS).toEqual(['reject', 'earlier', 'later', 'compatible']);
  });

  it('explains a malformed wall time', () => {
    expect(errorOf(() => toInstant('2026-02-30T00:00', 'UTC')).code).toBe('INVALID_LOCAL_DATE_TIME');
  });
});

describe('DST gaps (clocks skip forward)', () => {
  it('America/New_York 2026-03-08: 02:00-02:59 does not exist', () => {
    expect(all('2026-03-08T02:30', 'America/New_York')).toEqual({
      reject: 'NONEXISTENT_LOCAL_TIME',
      earlier: '2026-03-08T06:30:00.000Z', // 01:30 EST
      later: '2026-03-08T07:30:00.000Z', // 03:30 EDT
      compatible: '2026-03-08T07:30:00.000Z',
    });
    expect(formatInZone(instant('2026-03-08T06:30:00Z'), 'America/New_York')).toBe('2026-03-08T01:30:00-05:00 [America/New_York]');
    expect(formatInZone(instant('2026-03-08T07:30:00Z'), 'America/New_York')).toBe('2026-03-08T03:30:00-04:00 [America/New_York]');
    // Both sides of the gap are ordinary times.
    expect(toInstant('2026-03-08T01:59:59', 'America/New_York')).toBe('2026-03-08T06:59:59.000Z');
    expect(toInstant('2026-03-08T03:00', 'America/New_York')).toBe('2026-03-08T07:00:00.000Z');
    expect(all('2026-03-08T02:00', 'America/New_York').reject).toBe('NONEXISTENT_LOCAL_TIME');
  });

  it('names the zone and wall time in the rejection', () => {
    const error = errorOf(() => toInstant('2026-03-08T02:30', 'America/New_York'));
    expect(error.message).toMatch(/2026-03-08T02:30:00 does not exist in America\/New_York/);
    expect(error.details).toEqual({ zone: 'America/New_York', local: '2026-03-08T02:30:00' });
  });

  it('Europe/London 2026-03-29: 01:00-01:59 does not exist', () => {
    expect(all('2026-03-29T01:30', 'Europe/London')).toEqual({
      reject: 'NONEXISTENT_LOCAL_TIME',
      earlier: '2026-03-29T00:30:00.000Z', // 00:30 GMT
      later: '2026-03-29T01:30:00.000Z', // 02:30 BST
      compatible: '2026-03-29T01:30:00.000Z',
    });
  });

  it('Pacific/Chatham 2026-09-27: its own DST starts at 02:45, so 02:45-03:44 does not exist', () => {
    expect(all('2026-09-27T03:00', 'Pacific/Chatham')).toEqual({
      reject: 'NONEXISTENT_LOCAL_TIME',
      earlier: '2026-09-26T13:15:00.000Z', // 02:00 +12:45
      later: '2026-09-26T14:15:00.000Z', // 04:00 +13:45
      compatible: '2026-09-26T14:15:00.000Z',
    });
    expect(toInstant('2026-09-27T02:44', 'Pacific/Chatham')).toBe('2026-09-26T13:59:00.000Z');
    expect(toInstant('2026-09-27T03:45', 'Pacific/Chatham')).toBe('2026-09-26T14:00:00.000Z');
  });

  it('Australia/Lord_Howe 2026-10-04: a 30-minute gap, 02:00-02:29', () => {
    expect(all('2026-10-04T02:15', 'Australia/Lord_Howe')).toEqual({
      reject: 'NONEXISTENT_LOCAL_TIME',
      earlier: '2026-10-03T15:15:00.000Z',
      later: '2026-10-03T15:45:00.000Z',
      compatible: '2026-10-03T15:45:00.000Z',
    });
  });
});

describe('DST overlaps (clocks fall back)', () => {
  it('America/New_York 2026-11-01: 01:00-01:59 happens twice', () => {
    expect(all('2026-11-01T01:30', 'America/New_York')).toEqual({
      reject: 'AMBIGUOUS_LOCAL_TIME',
      earlier: '2026-11-01T05:30:00.000Z', // 01:30 EDT
      later: '2026-11-01T06:30:00.000Z', // 01:30 EST
      compatible: '2026-11-01T05:30:00.000Z',
    });
    const error = errorOf(() => toInstant('2026-11-01T01:30', 'America/New_York'));
    expect(error.details).toEqual({
      zone: 'America/New_York',
      local: '2026-11-01T01:30:00',
      earlier: '2026-11-01T05:30:00.000Z',
      later: '2026-11-01T06:30:00.000Z',
    });
    expect(toInstant('2026-11-01T02:00', 'America/New_York')).toBe('2026-11-01T07:00:00.000Z');
  });

  it('Europe/London 2026-10-25: 01:00-01:59 happens twice', () => {
    expect(all('2026-10-25T01:30', 'Europe/London')).toEqual({
      reject: 'AMBIGUOUS_LOCAL_TIME',
      earlier: '2026-10-25T00:30:00.000Z', // 01:30 BST
      later: '2026-10-25T01:30:00.000Z', // 01:30 GMT
      compatible: '2026-10-25T00:30:00.000Z',
    });
  });

  it('Pacific/Chatham 2026-04-05: DST ends at 03:45, so 02:45-03:44 happens twice', () => {
    expect(all('2026-04-05T03:00', 'Pacific/Chatham')).toEqual({
      reject: 'AMBIGUOUS_LOCAL_TIME',
      earlier: '2026-04-04T13:15:00.000Z', // 03:00 +13:45
      later: '2026-04-04T14:15:00.000Z', // 03:00 +12:45
      compatible: '2026-04-04T13:15:00.000Z',
    });
    expect(toInstant('2026-04-05T02:44', 'Pacific/Chatham')).toBe('2026-04-04T12:59:00.000Z');
  });

  it('Asia/Shanghai 1900-12-31: leaving local mean time (+08:05:43) repeated 5 min 43 s', () => {
    expect(all('1900-12-31T23:58', 'Asia/Shanghai')).toEqual({
      reject: 'AMBIGUOUS_LOCAL_TIME',
      earlier: '1900-12-31T15:52:17.000Z',
      later: '1900-12-31T15:58:00.000Z',
      compatible: '1900-12-31T15:52:17.000Z',
    });
  });
});

describe('toLocalDateTime and formatInZone', () => {
  it('show an instant as the wall time of a zone, the same everywhere', () => {
    const at = instant('2026-01-01T04:00:00Z');
    expect(toLocalDateTime(at, 'America/New_York')).toBe('2025-12-31T23:00:00');
    expect(toLocalDateTime(at, 'Asia/Singapore')).toBe('2026-01-01T12:00:00');
    expect(toLocalDateTime(instant('2026-01-01T04:00:00.250Z'), 'Asia/Kolkata')).toBe('2026-01-01T09:30:00.250');
    expect(formatInZone(at, 'America/New_York')).toBe('2025-12-31T23:00:00-05:00 [America/New_York]');
    expect(formatInZone(at, 'UTC')).toBe('2026-01-01T04:00:00+00:00 [UTC]');
  });

  it('tell the two 01:30s of a fall-back night apart by their offset', () => {
    expect(formatInZone(instant('2026-11-01T05:30:00Z'), 'America/New_York')).toBe('2026-11-01T01:30:00-04:00 [America/New_York]');
    expect(formatInZone(instant('2026-11-01T06:30:00Z'), 'America/New_York')).toBe('2026-11-01T01:30:00-05:00 [America/New_York]');
  });
});
