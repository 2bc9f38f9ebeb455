// Idempotency records: a key, a fingerprint of the request, and the result to answer repeats with.
import type { Instant } from '../clock/instant.js';
import type { JsonValue } from './json.js';

/** A remembered request. */
export interface IdempotencyRecord {
  readonly key: string;
  /** A hash of the request payload; a repeat with another fingerprint is `IDEMPOTENCY_MISMATCH`. */
  readonly fingerprint: string;
  readonly result: JsonValue;
  readonly createdAt: Instant;
}

/** Idempotency record access outside a unit of work. */
export interface IdempotencyStore {
  /** The record for `key`, or null. */
  get(key: string): Promise<IdempotencyRecord | null>;
  /**
   * Stores the record unless the key exists. Returns the stored record: the new one, or the
   * existing one (whose fingerprint the caller compares).
   */
  putIfAbsent(record: IdempotencyRecord): Promise<IdempotencyRecord>;
}
