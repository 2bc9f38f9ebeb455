// Injectable clocks, as java.time.Clock: the only place in Ordo that reads the process time.
import { TimeError } from '../errors/time-error.js';
import {
  durationToMillis,
  instantFromMillis,
  instantToMillis,
  isInstant,
  type DurationInput,
  type Instant,
} from './instant.js';
import { describeInput } from '../errors/mask.js';
import { parseOffsetDateTime } from './instant-schema.js';

/**
 * The source of "now". Every Ordo function that needs the time takes one; nothing reads the
 * process clock or the process time zone behind your back.
 */
export interface Clock {
  /** The current instant. */
  now(): Instant;
  /** The current instant as epoch milliseconds (cheaper when only arithmetic is needed). */
  millis(): number;
}

/** A clock whose time you move by hand; for tests, demos and replays. */
export interface ManualClock extends Clock {
  /** Moves time forward (or back, with a negative duration) and returns the new instant. */
  advance(duration: DurationInput): Instant;
  /** Jumps to an instant. */
  set(instant: Instant | string | number): void;
}

/** Accepts an instant, canonical or not, as ISO text with an offset or epoch milliseconds. */
function toMillis(input: Instant | string | number, what: string): number {
  if (typeof input === 'number') return instantToMillis(instantFromMillis(input));
  if (typeof input !== 'string') {
    throw new TimeError('INVALID_INSTANT', `${what} must be ISO-8601 text or epoch milliseconds, got ${input === null ? 'null' : typeof input}`);
  }
  if (isInstant(input)) return instantToMillis(input);
  // Only text that states its offset is exact; a bare wall time needs a zone (see toInstant).
  const millis = parseOffsetDateTime(input.trim());
  if (millis !== null) return instantToMillis(instantFromMillis(millis));
  if (/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]*)?$/.test(input.trim())) {
    throw new TimeError('INVALID_INSTANT', `${what} ${describeInput(input)} has no offset: give "Z" or "+08:00", or convert a wall time with toInstant(local, zone)`);
  }
  throw new TimeError('INVALID_INSTANT', `${what} ${describeInput(input)} is not an ISO-8601 instant`);
}

/** The real time of this process, from `Date.now()`. */
export const systemClock: Clock = Object.freeze({
  now: (): Instant => instantFromMillis(Date.now()),
  millis: (): number => Date.now(),
});

/**
 * A clock that always says the same instant.
 * @example createFixedClock('2026-01-01T05:00:00Z')
 */
export function createFixedClock(instant: Instant | string | number): Clock {
  const millis = toMillis(instant, 'Fixed clock instant');
  const now = instantFromMillis(millis);
  return Object.freeze({ now: () => now, millis: () => millis });
}

/**
 * A clock running `offset` ahead of (or, negative, behind) another.
 * @example createOffsetClock(systemClock, { hours: 13 })
 */
export function createOffsetClock(base: Clock, offset: DurationInput): Clock {
  const shift = durationToMillis(offset);
  return Object.freeze({
    now: () => instantFromMillis(base.millis() + shift),
    millis: () => base.millis() + shift,
  });
}

/**
 * A clock that stands still until you move it.
 * @example
 * const clock = createManualClock('2026-06-18T00:00:00+08:00');
 * clock.advance({ minutes: 15 });
 */
export function createManualClock(start: Instant | string | number): ManualClock {
  let millis = toMillis(start, 'Manual clock start');
  return Object.freeze({
    now: () => instantFromMillis(millis),
    millis: () => millis,
    advance(duration: DurationInput): Instant {
      millis = instantToMillis(instantFromMillis(millis + durationToMillis(duration)));
      return instantFromMillis(millis);
    },
    set(instant: Instant | string | number): void {
      millis = toMillis(instant, 'Manual clock instant');
    },
  });
}

/** Parses exact time text (with an offset) or epoch milliseconds into an {@link Instant}. */
export function instant(input: Instant | string | number): Instant {
  return instantFromMillis(toMillis(input, 'Instant'));
}
