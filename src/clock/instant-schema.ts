// zod schemas for time at boundaries: instants must state their offset, unless a zone is supplied.
import { z } from 'zod';
import { TimeError } from '../errors/time-error.js';
import { instantFromMillis, type Instant } from './instant.js';
import { toInstant, type Disambiguation } from './local-date-time.js';

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

function parseWithOffset(text: string): number | null {
  const m = WITH_OFFSET.exec(text);
  if (!m) return null;
  const [, date, time = '', rawOffset = 'Z'] = m;
  // Normalise "+08", "+0800" to "+08:00" and trim sub-millisecond digits, then let Date parse it.
  let offset = rawOffset.toUpperCase();
  if (offset !== 'Z') offset = offset.length === 3 ? `${offset}:00` : offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset;
  const [hms = '', frac] = time.split('.');
  const fullTime = hms.length === 5 ? `${hms}:00` : hms;
  const millis = Date.parse(`${date}T${fullTime}${frac ? `.${frac.slice(0, 3).padEnd(3, '0')}` : ''}${offset}`);
  return Number.isNaN(millis) ? null : millis;
}

/**
 * Parses an instant from boundary input: ISO-8601 with `Z` or an explicit offset, epoch
 * milliseconds, or (only when `zone` is given) an offset-less wall time in that zone.
 * @throws TimeError `INVALID_INSTANT` (and the zone errors of `toInstant`).
 */
export function parseInstant(input: string | number, options: InstantSchemaOptions = {}): Instant {
  if (typeof input === 'number') {
    if (options.allowEpochMillis === false) {
      throw new TimeError('INVALID_INSTANT', 'Epoch milliseconds are not accepted here: send ISO-8601 text with an offset');
    }
    return instantFromMillis(input);
  }
  const text = input.trim();
  const millis = parseWithOffset(text);
  if (millis !== null) return instantFromMillis(millis);
  if (WITHOUT_OFFSET.test(text)) {
    if (options.zone === undefined) {
      throw new TimeError(
        'INVALID_INSTANT',
        `"${text}" has no offset, so it is not an instant: send "Z" or "+08:00", or declare the zone it is written in`,
        { details: { value: text } },
      );
    }
    return toInstant(text, options.zone, options.disambiguation === undefined ? {} : { disambiguation: options.disambiguation });
  }
  throw new TimeError('INVALID_INSTANT', `"${text}" is not an ISO-8601 instant`, { details: { value: text } });
}

/**
 * A zod schema that accepts boundary time input and outputs a canonical {@link Instant}.
 * @example
 * instantSchema().parse('2026-01-01T00:00:00-05:00') // '2026-01-01T05:00:00.000Z'
 * instantSchema({ zone: 'Asia/Shanghai' }).parse('2026-06-18 10:00:00') // '2026-06-18T02:00:00.000Z'
 */
export function instantSchema(options: InstantSchemaOptions = {}): z.ZodType<Instant, string | number> {
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
