// Wall times (no offset) and their only way to an instant: an explicit IANA zone and a DST policy.
import { DateTime, IANAZone } from 'luxon';
import { describeInput } from '../errors/mask.js';
import { TimeError } from '../errors/time-error.js';
import { expectKnownKeys, ValidationError } from '../errors/validation-error.js';
import { instantFromMillis, instantToMillis, type Instant } from './instant.js';

declare const localBrand: unique symbol;

/**
 * A wall-clock date and time with no zone, e.g. `2026-01-01T00:00` ("midnight, somewhere").
 * It is not a point in time until {@link toInstant} gives it a zone.
 */
export type LocalDateTime = string & { readonly [localBrand]: 'LocalDateTime' };

/**
 * The DST policies, for a wall time that a DST change skipped (gap) or repeated (overlap):
 * - `reject`: throw `NONEXISTENT_LOCAL_TIME` / `AMBIGUOUS_LOCAL_TIME`;
 * - `earlier` / `later`: pick the earlier or later reading (as Temporal does);
 * - `compatible`: `later` in a gap and `earlier` in an overlap, so the result is never before
 *   the wall time's first occurrence (Temporal's and java.time's default; used for schedules).
 */
export const DISAMBIGUATIONS = ['reject', 'earlier', 'later', 'compatible'] as const;

/** How to resolve a wall time that a DST change skipped (gap) or repeated (overlap); see {@link DISAMBIGUATIONS}. */
export type Disambiguation = (typeof DISAMBIGUATIONS)[number];

/** Options for {@link toInstant}. */
export interface ToInstantOptions {
  /**
   * What to do with a wall time in a DST gap or overlap. `earlier`/`later` follow Temporal:
   * in a gap, `earlier` reads the time with the offset after the change and `later` with the one
   * before (so 02:30 in New York's spring gap is 01:30 EST or 03:30 EDT); `compatible` is
   * `later` in a gap and `earlier` in an overlap.
   * @default 'reject'
   */
  readonly disambiguation?: Disambiguation;
}

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

function parseLocalFields(text: string): LocalFields | null {
  const m = LOCAL_PATTERN.exec(text);
  if (!m) return null;
  const fields: LocalFields = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6] ?? 0),
    millisecond: Number((m[7] ?? '0').padEnd(3, '0')),
  };
  // Round-trip through UTC to reject 2026-02-30 or 25:00.
  const back = new Date(fieldsToUtcMillis(fields));
  const ok =
    back.getUTCFullYear() === fields.year &&
    back.getUTCMonth() === fields.month - 1 &&
    back.getUTCDate() === fields.day &&
    back.getUTCHours() === fields.hour &&
    back.getUTCMinutes() === fields.minute &&
    back.getUTCSeconds() === fields.second;
  return ok ? fields : null;
}

function fieldsToUtcMillis(f: LocalFields): number {
  // Date.UTC maps years 0-99 to 1900-1999, so set the full date explicitly (also keeps 0004-02-29).
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  d.setUTCHours(f.hour, f.minute, f.second, f.millisecond);
  return d.getTime();
}

/** @internal Milliseconds of a wall time read as if it were UTC, or null for impossible text. */
export function wallTimeAsUtcMillis(text: string): number | null {
  const fields = parseLocalFields(text);
  return fields ? fieldsToUtcMillis(fields) : null;
}

function formatFields(f: LocalFields): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const base = `${String(f.year).padStart(4, '0')}-${p2(f.month)}-${p2(f.day)}T${p2(f.hour)}:${p2(f.minute)}:${p2(f.second)}`;
  return f.millisecond === 0 ? base : `${base}.${String(f.millisecond).padStart(3, '0')}`;
}

/**
 * Validates wall-time text (`YYYY-MM-DDTHH:mm[:ss[.SSS]]`, no offset) and returns it in
 * canonical form (`YYYY-MM-DDTHH:mm:ss[.SSS]`).
 * @throws TimeError `INVALID_LOCAL_DATE_TIME` for text with an offset or an impossible date.
 */
export function localDateTime(text: string): LocalDateTime {
  const fields = parseLocalFields(text);
  if (!fields) {
    throw new TimeError(
      'INVALID_LOCAL_DATE_TIME',
      `${describeInput(text)} is not a wall time: expected YYYY-MM-DDTHH:mm[:ss] without an offset, and a real calendar date`,
      { details: { shape: describeInput(text) } },
    );
  }
  return formatFields(fields) as LocalDateTime;
}

/**
 * A resolved IANA time zone: its name and its offset rules. Ordo's own type, so the published
 * declarations need no luxon types.
 */
export interface TimeZone {
  /** The IANA name, e.g. `Asia/Shanghai`. */
  readonly name: string;
  /** Always true: an unknown zone throws instead of resolving. */
  readonly isValid: boolean;
  /** Offset from UTC in minutes at an epoch-millisecond instant (fractional for historical local mean time). */
  offset(epochMillis: number): number;
}

const zoneCache = new Map<string, IANAZone>();

/**
 * Resolves an IANA zone name (`Asia/Shanghai`, `America/New_York`, `UTC`).
 * @throws TimeError `UNKNOWN_TIME_ZONE` for anything else, including abbreviations like `EST` or `CST`,
 * which name no rules and caused more than one outage.
 */
export function resolveZone(zone: string): TimeZone {
  return luxonZone(zone);
}

/** {@link resolveZone} as luxon's own zone, for this module's DateTime work. */
function luxonZone(zone: string): IANAZone {
  const cached = zoneCache.get(zone);
  if (cached) return cached;
  // Abbreviations are ambiguous (CST is China, Cuba or US Central); only region names carry rules.
  if (typeof zone !== 'string') {
    throw new TimeError('UNKNOWN_TIME_ZONE', `A time zone must be an IANA zone name such as "Asia/Shanghai", got ${zone === null ? 'null' : typeof zone}`);
  }
  const looksLikeRegion = zone === 'UTC' || zone === 'Etc/UTC' || zone.includes('/');
  if (!looksLikeRegion || !IANAZone.isValidZone(zone)) {
    throw new TimeError(
      'UNKNOWN_TIME_ZONE',
      `Unknown time zone "${zone}": expected an IANA zone name such as "Asia/Shanghai" or "America/New_York"`,
      { details: { zone } },
    );
  }
  const resolved = IANAZone.create(zone);
  zoneCache.set(zone, resolved);
  return resolved;
}

/**
 * Offset of `zone` from UTC at an instant, in minutes (e.g. 480 for Asia/Shanghai); fractional
 * for historical local mean time (Asia/Kolkata in 1900: 321.1666..., i.e. +05:21:10).
 */
export function zoneOffsetMinutes(zone: string, at: Instant): number {
  return resolveZone(zone).offset(instantToMillis(at));
}

const DAY = 86_400_000;

/**
 * Offset in whole milliseconds. Luxon returns fractional minutes for historical local mean time
 * (Asia/Kolkata used +05:21:10 until 1906), and float products would make non-integer instants.
 */
function offsetMillis(zone: TimeZone, at: number): number {
  return Math.round(zone.offset(at) * 60_000);
}

/**
 * Turns a wall time in an IANA zone into an exact instant. The only door from wall time to
 * instant in Ordo: there is no variant that uses the process time zone.
 *
 * @example toInstant(localDateTime('2026-01-01T00:00'), 'America/New_York') // 2026-01-01T05:00:00.000Z
 * @throws TimeError `NONEXISTENT_LOCAL_TIME` (in a DST gap) or `AMBIGUOUS_LOCAL_TIME` (in an overlap)
 * under the default `reject` policy; `UNKNOWN_TIME_ZONE`; `INVALID_LOCAL_DATE_TIME`.
 * @throws ValidationError for an unknown `disambiguation`.
 */
export function toInstant(local: LocalDateTime | string, zone: string, options: ToInstantOptions = {}): Instant {
  expectKnownKeys('toInstant options', options, ['disambiguation']);
  const fields = parseLocalFields(local);
  if (!fields) localDateTime(local); // throws the descriptive error
  const f = fields as LocalFields;
  const ianaZone = resolveZone(zone);
  const disambiguation = options.disambiguation ?? 'reject';
  if (!(DISAMBIGUATIONS as readonly string[]).includes(disambiguation)) {
    throw new ValidationError('toInstant options', [
      { code: 'invalid_value', path: ['disambiguation'], message: `Expected one of ${DISAMBIGUATIONS.join(', ')}` },
    ]);
  }
  const wall = fieldsToUtcMillis(f);

  // Candidate offsets: whatever the zone used a day either side (and at the wall time read as
  // UTC, for zones that changed twice within two days). A wall time is valid with an offset when
  // reading it with that offset lands on an instant that has that same offset.
  const before = offsetMillis(ianaZone, wall - DAY);
  const after = offsetMillis(ianaZone, wall + DAY);
  const offsets = [...new Set([before, after, offsetMillis(ianaZone, wall)])];
  const valid = [
    ...new Set(offsets.map((offset) => wall - offset).filter((candidate) => offsetMillis(ianaZone, candidate) === wall - candidate)),
  ].sort((a, b) => a - b);

  const shown = formatFields(f);
  if (valid.length === 1) return instantFromMillis(valid[0] as number);
  if (valid.length === 0 && before === after) {
    // A transition further than a day away (rare historical changes): trust the zone's own reading.
    return instantFromMillis(wall - offsetMillis(ianaZone, wall));
  }
  if (valid.length === 0) {
    if (disambiguation === 'reject') {
      throw new TimeError(
        'NONEXISTENT_LOCAL_TIME',
        `${shown} does not exist in ${zone}: clocks skipped it (DST gap). Choose disambiguation 'earlier' or 'later', or a different time`,
        { details: { zone, local: shown } },
      );
    }
    // Temporal semantics: 'earlier' reads with the post-change offset, 'later' with the pre-change one.
    const offset = disambiguation === 'earlier' ? after : before;
    return instantFromMillis(wall - offset);
  }
  if (disambiguation === 'reject') {
    const [first, second] = valid as [number, number];
    throw new TimeError(
      'AMBIGUOUS_LOCAL_TIME',
      `${shown} happens twice in ${zone} (DST overlap): at ${instantFromMillis(first)} and at ${instantFromMillis(second)}. Choose disambiguation 'earlier' or 'later'`,
      { details: { zone, local: shown, earlier: instantFromMillis(first), later: instantFromMillis(second) } },
    );
  }
  const pickEarlier = disambiguation === 'earlier' || disambiguation === 'compatible';
  return instantFromMillis((pickEarlier ? valid[0] : valid[valid.length - 1]) as number);
}

/**
 * The calendar date `days` days after `date` (both `YYYY-MM-DD`; `days` may be negative). Pure
 * calendar arithmetic: no zone, no DST.
 * @example addCalendarDays('2026-12-31', 1) // '2027-01-01'
 * @throws TimeError `INVALID_LOCAL_DATE_TIME` for a malformed or impossible date, or a non-integer count.
 */
export function addCalendarDays(date: string, days: number): string {
  const millis = typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? wallTimeAsUtcMillis(`${date}T00:00`) : null;
  if (millis === null || !Number.isSafeInteger(days)) {
    throw new TimeError('INVALID_LOCAL_DATE_TIME', `addCalendarDays expects a date "YYYY-MM-DD" and a whole number of days, got ${describeInput(date)} and ${describeInput(days)}`, {
      details: { shape: describeInput(date) },
    });
  }
  const d = new Date(millis + days * DAY);
  return formatFields({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0, minute: 0, second: 0, millisecond: 0 }).slice(0, 10);
}

/** The wall time an instant shows in a zone, e.g. `2025-12-31T19:00:00` in America/New_York. */
export function toLocalDateTime(at: Instant, zone: string): LocalDateTime {
  const dt = DateTime.fromMillis(instantToMillis(at), { zone: luxonZone(zone) });
  return localDateTime(dt.toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS").replace(/\.000$/, ''));
}

/**
 * Formats an instant in a zone with its offset and zone name, e.g.
 * `2025-12-31T19:00:00-05:00 [America/New_York]`: unambiguous for people and machines.
 */
export function formatInZone(at: Instant, zone: string): string {
  const dt = DateTime.fromMillis(instantToMillis(at), { zone: luxonZone(zone) });
  return `${dt.toFormat("yyyy-MM-dd'T'HH:mm:ssZZ")} [${zone}]`;
}
