// PostgreSQL idempotency records: the first writer wins on the primary key, repeats read the stored record.
import type { Instant } from '../../../clock/instant.js';
import type { IdempotencyRecord, IdempotencyStore } from '../../../ports/idempotency-port.js';
import type { JsonValue } from '../../../ports/json.js';
import type { PgContext } from './postgres-driver.js';

interface IdempotencyRow {
  key: string;
  fingerprint: string;
  result: JsonValue;
  created_at: Instant;
}

const toRecord = (row: IdempotencyRow): IdempotencyRecord => ({ key: row.key, fingerprint: row.fingerprint, result: row.result, createdAt: row.created_at });

/** Creates the idempotency store. */
export function createPostgresIdempotency(context: PgContext): IdempotencyStore {
  const t = context.tables;
  return {
    async get(key: string): Promise<IdempotencyRecord | null> {
      const result = await context.query('idempotency.get', `SELECT key, fingerprint, result, created_at FROM ${t.idempotency} WHERE key = $1`, [key]);
      const row = result.rows[0] as IdempotencyRow | undefined;
      return row === undefined ? null : toRecord(row);
    },

    async putIfAbsent(record: IdempotencyRecord): Promise<IdempotencyRecord> {
      // One statement: the insert, or (on conflict) the row that won, even if it committed just now.
      const result = await context.query(
        'idempotency.putIfAbsent',
        `WITH inserted AS (
           INSERT INTO ${t.idempotency} (key, fingerprint, result, created_at) VALUES ($1, $2, $3::jsonb, $4)
           ON CONFLICT (key) DO NOTHING RETURNING key, fingerprint, result, created_at)
         SELECT * FROM inserted
         UNION ALL
         SELECT key, fingerprint, result, created_at FROM ${t.idempotency} WHERE key = $1 AND NOT EXISTS (SELECT 1 FROM inserted)`,
        [record.key, record.fingerprint, JSON.stringify(record.result), record.createdAt],
      );
      const row = result.rows[0] as IdempotencyRow | undefined;
      if (row !== undefined) return toRecord(row);
      // The conflicting row committed after this statement's snapshot: read it now.
      const again = await this.get(record.key);
      return again ?? record;
    },
  };
}
