// Input that failed a schema: the zod-style list of issues, each with its path.
import type { ZodError } from 'zod';
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';

/** One problem found in an input, in the shape zod uses. Messages never carry the value. */
export interface ValidationIssue {
  /** A short machine-readable kind, such as `invalid_type` or `too_small`. */
  readonly code: string;
  /** Where in the input the problem is, e.g. `['lines', 0, 'quantity']`. */
  readonly path: readonly (string | number)[];
  /** What was wrong, for people. */
  readonly message: string;
}

/** The codes of a {@link ValidationError}: bad data, or bad configuration (options given to a factory). */
export type ValidationErrorCode = 'VALIDATION_FAILED' | 'INVALID_OPTIONS';

/**
 * Thrown (or returned in a `Result`) when input does not match its schema: `VALIDATION_FAILED`
 * for data, `INVALID_OPTIONS` for the options a factory was given. Either way `issues` holds
 * every problem with its path.
 */
export class ValidationError extends OrdoError<ValidationErrorCode> {
  /** Every problem found, not only the first. */
  readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[], options: OrdoErrorOptions & { readonly code?: ValidationErrorCode } = {}) {
    const { code = 'VALIDATION_FAILED', ...rest } = options;
    super(code, `Invalid ${subject}: ${summarizeIssues(issues)}`, rest);
    this.name = 'ValidationError';
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue, path: [...issue.path] })));
  }

  /** Converts a zod error; zod's messages describe types and bounds, never the input value. */
  static fromZod(subject: string, error: ZodError, code: ValidationErrorCode = 'VALIDATION_FAILED'): ValidationError {
    const issues = error.issues.flatMap((issue): ValidationIssue[] => {
      const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
      // One issue per unknown key, at its own path: `options.batchsize`, not the object.
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => ({ code: issue.code, path: [...path, key], message: 'Unknown key (a typo, or an option of another version?)' }));
      }
      return [{ code: issue.code, path, message: issue.message }];
    });
    return new ValidationError(subject, issues, { cause: error, code });
  }
}

/** Renders issues as `path: message; path: message`, capped so a huge batch stays readable. */
export function summarizeIssues(issues: readonly ValidationIssue[], max = 5): string {
  expectArray('summarizeIssues issues', issues);
  const shown = issues.slice(0, max).map((issue) => {
    const where = issue.path.length === 0 ? '(root)' : issue.path.join('.');
    return `${where}: ${issue.message}`;
  });
  const more = issues.length > max ? `; and ${issues.length - max} more` : '';
  return shown.join('; ') + more;
}

/** True for a {@link ValidationError}, also across realms. */
export function isValidationError(value: unknown): value is ValidationError {
  return (
    value instanceof ValidationError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'ValidationError' &&
      Array.isArray((value as { issues?: unknown }).issues))
  );
}

/**
 * @internal Throws a {@link ValidationError} unless `value` is a plain object (not null, not an
 * array): public functions call it first, so a bad argument is never a `TypeError`.
 */
export function expectObject(subject: string, value: unknown, what = 'an object'): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(subject, [{ code: 'invalid_type', path: [], message: `Expected ${what}, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}` }]);
  }
}

/** @internal Throws a {@link ValidationError} unless `value` is a string. */
export function expectString(subject: string, value: unknown): void {
  if (typeof value !== 'string') {
    throw new ValidationError(subject, [{ code: 'invalid_type', path: [], message: `Expected a string, got ${value === null ? 'null' : typeof value}` }]);
  }
}

/** @internal Throws a {@link ValidationError} unless `value` is an array. */
export function expectArray(subject: string, value: unknown, what = 'an array'): void {
  if (!Array.isArray(value)) {
    throw new ValidationError(subject, [{ code: 'invalid_type', path: [], message: `Expected ${what}, got ${value === null ? 'null' : typeof value}` }]);
  }
}

/**
 * @internal Throws a {@link ValidationError} `INVALID_OPTIONS` naming every key of an options object that the
 * function does not know: a misspelt or misplaced option (`tablePrefix` passed where it is not
 * read) must fail loudly, not be silently ignored. Nothing happens for a non-object.
 */
export function expectKnownKeys(subject: string, value: unknown, known: readonly string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new ValidationError(
      subject,
      unknown.map((key) => ({ code: 'unrecognized_keys', path: [key], message: `Unknown option; expected one of ${known.join(', ')}` })),
      { code: 'INVALID_OPTIONS' },
    );
  }
}

/** @internal Throws a {@link ValidationError} when a function that takes one options object got more arguments. */
export function expectNoMoreArguments(subject: string, extra: readonly unknown[]): void {
  if (extra.length > 0) {
    throw new ValidationError(subject, [{ code: 'too_many_arguments', path: [1], message: 'Takes one options object: put every option inside it' }], { code: 'INVALID_OPTIONS' });
  }
}
