// The PostgreSQL outbox: leases with expiry, FOR UPDATE SKIP LOCKED between relays, per-key order.
import type { Instant } from '../../../clock/instant.js';
import type { OutboxClaimOptions, OutboxStore, StoredOutboxMessage } from '../../../ports/outbox-port.js';
import { jsonAsIs, toOutboxMessage, type OutboxRow as SharedOutboxRow } from '../shared/outbox-rows.js';
import { limitParam, type PgContext } from './postgres-driver.js';

type OutboxRow = SharedOutboxRow<unknown, string> & { lease_owner: string | null; lease_until: Instant | null };
const toMessage = (row: OutboxRow): StoredOutboxMessage => toOutboxMessage(row, jsonAsIs);

/**
 * True when no live lease holds the row at `now`, the claimer's own included: handing a message
 * to the relay already publishing it would only duplicate it.
 */
function leaseFree(row: Pick<OutboxRow, 'lease_until'>, now: Instant): boolean {
  return row.lease_until === null || row.lease_until <= now;
}

/** Creates the outbox store. */
export function createPostgresOutbox(context: PgContext): OutboxStore {
  const t = context.tables;
  const columns = 'sequence, id, topic, key, payload, headers, created_at, status, attempts, delivered_at, last_error, available_at, lease_owner, lease_until';

  return {
    async claim(options: OutboxClaimOptions): Promise<StoredOutboxMessage[]> {
      const { owner, now, leaseUntil } = options;
      const limit = limitParam(options.limit) ?? 0;
      if (limit === 0) return [];
      return context.transaction('outbox.claim', async (query) => {
        // Candidates from a snapshot: claimable messages whose key has no earlier pending message
        // that is unavailable or under a live lease. Sequence order makes the batch a prefix
        // per key, so a later message is never in without its predecessors.
        const candidates = (
          await query(
            `SELECT m.sequence, m.key FROM ${t.outbox} m
             WHERE m.status = 'pending' AND m.available_at <= $1
               AND (m.lease_until IS NULL OR m.lease_until <= $1)
               AND NOT EXISTS (
                 SELECT 1 FROM ${t.outbox} e
                 WHERE e.status = 'pending' AND e.key = m.key AND e.sequence < m.sequence
                   AND (e.available_at > $1 OR e.lease_until > $1))
             ORDER BY m.sequence LIMIT $2`,
            [now, limit],
            'outbox_candidates',
          )
        ).rows as Pick<OutboxRow, 'sequence' | 'key'>[];
        if (candidates.length === 0) return [];
        // Lock what nobody else is claiming right now, and re-read it: the snapshot may be stale.
        const locked = (
          await query(
            `SELECT sequence, status, available_at, lease_owner, lease_until FROM ${t.outbox} WHERE sequence = ANY($1::bigint[]) FOR UPDATE SKIP LOCKED`,
            [candidates.map((row) => row.sequence)],
            'outbox_lock',
          )
        ).rows as OutboxRow[];
        const current = new Map(locked.map((row) => [row.sequence, row]));
        const blocked = new Set<string>();
        const taken: string[] = [];
        for (const candidate of candidates) {
          if (blocked.has(candidate.key)) continue;
          const row = current.get(candidate.sequence);
          // Skipped by SKIP LOCKED: another relay is claiming it, so its key waits for that relay.
          if (row === undefined) {
            blocked.add(candidate.key);
            continue;
          }
          // Delivered or dead since the snapshot: it no longer holds its key back.
          if (row.status !== 'pending') continue;
          if (row.available_at > now || !leaseFree(row, now)) {
            blocked.add(candidate.key);
            continue;
          }
          taken.push(candidate.sequence);
        }
        if (taken.length === 0) return [];
        const claimed = (
          await query(
            `UPDATE ${t.outbox} SET lease_owner = $2, lease_until = $3, attempts = attempts + 1 WHERE sequence = ANY($1::bigint[]) RETURNING ${columns}`,
            [taken, owner, leaseUntil],
            'outbox_lease',
          )
        ).rows as OutboxRow[];
        return claimed.sort((a, b) => Number(a.sequence) - Number(b.sequence)).map(toMessage);
      });
    },

    async markDelivered(ids: readonly string[], owner: string, at: Instant): Promise<number> {
      if (ids.length === 0) return 0;
      const result = await context.query(
        'outbox.markDelivered',
        `UPDATE ${t.outbox} SET status = 'delivered', delivered_at = $3, lease_owner = NULL, lease_until = NULL
         WHERE id = ANY($1::text[]) AND status = 'pending' AND lease_owner = $2`,
        [[...new Set(ids)], owner, at],
        'outbox_delivered',
      );
      return result.rowCount ?? 0;
    },

    async release(id: string, owner: string, outcome: { readonly error: string; readonly retryAt: Instant; readonly dead?: boolean }): Promise<boolean> {
      const result = await context.query(
        'outbox.release',
        `UPDATE ${t.outbox} SET status = $3, last_error = $4, available_at = $5, lease_owner = NULL, lease_until = NULL
         WHERE id = $1 AND status = 'pending' AND lease_owner = $2`,
        [id, owner, outcome.dead === true ? 'dead' : 'pending', outcome.error, outcome.retryAt],
      );
      return (result.rowCount ?? 0) > 0;
    },

    async list(options: { readonly status?: StoredOutboxMessage['status']; readonly limit?: number } = {}): Promise<StoredOutboxMessage[]> {
      const result = await context.query(
        'outbox.list',
        `SELECT ${columns} FROM ${t.outbox} WHERE ($1::text IS NULL OR status = $1) ORDER BY sequence LIMIT $2`,
        [options.status ?? null, limitParam(options.limit)],
      );
      return (result.rows as OutboxRow[]).map(toMessage);
    },
  };
}
