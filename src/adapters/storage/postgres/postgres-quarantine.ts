// PostgreSQL quarantine: invalid records kept with their issues until fixed, replayed or discarded.
import type { Instant } from '../../../clock/instant.js';
import type { ValidationIssue } from '../../../errors/validation-error.js';
import type { JsonValue } from '../../../ports/json.js';
import { hasErrorCode } from '../../../errors/ordo-error.js';
import type { QuarantineChange, QuarantineInput, QuarantineRecord, QuarantineStore } from '../../../ports/quarantine-port.js';
import { asArgumentError } from '../shared/unit-plan.js';
import { commitPostgres } from './postgres-orders.js';
import { jsonAsIs, QUARANTINE_COLUMNS, toQuarantineRecord, type QuarantineRow as SharedQuarantineRow } from '../shared/outbox-rows.js';
import { limitParam, type PgContext } from './postgres-driver.js';

type QuarantineRow = SharedQuarantineRow<unknown>;
const COLUMNS = QUARANTINE_COLUMNS;
const toRecord = (row: QuarantineRow): QuarantineRecord => toQuarantineRecord(row, jsonAsIs);

/** Creates the quarantine store. */
export function createPostgresQuarantine(context: PgContext): QuarantineStore {
  const t = context.tables;

  /** The record the change left, or null when the record was not open. */
  const change = async (operation: string, quarantineChange: QuarantineChange, at: Instant): Promise<QuarantineRecord | null> => {
    try {
      return (await commitPostgres(context, { quarantine: [quarantineChange], at }, operation)).quarantine[0] as QuarantineRecord;
    } catch (error) {
      if (hasErrorCode(error, 'CONCURRENCY_CONFLICT')) return null;
      throw asArgumentError(error, ['quarantine', 0], 'quarantine record');
    }
  };

  const get = async (id: string): Promise<QuarantineRecord | null> => {
    const result = await context.query('quarantine.get', `SELECT ${COLUMNS} FROM ${t.quarantine} WHERE id = $1`, [id]);
    const row = result.rows[0] as QuarantineRow | undefined;
    return row === undefined ? null : toRecord(row);
  };

  return {
    async put(input: QuarantineInput): Promise<QuarantineRecord> {
      return (await change('quarantine.put', { type: 'put', record: input }, input.receivedAt)) as QuarantineRecord;
    },

    get,

    async list(options: { readonly source?: string; readonly status?: QuarantineRecord['status']; readonly limit?: number } = {}): Promise<QuarantineRecord[]> {
      const result = await context.query(
        'quarantine.list',
        `SELECT ${COLUMNS} FROM ${t.quarantine} WHERE ($1::text IS NULL OR source = $1) AND ($2::text IS NULL OR status = $2)
         ORDER BY received_at, seq LIMIT $3`,
        [options.source ?? null, options.status ?? null, limitParam(options.limit)],
      );
      return (result.rows as QuarantineRow[]).map(toRecord);
    },

    fix(id: string, payload: JsonValue, issues: readonly ValidationIssue[], at: Instant): Promise<QuarantineRecord | null> {
      return change('quarantine.fix', { type: 'fix', id, payload, issues }, at);
    },

    async markReplayed(id: string, at: Instant): Promise<boolean> {
      return (await change('quarantine.markReplayed', { type: 'markReplayed', id }, at)) !== null;
    },

    async discard(id: string, at: Instant): Promise<boolean> {
      return (await change('quarantine.discard', { type: 'discard', id }, at)) !== null;
    },
  };
}
