// The stable error codes of Ordo: one literal union that users can switch on.

/**
 * Every code an {@link OrdoError} can carry. Codes are part of the public contract:
 * they never change meaning, and new ones are only added.
 */
export const ORDO_ERROR_CODES = [
  // input
  'VALIDATION_FAILED',
  'INVALID_OPTIONS',
  // money
  'CURRENCY_MISMATCH',
  'INVALID_MONEY',
  // time
  'INVALID_INSTANT',
  'INVALID_LOCAL_DATE_TIME',
  'UNKNOWN_TIME_ZONE',
  'NONEXISTENT_LOCAL_TIME',
  'AMBIGUOUS_LOCAL_TIME',
  'INVALID_DURATION',
  'INVALID_CALENDAR',
  // orders
  'ILLEGAL_TRANSITION',
  'GUARD_REJECTED',
  'INVALID_MACHINE_DEFINITION',
  // storage
  'CONCURRENCY_CONFLICT',
  'IDEMPOTENCY_MISMATCH',
  'DUPLICATE_KEY',
  'STORAGE_UNAVAILABLE',
  'STORAGE_TIMEOUT',
  'STORAGE_FAILURE',
  'MIGRATIONS_MISSING',
  // a server refused the credentials or the permission (storage or transport)
  'ACCESS_DENIED',
  // unit of work
  'INSUFFICIENT_STOCK',
  'LEASE_LOST',
  'CAPACITY_EXCEEDED',
  // sync
  'UNKNOWN_STATUS_CODE',
  'UNMAPPED_STATUS',
  'SYNC_MISMATCH',
  'UNSORTED_INPUT',
  // webhooks
  'WEBHOOK_MALFORMED',
  'WEBHOOK_SIGNATURE_INVALID',
  'WEBHOOK_TIMESTAMP_STALE',
  'WEBHOOK_TIMESTAMP_FUTURE',
  'WEBHOOK_REPLAYED',
  'WEBHOOK_BODY_TOO_LARGE',
  // transport
  'TRANSPORT_FAILURE',
  'TRANSPORT_CLOSED',
  // carrier
  'CARRIER_REJECTED',
] as const;

/** A stable error code; see {@link ORDO_ERROR_CODES}. */
export type OrdoErrorCode = (typeof ORDO_ERROR_CODES)[number];
