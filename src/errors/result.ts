// The one result shape of every operation that can fail as data: a value, or an Ordo error with issues.
import { ValidationError, type ValidationIssue } from './validation-error.js';
import type { OrdoError } from './ordo-error.js';

/**
 * What an operation that can fail as data answers: `{ ok: true, value }`, or `{ ok: false, error }`
 * with an {@link OrdoError} (a {@link ValidationError} with `issues` unless documented otherwise).
 * Check `ok`, then read `value` or `error`; nothing is thrown for the expected failures.
 */
export type Result<T, E extends OrdoError = ValidationError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** A success. */
export function success<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/** A failure carrying `error`. */
export function failure<E extends OrdoError>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

/** A failure whose error is a {@link ValidationError} about `subject` with these issues. */
export function invalid(subject: string, issues: readonly ValidationIssue[]): { readonly ok: false; readonly error: ValidationError } {
  return { ok: false, error: new ValidationError(subject, issues) };
}
