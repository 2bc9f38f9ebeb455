// PostgreSQL quarantine: invalid records kept with their issues until fixed, replayed or discarded.
import type { Instant } from '../../../clock/instant.js';
import type { ValidationIssue } from '../../../errors/validation-error.js';
import type { JsonValue } from '../../../ports/json.js';
import type { QuarantineInput, QuarantineRecord, QuarantineStore } from '../../../ports/quarantine-port.js';
import { jsonAsIs, QUARANTINE_COLUMNS, toQuarantineRecord, type QuarantineRow as SharedQuarantineRow } from '../shared/outbox-rows.js';
import { limitParam, type PgContext } from './postgres-driver.js';

type QuarantineRow = SharedQuarantineRow<unknown>;
const COLUMNS = QUARANTINE_COLUMNS;
const toRecord = (row: QuarantineRow): QuarantineRecord => toQuarantineRecord(row, jsonAsIs);

/** Creates the quarantine store. */
export function createPostgresQuarantine(context: PgContext): QuarantineStore {
  const t = context.tables;

  const close = async (operation: string, id: string, status: 'replayed' | 'discarded', at: Instant): Promise<boolean> => {
    const result = await context.query(operation, `UPDATE ${t.quarantine} SET status = $2, updated_at = $3 WHERE id = $1 AND status = 'open'`, [id, status, at]);
    return (result.rowCount ?? 0) > 0;
  };

  const get = async (id: string): Promise<QuarantineRecord | null> => {
    const result = await context.query('quarantine.get', `SELECT ${COLUMNS} FROM ${t.quarantine} WHERE id = $1`, [id]);
    const row = result.rows[0] as QuarantineRow | undefined;
    return row === undefined ? null : toRecord(row);
  };

  return {
    async put(input: QuarantineInput): Promise<QuarantineRecord> {
      // A redelivered bad payload must not overwrite a record someone may be fixing.
      const result = await context.query(
        'quarantine.put',
        `INSERT INTO ${t.quarantine} (id, source, payload, issues, received_at, status, updated_at, revisions)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, 'open', $5, 0) ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
        [input.id, input.source, JSON.stringify(input.payload), JSON.stringify(input.issues), input.receivedAt],
      );
      const row = result.rows[0] as QuarantineRow | undefined;
      if (row !== undefined) return toRecord(row);
      return (await get(input.id)) as QuarantineRecord;
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

    async fix(id: string, payload: JsonValue, issues: readonly ValidationIssue[], at: Instant): Promise<QuarantineRecord | null> {
      // Replayed and discarded records are closed for audit; only open ones can change.
      const result = await context.query(
        'quarantine.fix',
        `UPDATE ${t.quarantine} SET payload = $2::jsonb, issues = $3::jsonb, revisions = revisions + 1, updated_at = $4
         WHERE id = $1 AND status = 'open' RETURNING ${COLUMNS}`,
        [id, JSON.stringify(payload), JSON.stringify(issues), at],
      );
      const row = result.rows[0] as QuarantineRow | undefined;
      return row === undefined ? null : toRecord(row);
    },

    markReplayed(id: string, at: Instant): Promise<boolean> {
      return close('quarantine.markReplayed', id, 'replayed', at);
    },

    discard(id: string, at: Instant): Promise<boolean> {
      return close('quarantine.discard', id, 'discarded', at);
    },
  };
}
