// A write based on a stale version of a record: someone else committed first.
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';

/** Thrown by storage when the expected version no longer matches what is stored. */
export class ConcurrencyError extends OrdoError<'CONCURRENCY_CONFLICT'> {
  /** What kind of record, e.g. `order`. */
  readonly entity: string;
  /** The record's id. */
  readonly id: string;
  /** The version the writer believed current (`null` for "must not exist yet"). */
  readonly expectedVersion: number | null;
  /** The version actually stored (`null` when absent), when the adapter knows it. */
  readonly actualVersion: number | null | undefined;

  constructor(
    fields: { entity: string; id: string; expectedVersion: number | null; actualVersion?: number | null },
    options: OrdoErrorOptions = {},
  ) {
    const expected = fields.expectedVersion === null ? 'no existing record' : `version ${fields.expectedVersion}`;
    const actual =
      fields.actualVersion === undefined
        ? 'a different version'
        : fields.actualVersion === null
          ? 'no record'
          : `version ${fields.actualVersion}`;
    super(
      'CONCURRENCY_CONFLICT',
      `Stale write to ${fields.entity} ${fields.id}: expected ${expected} but found ${actual}; re-read and re-apply`,
      { ...options, details: { ...fields, ...options.details } },
    );
    this.name = 'ConcurrencyError';
    this.entity = fields.entity;
    this.id = fields.id;
    this.expectedVersion = fields.expectedVersion;
    this.actualVersion = fields.actualVersion;
  }
}

/** True for a {@link ConcurrencyError}, also across realms. */
export function isConcurrencyError(value: unknown): value is ConcurrencyError {
  return value instanceof ConcurrencyError || (value as { name?: unknown } | null)?.name === 'ConcurrencyError';
}
