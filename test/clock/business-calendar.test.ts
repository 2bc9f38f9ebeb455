// Business calendars: working hours, holidays, adjusted working days, DST days, validation, termination.
import { describe, expect, it } from 'vitest';
import {
  WEEKDAYS,
  businessCalendarConfigSchema,
  createBusinessCalendar,
  formatInZone,
  instant,
  type BusinessCalendarConfig,
  type Instant,
  type WorkingInterval,
} from '../../src/clock/index.js';
import { isOrdoError, type OrdoError, type ValidationError } from '../../src/errors/index.js';

const HOUR = 3_600_000;

function errorOf(fn: () => unknown): OrdoError {
  try {
    fn();
  } catch (error) {
    if (isOrdoError(error)) return error;
    throw error;
  }
  throw new Error('expected an error, got none');
}

const office: readonly WorkingInterval[] = [['09:00', '18:00']];
const monToFri = { mon: office, tue: office, wed: office, thu: office, fri: office };
const allWeek = (hours: readonly WorkingInterval[]): Record<string, readonly WorkingInterval[]> =>
  Object.fromEntries(WEEKDAYS.map((day) => [day, hours]));

// Illustrative 2026 National Day schedule: seven days off, and Saturday 10 October worked instead.
const shanghai = createBusinessCalendar({
  zone: 'Asia/Shanghai',
  workingHours: monToFri,
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  extraWorkingDays: ['2026-10-10'],
});
const sh = (at: Instant): string => formatInZone(at, 'Asia/Shanghai');

describe('a Shanghai warehouse, 09:00-18:00 Monday to Friday', () => {
  it('adds 4 business hours on Friday 16:00 and lands on Monday 11:00', () => {
    expect(sh(shanghai.addBusinessTime(instant('2026-06-19T16:00:00+08:00'), { hours: 4 }))).toBe('2026-06-22T11:00:00+08:00 [Asia/Shanghai]');
    expect(shanghai.addBusinessTime(instant('2026-06-19T16:00:00+08:00'), 'PT4H')).toBe('2026-06-22T03:00:00.000Z');
  });

  it('ends work that finishes exactly at closing time at closing time', () => {
    expect(sh(shanghai.addBusinessTime(instant('2026-06-19T16:00:00+08:00'), { hours: 2 }))).toBe('2026-06-19T18:00:00+08:00 [Asia/Shanghai]');
  });

  it('starts counting at the next opening when the start is outside working hours', () => {
    expect(sh(shanghai.addBusinessTime(instant('2026-06-20T12:00:00+08:00'), { hours: 1 }))).toBe('2026-06-22T10:00:00+08:00 [Asia/Shanghai]');
    expect(sh(shanghai.addBusinessTime(instant('2026-06-22T07:00:00+08:00'), { minutes: 30 }))).toBe('2026-06-22T09:30:00+08:00 [Asia/Shanghai]');
  });

  it('skips the National Day holidays', () => {
    expect(sh(shanghai.addBusinessTime(instant('2026-09-30T16:00:00+08:00'), { hours: 4 }))).toBe('2026-10-08T11:00:00+08:00 [Asia/Shanghai]');
    expect(shanghai.businessTimeBetween(instant('2026-09-30T16:00:00+08:00'), instant('2026-10-08T11:00:00+08:00'))).toBe(4 * HOUR);
    expect(shanghai.isWorkingTime(instant('2026-10-01T10:00:00+08:00'))).toBe(false);
    expect(sh(shanghai.nextWorkingTime(instant('2026-10-01T10:00:00+08:00')))).toBe('2026-10-08T09:00:00+08:00 [Asia/Shanghai]');
  });

  it('works the adjusted Saturday (调休) but not the Saturday after', () => {
    expect(shanghai.isWorkingDay('2026-10-10')).toBe(true);
    expect(shanghai.isWorkingDay('2026-10-17')).toBe(false);
    expect(shanghai.isWorkingDay('2026-10-01')).toBe(false);
    expect(shanghai.isWorkingDay('2026-10-09')).toBe(true);
    expect(sh(shanghai.addBusinessTime(instant('2026-10-09T17:00:00+08:00'), { hours: 3 }))).toBe('2026-10-10T11:00:00+08:00 [Asia/Shanghai]');
    expect(shanghai.isWorkingTime(instant('2026-10-10T09:00:00+08:00'))).toBe(true);
  });

  it('is working time from opening (inclusive) to closing (exclusive)', () => {
    expect(shanghai.isWorkingTime(instant('2026-06-19T08:59:59.999+08:00'))).toBe(false);
    expect(shanghai.isWorkingTime(instant('2026-06-19T09:00:00+08:00'))).toBe(true);
    expect(shanghai.isWorkingTime(instant('2026-06-19T17:59:59.999+08:00'))).toBe(true);
    expect(shanghai.isWorkingTime(instant('2026-06-19T18:00:00+08:00'))).toBe(false);
    expect(shanghai.isWorkingTime(instant('2026-06-20T10:00:00+08:00'))).toBe(false);
  });

  it('nextWorkingTime returns the instant itself during work, else the next opening', () => {
    const during = instant('2026-06-19T10:00:00+08:00');
    expect(shanghai.nextWorkingTime(during)).toBe(during);
    expect(sh(shanghai.nextWorkingTime(instant('2026-06-19T18:00:00+08:00')))).toBe('2026-06-22T09:00:00+08:00 [Asia/Shanghai]');
    expect(sh(shanghai.nextWorkingTime(instant('2026-06-19T00:00:00Z')))).toBe('2026-06-19T09:00:00+08:00 [Asia/Shanghai]');
  });

  it('measures business time between two instants, negative when reversed', () => {
    const friday = instant('2026-06-19T16:00:00+08:00');
    const monday = instant('2026-06-22T11:00:00+08:00');
    expect(shanghai.businessTimeBetween(friday, monday)).toBe(4 * HOUR);
    expect(shanghai.businessTimeBetween(monday, friday)).toBe(-4 * HOUR);
    expect(shanghai.businessTimeBetween(friday, friday)).toBe(0);
    // A reversed span without work is 0, not -0 (which JSON and Object.is treat differently).
    expect(shanghai.businessTimeBetween(instant('2026-06-21T10:00:00+08:00'), instant('2026-06-20T10:00:00+08:00'))).toBe(0);
    expect(shanghai.businessTimeBetween(instant('2026-06-20T00:00:00+08:00'), instant('2026-06-21T23:00:00+08:00'))).toBe(0);
    expect(shanghai.businessTimeBetween(instant('2026-06-22T00:00:00+08:00'), instant('2026-06-29T00:00:00+08:00'))).toBe(45 * HOUR);
  });

  it('adds zero as the instant itself, refuses negative and calendar durations', () => {
    const saturday = instant('2026-06-20T12:00:00+08:00');
    expect(shanghai.addBusinessTime(saturday, 0)).toBe(saturday);
    expect(errorOf(() => shanghai.addBusinessTime(saturday, { hours: -1 })).code).toBe('INVALID_DURATION');
    expect(errorOf(() => shanghai.addBusinessTime(saturday, 'P1M')).code).toBe('INVALID_DURATION');
  });

  it('handles long durations: 1,000 business hours are 111 working days and an hour', () => {
    const start = instant('2026-01-05T09:00:00+08:00');
    const end = shanghai.addBusinessTime(start, { hours: 1000 });
    expect(shanghai.businessTimeBetween(start, end)).toBe(1000 * HOUR);
    // 111 full days (Jan 5 .. Jun 8) plus one hour.
    expect(sh(end)).toBe('2026-06-09T10:00:00+08:00 [Asia/Shanghai]');
  });

  it('refuses arguments that are not canonical instants', () => {
    expect(errorOf(() => shanghai.isWorkingTime('2026-06-19T10:00:00+08:00' as Instant)).code).toBe('INVALID_INSTANT');
    expect(errorOf(() => shanghai.addBusinessTime('2026-06-19 10:00' as Instant, 1)).code).toBe('INVALID_INSTANT');
    expect(errorOf(() => shanghai.isWorkingDay('2026-02-30')).code).toBe('INVALID_LOCAL_DATE_TIME');
    expect(errorOf(() => shanghai.workingSpans('2026/10/10')).code).toBe('INVALID_LOCAL_DATE_TIME');
  });

  it('exposes its normalised configuration, frozen', () => {
    expect(shanghai.config.extraWorkingDays).toEqual([{ date: '2026-10-10', hours: [['09:00', '18:00']] }]);
    expect(shanghai.config.workingHours.sat).toEqual([]);
    expect(Object.isFrozen(shanghai.config)).toBe(true);
    expect(Object.isFrozen(shanghai.config.workingHours.mon)).toBe(true);
    expect(Object.isFrozen(shanghai)).toBe(true);
  });
});

describe('several intervals a day and explicit extra-day hours', () => {
  const lunch: readonly WorkingInterval[] = [['09:00', '12:00'], ['13:00', '18:00']];
  const calendar = createBusinessCalendar({
    zone: 'Asia/Shanghai',
    workingHours: { mon: lunch, tue: lunch, wed: lunch, thu: lunch, fri: lunch },
    extraWorkingDays: [{ date: '2026-09-27', hours: [['10:00', '15:00']] }],
  });

  it('skips the lunch break', () => {
    expect(sh(calendar.addBusinessTime(instant('2026-06-22T11:00:00+08:00'), { hours: 2 }))).toBe('2026-06-22T14:00:00+08:00 [Asia/Shanghai]');
    expect(calendar.isWorkingTime(instant('2026-06-22T12:30:00+08:00'))).toBe(false);
    expect(calendar.isWorkingTime(instant('2026-06-22T13:00:00+08:00'))).toBe(true);
    expect(calendar.businessTimeBetween(instant('2026-06-22T00:00:00+08:00'), instant('2026-06-23T00:00:00+08:00'))).toBe(8 * HOUR);
  });

  it('uses the hours given for an extra working day (a Sunday here)', () => {
    expect(calendar.workingSpans('2026-09-27')).toEqual([{ start: '2026-09-27T02:00:00.000Z', end: '2026-09-27T07:00:00.000Z' }]);
    expect(sh(calendar.nextWorkingTime(instant('2026-09-26T12:00:00+08:00')))).toBe('2026-09-27T10:00:00+08:00 [Asia/Shanghai]');
  });
});

describe('a New York calendar across DST changes', () => {
  const newYork = createBusinessCalendar({ zone: 'America/New_York', workingHours: monToFri });
  const ny = (at: Instant): string => formatInZone(at, 'America/New_York');

  it('keeps office hours at 09:00-18:00 local on both sides of the spring change', () => {
    const friday = instant('2026-03-06T16:00:00-05:00');
    const monday = newYork.addBusinessTime(friday, { hours: 4 });
    expect(ny(monday)).toBe('2026-03-09T11:00:00-04:00 [America/New_York]');
    expect(monday).toBe('2026-03-09T15:00:00.000Z');
    expect(newYork.businessTimeBetween(friday, monday)).toBe(4 * HOUR);
    expect(newYork.workingSpans('2026-03-09')).toEqual([{ start: '2026-03-09T13:00:00.000Z', end: '2026-03-09T22:00:00.000Z' }]);
    expect(newYork.workingSpans('2026-03-06')).toEqual([{ start: '2026-03-06T14:00:00.000Z', end: '2026-03-06T23:00:00.000Z' }]);
  });

  it('gives a round-the-clock warehouse a 23-hour spring day and a 25-hour autumn day', () => {
    const warehouse = createBusinessCalendar({ zone: 'America/New_York', workingHours: allWeek([['00:00', '24:00']]) });
    const length = (date: string): number =>
      warehouse.workingSpans(date).reduce((sum, span) => sum + Date.parse(span.end) - Date.parse(span.start), 0);
    expect(length('2026-03-07')).toBe(24 * HOUR);
    expect(length('2026-03-08')).toBe(23 * HOUR);
    expect(length('2026-11-01')).toBe(25 * HOUR);
    // 24 business hours from Saturday noon is Sunday 13:00 on the wall: the clocks skipped an hour.
    expect(ny(warehouse.addBusinessTime(instant('2026-03-07T12:00:00-05:00'), { hours: 24 }))).toBe('2026-03-08T13:00:00-04:00 [America/New_York]');
    expect(warehouse.isWorkingTime(instant('2026-03-08T07:00:00Z'))).toBe(true);
  });

  it('puts a boundary in the gap at the jump and one in the overlap at its first occurrence', () => {
    const nightShift = createBusinessCalendar({
      zone: 'America/New_York',
      workingHours: { sun: [['02:30', '06:00']], mon: [['01:30', '03:00']] },
      extraWorkingDays: [{ date: '2026-11-01', hours: [['01:30', '03:00']] }],
    });
    // Spring: 02:30 does not exist; the wall clock passes it when it jumps to 03:00 EDT, so the shift lasts 3 hours.
    expect(nightShift.workingSpans('2026-03-08')).toEqual([{ start: '2026-03-08T07:00:00.000Z', end: '2026-03-08T10:00:00.000Z' }]);
    // Autumn: 01:30 happens twice; the shift starts at the first (EDT) and ends 03:00 EST: 2.5 hours.
    expect(nightShift.workingSpans('2026-11-01')).toEqual([{ start: '2026-11-01T05:30:00.000Z', end: '2026-11-01T08:00:00.000Z' }]);
    expect(nightShift.isWorkingTime(instant('2026-11-01T01:45:00-05:00'))).toBe(true); // the second 01:45
  });

  it('ends an interval whose end is in the gap at the jump, and keeps the next one apart', () => {
    const calendar = createBusinessCalendar({ zone: 'America/New_York', workingHours: { sun: [['01:00', '02:30'], ['03:10', '04:00']] } });
    // 01:00 EST .. the jump (03:00 EDT), then 03:10 .. 04:00 EDT: 1 h 50 min of work.
    expect(calendar.workingSpans('2026-03-08')).toEqual([
      { start: '2026-03-08T06:00:00.000Z', end: '2026-03-08T07:00:00.000Z' },
      { start: '2026-03-08T07:10:00.000Z', end: '2026-03-08T08:00:00.000Z' },
    ]);
    expect(calendar.businessTimeBetween(instant('2026-03-08T00:00:00Z'), instant('2026-03-09T00:00:00Z'))).toBe(HOUR + 50 * 60_000);
  });

  it('merges intervals that touch across the gap, never counting time twice', () => {
    const calendar = createBusinessCalendar({ zone: 'America/New_York', workingHours: { sun: [['01:00', '02:30'], ['02:45', '04:00']] } });
    // Both gap boundaries fall on the jump: 01:00 EST .. 04:00 EDT as one span of 2 hours.
    expect(calendar.workingSpans('2026-03-08')).toEqual([{ start: '2026-03-08T06:00:00.000Z', end: '2026-03-08T08:00:00.000Z' }]);
  });

  it('keeps the part of an interval that exists after the jump', () => {
    // 02:30-03:15 on the spring day: the wall clock shows 03:00-03:15 EDT of it.
    const calendar = createBusinessCalendar({ zone: 'America/New_York', workingHours: { sun: [['02:30', '03:15']], mon: office } });
    expect(calendar.workingSpans('2026-03-08')).toEqual([{ start: '2026-03-08T07:00:00.000Z', end: '2026-03-08T07:15:00.000Z' }]);
    expect(calendar.workingSpans('2026-03-15')).toHaveLength(1);
  });

  it('gives Pacific/Chatham a 23-hour day when its DST starts at 02:45', () => {
    const chatham = createBusinessCalendar({ zone: 'Pacific/Chatham', workingHours: allWeek([['00:00', '24:00']]) });
    const [span] = chatham.workingSpans('2026-09-27');
    expect(span && Date.parse(span.end) - Date.parse(span.start)).toBe(23 * HOUR);
  });
});

describe('termination', () => {
  it('finds the next working time after a year of holidays', () => {
    const days: string[] = [];
    for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2027, 0, 1); day += 86_400_000) days.push(new Date(day).toISOString().slice(0, 10));
    const closedAllYear = createBusinessCalendar({ zone: 'Asia/Shanghai', workingHours: monToFri, holidays: days });
    expect(sh(closedAllYear.nextWorkingTime(instant('2026-01-01T00:00:00+08:00')))).toBe('2027-01-01T09:00:00+08:00 [Asia/Shanghai]');
  });

  it('refuses, at creation, a calendar with no working hours at all', () => {
    for (const workingHours of [{}, { mon: [] }, allWeek([])]) {
      const error = errorOf(() => createBusinessCalendar({ zone: 'UTC', workingHours, extraWorkingDays: [{ date: '2026-01-03', hours: office }] }));
      expect(error.code).toBe('INVALID_CALENDAR');
    }
  });
});

describe('calendar validation', () => {
  const pathsOf = (config: unknown): unknown => {
    const error = errorOf(() => createBusinessCalendar(config as BusinessCalendarConfig)) as ValidationError;
    expect(error.code).toBe('VALIDATION_FAILED');
    return error.issues.map((issue) => issue.path);
  };

  it('reports overlapping, unsorted and inverted intervals with their paths', () => {
    expect(pathsOf({ zone: 'UTC', workingHours: { mon: [['09:00', '12:00'], ['11:00', '18:00']] } })).toEqual([['workingHours', 'mon', 1]]);
    expect(pathsOf({ zone: 'UTC', workingHours: { tue: [['13:00', '18:00'], ['09:00', '12:00']] } })).toEqual([['workingHours', 'tue', 1]]);
    expect(pathsOf({ zone: 'UTC', workingHours: { wed: [['18:00', '09:00']] } })).toEqual([['workingHours', 'wed', 0]]);
    expect(pathsOf({ zone: 'UTC', workingHours: { thu: [['09:00', '09:00']] } })).toEqual([['workingHours', 'thu', 0]]);
  });

  it('accepts touching intervals and a 24:00 end', () => {
    const calendar = createBusinessCalendar({ zone: 'UTC', workingHours: { mon: [['00:00', '12:00'], ['12:00', '24:00']] } });
    expect(calendar.workingSpans('2026-06-22')).toEqual([{ start: '2026-06-22T00:00:00.000Z', end: '2026-06-23T00:00:00.000Z' }]);
  });

  it('reports malformed times and unknown weekdays', () => {
    expect(pathsOf({ zone: 'UTC', workingHours: { mon: [['9:00', '18:00']] } })).toEqual([['workingHours', 'mon', 0, 0]]);
    expect(pathsOf({ zone: 'UTC', workingHours: { mon: [['09:00', '25:00']] } })).toEqual([['workingHours', 'mon', 0, 1]]);
    expect(pathsOf({ zone: 'UTC', workingHours: { mon: [['24:00', '24:00']] } })).toEqual([['workingHours', 'mon', 0, 0]]);
    expect(pathsOf({ zone: 'UTC', workingHours: { mon: [['09:00']] } })).toEqual([['workingHours', 'mon', 0]]);
    expect(pathsOf({ zone: 'UTC', workingHours: { monday: [['09:00', '18:00']] } })).toEqual([['workingHours', 'monday']]);
  });

  it('reports unknown zones, bad dates and contradictory days', () => {
    expect(pathsOf({ zone: 'CST', workingHours: monToFri })).toEqual([['zone']]);
    expect(pathsOf({ zone: 'Mars/Olympus', workingHours: monToFri })).toEqual([['zone']]);
    expect(pathsOf({ zone: 'UTC', workingHours: monToFri, holidays: ['2026-10-01', '2026-02-30', '1 Oct'] })).toEqual([
      ['holidays', 1],
      ['holidays', 2],
    ]);
    expect(pathsOf({ zone: 'UTC', workingHours: monToFri, holidays: ['2026-10-10'], extraWorkingDays: ['2026-10-10'] })).toEqual([['extraWorkingDays', 0]]);
    expect(pathsOf({ zone: 'UTC', workingHours: monToFri, extraWorkingDays: ['2026-10-10', { date: '2026-10-10' }] })).toEqual([['extraWorkingDays', 1]]);
    expect(pathsOf({ zone: 'UTC', workingHours: monToFri, extraWorkingDays: [{ date: '2026-10-10', hours: [['10:00', '09:00']] }] })).toEqual([
      ['extraWorkingDays', 0, 'hours', 0],
    ]);
  });

  it('lists every problem at once', () => {
    expect(pathsOf({ zone: 'EST', workingHours: { mon: [['18:00', '09:00']] }, holidays: ['x'] })).toHaveLength(3);
  });

  it('exposes the schema for validating calendars as data', () => {
    const result = businessCalendarConfigSchema.safeParse({ zone: 'Asia/Shanghai', workingHours: monToFri, holidays: ['2026-10-02', '2026-10-01', '2026-10-01'] });
    expect(result.success && result.data.holidays).toEqual(['2026-10-01', '2026-10-02']);
    expect(businessCalendarConfigSchema.safeParse({ zone: 'Asia/Shanghai' }).success).toBe(false);
  });
});
