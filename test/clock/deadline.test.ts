// Zoned deadlines and promotion windows: creation, DST policy, boundaries, schemas, typed errors.
import { describe, expect, it } from 'vitest';
import {
  WINDOW_STATES,
  addDuration,
  createDeadline,
  createTimeWindow,
  deadlineSchema,
  describeDeadline,
  describeTimeWindow,
  instant,
  isDeadlinePassed,
  isWithinWindow,
  timeUntilDeadline,
  timeWindowSchema,
  windowState,
  type Instant,
} from '../../src/clock/index.js';
import { isOrdoError, isValidationError, type OrdoError, type ValidationError } from '../../src/errors/index.js';

function errorOf(fn: () => unknown): OrdoError {
  try {
    fn();
  } catch (error) {
    if (isOrdoError(error)) return error;
    throw error;
  }
  throw new Error('expected an error, got none');
}

describe('createDeadline', () => {
  it('makes frozen, JSON-safe plain data with the wall time, zone and instant', () => {
    const deadline = createDeadline('2026-01-01T00:00', 'America/New_York');
    expect(deadline).toEqual({ local: '2026-01-01T00:00:00', zone: 'America/New_York', instant: '2026-01-01T05:00:00.000Z' });
    expect(Object.isFrozen(deadline)).toBe(true);
    expect(JSON.parse(JSON.stringify(deadline))).toEqual(deadline);
  });

  it('rejects a wall time in a DST gap or overlap by default, naming the problem', () => {
    expect(errorOf(() => createDeadline('2026-03-08T02:30', 'America/New_York')).code).toBe('NONEXISTENT_LOCAL_TIME');
    expect(errorOf(() => createDeadline('2026-11-01T01:30', 'America/New_York')).code).toBe('AMBIGUOUS_LOCAL_TIME');
    expect(errorOf(() => createDeadline('2026-10-25T01:30', 'Europe/London')).code).toBe('AMBIGUOUS_LOCAL_TIME');
  });

  it('resolves DST with an explicit policy', () => {
    expect(createDeadline('2026-11-01T01:30', 'America/New_York', { disambiguation: 'earlier' }).instant).toBe('2026-11-01T05:30:00.000Z');
    expect(createDeadline('2026-11-01T01:30', 'America/New_York', { disambiguation: 'later' }).instant).toBe('2026-11-01T06:30:00.000Z');
    expect(createDeadline('2026-03-08T02:30', 'America/New_York', { disambiguation: 'compatible' }).instant).toBe('2026-03-08T07:30:00.000Z');
  });

  it('refuses offsets in the wall time, unknown zones, impossible dates and unknown policies', () => {
    expect(errorOf(() => createDeadline('2026-01-01T00:00:00Z', 'UTC')).code).toBe('INVALID_LOCAL_DATE_TIME');
    expect(errorOf(() => createDeadline('2026-02-30T00:00', 'UTC')).code).toBe('INVALID_LOCAL_DATE_TIME');
    expect(errorOf(() => createDeadline('2026-01-01T00:00', 'EST')).code).toBe('UNKNOWN_TIME_ZONE');
    expect(errorOf(() => createDeadline('2026-01-01T00:00', 'UTC', { disambiguation: 'nearest' as never })).code).toBe('VALIDATION_FAILED');
  });
});

describe('isDeadlinePassed and timeUntilDeadline', () => {
  const deadline = createDeadline('2026-06-18T00:00', 'Asia/Shanghai'); // 2026-06-17T16:00Z

  it('count the deadline instant itself as passed', () => {
    expect(isDeadlinePassed(deadline, instant('2026-06-17T15:59:59.999Z'))).toBe(false);
    expect(isDeadlinePassed(deadline, instant('2026-06-17T16:00:00Z'))).toBe(true);
    expect(isDeadlinePassed(deadline, instant('2026-06-18T00:00:00Z'))).toBe(true);
  });

  it('measure the time left, negative once passed', () => {
    expect(timeUntilDeadline(deadline, instant('2026-06-17T15:00:00Z'))).toBe(3_600_000);
    expect(timeUntilDeadline(deadline, instant('2026-06-17T16:00:00Z'))).toBe(0);
    expect(timeUntilDeadline(deadline, instant('2026-06-17T16:00:01Z'))).toBe(-1000);
  });

  it('refuse a "now" that is not a canonical instant (text order would lie)', () => {
    const offsetText = '2026-06-18T00:30:00+08:00' as Instant; // after the deadline, but sorts before it
    expect(errorOf(() => isDeadlinePassed(deadline, offsetText)).code).toBe('INVALID_INSTANT');
    expect(errorOf(() => timeUntilDeadline(deadline, offsetText)).code).toBe('INVALID_INSTANT');
  });
});

describe('describeDeadline', () => {
  it('prints the deadline in its own zone and in UTC', () => {
    expect(describeDeadline(createDeadline('2026-01-01T00:00', 'America/New_York'))).toBe(
      '2026-01-01T00:00:00-05:00 [America/New_York] = 2026-01-01T05:00:00.000Z',
    );
    expect(describeDeadline(createDeadline('2026-01-01T00:00', 'Pacific/Chatham'))).toBe(
      '2026-01-01T00:00:00+13:45 [Pacific/Chatham] = 2025-12-31T10:15:00.000Z',
    );
  });
});

describe('createTimeWindow', () => {
  const promotion = createTimeWindow({ start: '2025-12-26T00:00', end: '2026-01-01T00:00', zone: 'America/New_York' });

  it('makes frozen plain data with both wall times and instants', () => {
    expect(promotion).toEqual({
      zone: 'America/New_York',
      start: '2025-12-26T00:00:00',
      end: '2026-01-01T00:00:00',
      startInstant: '2025-12-26T05:00:00.000Z',
      endInstant: '2026-01-01T05:00:00.000Z',
    });
    expect(Object.isFrozen(promotion)).toBe(true);
  });

  it('is half-open: the start is inside, the end is not', () => {
    const start = instant(promotion.startInstant);
    const end = instant(promotion.endInstant);
    expect(windowState(promotion, addDuration(start, -1))).toBe('upcoming');
    expect(windowState(promotion, start)).toBe('running');
    expect(windowState(promotion, addDuration(end, -1))).toBe('running');
    expect(windowState(promotion, end)).toBe('over');
    expect(isWithinWindow(promotion, addDuration(start, -1))).toBe(false);
    expect(isWithinWindow(promotion, start)).toBe(true);
    expect(isWithinWindow(promotion, addDuration(end, -1))).toBe(true);
    expect(isWithinWindow(promotion, end)).toBe(false);
    expect(WINDOW_STATES).toEqual(['upcoming', 'running', 'over']);
  });

  it('compares as instants, so a window across a DST change has its real length', () => {
    const night = createTimeWindow({ start: '2026-03-08T00:00', end: '2026-03-08T04:00', zone: 'America/New_York' });
    expect(Date.parse(night.endInstant) - Date.parse(night.startInstant)).toBe(3 * 3_600_000);
    expect(isWithinWindow(night, instant('2026-03-08T03:30:00-04:00'))).toBe(true);
    expect(isWithinWindow(night, instant('2026-03-08T04:00:00-04:00'))).toBe(false);
  });

  it('rejects end <= start with a ValidationError at path "end"', () => {
    for (const [start, end] of [
      ['2026-01-01T00:00', '2026-01-01T00:00'],
      ['2026-01-02T00:00', '2026-01-01T00:00'],
    ] as const) {
      const error = errorOf(() => createTimeWindow({ start, end, zone: 'UTC' })) as ValidationError;
      expect(isValidationError(error)).toBe(true);
      expect(error.issues.map((issue) => issue.path)).toEqual([['end']]);
    }
  });

  it('rejects a window ordered in wall time but empty as instants (an end in the spring gap read "earlier")', () => {
    // 02:30 does not exist on 2026-03-08; "earlier" reads it as 01:30 EST, before a 01:45 start.
    const definition = { start: '2026-03-08T01:45', end: '2026-03-08T02:30', zone: 'America/New_York' } as const;
    const error = errorOf(() => createTimeWindow({ ...definition, disambiguation: 'earlier' })) as ValidationError;
    expect(error.issues.map((issue) => issue.path)).toEqual([['end']]);
    const later = createTimeWindow({ ...definition, disambiguation: 'later' });
    expect(later.endInstant).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
  });

  it('lists every problem at once with its path', () => {
    const error = errorOf(() => createTimeWindow({ start: '2026-02-30T00:00', end: '2026-01-01T00:00+08:00', zone: 'Mars/Olympus' })) as ValidationError;
    expect(error.issues.map((issue) => issue.path)).toEqual([['zone'], ['start'], ['end']]);
    const policy = errorOf(() => createTimeWindow({ start: '2026-01-01T00:00', end: '2026-01-02T00:00', zone: 'UTC', disambiguation: 'x' as never })) as ValidationError;
    expect(policy.issues.map((issue) => issue.path)).toEqual([['disambiguation']]);
    const gap = errorOf(() => createTimeWindow({ start: '2026-03-08T02:30', end: '2026-03-09T00:00', zone: 'America/New_York' })) as ValidationError;
    expect(gap.issues[0]?.path).toEqual(['start']);
    expect(gap.issues[0]?.message).toMatch(/does not exist/);
    expect(errorOf(() => createTimeWindow(null as never)).code).toBe('VALIDATION_FAILED');
  });

  it('refuses a "now" that is not a canonical instant', () => {
    expect(errorOf(() => windowState(promotion, '2026-01-01' as Instant)).code).toBe('INVALID_INSTANT');
    expect(errorOf(() => isWithinWindow(promotion, '2025-12-31T23:00:00-05:00' as Instant)).code).toBe('INVALID_INSTANT');
  });

  it('describes itself in its zone and in UTC', () => {
    expect(describeTimeWindow(promotion)).toBe(
      '[2025-12-26T00:00:00-05:00 [America/New_York], 2026-01-01T00:00:00-05:00 [America/New_York]) = [2025-12-26T05:00:00.000Z, 2026-01-01T05:00:00.000Z)',
    );
  });
});

describe('deadlineSchema and timeWindowSchema (promotion configs as data)', () => {
  it('turn valid definitions into resolved deadlines and windows', () => {
    expect(deadlineSchema.parse({ local: '2026-01-01T00:00', zone: 'America/New_York' })).toEqual(
      createDeadline('2026-01-01T00:00', 'America/New_York'),
    );
    expect(deadlineSchema.parse({ local: '2026-11-01T01:30', zone: 'America/New_York', disambiguation: 'later' }).instant).toBe(
      '2026-11-01T06:30:00.000Z',
    );
    const config = { start: '2025-12-26T00:00', end: '2026-01-01T00:00', zone: 'America/New_York' };
    expect(timeWindowSchema.parse(config)).toEqual(createTimeWindow(config));
  });

  it('validate a list of promotions, reporting each problem with its full path', () => {
    const promotions = timeWindowSchema.array().safeParse([
      { start: '2025-12-26T00:00', end: '2026-01-01T00:00', zone: 'America/New_York' },
      { start: '2026-01-02T00:00', end: '2026-01-01T00:00', zone: 'Asia/Shanghai' },
      { start: '2026-01-01T00:00', end: '2026-01-02T00:00', zone: 'EST' },
    ]);
    expect(promotions.success).toBe(false);
    expect(promotions.error?.issues.map((issue) => issue.path)).toEqual([
      [1, 'end'],
      [2, 'zone'],
    ]);
  });

  it('reject offsets, bad zones, missing fields and unknown keys with paths', () => {
    const paths = (input: unknown): unknown => deadlineSchema.safeParse(input).error?.issues.map((issue) => issue.path);
    expect(paths({ local: '2026-01-01T00:00Z', zone: 'UTC' })).toEqual([['local']]);
    expect(paths({ local: '2026-01-01T00:00', zone: 'Mars/Olympus' })).toEqual([['zone']]);
    expect(paths({ local: '2026-01-01T00:00' })).toEqual([['zone']]);
    expect(paths({ local: '2026-01-01T00:00', zone: 'UTC', disambiguation: 'nearest' })).toEqual([['disambiguation']]);
    expect(paths({ local: '2026-01-01T00:00', zone: 'UTC', deadline: 'x' })).toEqual([[]]);
    expect(deadlineSchema.safeParse({ local: '2026-03-08T02:30', zone: 'America/New_York' }).error?.issues[0]).toMatchObject({
      path: ['local'],
      params: { ordoCode: 'NONEXISTENT_LOCAL_TIME' },
    });
  });
});
