// The SQLite outbox: leases with expiry and per-key order; claims run under the database write lock.
import type { Instant } from '../../../clock/instant.js';
import type { OutboxClaimOptions, OutboxStore, StoredOutboxMessage } from '../../../ports/outbox-port.js';
import { OUTBOX_COLUMNS, parseJsonText, toOutboxMessage, type OutboxRow as SharedOutboxRow } from '../shared/outbox-rows.js';
import { jsonList, limitValue, type SqliteContext } from './sqlite-driver.js';

type OutboxRow = SharedOutboxRow<string, number>;
const COLUMNS = OUTBOX_COLUMNS;
const toMessage = (row: OutboxRow): StoredOutboxMessage => toOutboxMessage(row, parseJsonText);

/** Creates the outbox store. */
export function createSqliteOutbox(context: SqliteContext): OutboxStore {
  const t = context.tables;

  return {
    claim(options: OutboxClaimOptions): Promise<StoredOutboxMessage[]> {
      const { owner, now, leaseUntil } = options;
      const limit = limitValue(options.limit);
      if (limit === 0) return Promise.resolve([]);
      return context.write('outbox.claim', (session) => {
        // The write lock is held, so this snapshot is the truth: claimable messages whose key has
        // no earlier pending message that is unavailable or under a live lease
        // (the claimer's own included). Sequence
        // order makes the batch a prefix per key.
        const rows = session.all<OutboxRow>(
          `SELECT ${COLUMNS} FROM ${t.outbox} m
           WHERE m.status = 'pending' AND m.available_at <= ?
             AND (m.lease_until IS NULL OR m.lease_until <= ?)
             AND NOT EXISTS (
               SELECT 1 FROM ${t.outbox} e
               WHERE e.status = 'pending' AND e.key = m.key AND e.sequence < m.sequence
                 AND (e.available_at > ? OR e.lease_until > ?))
           ORDER BY m.sequence LIMIT ?`,
          now, now, now, now, limit,
        );
        if (rows.length === 0) return [];
        session.run(
          `UPDATE ${t.outbox} SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE sequence IN (SELECT value FROM json_each(?))`,
          owner, leaseUntil, jsonList(rows.map((row) => row.sequence)),
        );
        return rows.map((row) => toMessage({ ...row, attempts: row.attempts + 1 }));
      });
    },

    markDelivered(ids: readonly string[], owner: string, at: Instant): Promise<number> {
      if (ids.length === 0) return Promise.resolve(0);
      return context.read('outbox.markDelivered', (session) =>
        session.run(
          `UPDATE ${t.outbox} SET status = 'delivered', delivered_at = ?, lease_owner = NULL, lease_until = NULL
           WHERE id IN (SELECT value FROM json_each(?)) AND status = 'pending' AND lease_owner = ?`,
          at, jsonList([...new Set(ids)]), owner,
        ),
      );
    },

    release(id: string, owner: string, outcome: { readonly error: string; readonly retryAt: Instant; readonly dead?: boolean }): Promise<boolean> {
      return context.read('outbox.release', (session) =>
        session.run(
          `UPDATE ${t.outbox} SET status = ?, last_error = ?, available_at = ?, lease_owner = NULL, lease_until = NULL
           WHERE id = ? AND status = 'pending' AND lease_owner = ?`,
          outcome.dead === true ? 'dead' : 'pending', outcome.error, outcome.retryAt, id, owner,
        ) > 0,
      );
    },

    list(options: { readonly status?: StoredOutboxMessage['status']; readonly limit?: number } = {}): Promise<StoredOutboxMessage[]> {
      return context.read('outbox.list', (session) =>
        session
          .all<OutboxRow>(`SELECT ${COLUMNS} FROM ${t.outbox} WHERE (? IS NULL OR status = ?) ORDER BY sequence LIMIT ?`, options.status ?? null, options.status ?? null, limitValue(options.limit))
          .map(toMessage),
      );
    },
  };
}
