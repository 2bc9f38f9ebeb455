// SQLite idempotency records: the first writer wins on the primary key, repeats read the stored record.
import type { Instant } from '../../../clock/instant.js';
import type { IdempotencyRecord, IdempotencyStore } from '../../../ports/idempotency-port.js';
import type { JsonValue } from '../../../ports/json.js';
import type { SqliteContext } from './sqlite-driver.js';

interface IdempotencyRow {
  key: string;
  fingerprint: string;
  result: string;
  created_at: Instant;
}

const toRecord = (row: IdempotencyRow): IdempotencyRecord => ({
  key: row.key,
  fingerprint: row.fingerprint,
  result: JSON.parse(row.result) as JsonValue,
  createdAt: row.created_at,
});

/** Creates the idempotency store. */
export function createSqliteIdempotency(context: SqliteContext): IdempotencyStore {
  const t = context.tables;
  const select = `SELECT key, fingerprint, result, created_at FROM ${t.idempotency} WHERE key = ?`;
  return {
    get(key: string): Promise<IdempotencyRecord | null> {
      return context.read('idempotency.get', (session) => {
        const row = session.get<IdempotencyRow>(select, key);
        return row === undefined ? null : toRecord(row);
      });
    },

    putIfAbsent(record: IdempotencyRecord): Promise<IdempotencyRecord> {
      const result = JSON.stringify(record.result);
      return context.write('idempotency.putIfAbsent', (session) => {
        session.run(
          `INSERT INTO ${t.idempotency} (key, fingerprint, result, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
          record.key, record.fingerprint, result, record.createdAt,
        );
        return toRecord(session.get<IdempotencyRow>(select, record.key) as IdempotencyRow);
      });
    },
  };
}
