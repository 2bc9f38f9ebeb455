// Business calendars for SLAs: working hours per weekday, holidays and adjusted working days in one zone.
import { z } from 'zod';
import { describeInput } from '../errors/mask.js';
import { TimeError, isTimeError } from '../errors/time-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { durationToMillis, instantFromMillis, instantToMillis, isInstant, type DurationInput, type Instant } from './instant.js';
import { resolveZone, toInstant, wallTimeAsUtcMillis } from './local-date-time.js';

/** The days of the week, Monday first (ISO 8601), as used in {@link WorkingHours}. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A day of the week: `mon` ... `sun`. */
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * One stretch of work, `['09:00', '12:00']`: start inclusive, end exclusive, 24-hour `HH:mm`
 * wall times in the calendar's zone. The end may be `'24:00'` (midnight at the end of the day).
 */
export type WorkingInterval = readonly [start: string, end: string];

/**
 * Working intervals per weekday, sorted and not overlapping (touching is fine). A missing or
 * empty day is a day off. Several intervals give breaks:
 * @example { mon: [['09:00', '12:00'], ['13:00', '18:00']], sat: [['10:00', '14:00']] }
 */
export type WorkingHours = { readonly [day in Weekday]?: readonly WorkingInterval[] };

/**
 * A date that works although its weekday does not (China's adjusted working Saturdays and
 * Sundays, 调休), or works different hours. Its hours replace the weekday's for that date.
 */
export interface ExtraWorkingDay {
  /** The date, `YYYY-MM-DD`, in the calendar's zone. */
  readonly date: string;
  /**
   * Its working intervals.
   * @default the hours of the first weekday, Monday to Sunday, that has any (Monday's for a Mon-Fri calendar)
   */
  readonly hours?: readonly WorkingInterval[];
}

/** The definition of a business calendar, as plain data (see {@link businessCalendarConfigSchema}). */
export interface BusinessCalendarConfig {
  /** The IANA zone the working hours and dates are written in. @example 'Asia/Shanghai' */
  readonly zone: string;
  /** Working intervals per weekday. At least one weekday must have some. */
  readonly workingHours: WorkingHours;
  /**
   * Dates with no work at all, `YYYY-MM-DD`.
   * @default []
   * @example ['2026-10-01', '2026-10-02']
   */
  readonly holidays?: readonly string[];
  /**
   * Dates that work although their weekday does not, as `YYYY-MM-DD` or `{ date, hours }`.
   * A date cannot be both a holiday and an extra working day.
   * @default []
   * @example ['2026-10-10'] or [{ date: '2026-10-10', hours: [['09:00', '17:00']] }]
   */
  readonly extraWorkingDays?: readonly (string | ExtraWorkingDay)[];
}

/** A calendar's configuration after validation: defaults filled in, every extra day with its hours. */
export interface NormalisedBusinessCalendarConfig {
  /** The IANA zone. */
  readonly zone: string;
  /** Working intervals for every weekday (empty for days off). */
  readonly workingHours: { readonly [day in Weekday]: readonly WorkingInterval[] };
  /** Holidays, sorted, without duplicates. */
  readonly holidays: readonly string[];
  /** Extra working days, sorted by date, each with its hours. */
  readonly extraWorkingDays: readonly Required<ExtraWorkingDay>[];
}

/** One stretch of working time as exact instants, `[start, end)`. */
export interface WorkingSpan {
  /** First working instant (inclusive). */
  readonly start: Instant;
  /** First instant after the stretch (exclusive). */
  readonly end: Instant;
}

/**
 * Working time in one zone. Every answer is computed from exact instants, with each interval's
 * wall-clock boundaries turned into instants by `toInstant` in the calendar's zone for that very
 * date, so DST days have their real length (a 00:00-24:00 shift lasts 23 hours on the spring day).
 *
 * DST policy for boundaries: a boundary in a DST gap is the instant the clocks jumped (02:30 on
 * New York's spring day is 03:00 EDT, when the wall clock passed 02:30), so an instant is working
 * exactly when its wall time lies inside the interval; a boundary in an overlap is its first
 * occurrence (`earlier`: 01:30 on the autumn day is 01:30 EDT). Overlapping results are merged,
 * so no working time is ever counted twice.
 */
export interface BusinessCalendar {
  /** The validated configuration, frozen. */
  readonly config: NormalisedBusinessCalendarConfig;
  /**
   * True when the date (`YYYY-MM-DD`, in the calendar's zone) has working hours: not a holiday,
   * and either its weekday has hours or it is an extra working day.
   * @throws TimeError `INVALID_LOCAL_DATE_TIME` for a malformed or impossible date.
   */
  isWorkingDay(date: string): boolean;
  /**
   * The working stretches of a date as exact instants (empty on days off).
   * @throws TimeError `INVALID_LOCAL_DATE_TIME` for a malformed or impossible date.
   */
  workingSpans(date: string): readonly WorkingSpan[];
  /** True when `at` is inside a working interval (start inclusive, end exclusive). */
  isWorkingTime(at: Instant): boolean;
  /** `at` itself if it is working time, otherwise the start of the next working interval. */
  nextWorkingTime(at: Instant): Instant;
  /**
   * The instant at which `duration` of working time has elapsed since `at`, skipping nights,
   * days off and holidays: the earliest `t` with `businessTimeBetween(at, t) === duration`.
   * Work that finishes exactly at closing time ends at closing time (Friday 18:00, not Monday 09:00).
   * @example addBusinessTime(fridayAt16, { hours: 4 }) // Monday 11:00 for a 09:00-18:00 calendar
   * @throws TimeError `INVALID_DURATION` for a negative or malformed duration.
   */
  addBusinessTime(at: Instant, duration: DurationInput): Instant;
  /**
   * Milliseconds of working time in `[a, b)`; negative when `b` is before `a`. Cost grows with
   * the number of days between them.
   */
  businessTimeBetween(a: Instant, b: Instant): number;
}

const DAY = 86_400_000;
const START_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const END_TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

const timeMessage = 'Expected a 24-hour time "HH:mm" such as "09:00" (an end may be "24:00")';

const intervalsSchema = z
  .array(
    z.tuple([
      z.string().regex(START_TIME, 'Expected a 24-hour start time "HH:mm" such as "09:00"'),
      z.string().regex(END_TIME, timeMessage),
    ]),
  )
  .superRefine((intervals, ctx) => {
    intervals.forEach(([start, end], index) => {
      if (!START_TIME.test(start) || !END_TIME.test(end)) return; // already reported
      if (minutesOf(end) <= minutesOf(start)) {
        ctx.addIssue({ code: 'custom', path: [index], message: `Interval ${start}-${end} must end after it starts (for a night shift, split it at "24:00" and "00:00")` });
      }
      const previous = intervals[index - 1];
      if (previous && START_TIME.test(previous[0]) && END_TIME.test(previous[1]) && minutesOf(start) < minutesOf(previous[1])) {
        const problem = minutesOf(start) < minutesOf(previous[0]) ? 'is not sorted after' : 'overlaps';
        ctx.addIssue({ code: 'custom', path: [index], message: `Interval ${start}-${end} ${problem} ${previous[0]}-${previous[1]}` });
      }
    });
  });

// One check, so "1 Oct" gets one issue rather than a format issue plus a calendar issue.
const dateSchema = z
  .string()
  .refine((date) => DATE.test(date) && wallTimeAsUtcMillis(`${date}T00:00`) !== null, 'Expected a real calendar date "YYYY-MM-DD"');

const zoneSchema = z.string().superRefine((zone, ctx) => {
  try {
    resolveZone(zone);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message, params: { ordoCode: 'UNKNOWN_TIME_ZONE' } });
  }
});

/**
 * Validates a {@link BusinessCalendarConfig} as data (e.g. a warehouse's settings file) and
 * outputs the {@link NormalisedBusinessCalendarConfig}. Issues carry paths such as
 * `['workingHours', 'mon', 1]` or `['holidays', 3]`.
 */
export const businessCalendarConfigSchema: z.ZodType<NormalisedBusinessCalendarConfig> = z
  .object({
    zone: zoneSchema,
    workingHours: z
      .object(Object.fromEntries(WEEKDAYS.map((day) => [day, intervalsSchema.optional()])) as Record<Weekday, z.ZodOptional<typeof intervalsSchema>>)
      .strict(),
    holidays: z.array(dateSchema).optional(),
    extraWorkingDays: z.array(z.union([dateSchema, z.object({ date: dateSchema, hours: intervalsSchema.optional() }).strict()])).optional(),
  })
  .strict()
  .transform((config, ctx): NormalisedBusinessCalendarConfig => {
    const workingHours = Object.fromEntries(WEEKDAYS.map((day) => [day, (config.workingHours[day] ?? []).map(([s, e]) => [s, e] as const)])) as {
      [day in Weekday]: WorkingInterval[];
    };
    const standardHours = WEEKDAYS.map((day) => workingHours[day]).find((hours) => hours.length > 0) ?? [];
    const holidays = [...new Set(config.holidays ?? [])].sort();
    const holidaySet = new Set(holidays);
    const seen = new Set<string>();
    const extraWorkingDays: Required<ExtraWorkingDay>[] = [];
    (config.extraWorkingDays ?? []).forEach((entry, index) => {
      const day = typeof entry === 'string' ? { date: entry, hours: standardHours } : { date: entry.date, hours: entry.hours ?? standardHours };
      if (holidaySet.has(day.date)) {
        ctx.addIssue({ code: 'custom', path: ['extraWorkingDays', index], message: `${day.date} is listed both as a holiday and as an extra working day` });
      } else if (seen.has(day.date)) {
        ctx.addIssue({ code: 'custom', path: ['extraWorkingDays', index], message: `${day.date} is listed twice as an extra working day` });
      }
      seen.add(day.date);
      extraWorkingDays.push(day);
    });
    extraWorkingDays.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    return { zone: config.zone, workingHours, holidays, extraWorkingDays };
  });

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function epochDayOf(date: string): number {
  const millis = DATE.test(date) ? wallTimeAsUtcMillis(`${date}T00:00`) : null;
  if (millis === null) {
    throw new TimeError('INVALID_LOCAL_DATE_TIME', `${describeInput(date)} is not a date: expected YYYY-MM-DD, a real calendar date`, { details: { shape: describeInput(date) } });
  }
  return Math.round(millis / DAY);
}

const LAST_EPOCH_DAY = 2_932_896; // 9999-12-31

function dateOfEpochDay(day: number): string {
  if (day < -719_528 || day > LAST_EPOCH_DAY) {
    throw new TimeError('INVALID_INSTANT', 'Business time search left the years 0000-9999');
  }
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** Monday = 0 ... Sunday = 6; 1970-01-01 (epoch day 0) was a Thursday. */
function weekdayOfEpochDay(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

type Span = readonly [start: number, end: number];

const CACHE_LIMIT = 4096;

/**
 * Makes a business calendar, validating the whole configuration first.
 *
 * @example
 * const shanghai = createBusinessCalendar({
 *   zone: 'Asia/Shanghai',
 *   workingHours: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] },
 *   holidays: ['2026-10-01', '2026-10-02', '2026-10-05'],
 *   extraWorkingDays: ['2026-10-10'],
 * });
 * shanghai.addBusinessTime(instant('2026-06-19T16:00:00+08:00'), { hours: 4 }) // Monday 11:00 +08:00
 * @throws ValidationError (`VALIDATION_FAILED`) with a path per problem: bad or unsorted or
 * overlapping intervals, bad dates, unknown zone, unknown keys, a date both holiday and extra day.
 * @throws TimeError `INVALID_CALENDAR` when no weekday has working hours (nothing could ever be scheduled).
 */
export function createBusinessCalendar(config: BusinessCalendarConfig): BusinessCalendar {
  const parsed = businessCalendarConfigSchema.safeParse(config);
  if (!parsed.success) throw ValidationError.fromZod('business calendar', parsed.error);
  const normalised = deepFreeze(parsed.data);
  if (WEEKDAYS.every((day) => normalised.workingHours[day].length === 0)) {
    throw new TimeError('INVALID_CALENDAR', 'A business calendar needs working hours on at least one weekday, or no working time could ever be found', {
      details: { path: ['workingHours'] },
    });
  }

  const zone = normalised.zone;
  const ianaZone = resolveZone(zone);
  const holidays = new Set(normalised.holidays);
  const extraDays = new Map(normalised.extraWorkingDays.map((day) => [day.date, day.hours]));
  const weekly = WEEKDAYS.map((day) => normalised.workingHours[day]);
  // Consecutive days without work are bounded: six weekdays off, plus at most a week per holiday.
  // Searching past that means a bug, and must end in an error rather than a hung process.
  const maxIdleDays = 7 * (holidays.size + 2) + 7;
  const cache = new Map<number, readonly Span[]>();

  const hoursOn = (day: number, date: string): readonly WorkingInterval[] =>
    holidays.has(date) ? [] : (extraDays.get(date) ?? weekly[weekdayOfEpochDay(day)] ?? []);

  const boundary = (date: string, time: string): number => {
    const local = `${date}T${time}`;
    try {
      return instantToMillis(toInstant(local, zone));
    } catch (error) {
      if (!isTimeError(error)) throw error;
      if (error.code === 'AMBIGUOUS_LOCAL_TIME') return instantToMillis(toInstant(local, zone, { disambiguation: 'earlier' }));
      if (error.code !== 'NONEXISTENT_LOCAL_TIME') throw error;
      return gapJump(local);
    }
  };

  // A wall time the clocks skipped: the boundary is the instant they jumped, so an instant is
  // working exactly when its wall time lies inside the interval.
  const gapJump = (local: string): number => {
    const ianaZone = resolveZone(zone);
    let lo = instantToMillis(toInstant(local, zone, { disambiguation: 'earlier' }));
    let hi = instantToMillis(toInstant(local, zone, { disambiguation: 'later' }));
    const before = ianaZone.offset(lo);
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (ianaZone.offset(mid) === before) lo = mid;
      else hi = mid;
    }
    return hi;
  };

  /** The working spans of a local date as epoch-millisecond pairs, merged and non-empty. */
  const spansOfDay = (day: number): readonly Span[] => {
    const cached = cache.get(day);
    if (cached) return cached;
    const date = dateOfEpochDay(day);
    const spans: [number, number][] = [];
    for (const [start, end] of hoursOn(day, date)) {
      const s = boundary(date, start);
      const e = end === '24:00' ? boundary(dateOfEpochDay(day + 1), '00:00') : boundary(date, end);
      if (e <= s) continue; // swallowed by a DST gap
      const last = spans[spans.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else spans.push([s, e]);
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    const frozen = Object.freeze(spans.map((span) => Object.freeze(span) as Span));
    cache.set(day, frozen);
    return frozen;
  };

  const localEpochDay = (millis: number): number => Math.floor((millis + Math.round(ianaZone.offset(millis) * 60_000)) / DAY);

  /**
   * Working spans from `from` on, in order, clipped to start at `from` at the earliest. Starts
   * a day early because a DST shift can push the previous day's last boundary past midnight.
   */
  function* spansFrom(from: number): Generator<Span, never, undefined> {
    let day = localEpochDay(from) - 1;
    let previousEnd = -Infinity;
    let idle = 0;
    for (;;) {
      let found = false;
      for (const [rawStart, end] of spansOfDay(day)) {
        const start = Math.max(rawStart, previousEnd, from);
        previousEnd = Math.max(previousEnd, end);
        if (end <= start) continue;
        found = true;
        yield [start, end];
      }
      idle = found ? 0 : idle + 1;
      if (idle > maxIdleDays) {
        throw new TimeError('INVALID_CALENDAR', `No working time within ${maxIdleDays} days after ${instantFromMillis(from)} in calendar zone ${zone}`, {
          details: { zone },
        });
      }
      day += 1;
    }
  }

  const millisOf = (at: Instant, what: string): number => {
    if (!isInstant(at)) {
      throw new TimeError('INVALID_INSTANT', `${what}: "${String(at)}" is not a canonical Instant; convert it with instant() or parseInstant()`);
    }
    return instantToMillis(at);
  };

  const firstSpan = (from: number): Span => spansFrom(from).next().value;

  const between = (a: number, b: number): number => {
    if (b < a) return 0 - between(b, a); // not -between(): that returns -0 for a span without work
    let total = 0;
    for (const [start, end] of spansFrom(a)) {
      if (start >= b) break;
      total += Math.min(end, b) - start;
    }
    return total;
  };

  return Object.freeze({
    config: normalised,
    isWorkingDay(date: string): boolean {
      const day = epochDayOf(date);
      return hoursOn(day, date).length > 0;
    },
    workingSpans(date: string): readonly WorkingSpan[] {
      return Object.freeze(
        spansOfDay(epochDayOf(date)).map(([start, end]) => Object.freeze({ start: instantFromMillis(start), end: instantFromMillis(end) })),
      );
    },
    isWorkingTime(at: Instant): boolean {
      const millis = millisOf(at, 'isWorkingTime');
      return firstSpan(millis)[0] === millis;
    },
    nextWorkingTime(at: Instant): Instant {
      return instantFromMillis(firstSpan(millisOf(at, 'nextWorkingTime'))[0]);
    },
    addBusinessTime(at: Instant, duration: DurationInput): Instant {
      const from = millisOf(at, 'addBusinessTime');
      let remaining = durationToMillis(duration);
      if (remaining < 0) {
        throw new TimeError('INVALID_DURATION', `addBusinessTime needs a duration of zero or more, got ${describeInput(typeof duration === 'string' ? duration : JSON.stringify(duration) ?? typeof duration)}`);
      }
      if (remaining === 0) return at;
      for (const [start, end] of spansFrom(from)) {
        if (remaining <= end - start) return instantFromMillis(start + remaining);
        remaining -= end - start;
      }
      throw new TimeError('INVALID_CALENDAR', 'unreachable: the span search never ends without a value');
    },
    businessTimeBetween(a: Instant, b: Instant): number {
      return between(millisOf(a, 'businessTimeBetween'), millisOf(b, 'businessTimeBetween'));
    },
  });
}
