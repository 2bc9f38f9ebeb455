// Recurring schedules as wall times in a named zone ("every Sunday 22:00 Asia/Shanghai"), DST-correct. Pure.
import { WEEKDAYS, type Weekday } from '../clock/business-calendar.js';
import { isInstant, type Instant } from '../clock/instant.js';
import { addCalendarDays, resolveZone, toInstant, toLocalDateTime, wallTimeAsUtcMillis } from '../clock/local-date-time.js';
import { isOrdoError } from '../errors/ordo-error.js';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';


/** The declaration passed to {@link defineRecurringSchedule}. */
export interface RecurringScheduleInput {
  /** The IANA zone the wall time is read in, e.g. `Asia/Shanghai`. */
  readonly zone: string;
  /** The wall time, `HH:mm`, e.g. `22:00`. */
  readonly time: string;
  /** The days it runs on (`mon` ... `sun`, the clock module's spelling). @default every day */
  readonly weekdays?: readonly Weekday[];
}

/** A checked schedule. */
export interface RecurringSchedule {
  readonly zone: string;
  readonly time: string;
  readonly weekdays: readonly Weekday[];
  /**
   * The first occurrence strictly after `after`. Each matching date gives exactly one instant:
   * a time the clocks skip (DST gap) runs just after the gap, a time they repeat (overlap) runs
   * at its first reading, never twice.
   */
  next(after: Instant): Instant;
  /** For people: `every sun at 22:00 (Asia/Shanghai)`. */
  describe(): string;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

/**
 * Declares a recurring schedule.
 * @throws ValidationError `INVALID_OPTIONS` listing every problem.
 * @example
 * const weekly = defineRecurringSchedule({ zone: 'Asia/Shanghai', time: '22:00', weekdays: ['sun'] });
 * weekly.next(instant('2026-11-30T00:00:00Z')) // '2026-12-06T14:00:00.000Z'
 */
export function defineRecurringSchedule(input: RecurringScheduleInput): RecurringSchedule {
  const issues: ValidationIssue[] = [];
  const { zone, time, weekdays = WEEKDAYS } = (typeof input === 'object' && input !== null ? input : {}) as Partial<RecurringScheduleInput>;
  try {
    resolveZone(zone as string);
  } catch (error) {
    issues.push({ code: 'invalid_value', path: ['zone'], message: isOrdoError(error) ? error.message : 'Expected an IANA zone' });
  }
  if (typeof time !== 'string' || !TIME.test(time)) issues.push({ code: 'invalid_value', path: ['time'], message: 'Expected a wall time HH:mm, e.g. "22:00"' });
  if (!Array.isArray(weekdays) || weekdays.length === 0) issues.push({ code: 'invalid_value', path: ['weekdays'], message: `Expected a non-empty list of ${WEEKDAYS.join(', ')}` });
  else weekdays.forEach((day, index) => {
    if (!(WEEKDAYS as readonly string[]).includes(day)) issues.push({ code: 'invalid_value', path: ['weekdays', index], message: `Expected one of ${WEEKDAYS.join(', ')}` });
  });
  if (issues.length > 0) throw new ValidationError('recurring schedule', issues, { code: 'INVALID_OPTIONS' });

  const days = WEEKDAYS.filter((day) => weekdays.includes(day));
  const runs = new Set(days.map((day) => WEEKDAYS.indexOf(day)));
  const z = zone as string;
  const t = time as string;
  return Object.freeze({
    zone: z,
    time: t,
    weekdays: Object.freeze(days),
    next(after: Instant): Instant {
      if (!isInstant(after)) throw new ValidationError('recurring schedule next()', [{ code: 'invalid_instant', path: [], message: 'Expected an Instant from the clock' }]);
      let date = toLocalDateTime(after, z).slice(0, 10);
      // Eight days always hold the next matching date after the one `after` falls on.
      for (let i = 0; i < 9; i += 1, date = addCalendarDays(date, 1)) {
        if (!runs.has(isoWeekday(date))) continue;
        const occurrence = toInstant(`${date}T${t}`, z, { disambiguation: 'compatible' });
        if (occurrence > after) return occurrence;
      }
      /* c8 ignore next */
      throw new Error('unreachable: a weekly schedule always recurs within eight days');
    },
    describe: () => `${days.length === 7 ? 'every day' : `every ${days.join(', ')}`} at ${t} (${z})`,
  });
}

/** 0 for Monday ... 6 for Sunday, of a `YYYY-MM-DD` date. */
function isoWeekday(date: string): number {
  const days = Math.floor((wallTimeAsUtcMillis(`${date}T00:00`) as number) / DAY_MS);
  // 1970-01-01 was a Thursday (3 counting from Monday).
  return (((days + 3) % 7) + 7) % 7;
}
