// SQLite quarantine: invalid records kept with their issues until fixed, replayed or discarded.
import type { QuarantineRecord, QuarantineStore } from '../../../ports/quarantine-port.js';
import { quarantineWrites } from '../shared/unit-conveniences.js';
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

  return {
    ...quarantineWrites((unit, operation) => commitSqlite(context, unit, operation)),

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

  };
}
