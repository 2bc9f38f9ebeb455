// Boundary parsing of instants: offsets required unless a zone is declared; typed issues otherwise.
import { describe, expect, it } from 'vitest';
import { instantSchema, parseInstant } from '../../src/clock/index.js';
import { isValidationError } from '../../src/errors/index.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

/** The Ordo error code a rejected value's first issue carries. */
function ordoCodeOf(result: { error?: { issues: readonly unknown[] } | undefined }): unknown {
  const issue = result.error?.issues[0] as { params?: { ordoCode?: unknown } } | undefined;
  return issue?.params?.ordoCode;
}

describe('instantSchema()', () => {
  const schema = instantSchema();

  it('accepts Z and every offset spelling, normalising to canonical UTC', () => {
    expect(schema.parse('2026-06-18T02:00:00Z')).toBe('2026-06-18T02:00:00.000Z');
    expect(schema.parse('2026-06-18T02:00:00z')).toBe('2026-06-18T02:00:00.000Z');
    expect(schema.parse('2026-06-18T10:00:00+08:00')).toBe('2026-06-18T02:00:00.000Z');
    expect(schema.parse('2026-06-18T10:00:00+0800')).toBe('2026-06-18T02:00:00.000Z');
    expect(schema.parse('2026-06-18T10:00:00+08')).toBe('2026-06-18T02:00:00.000Z');
    expect(schema.parse('2026-06-18 10:00+08:00')).toBe('2026-06-18T02:00:00.000Z');
    expect(schema.parse('2026-06-17T21:00:00-05:00')).toBe('2026-06-18T02:00:00.000Z');
    expect(schema.parse('2026-06-18T07:30:00+05:30')).toBe('2026-06-18T02:00:00.000Z');
    expect(schema.parse('2026-06-18T14:45:00+12:45')).toBe('2026-06-18T02:00:00.000Z');
  });

  it('keeps milliseconds and truncates finer fractions', () => {
    expect(schema.parse('2026-06-18T02:00:00.5Z')).toBe('2026-06-18T02:00:00.500Z');
    expect(schema.parse('2026-06-18T02:00:00.123456789Z')).toBe('2026-06-18T02:00:00.123Z');
  });

  it('accepts epoch milliseconds', () => {
    expect(schema.parse(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(schema.parse(1_781_748_000_000)).toBe('2026-06-18T02:00:00.000Z');
    expect(schema.parse(-2_208_988_800_000)).toBe('1900-01-01T00:00:00.000Z');
  });

  it('refuses offset-less text without a zone, saying why', () => {
    const result = schema.safeParse('2026-06-18 10:00:00');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/has no offset/);
    expect(result.error?.issues[0]).toMatchObject({ code: 'custom', params: { ordoCode: 'INVALID_INSTANT' } });
  });

  it('refuses garbage and impossible instants with a typed issue', () => {
    for (const value of ['', 'now', '2026-06-18', '2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:00:00+19:00', 'Tue, 01 Jan 2026 00:00:00 +0800', 1.5, 9e15]) {
      const result = schema.safeParse(value);
      expect(result.success, String(value)).toBe(false);
      expect(ordoCodeOf(result), String(value)).toBe('INVALID_INSTANT');
    }
  });

  it('refuses non-string, non-number input with zod type issues', () => {
    for (const value of [null, undefined, {}, new Date(0), Number.NaN]) {
      expect(schema.safeParse(value).success).toBe(false);
    }
  });

  it('refuses epoch milliseconds when told to', () => {
    const textOnly = instantSchema({ allowEpochMillis: false });
    expect(textOnly.safeParse(0).success).toBe(false);
    expect(textOnly.parse('1970-01-01T00:00:00Z')).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('instantSchema({ zone })', () => {
  it('reads offset-less text in the declared zone', () => {
    const beijing = instantSchema({ zone: 'Asia/Shanghai' });
    expect(beijing.parse('2026-06-18 10:00:00')).toBe('2026-06-18T02:00:00.000Z');
    expect(beijing.parse('2026-06-18T10:00')).toBe('2026-06-18T02:00:00.000Z');
    // Text that states its own offset keeps it; the zone only fills in what is missing.
    expect(beijing.parse('2026-06-18T10:00:00Z')).toBe('2026-06-18T10:00:00.000Z');
  });

  it('applies the DST policy: reject by default, or as configured', () => {
    const ny = instantSchema({ zone: 'America/New_York' });
    const gap = ny.safeParse('2026-03-08 02:30:00');
    expect(gap.success).toBe(false);
    expect(ordoCodeOf(gap)).toBe('NONEXISTENT_LOCAL_TIME');
    expect(ordoCodeOf(ny.safeParse('2026-11-01 01:30:00'))).toBe('AMBIGUOUS_LOCAL_TIME');
    const nyLater = instantSchema({ zone: 'America/New_York', disambiguation: 'later' });
    expect(nyLater.parse('2026-11-01 01:30:00')).toBe('2026-11-01T06:30:00.000Z');
  });

  it('validates its options when built, not on the first payload', () => {
    for (const options of [{ zone: 'EST' }, { zone: 'Mars/Olympus' }, { zone: '' }, { disambiguation: 'nearest' as never }, { allowEpochMillis: 'yes' as never }]) {
      let caught: unknown;
      try {
        instantSchema(options);
      } catch (error) {
        caught = error;
      }
      expect(isValidationError(caught), JSON.stringify(options)).toBe(true);
    }
  });
});

describe('parseInstant', () => {
  it('throws typed errors instead of returning issues', () => {
    expect(parseInstant('2026-06-18T10:00:00+08:00')).toBe('2026-06-18T02:00:00.000Z');
    expect(parseInstant('  2026-06-18T10:00:00+08:00  ')).toBe('2026-06-18T02:00:00.000Z');
    expect(codeOf(() => parseInstant('2026-06-18T10:00:00'))).toBe('INVALID_INSTANT');
    expect(codeOf(() => parseInstant('2026-06-18T10:00:00', { zone: 'Mars/Olympus' }))).toBe('UNKNOWN_TIME_ZONE');
    expect(codeOf(() => parseInstant(null as never))).toBe('INVALID_INSTANT');
  });
});
