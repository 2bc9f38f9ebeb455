// PostgreSQL quarantine: invalid records kept with their issues until fixed, replayed or discarded.
import type { QuarantineRecord, QuarantineStore } from '../../../ports/quarantine-port.js';
import { quarantineWrites } from '../shared/unit-conveniences.js';
import { commitPostgres } from './postgres-orders.js';
import { jsonAsIs, QUARANTINE_COLUMNS, toQuarantineRecord, type QuarantineRow as SharedQuarantineRow } from '../shared/outbox-rows.js';
import { limitParam, type PgContext } from './postgres-driver.js';

type QuarantineRow = SharedQuarantineRow<unknown>;
const COLUMNS = QUARANTINE_COLUMNS;
const toRecord = (row: QuarantineRow): QuarantineRecord => toQuarantineRecord(row, jsonAsIs);

/** Creates the quarantine store. */
export function createPostgresQuarantine(context: PgContext): QuarantineStore {
  const t = context.tables;

  const get = async (id: string): Promise<QuarantineRecord | null> => {
    const result = await context.query('quarantine.get', `SELECT ${COLUMNS} FROM ${t.quarantine} WHERE id = $1`, [id]);
    const row = result.rows[0] as QuarantineRow | undefined;
    return row === undefined ? null : toRecord(row);
  };

  return {
    ...quarantineWrites((unit, operation) => commitPostgres(context, unit, operation)),

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

  };
}
