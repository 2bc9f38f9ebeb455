// A write based on a stale version (or state) of a record: someone else committed first.
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';
import { describePart, type UnitPart } from './unit-error.js';

/** What a {@link ConcurrencyError} is about. */
export interface ConcurrencyConflict {
  /** What kind of record, e.g. `order`, `golden profile`, `reservation`. */
  readonly entity: string;
  readonly id: string;
  /** The version the writer believed current (`null` for "must not exist yet"). */
  readonly expectedVersion: number | null;
  /** The version actually stored (`null` when absent), when the adapter knows it. */
  readonly actualVersion?: number | null;
  /**
   * For records that have a status instead of a version (a reservation, a quarantine record):
   * the status the change needs, e.g. `active`, `open`.
   */
  readonly expectedStatus?: string;
  /** The status found (`null` when absent). */
  readonly actualStatus?: string | null;
  /** The unit-of-work part that made the write, when it was one. */
  readonly part?: UnitPart;
}

/** Thrown by storage when the expected version (or status) no longer matches what is stored. */
export class ConcurrencyError extends OrdoError<'CONCURRENCY_CONFLICT'> {
  /** What kind of record, e.g. `order`. */
  readonly entity: string;
  /** The record's id. */
  readonly id: string;
  /** The version the writer believed current (`null` for "must not exist yet"). */
  readonly expectedVersion: number | null;
  /** The version actually stored (`null` when absent), when the adapter knows it. */
  readonly actualVersion: number | null | undefined;
  /** The unit-of-work part that failed, when the write was one. */
  readonly part: UnitPart | undefined;

  constructor(fields: ConcurrencyConflict, options: OrdoErrorOptions = {}) {
    const where = fields.part === undefined ? '' : `Unit of work part ${describePart(fields.part)}: `;
    const text =
      fields.expectedStatus !== undefined
        ? `expected status ${fields.expectedStatus} but found ${fields.actualStatus === null || fields.actualStatus === undefined ? 'no record' : `status ${fields.actualStatus}`}; re-read and decide again`
        : `expected ${fields.expectedVersion === null ? 'no existing record' : `version ${fields.expectedVersion}`} but found ${
            fields.actualVersion === undefined ? 'a different version' : fields.actualVersion === null ? 'no record' : `version ${fields.actualVersion}`
          }; re-read and re-apply`;
    super('CONCURRENCY_CONFLICT', `${where}Stale write to ${fields.entity} ${fields.id}: ${text}`, {
      ...options,
      details: { ...fields, ...options.details },
    });
    this.name = 'ConcurrencyError';
    this.entity = fields.entity;
    this.id = fields.id;
    this.expectedVersion = fields.expectedVersion;
    this.actualVersion = fields.actualVersion;
    this.part = fields.part;
  }
}

/** True for a {@link ConcurrencyError}, also across realms. */
export function isConcurrencyError(value: unknown): value is ConcurrencyError {
  return value instanceof ConcurrencyError || (value as { name?: unknown } | null)?.name === 'ConcurrencyError';
}
