// SQLite quarantine: invalid records kept with their issues until fixed, replayed or discarded.
import type { Instant } from '../../../clock/instant.js';
import type { ValidationIssue } from '../../../errors/validation-error.js';
import type { JsonValue } from '../../../ports/json.js';
import { hasErrorCode } from '../../../errors/ordo-error.js';
import type { QuarantineChange, QuarantineInput, QuarantineRecord, QuarantineStore } from '../../../ports/quarantine-port.js';
import { asArgumentError } from '../shared/unit-plan.js';
import { commitSqlite } from './sqlite-orders.js';
import { parseJsonText, QUARANTINE_COLUMNS, toQuarantineRecord, type QuarantineRow as SharedQuarantineRow } from '../shared/outbox-rows.js';
import { limitValue, type SqliteContext } from './sqlite-driver.js';

type QuarantineRow = SharedQuarantineRow<string>;
const COLUMNS = QUARANTINE_COLUMNS;
const toRecord = (row: QuarantineRow): QuarantineRecord => toQuarantineRecord(row, parseJsonText);

/** Creates the quarantine store. */
export function createSqliteQuarantine(context: SqliteContext): QuarantineStore {
  const t = context.tables;
  const select = `SELECT ${COLUMNS} FROM ${t.quarantine} WHERE id = ?`;

  /** The record the change left, or null when the record was not open. */
  const change = async (operation: string, quarantineChange: QuarantineChange, at: Instant): Promise<QuarantineRecord | null> => {
    try {
      return (await commitSqlite(context, { quarantine: [quarantineChange], at }, operation)).quarantine[0] as QuarantineRecord;
    } catch (error) {
      if (hasErrorCode(error, 'CONCURRENCY_CONFLICT')) return null;
      throw asArgumentError(error, ['quarantine', 0], 'quarantine record');
    }
  };

  return {
    async put(input: QuarantineInput): Promise<QuarantineRecord> {
      return (await change('quarantine.put', { type: 'put', record: input }, input.receivedAt)) as QuarantineRecord;
    },

    get(id: string): Promise<QuarantineRecord | null> {
      return context.read('quarantine.get', (session) => {
        const row = session.get<QuarantineRow>(select, id);
        return row === undefined ? null : toRecord(row);
      });
    },

    list(options: { readonly source?: string; readonly status?: QuarantineRecord['status']; readonly limit?: number } = {}): Promise<QuarantineRecord[]> {
      return context.read('quarantine.list', (session) =>
        session
          .all<QuarantineRow>(
            `SELECT ${COLUMNS} FROM ${t.quarantine} WHERE (? IS NULL OR source = ?) AND (? IS NULL OR status = ?) ORDER BY received_at, seq LIMIT ?`,
            options.source ?? null, options.source ?? null, options.status ?? null, options.status ?? null, limitValue(options.limit),
          )
          .map(toRecord),
      );
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
