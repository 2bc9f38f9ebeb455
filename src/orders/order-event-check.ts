// An event is checked at the boundary before any transition: its shape, its size, and a fingerprint
// of what was sent, so a reused event id with another payload is told apart from a redelivery.
import type { ValidationIssue } from '../errors/validation-error.js';
import { fingerprintData } from './data-fingerprint.js';
import { invalid, type Result } from '../errors/result.js';

/** Limits on one event; nothing a real channel or warehouse sends comes near them. */
export const ORDER_EVENT_LIMITS = Object.freeze({
  /** Characters of `id`. */
  idLength: 200,
  /** Characters of `type`. */
  typeLength: 64,
  /** Characters of any one string in the event (`reason`, `actor`, payload strings). */
  stringLength: 10_000,
  /** Nesting of objects and arrays below the event itself. */
  depth: 16,
  /** Keys and array items in the whole event. */
  nodes: 10_000,
});

const TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]*$/;

/**
 * The outcome of {@link checkOrderEvent}: `{ ok: true, value: { fingerprint } }`, or
 * `{ ok: false, error }`, a ValidationError listing every issue found.
 */
export type OrderEventCheck = Result<{ readonly fingerprint: string }>;

const SUBJECT = 'order event';

/**
 * Checks that `event` is plain data an order can record: an object with a non-blank string `id`,
 * an identifier-like `type`, optional string `actor` and `reason`, and a payload of JSON values
 * within {@link ORDER_EVENT_LIMITS}. Returns a fingerprint of the whole event (keys sorted, so
 * key order does not matter): the same id with a different fingerprint is another request.
 * Never throws, whatever it is given (getters that throw and proxies included); messages never
 * quote a value.
 */
export function checkOrderEvent(event: unknown): OrderEventCheck {
  // The fast path, on every transition: the common valid event costs a few typeof checks and
  // one hashing walk. Anything else takes the slow path, which lists every problem.
  try {
    if (typeof event === 'object' && event !== null) {
      const record = event as Record<string, unknown>;
      const { id, type, actor, reason, details } = record;
      if (
        typeof id === 'string' &&
        id.length <= ORDER_EVENT_LIMITS.idLength &&
        !BLANK.test(id) &&
        typeof type === 'string' &&
        (KNOWN_TYPES.has(type) || rememberType(type)) &&
        (actor === undefined || typeof actor === 'string') &&
        (reason === undefined || typeof reason === 'string') &&
        (details === undefined || isPlainRecord(details)) &&
        !Array.isArray(event)
      ) {
        const print = fingerprintData(record, ORDER_EVENT_LIMITS);
        if (print.ok) return { ok: true, value: { fingerprint: print.fingerprint } };
      }
    }
  } catch {
    // Fall through: the slow path reports the unreadable event.
  }
  return slowCheck(event);
}

const BLANK = /^\s*$/;

function isPlainRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** Types seen valid, so the pattern runs once per type, not once per event (bounded). */
const KNOWN_TYPES = new Set<string>();

function rememberType(type: string): boolean {
  if (type.length > ORDER_EVENT_LIMITS.typeLength || !TYPE_PATTERN.test(type)) return false;
  if (KNOWN_TYPES.size < 1_024) KNOWN_TYPES.add(type);
  return true;
}

function slowCheck(event: unknown): OrderEventCheck {
  const issues: ValidationIssue[] = [];
  try {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return invalid(SUBJECT, [{ code: 'invalid_type', path: [], message: 'An event must be an object with id and type' }]);
    }
    const record = event as Record<string, unknown>;
    const id = record['id'];
    if (typeof id !== 'string' || id.trim() === '') {
      issues.push({ code: 'invalid_type', path: ['id'], message: 'Expected a non-blank string id (events are idempotent by id)' });
    } else if (id.length > ORDER_EVENT_LIMITS.idLength) {
      issues.push({ code: 'too_big', path: ['id'], message: `An event id has at most ${ORDER_EVENT_LIMITS.idLength} characters` });
    }
    const type = record['type'];
    if (typeof type !== 'string' || !TYPE_PATTERN.test(type)) {
      issues.push({ code: 'invalid_type', path: ['type'], message: 'Expected an event type: letters, digits, _ . : - starting with a letter' });
    } else if (type.length > ORDER_EVENT_LIMITS.typeLength) {
      issues.push({ code: 'too_big', path: ['type'], message: `An event type has at most ${ORDER_EVENT_LIMITS.typeLength} characters` });
    }
    for (const key of ['actor', 'reason'] as const) {
      const value = record[key];
      if (value !== undefined && typeof value !== 'string') issues.push({ code: 'invalid_type', path: [key], message: `Expected ${key} to be a string` });
    }
    if (record['details'] !== undefined && !isPlainRecord(record['details'])) {
      issues.push({ code: 'invalid_type', path: ['details'], message: 'Expected details to be an object of JSON values' });
    }
    const print = fingerprintData(record, ORDER_EVENT_LIMITS);
    if (!print.ok) issues.push(...print.issues);
    if (issues.length > 0) return invalid(SUBJECT, issues);
    return { ok: true, value: { fingerprint: (print as { fingerprint: string }).fingerprint } };
  } catch {
    // A getter or a proxy trap threw: the event cannot be read as data.
    return invalid(SUBJECT, [...issues, { code: 'unreadable', path: [], message: 'The event could not be read (a getter or proxy threw)' }]);
  }
}
