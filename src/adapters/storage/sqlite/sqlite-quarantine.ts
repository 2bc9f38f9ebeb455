// SQLite quarantine: invalid records kept with their issues until fixed, replayed or discarded.
import type { Instant } from '../../../clock/instant.js';
import type { ValidationIssue } from '../../../errors/validation-error.js';
import type { JsonValue } from '../../../ports/json.js';
import type { QuarantineInput, QuarantineRecord, QuarantineStore } from '../../../ports/quarantine-port.js';
import { parseJsonText, QUARANTINE_COLUMNS, toQuarantineRecord, type QuarantineRow as SharedQuarantineRow } from '../shared/outbox-rows.js';
import { limitValue, type SqliteContext } from './sqlite-driver.js';

type QuarantineRow = SharedQuarantineRow<string>;
const COLUMNS = QUARANTINE_COLUMNS;
const toRecord = (row: QuarantineRow): QuarantineRecord => toQuarantineRecord(row, parseJsonText);

/** Creates the quarantine store. */
export function createSqliteQuarantine(context: SqliteContext): QuarantineStore {
  const t = context.tables;
  const select = `SELECT ${COLUMNS} FROM ${t.quarantine} WHERE id = ?`;

  const close = (operation: string, id: string, status: 'replayed' | 'discarded', at: Instant): Promise<boolean> =>
    context.read(operation, (session) => session.run(`UPDATE ${t.quarantine} SET status = ?, updated_at = ? WHERE id = ? AND status = 'open'`, status, at, id) > 0);

  return {
    put(input: QuarantineInput): Promise<QuarantineRecord> {
      const payload = JSON.stringify(input.payload);
      const issues = JSON.stringify(input.issues);
      return context.write('quarantine.put', (session) => {
        // A redelivered bad payload must not overwrite a record someone may be fixing.
        session.run(
          `INSERT INTO ${t.quarantine} (id, source, payload, issues, received_at, status, updated_at, revisions) VALUES (?, ?, ?, ?, ?, 'open', ?, 0)
           ON CONFLICT (id) DO NOTHING`,
          input.id, input.source, payload, issues, input.receivedAt, input.receivedAt,
        );
        return toRecord(session.get<QuarantineRow>(select, input.id) as QuarantineRow);
      });
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
      const payloadText = JSON.stringify(payload);
      const issuesText = JSON.stringify(issues);
      return context.write('quarantine.fix', (session) => {
        // Replayed and discarded records are closed for audit; only open ones can change.
        const changed = session.run(
          `UPDATE ${t.quarantine} SET payload = ?, issues = ?, revisions = revisions + 1, updated_at = ? WHERE id = ? AND status = 'open'`,
          payloadText, issuesText, at, id,
        );
        return changed === 0 ? null : toRecord(session.get<QuarantineRow>(select, id) as QuarantineRow);
      });
    },

    markReplayed(id: string, at: Instant): Promise<boolean> {
      return close('quarantine.markReplayed', id, 'replayed', at);
    },

    discard(id: string, at: Instant): Promise<boolean> {
      return close('quarantine.discard', id, 'discarded', at);
    },
  };
}
