// Payloads as JSON for the quarantine, and a stable fingerprint of them.
import { createHash } from 'node:crypto';
import type { JsonValue } from '../ports/json.js';

/**
 * @internal The payload as JSON, exactly as received when it is JSON. What JSON cannot hold
 * (bigint, a cycle, a throwing getter) is replaced by a description, so quarantine never fails on it.
 */
export function toJsonValue(payload: unknown): JsonValue {
  try {
    const text = JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    return text === undefined ? null : (JSON.parse(text) as JsonValue);
  } catch (error) {
    return { unserializable: typeof payload, error: error instanceof Error ? error.message.slice(0, 200) : 'unknown' };
  }
}

/** The key of a payload kept as its JSON text (see {@link toQuarantinePayload}). */
export const PAYLOAD_TEXT_KEY = 'ordo:payloadText';

/** Bounds on one raw payload, checked before its channel's schema reads it. */
export interface PayloadLimits {
  /** UTF-8 bytes of the payload as JSON. */
  readonly payloadBytes: number;
  /** Nesting of objects and arrays. */
  readonly depth: number;
}

/** The default {@link PayloadLimits}: far above any marketplace order (a large Tmall order is ~20 KB, 6 levels). */
export const PAYLOAD_LIMITS: PayloadLimits = Object.freeze({ payloadBytes: 1_048_576, depth: 32 });

/**
 * @internal The nesting depth of a value and an upper bound of its size as UTF-8 JSON, in one
 * walk that stops as soon as the depth passes `stopAt` (so a hostile 100,000-level payload costs
 * `stopAt` steps, and the recursion stays that shallow). The size bound counts every UTF-16 unit
 * of keys and strings as 3 bytes plus 24 for each value's punctuation and numbers.
 */
export function measure(value: unknown, stopAt: number): { readonly depth: number; readonly maxBytes: number } {
  let deepest = 0;
  let bytes = 0;
  const walk = (current: unknown, depth: number): void => {
    if (typeof current === 'string') {
      bytes += 3 * current.length + 2;
      return;
    }
    bytes += 24;
    if (typeof current !== 'object' || current === null) return;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > stopAt) return;
    if (Array.isArray(current)) {
      for (const child of current) {
        walk(child, depth + 1);
        if (deepest > stopAt) return;
      }
      return;
    }
    for (const key in current) {
      if (!Object.hasOwn(current, key)) continue;
      bytes += 3 * key.length + 3;
      walk((current as Record<string, unknown>)[key], depth + 1);
      if (deepest > stopAt) return;
    }
  };
  walk(value, 0);
  return { depth: deepest, maxBytes: bytes };
}

/**
 * @internal The payload as every storage can keep it: JSON as received, or, when it nests
 * deeper than `maxDepth` or holds a NUL character (PostgreSQL's jsonb refuses one), its JSON
 * text under {@link PAYLOAD_TEXT_KEY}, so nothing is lost and a replay reads it back whole.
 */
export function toQuarantinePayload(payload: unknown, maxDepth: number): JsonValue {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  } catch {
    return toJsonValue(payload);
  }
  if (text === undefined) return null;
  let deep: boolean;
  try {
    deep = measure(payload, maxDepth).depth > maxDepth;
  } catch {
    deep = true;
  }
  if (deep || text.includes('\\u0000')) return { [PAYLOAD_TEXT_KEY]: text };
  return JSON.parse(text) as JsonValue;
}

/** @internal The payload a quarantine record holds, as it was received. */
export function fromQuarantinePayload(stored: JsonValue): unknown {
  if (typeof stored === 'object' && stored !== null && !Array.isArray(stored)) {
    const keys = Object.keys(stored);
    const text = (stored as Record<string, JsonValue>)[PAYLOAD_TEXT_KEY];
    if (keys.length === 1 && typeof text === 'string') return JSON.parse(text) as unknown;
  }
  return stored;
}

/** @internal JSON with sorted keys, so equal payloads hash alike whatever their key order. */
export function stableStringify(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => stableStringify(item)).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${stableStringify((value as Record<string, JsonValue>)[key] as JsonValue)}`).join(',')}}`;
}

/** @internal A short hex fingerprint of a JSON value. */
export function fingerprint(value: JsonValue): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 24);
}
