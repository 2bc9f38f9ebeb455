// The transactional outbox: events committed with the state change, delivered later by a relay.
import type { Instant } from '../clock/instant.js';
import type { JsonValue } from './json.js';

/** An event to publish, written in the same unit of work as the change that caused it. */
export interface OutboxMessage {
  /** Unique; consumers deduplicate on it (delivery is at least once). */
  readonly id: string;
  /** Routing topic, e.g. `order.status_changed`. */
  readonly topic: string;
  /** Ordering key, usually the order id: messages with one key are delivered in commit order. */
  readonly key: string;
  readonly payload: JsonValue;
  readonly headers?: Readonly<Record<string, string>>;
  /** When the change was committed, from the caller's clock. */
  readonly createdAt: Instant;
}

/** An outbox message as stored, with its delivery state. */
export interface StoredOutboxMessage extends OutboxMessage {
  /** Commit order across the whole outbox; strictly increasing. */
  readonly sequence: number;
  readonly status: 'pending' | 'delivered' | 'dead';
  /** Claims so far, including one in progress. */
  readonly attempts: number;
  readonly deliveredAt?: Instant;
  readonly lastError?: string;
  /** Not before this instant: `createdAt` at first, then the `retryAt` given to `release`. */
  readonly availableAt: Instant;
}

/** Options for {@link OutboxStore.claim}. */
export interface OutboxClaimOptions {
  /** Who claims: a stable id per relay process. */
  readonly owner: string;
  /** Now, from the caller's clock (never the database's). */
  readonly now: Instant;
  /** The lease ends at this instant; after it, another relay may claim the message. */
  readonly leaseUntil: Instant;
  /** At most this many messages. */
  readonly limit: number;
}

/** Outbox access for relays. */
export interface OutboxStore {
  /**
   * Leases pending messages that are available at `now` (`availableAt <= now`) and not under a
   * live lease by any owner (a lease is live while `leaseUntil > now`), oldest first. Never
   * returns a message while an earlier pending message with the same key is outside this batch,
   * so per-key order holds with several relays; a dead message does not block its key.
   * Each claim increments `attempts`.
   */
  claim(options: OutboxClaimOptions): Promise<StoredOutboxMessage[]>;
  /** Marks leased messages delivered; returns how many were still leased by `owner`. */
  markDelivered(ids: readonly string[], owner: string, at: Instant): Promise<number>;
  /**
   * Gives a leased message back after a failed delivery: pending again from `retryAt`, or dead
   * when `dead` is set. Returns false when the lease was lost.
   */
  release(id: string, owner: string, outcome: { readonly error: string; readonly retryAt: Instant; readonly dead?: boolean }): Promise<boolean>;
  /** Messages by status, oldest first; for operators and tests. */
  list(options?: { readonly status?: StoredOutboxMessage['status']; readonly limit?: number }): Promise<StoredOutboxMessage[]>;
}
