// Time that cannot be read unambiguously: no offset, unknown zone, a wall time in a DST gap or overlap.
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';

/** The time-related error codes. */
export type TimeErrorCode =
  | 'INVALID_INSTANT'
  | 'INVALID_LOCAL_DATE_TIME'
  | 'UNKNOWN_TIME_ZONE'
  | 'NONEXISTENT_LOCAL_TIME'
  | 'AMBIGUOUS_LOCAL_TIME'
  | 'INVALID_DURATION'
  | 'INVALID_CALENDAR';

/** Thrown by the clock module; `details` names the zone and the wall time involved. */
export class TimeError extends OrdoError<TimeErrorCode> {
  constructor(code: TimeErrorCode, message: string, options: OrdoErrorOptions = {}) {
    super(code, message, options);
    this.name = 'TimeError';
  }
}

/** True for a {@link TimeError}, also across realms. */
export function isTimeError(value: unknown): value is TimeError {
  return value instanceof TimeError || (value as { name?: unknown } | null)?.name === 'TimeError';
}
