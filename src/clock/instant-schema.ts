// zod schemas for time at boundaries: instants must state their offset, unless a zone is supplied.
import { z } from 'zod';
import { TimeError } from '../errors/time-error.js';
import { expectKnownKeys, expectObject, ValidationError } from '../errors/validation-error.js';
import { instantFromMillis, type Instant } from './instant.js';
import { describeInput } from '../errors/mask.js';
import { DISAMBIGUATIONS, resolveZone, toInstant, wallTimeAsUtcMillis, type Disambiguation } from './local-date-time.js';

/** Options for {@link instantSchema}. */
export interface InstantSchemaOptions {
  /**
   * The IANA zone that offset-less wall times are written in (e.g. a channel that sends Beijing
   * time as `2026-06-18 10:00:00`). Without it such text is rejected.
   * @example 'Asia/Shanghai'
   */
  readonly zone?: string;
  /**
   * DST policy for offset-less text in `zone`.
   * @default 'reject'
   */
  readonly disambiguation?: Disambiguation;
  /**
   * Accept epoch milliseconds as numbers.
   * @default true
   */
  readonly allowEpochMillis?: boolean;
}

const WITH_OFFSET = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}(?::?\d{2})?)$/i;
const WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?$/;

/**
 * @internal Epoch milliseconds of ISO-8601 text that states its offset (`Z`, `+08:00`, `+0800`,
 * `+08`), or null. Stricter than `Date.parse`, which rolls 2026-02-30 over to March 2, reads
 * `T24:00` as the next day and accepts RFC 2822 prose.
 */
export function parseOffsetDateTime(text: string): number | null {
  const m = WITH_OFFSET.exec(text);
  if (!m) return null;
  const [, date = '', time = '', rawOffset = 'Z'] = m;
  let offsetMillis = 0;
  if (rawOffset.toUpperCase() !== 'Z') {
    const digits = rawOffset.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2) || '0');
    if (hours > 18 || minutes > 59) return null;
    offsetMillis = (rawOffset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  }
  // Sub-millisecond digits are truncated: instants have millisecond precision.
  const [hms = '', frac] = time.split('.');
  const wall = `${date}T${hms}${frac ? `.${frac.slice(0, 3)}` : ''}`;
  const wallMillis = wallTimeAsUtcMillis(wall); // null for an impossible date or time of day
  return wallMillis === null ? null : wallMillis - offsetMillis;
}

function validateOptions(options: InstantSchemaOptions): void {
  const issues: { code: string; path: string[]; message: string }[] = [];
  if (options.zone !== undefined) {
    try {
      resolveZone(options.zone);
    } catch (error) {
      issues.push({ code: 'invalid_value', path: ['zone'], message: (error as Error).message });
    }
  }
  if (options.disambiguation !== undefined && !(DISAMBIGUATIONS as readonly string[]).includes(options.disambiguation)) {
    issues.push({ code: 'invalid_value', path: ['disambiguation'], message: `Expected one of ${DISAMBIGUATIONS.join(', ')}` });
  }
  if (options.allowEpochMillis !== undefined && typeof options.allowEpochMillis !== 'boolean') {
    issues.push({ code: 'invalid_type', path: ['allowEpochMillis'], message: 'Expected a boolean' });
  }
  if (issues.length > 0) throw new ValidationError('instant options', issues);
}

/**
 * Parses an instant from boundary input: ISO-8601 with `Z` or an explicit offset, epoch
 * milliseconds, or (only when `zone` is given) an offset-less wall time in that zone.
 * @throws TimeError `INVALID_INSTANT` (and the zone errors of `toInstant`).
 * @example parseInstant('2026-06-18T10:00:00+0800') // '2026-06-18T02:00:00.000Z'
 */
export function parseInstant(input: string | number, options: InstantSchemaOptions = {}): Instant {
  if (typeof input === 'number') {
    if (options.allowEpochMillis === false) {
      throw new TimeError('INVALID_INSTANT', 'Epoch milliseconds are not accepted here: send ISO-8601 text with an offset');
    }
    return instantFromMillis(input);
  }
  if (typeof input !== 'string') {
    throw new TimeError('INVALID_INSTANT', `Expected ISO-8601 text or epoch milliseconds, got ${input === null ? 'null' : typeof input}`);
  }
  const text = input.trim();
  const millis = parseOffsetDateTime(text);
  if (millis !== null) return instantFromMillis(millis);
  if (WITHOUT_OFFSET.test(text)) {
    if (options.zone === undefined) {
      throw new TimeError(
        'INVALID_INSTANT',
        `${describeInput(text)} has no offset, so it is not an instant: send "Z" or "+08:00", or declare the zone it is written in`,
        { details: { shape: describeInput(text) } },
      );
    }
    return toInstant(text, options.zone, options.disambiguation === undefined ? {} : { disambiguation: options.disambiguation });
  }
  throw new TimeError('INVALID_INSTANT', `${describeInput(text)} is not an ISO-8601 instant`, { details: { shape: describeInput(text) } });
}

/**
 * A zod schema that accepts boundary time input and outputs a canonical {@link Instant}, for
 * your own zod schemas. Rejected values become a zod issue with `params.ordoCode` (e.g.
 * `INVALID_INSTANT`). Its `.parse` is zod's and throws zod's `ZodError`, as every zod schema
 * does: use `.safeParse`, or {@link parseInstant}, which throws Ordo's `TimeError`.
 * @throws ValidationError when the options themselves are wrong (unknown zone or policy).
 * @example
 * instantSchema().parse('2026-01-01T00:00:00-05:00') // '2026-01-01T05:00:00.000Z'
 * instantSchema({ zone: 'Asia/Shanghai' }).parse('2026-06-18 10:00:00') // '2026-06-18T02:00:00.000Z'
 */
export function instantSchema(options: InstantSchemaOptions = {}): z.ZodType<Instant, string | number> {
  expectObject('instantSchema options', options);
  expectKnownKeys('instantSchema options', options, ['zone', 'disambiguation', 'allowEpochMillis']);
  // A misspelt zone should fail where the schema is built, not on the first offset-less payload.
  validateOptions(options);
  return z.union([z.string(), z.number()]).transform((value, ctx): Instant => {
    try {
      return parseInstant(value, options);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: error instanceof Error ? error.message : 'Invalid instant',
        params: { ordoCode: (error as { code?: string }).code },
      });
      return z.NEVER;
    }
  });
}
