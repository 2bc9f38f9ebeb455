// Exact instants: canonical UTC ISO-8601 strings, branded so a wall time can never pass for one.
import { Duration } from 'luxon';
import { describeInput } from '../errors/mask.js';
import { TimeError } from '../errors/time-error.js';

declare const instantBrand: unique symbol;

/**
 * An exact point on the time line, as canonical UTC ISO-8601 text (`2026-01-01T05:00:00.000Z`).
 * Plain data (JSON-safe, sortable as text for years 0000-9999) but branded: only Ordo's
 * constructors make one, so an offset-less wall time cannot be passed where an instant is needed.
 */
export type Instant = string & { readonly [instantBrand]: 'Instant' };

/** Earliest and latest instants Ordo represents: years 0000 to 9999, so text order is time order. */
const MIN_MILLIS = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
const MAX_MILLIS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

/**
 * Makes an instant from epoch milliseconds.
 * @throws TimeError `INVALID_INSTANT` for a non-integer or out-of-range value.
 */
export function instantFromMillis(millis: number): Instant {
  if (!Number.isInteger(millis) || millis < MIN_MILLIS || millis > MAX_MILLIS) {
    throw new TimeError('INVALID_INSTANT', `Epoch milliseconds ${String(millis)} are not an integer between years 0000 and 9999`);
  }
  return new Date(millis).toISOString() as Instant;
}

/** Epoch milliseconds of an instant. */
export function instantToMillis(instant: Instant): number {
  return Date.parse(instant);
}

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Two decimal digits of `text` at `at`, as a number (the pattern checked they are digits). */
function digits2(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + (text.charCodeAt(at + 1) - 48);
}

/**
 * True when `value` is an instant in Ordo's canonical form: the pattern, and a real date and time
 * (no 2026-02-30, no 24:00, no leap second). Checked by its fields rather than a round trip
 * through Date, since metrics call it for every status of every order they read. Four-digit
 * years keep it within Ordo's range.
 */
export function isInstant(value: unknown): value is Instant {
  if (typeof value !== 'string' || value.length !== 24 || !CANONICAL.test(value)) return false;
  const year = digits2(value, 0) * 100 + digits2(value, 2);
  const month = digits2(value, 5);
  const day = digits2(value, 8);
  if (month < 1 || month > 12 || day < 1 || digits2(value, 11) > 23 || digits2(value, 14) > 59 || digits2(value, 17) > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const length = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= length;
}

/**
 * -1, 0 or 1. Canonical instants compare as text, so this never re-parses.
 */
export function compareInstants(a: Instant, b: Instant): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `a` is strictly before `b`. */
export function isBefore(a: Instant, b: Instant): boolean {
  return a < b;
}

/** True when `a` is strictly after `b`. */
export function isAfter(a: Instant, b: Instant): boolean {
  return a > b;
}

/** The later of two instants. */
export function maxInstant(a: Instant, b: Instant): Instant {
  return a > b ? a : b;
}

/** The earlier of two instants. */
export function minInstant(a: Instant, b: Instant): Instant {
  return a < b ? a : b;
}

/**
 * A fixed-length amount of time: milliseconds, an ISO-8601 duration (`PT15M`), or units up to
 * weeks. Months and years are refused: their length depends on a calendar and a zone.
 * @example { minutes: 15 } or 'PT72H' or 900_000
 */
export type DurationInput =
  | number
  | string
  | {
      readonly weeks?: number;
      readonly days?: number;
      readonly hours?: number;
      readonly minutes?: number;
      readonly seconds?: number;
      readonly milliseconds?: number;
    };

/**
 * Converts a duration to milliseconds. Days are exactly 24 hours here; for "the same wall time
 * tomorrow in a zone", go through a zoned wall time instead.
 * @throws TimeError `INVALID_DURATION` for malformed input or calendar units (months, years).
 */
export function durationToMillis(duration: DurationInput): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || !Number.isInteger(duration)) {
      throw new TimeError('INVALID_DURATION', `A duration in milliseconds must be an integer, got ${String(duration)}`);
    }
    return duration;
  }
  // Luxon reads a bare "P" or "PT" as zero; ISO 8601 requires at least one component.
  const parsed =
    typeof duration === 'string'
      ? /\d/.test(duration) ? Duration.fromISO(duration) : Duration.invalid('no components')
      : safeFromObject(duration);
  if (!parsed.isValid) {
    throw new TimeError('INVALID_DURATION', `Not a duration: ${describeDuration(duration)} (expected e.g. "PT15M" or { minutes: 15 })`);
  }
  if (parsed.years !== 0 || parsed.quarters !== 0 || parsed.months !== 0) {
    throw new TimeError('INVALID_DURATION', `Durations with months or years have no fixed length: ${describeDuration(duration)}`);
  }
  const millis = parsed.as('milliseconds');
  if (!Number.isInteger(millis)) {
    throw new TimeError('INVALID_DURATION', `Duration ${describeDuration(duration)} is not a whole number of milliseconds`);
  }
  return millis;
}

/** A duration as a message may show it: ISO text by its shape, an object by its keys and numbers. */
function describeDuration(duration: unknown): string {
  if (typeof duration === 'number') return String(duration);
  if (typeof duration === 'object' && duration !== null && !Array.isArray(duration)) {
    const parts = Object.entries(duration).map(([key, value]) => `${quoteKey(key)}: ${typeof value === 'number' ? value : describeInput(value)}`);
    return `{ ${parts.join(', ')} }`;
  }
  return describeInput(duration);
}

function quoteKey(key: string): string {
  return /^[A-Za-z]{1,20}$/.test(key) ? key : describeInput(key);
}

const CALENDAR_UNITS = new Set(['years', 'year', 'quarters', 'quarter', 'months', 'month']);

function safeFromObject(duration: Exclude<DurationInput, number | string>): Duration {
  if (typeof duration !== 'object' || duration === null) return Duration.invalid('not an object');
  const allowed = new Set(['weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds']);
  for (const [key, value] of Object.entries(duration)) {
    if (CALENDAR_UNITS.has(key)) {
      throw new TimeError('INVALID_DURATION', `Durations with months or years have no fixed length: ${describeDuration(duration)}`);
    }
    if (!allowed.has(key) || typeof value !== 'number' || !Number.isFinite(value)) {
      return Duration.invalid(`unsupported unit ${key}`);
    }
  }
  return Duration.fromObject(duration);
}

/** `instant + duration` (negative durations go back). */
export function addDuration(instant: Instant, duration: DurationInput): Instant {
  return instantFromMillis(instantToMillis(instant) + durationToMillis(duration));
}

/** Milliseconds from `a` to `b` (negative when `b` is earlier). */
export function millisBetween(a: Instant, b: Instant): number {
  return instantToMillis(b) - instantToMillis(a);
}
