// The result shape every customer normaliser returns: Ordo's one Result, its error naming a stable reason.
import type { Result } from '../errors/result.js';
import { ValidationError } from '../errors/validation-error.js';

/**
 * Why a normaliser refused a value: a {@link ValidationError} whose one issue's `code` is the
 * stable reason (`EMPTY_PHONE`, `BAD_CHECK_CHARACTER`, ...), also at hand as `reason`.
 */
export class NormaliseError<R extends string = string> extends ValidationError {
  /** The stable reason code, the same as `issues[0].code`. */
  readonly reason: R;

  constructor(subject: string, reason: R, message: string) {
    super(subject, [{ code: reason, path: [], message }]);
    this.reason = reason;
  }
}

/** A normaliser's verdict: `{ ok: true, value }`, or `{ ok: false, error }` with the reason and a masked message. */
export type NormaliseResult<T, R extends string = string> = Result<T, NormaliseError<R>>;

/** @internal Builds a success. */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/** @internal Builds a failure; `message` must already be masked. */
export function fail<R extends string>(subject: string, reason: R, message: string): { readonly ok: false; readonly error: NormaliseError<R> } {
  return { ok: false, error: new NormaliseError(subject, reason, message) };
}
