// Deadlines and time windows written as wall times in an IANA zone, compared only as instants.
import { z } from 'zod';
import { TimeError } from '../errors/time-error.js';
import { expectKnownKeys, expectObject, ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import { isInstant, millisBetween, type Instant } from './instant.js';
import {
  DISAMBIGUATIONS,
  formatInZone,
  localDateTime,
  resolveZone,
  toInstant,
  type Disambiguation,
  type LocalDateTime,
} from './local-date-time.js';

/**
 * A moment written the way people write it ("midnight on New Year, New York time") together
 * with the exact instant it means. Plain, frozen, JSON-safe data: store it, send it, log it.
 * @example { local: '2026-01-01T00:00:00', zone: 'America/New_York', instant: '2026-01-01T05:00:00.000Z' }
 */
export interface Deadline {
  /** The wall time as written, in canonical form. */
  readonly local: LocalDateTime;
  /** The IANA zone the wall time is written in. */
  readonly zone: string;
  /** The exact instant; every comparison uses this and nothing else. */
  readonly instant: Instant;
}

/** Options for {@link createDeadline} and {@link createTimeWindow}. */
export interface DeadlineOptions {
  /**
   * What to do when the wall time falls in a DST gap or overlap. The default refuses: a
   * promotion that ends at a time the clocks skip should be fixed by whoever wrote it.
   * @default 'reject'
   * @example 'earlier'
   */
  readonly disambiguation?: Disambiguation;
}

/** A deadline as configuration data, before it is resolved (see {@link deadlineSchema}). */
export interface DeadlineDefinition extends DeadlineOptions {
  /** Wall time without an offset. @example '2026-01-01T00:00' */
  readonly local: string;
  /** IANA zone name. @example 'America/New_York' */
  readonly zone: string;
}

/**
 * A half-open span of time `[start, end)` written in one zone, such as a promotion.
 * Plain, frozen, JSON-safe data.
 */
export interface TimeWindow {
  /** The IANA zone the wall times are written in. */
  readonly zone: string;
  /** The first moment inside the window, as written. */
  readonly start: LocalDateTime;
  /** The first moment after the window, as written. */
  readonly end: LocalDateTime;
  /** `start` as an exact instant (inclusive). */
  readonly startInstant: Instant;
  /** `end` as an exact instant (exclusive). */
  readonly endInstant: Instant;
}

/** A time window as configuration data (see {@link timeWindowSchema}). */
export interface TimeWindowDefinition extends DeadlineOptions {
  /** Wall time the window opens, without an offset. @example '2025-12-26T00:00' */
  readonly start: string;
  /** Wall time the window closes (exclusive), without an offset. @example '2026-01-01T00:00' */
  readonly end: string;
  /** IANA zone name both wall times are written in. @example 'America/New_York' */
  readonly zone: string;
}

/** Where an instant is relative to a window. */
export const WINDOW_STATES = ['upcoming', 'running', 'over'] as const;

/** Where an instant is relative to a window: before it, inside it, or at/after its end. */
export type WindowState = (typeof WINDOW_STATES)[number];

function checkDisambiguation(value: unknown, path: (string | number)[]): ValidationIssue | null {
  if (value === undefined || (DISAMBIGUATIONS as readonly unknown[]).includes(value)) return null;
  return { code: 'invalid_value', path, message: `Expected one of ${DISAMBIGUATIONS.join(', ')}` };
}

function assertNow(now: Instant, what: string): void {
  // Instants compare as text, so a stray "2026-01-01T00:00:00-05:00" would compare wrongly: refuse it.
  if (!isInstant(now)) {
    throw new TimeError(
      'INVALID_INSTANT',
      `${what}: "${String(now)}" is not a canonical Instant; read it from a Clock or convert it with instant() or parseInstant()`,
    );
  }
}

/**
 * Resolves a wall time in a zone to a deadline. This is the fix for the reference incident:
 * the zone travels with the deadline, so no process time zone is ever consulted.
 *
 * @example
 * const end = createDeadline('2026-01-01T00:00', 'America/New_York');
 * end.instant // '2026-01-01T05:00:00.000Z', on a server in Singapore as anywhere else
 * @throws TimeError `INVALID_LOCAL_DATE_TIME` (including text with an offset), `UNKNOWN_TIME_ZONE`,
 * `NONEXISTENT_LOCAL_TIME` / `AMBIGUOUS_LOCAL_TIME` under the default `reject` policy.
 * @throws ValidationError for an unknown `disambiguation`.
 */
export function createDeadline(local: LocalDateTime | string, zone: string, options: DeadlineOptions = {}): Deadline {
  expectKnownKeys('createDeadline options', options, ['disambiguation']);
  expectObject('createDeadline options', options);
  const issue = checkDisambiguation(options.disambiguation, ['disambiguation']);
  if (issue) throw new ValidationError('deadline options', [issue]);
  const canonical = localDateTime(local);
  resolveZone(zone);
  const instant = toInstant(canonical, zone, { disambiguation: options.disambiguation ?? 'reject' });
  return Object.freeze({ local: canonical, zone, instant });
}

/**
 * True when two deadlines are the same wall time in the same zone (and so the same instant): a
 * deadline read in another zone is another deadline, even where the instants happen to agree.
 */
export function sameDeadline(a: Deadline, b: Deadline): boolean {
  expectObject('sameDeadline a', a, 'a Deadline from createDeadline()');
  expectObject('sameDeadline b', b, 'a Deadline from createDeadline()');
  return a.instant === b.instant && a.zone === b.zone && a.local === b.local;
}

/**
 * True once `now` has reached the deadline: the deadline instant itself counts as passed,
 * so a window ending at a deadline is over at that instant.
 * @throws TimeError `INVALID_INSTANT` when `now` is not a canonical instant.
 */
export function isDeadlinePassed(deadline: Deadline, now: Instant): boolean {
  assertNow(now, 'isDeadlinePassed');
  return now >= deadline.instant;
}

/**
 * Milliseconds from `now` to the deadline; zero or negative once it has passed.
 * @throws TimeError `INVALID_INSTANT` when `now` is not a canonical instant.
 */
export function timeUntilDeadline(deadline: Deadline, now: Instant): number {
  assertNow(now, 'timeUntilDeadline');
  return millisBetween(now, deadline.instant);
}

/**
 * The deadline in its own zone and in UTC, for logs and screens where someone must be able to
 * check it by eye: `2026-01-01T00:00:00-05:00 [America/New_York] = 2026-01-01T05:00:00.000Z`.
 */
export function describeDeadline(deadline: Deadline): string {
  expectObject('describeDeadline deadline', deadline, 'a Deadline from createDeadline()');
  return `${formatInZone(deadline.instant, deadline.zone)} = ${deadline.instant}`;
}

function buildWindow(definition: TimeWindowDefinition): { window: TimeWindow } | { issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const disambiguationIssue = checkDisambiguation(definition.disambiguation, ['disambiguation']);
  if (disambiguationIssue) issues.push(disambiguationIssue);
  let zoneOk = true;
  try {
    resolveZone(definition.zone);
  } catch (error) {
    zoneOk = false;
    issues.push({ code: 'invalid_value', path: ['zone'], message: (error as Error).message });
  }
  const resolve = (key: 'start' | 'end'): Deadline | null => {
    try {
      localDateTime(definition[key]);
      if (!zoneOk || disambiguationIssue) return null;
      return createDeadline(definition[key], definition.zone, definition.disambiguation === undefined ? {} : { disambiguation: definition.disambiguation });
    } catch (error) {
      issues.push({ code: 'invalid_value', path: [key], message: (error as Error).message });
      return null;
    }
  };
  const start = resolve('start');
  const end = resolve('end');
  if (start && end && end.instant <= start.instant) {
    issues.push({
      code: 'too_small',
      path: ['end'],
      message: `The window must end after it starts: ${describeDeadline(end)} is not after ${describeDeadline(start)}`,
    });
  }
  if (issues.length > 0 || !start || !end) return { issues };
  return {
    window: Object.freeze({
      zone: definition.zone,
      start: start.local,
      end: end.local,
      startInstant: start.instant,
      endInstant: end.instant,
    }),
  };
}

/**
 * Makes a half-open window `[start, end)` from two wall times in one zone, e.g. a promotion
 * that runs until midnight New York time. `end` must be strictly after `start` as instants
 * (a window that "ends" at 01:30 on the night clocks fall back can still be empty: it is refused).
 *
 * @example
 * const promo = createTimeWindow({ start: '2025-12-26T00:00', end: '2026-01-01T00:00', zone: 'America/New_York' });
 * windowState(promo, clock.now()) // 'upcoming' | 'running' | 'over'
 * @throws ValidationError (`VALIDATION_FAILED`) listing every problem with its path
 * (`start`, `end`, `zone`, `disambiguation`), including `end` not after `start`.
 */
export function createTimeWindow(definition: TimeWindowDefinition): TimeWindow {
  expectKnownKeys('createTimeWindow definition', definition, ['start', 'end', 'zone', 'disambiguation']);
  if (typeof definition !== 'object' || definition === null) {
    throw new ValidationError('time window', [{ code: 'invalid_type', path: [], message: 'Expected { start, end, zone }' }]);
  }
  const built = buildWindow(definition);
  if ('issues' in built) throw new ValidationError('time window', built.issues);
  return built.window;
}

/**
 * True when `now` is inside the window: at or after its start, strictly before its end.
 * @throws TimeError `INVALID_INSTANT` when `now` is not a canonical instant.
 */
export function isWithinWindow(window: TimeWindow, now: Instant): boolean {
  assertNow(now, 'isWithinWindow');
  return now >= window.startInstant && now < window.endInstant;
}

/**
 * `upcoming` before the start, `running` from the start (inclusive) to the end (exclusive),
 * `over` from the end on.
 * @throws TimeError `INVALID_INSTANT` when `now` is not a canonical instant.
 */
export function windowState(window: TimeWindow, now: Instant): WindowState {
  assertNow(now, 'windowState');
  if (now < window.startInstant) return 'upcoming';
  return now < window.endInstant ? 'running' : 'over';
}

/**
 * The window in its own zone and in UTC:
 * `[2025-12-26T00:00:00-05:00 [America/New_York], 2026-01-01T00:00:00-05:00 [America/New_York]) = [2025-12-26T05:00:00.000Z, 2026-01-01T05:00:00.000Z)`.
 */
export function describeTimeWindow(window: TimeWindow): string {
  expectObject('describeTimeWindow window', window, 'a TimeWindow from createTimeWindow()');
  return (
    `[${formatInZone(window.startInstant, window.zone)}, ${formatInZone(window.endInstant, window.zone)})` +
    ` = [${window.startInstant}, ${window.endInstant})`
  );
}

const definitionFields = {
  zone: z.string({ error: 'Expected an IANA zone name such as "America/New_York"' }),
  disambiguation: z.enum(DISAMBIGUATIONS).optional(),
};

/**
 * Validates a deadline written as data (`{ local, zone, disambiguation? }`) and outputs the
 * resolved, frozen {@link Deadline}. Problems become issues with paths (`local`, `zone`).
 * @example deadlineSchema.parse({ local: '2026-01-01T00:00', zone: 'America/New_York' })
 */
export const deadlineSchema: z.ZodType<Deadline> = z
  .object({ local: z.string({ error: 'Expected a wall time such as "2026-01-01T00:00"' }), ...definitionFields })
  .strict()
  .transform((definition, ctx): Deadline => {
    let zoneOk = true;
    try {
      resolveZone(definition.zone);
    } catch (error) {
      zoneOk = false;
      ctx.addIssue({ code: 'custom', path: ['zone'], message: (error as Error).message, params: { ordoCode: (error as TimeError).code } });
    }
    try {
      localDateTime(definition.local);
      if (!zoneOk) return z.NEVER;
      return createDeadline(definition.local, definition.zone, definition.disambiguation === undefined ? {} : { disambiguation: definition.disambiguation });
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['local'], message: (error as Error).message, params: { ordoCode: (error as TimeError).code } });
      return z.NEVER;
    }
  });

/**
 * Validates a time window written as data (`{ start, end, zone, disambiguation? }`), e.g. in a
 * promotion config, and outputs the resolved, frozen {@link TimeWindow}. An `end` that is not
 * after `start` is an issue at path `end`.
 * @example timeWindowSchema.parse({ start: '2025-12-26T00:00', end: '2026-01-01T00:00', zone: 'America/New_York' })
 */
export const timeWindowSchema: z.ZodType<TimeWindow> = z
  .object({
    start: z.string({ error: 'Expected a wall time such as "2025-12-26T00:00"' }),
    end: z.string({ error: 'Expected a wall time such as "2026-01-01T00:00"' }),
    ...definitionFields,
  })
  .strict()
  .transform((definition, ctx): TimeWindow => {
    const built = buildWindow(definition as TimeWindowDefinition);
    if ('window' in built) return built.window;
    for (const issue of built.issues) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
    return z.NEVER;
  });
