// The memory outbox: leases by owner and expiry, and per-key order across relays.
import type { Instant } from '../../../clock/instant.js';
import type { OutboxClaimOptions, OutboxStore, StoredOutboxMessage } from '../../../ports/outbox-port.js';
import { copy, take, type MemoryState, type OutboxRow } from './memory-state.js';

/**
 * True when no live lease holds the row at `now`. The claiming owner's own live lease counts
 * too: handing a message to the relay that is already publishing it would only duplicate it.
 */
function leaseFree(row: OutboxRow, now: Instant): boolean {
  return row.leaseUntil === null || row.leaseUntil <= now;
}

/** Creates the outbox store of a memory storage. */
export function createMemoryOutbox(state: MemoryState): OutboxStore {
  const { outbox } = state.tables;

  /** The row if `owner` holds its lease on a pending message. */
  const leasedBy = (id: string, owner: string): OutboxRow | undefined => {
    const row = outbox.get(id);
    return row !== undefined && row.message.status === 'pending' && row.leaseOwner === owner ? row : undefined;
  };

  return {
    async claim(options: OutboxClaimOptions): Promise<StoredOutboxMessage[]> {
      state.enter('outbox.claim');
      const { owner, now, leaseUntil, limit } = options;
      const batch: OutboxRow[] = [];
      // A key is blocked once one of its pending messages stays out of the batch: every later
      // message with that key must wait, or a relay could deliver it before its predecessor.
      const blockedKeys = new Set<string>();
      for (const row of outbox.values()) {
        if (batch.length >= limit) break;
        const message = row.message;
        if (message.status !== 'pending' || blockedKeys.has(message.key)) continue;
        if (message.availableAt > now || !leaseFree(row, now)) {
          blockedKeys.add(message.key);
          continue;
        }
        batch.push(row);
      }
      for (const row of batch) {
        row.leaseOwner = owner;
        row.leaseUntil = leaseUntil;
        row.message = { ...row.message, attempts: row.message.attempts + 1 };
      }
      return batch.map((row) => copy(row.message));
    },

    async markDelivered(ids: readonly string[], owner: string, at: Instant): Promise<number> {
      state.enter('outbox.markDelivered');
      let count = 0;
      for (const id of new Set(ids)) {
        const row = leasedBy(id, owner);
        if (row === undefined) continue;
        row.message = { ...row.message, status: 'delivered', deliveredAt: at };
        row.leaseOwner = null;
        row.leaseUntil = null;
        count += 1;
      }
      return count;
    },

    async release(id: string, owner: string, outcome: { readonly error: string; readonly retryAt: Instant; readonly dead?: boolean }): Promise<boolean> {
      state.enter('outbox.release');
      const row = leasedBy(id, owner);
      if (row === undefined) return false;
      row.message = {
        ...row.message,
        status: outcome.dead === true ? 'dead' : 'pending',
        lastError: outcome.error,
        availableAt: outcome.retryAt,
      };
      row.leaseOwner = null;
      row.leaseUntil = null;
      return true;
    },

    async list(options: { readonly status?: StoredOutboxMessage['status']; readonly limit?: number } = {}): Promise<StoredOutboxMessage[]> {
      state.enter('outbox.list');
      const rows = [...outbox.values()].filter((row) => options.status === undefined || row.message.status === options.status);
      return take(rows, options.limit).map((row) => copy(row.message));
    },
  };
}
