// When a failed sync task runs again, or is given up: a retry policy in Temporal's terms, decided purely.
import { durationToMillis, instantFromMillis, isInstant, type DurationInput, type Instant } from '../clock/instant.js';
import { isOrdoError } from '../errors/ordo-error.js';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';

/**
 * A retry policy, named as Temporal names its own. The defaults are what Ordo's users asked
 * for: every 15 minutes, for 72 hours from the first failure.
 */
export interface RetryPolicyInput {
  /** Wait after the first failure. @default { minutes: 15 } */
  readonly initialInterval?: DurationInput;
  /** Each wait is the previous one times this (1: a fixed interval). @default 1 */
  readonly backoffCoefficient?: number;
  /** The longest wait. @default 100 × initialInterval (Temporal's default) */
  readonly maximumInterval?: DurationInput;
  /** Attempts in all, the first failed one included; 0 for no limit (the deadline decides). @default 0 */
  readonly maximumAttempts?: number;
  /**
   * How long after the first failure the task is given up. The last attempt runs at the
   * deadline itself when a wait would pass it. @default { hours: 72 }
   */
  readonly deadline?: DurationInput;
  /**
   * Spread of each wait, as a share of it (0.1: ±10%), so tasks that failed together do not
   * retry together. Deterministic per task and attempt. @default 0
   */
  readonly jitter?: number;
  /** Error codes that no retry can fix (a rejected schema, an unknown status code): dead-lettered at once. */
  readonly nonRetryableErrorCodes?: readonly string[];
  /**
   * An explicit schedule instead of interval and backoff: the wait after the first failure, the
   * second, ...; when it runs out, the task is dead-lettered (`max_attempts`). The deadline still
   * applies. Standard Webhooks' schedule is `STANDARD_WEBHOOKS_SCHEDULE`.
   */
  readonly intervals?: readonly DurationInput[];
}

/** The Standard Webhooks retry schedule: after the first attempt, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const STANDARD_WEBHOOKS_SCHEDULE: readonly DurationInput[] = Object.freeze([{ seconds: 5 }, { minutes: 5 }, { minutes: 30 }, { hours: 2 }, { hours: 5 }, { hours: 10 }, { hours: 10 }]);

/** A checked retry policy, durations in milliseconds. */
export interface RetryPolicy {
  readonly initialIntervalMs: number;
  readonly backoffCoefficient: number;
  readonly maximumIntervalMs: number;
  readonly maximumAttempts: number;
  readonly deadlineMs: number;
  readonly jitter: number;
  readonly nonRetryableErrorCodes: readonly string[];
  /** The explicit schedule in milliseconds, when one was given. */
  readonly intervalsMs?: readonly number[];
}

/** Why a task was given up. */
export const DEAD_LETTER_REASONS = ['non_retryable', 'max_attempts', 'deadline'] as const;

/** A reason; see {@link DEAD_LETTER_REASONS}. */
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** What {@link decideRetry} answers. */
export type RetryDecision =
  | { readonly action: 'retry'; readonly nextDueAt: Instant }
  | { readonly action: 'dead_letter'; readonly reason: DeadLetterReason };

/** The failure {@link decideRetry} decides about. */
export interface FailedAttempt {
  /** Failures so far, this one included (1 after the first). */
  readonly failures: number;
  /** When the first failure happened: the deadline counts from it. */
  readonly firstFailedAt: Instant;
  /** When this failure happened. */
  readonly failedAt: Instant;
  /** The failure's stable code, checked against `nonRetryableErrorCodes`. */
  readonly code?: string;
  /** Seeds the jitter, e.g. the task id. */
  readonly seed?: string;
  /** The other side asked to wait at least this long (HTTP `Retry-After`); never past the deadline. */
  readonly retryAfterMs?: number;
}

/**
 * Checks a retry policy: every problem at once, with its path.
 * @throws ValidationError `INVALID_OPTIONS`.
 * @example compileRetryPolicy({ initialInterval: { seconds: 1 }, backoffCoefficient: 2, maximumInterval: { minutes: 5 } })
 */
export function compileRetryPolicy(input: RetryPolicyInput = {}): RetryPolicy {
  const issues: ValidationIssue[] = [];
  const issue = (key: string, message: string): void => {
    issues.push({ code: 'invalid_value', path: [key], message });
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('retry policy', [{ code: 'invalid_type', path: [], message: 'Expected a retry policy object' }], { code: 'INVALID_OPTIONS' });
  }
  const known = ['initialInterval', 'backoffCoefficient', 'maximumInterval', 'maximumAttempts', 'deadline', 'jitter', 'nonRetryableErrorCodes', 'intervals'];
  for (const key of Object.keys(input)) if (!known.includes(key)) issues.push({ code: 'unrecognized_keys', path: [key], message: `Unknown key (expected ${known.join(', ')})` });
  const millis = (key: keyof RetryPolicyInput, fallback: number, positive: boolean): number => {
    const value = input[key];
    if (value === undefined) return fallback;
    try {
      const ms = durationToMillis(value as DurationInput);
      if (ms < 0 || (positive && ms === 0)) issue(key, `Expected a ${positive ? 'positive' : 'non-negative'} duration`);
      return ms;
    } catch (error) {
      issue(key, isOrdoError(error) ? error.message : 'Expected a duration such as { minutes: 15 }');
      return fallback;
    }
  };
  const initialIntervalMs = millis('initialInterval', 15 * 60_000, true);
  const maximumIntervalMs = millis('maximumInterval', initialIntervalMs * 100, true);
  if (maximumIntervalMs < initialIntervalMs) issue('maximumInterval', 'Expected at least the initial interval');
  const deadlineMs = millis('deadline', 72 * 3_600_000, true);
  const backoffCoefficient = input.backoffCoefficient ?? 1;
  if (typeof backoffCoefficient !== 'number' || !Number.isFinite(backoffCoefficient) || backoffCoefficient < 1) issue('backoffCoefficient', 'Expected a number of at least 1');
  const maximumAttempts = input.maximumAttempts ?? 0;
  if (!Number.isSafeInteger(maximumAttempts) || maximumAttempts < 0) issue('maximumAttempts', 'Expected a whole number (0 for no limit)');
  const jitter = input.jitter ?? 0;
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter < 1)) issue('jitter', 'Expected a share from 0 up to (not including) 1, e.g. 0.1');
  const codes = input.nonRetryableErrorCodes ?? [];
  if (!Array.isArray(codes) || codes.some((code) => typeof code !== 'string' || code === '')) issue('nonRetryableErrorCodes', 'Expected a list of error codes');
  let intervalsMs: number[] | undefined;
  if (input.intervals !== undefined) {
    if (!Array.isArray(input.intervals) || input.intervals.length === 0) issue('intervals', 'Expected a non-empty list of durations');
    else
      intervalsMs = input.intervals.map((interval, index) => {
        try {
          const ms = durationToMillis(interval);
          if (ms < 0) issues.push({ code: 'invalid_value', path: ['intervals', index], message: 'Expected a non-negative duration' });
          return ms;
        } catch (error) {
          issues.push({ code: 'invalid_value', path: ['intervals', index], message: isOrdoError(error) ? error.message : 'Expected a duration' });
          return 0;
        }
      });
  }
  if (issues.length > 0) throw new ValidationError('retry policy', issues, { code: 'INVALID_OPTIONS' });
  return Object.freeze({
    initialIntervalMs,
    backoffCoefficient,
    maximumIntervalMs,
    maximumAttempts,
    deadlineMs,
    jitter,
    nonRetryableErrorCodes: Object.freeze([...codes]),
    ...(intervalsMs === undefined ? {} : { intervalsMs: Object.freeze(intervalsMs) }),
  });
}

/**
 * Decides what follows a failure: the next due instant, or dead-lettering with the reason. The
 * wait after failure n is `initialInterval × backoffCoefficient^(n-1)`, at most
 * `maximumInterval`, spread by `jitter`; a wait that would pass the deadline is cut to it, so the
 * last attempt runs at the deadline; a failure at or after the deadline is final.
 *
 * With the defaults, a target that never answers is tried at 0, 15 min, ..., 72 h: 289 attempts,
 * dead-lettered at exactly 72 h.
 *
 * @throws ValidationError for a malformed attempt.
 * @example decideRetry(policy, { failures: 1, firstFailedAt: t0, failedAt: t0 }) // { action: 'retry', nextDueAt: t0 + 15 min }
 */
export function decideRetry(policy: RetryPolicy, attempt: FailedAttempt): RetryDecision {
  const { failures, firstFailedAt, failedAt, code, seed, retryAfterMs } = (attempt ?? {}) as Partial<FailedAttempt>;
  if (!Number.isSafeInteger(failures) || (failures as number) < 1 || !isInstant(firstFailedAt) || !isInstant(failedAt)) {
    throw new ValidationError('failed attempt', [{ code: 'invalid_type', path: [], message: 'Expected { failures (from 1), firstFailedAt, failedAt } with Instants' }]);
  }
  if (code !== undefined && policy.nonRetryableErrorCodes.includes(code)) return { action: 'dead_letter', reason: 'non_retryable' };
  if (policy.maximumAttempts > 0 && (failures as number) >= policy.maximumAttempts) return { action: 'dead_letter', reason: 'max_attempts' };
  const deadline = Date.parse(firstFailedAt) + policy.deadlineMs;
  const now = Date.parse(failedAt);
  if (now >= deadline) return { action: 'dead_letter', reason: 'deadline' };
  let wait: number;
  if (policy.intervalsMs !== undefined) {
    const scheduled = policy.intervalsMs[(failures as number) - 1];
    if (scheduled === undefined) return { action: 'dead_letter', reason: 'max_attempts' };
    wait = scheduled;
  } else wait = Math.min(policy.initialIntervalMs * policy.backoffCoefficient ** ((failures as number) - 1), policy.maximumIntervalMs);
  if (policy.jitter > 0) wait *= 1 + policy.jitter * (2 * unitHash(`${seed ?? ''}:${failures}`) - 1);
  if (typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs > wait) wait = retryAfterMs;
  return { action: 'retry', nextDueAt: instantFromMillis(Math.min(now + Math.max(1, Math.round(wait)), deadline)) };
}

/** A number in [0, 1) from text (FNV-1a), for deterministic jitter. */
function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 4_294_967_296;
}
