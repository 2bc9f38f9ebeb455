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
