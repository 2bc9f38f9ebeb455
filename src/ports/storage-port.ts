// The storage port: everything the core needs from a database, behind one interface per concern.
import type { Instant } from '../clock/instant.js';
import type { CustomerStore } from './customer-store-port.js';
import type { HistoryEntry, Order } from '../orders/order.js';
import type { IdempotencyRecord, IdempotencyStore } from './idempotency-port.js';
import type { InventoryStore } from './inventory-port.js';
import type { OutboxMessage, OutboxStore } from './outbox-port.js';
import type { QuarantineStore } from './quarantine-port.js';
import type { TaskStore } from './task-port.js';

/** One order written by a unit of work. */
export interface OrderWrite {
  /**
   * The order as it should be stored (status typed loosely so custom lifecycles fit). Its
   * `history` field is not what gets appended: `newHistory` is.
   */
  readonly order: Order<string>;
  /**
   * The version the writer read, or `null` for a new order. The write fails with
   * `CONCURRENCY_CONFLICT` when the stored version differs (or, for `null`, when the id or the
   * (channel, channelOrderId) pair exists).
   */
  readonly expectedVersion: number | null;
  /** History entries this change appends; the adapter stores them append-only. */
  readonly newHistory: readonly HistoryEntry<string>[];
}

/**
 * Changes committed together or not at all: orders, their history, the events they emit
 * (outbox) and idempotency records.
 */
export interface UnitOfWork {
  readonly orders?: readonly OrderWrite[];
  readonly outbox?: readonly OutboxMessage[];
  /** Inserted with the change; an existing key fails the whole unit with `DUPLICATE_KEY`. */
  readonly idempotency?: readonly IdempotencyRecord[];
}

/**
 * What an adapter can do. Capabilities are optional with documented defaults, so adding one
 * later breaks no adapter (as Kysely's adapters do).
 */
export interface StorageCapabilities {
  /** The adapter's name, e.g. `memory`, `sqlite`, `postgres`. */
  readonly name: string;
  /**
   * Data survives a restart of the process.
   * @default false
   */
  readonly persistent?: boolean;
  /**
   * Several processes may share the storage safely (row locks, leases).
   * @default false
   */
  readonly multiProcess?: boolean;
}

/** The storage port. Adapters: `ordo/adapters/memory`, `ordo/adapters/sqlite`, `ordo/adapters/postgres`. */
export interface StoragePort {
  readonly capabilities: StorageCapabilities;
  /** Orders and their history. */
  readonly orders: OrderReader;
  readonly outbox: OutboxStore;
  readonly idempotency: IdempotencyStore;
  readonly inventory: InventoryStore;
  readonly tasks: TaskStore;
  readonly quarantine: QuarantineStore;
  /** Customer profiles, golden profiles, blocking postings and the merge audit (the customers module's store). */
  readonly customers: CustomerStore;
  /**
   * Commits a unit of work atomically. Writes to the same order within one unit are checked in
   * sequence; moving an order onto another order's (channel, channelOrderId) is `DUPLICATE_KEY`.
   * @throws ConcurrencyError `CONCURRENCY_CONFLICT` on a stale order write; StorageError
   * `DUPLICATE_KEY` for an existing idempotency key or outbox id; nothing is written then.
   */
  commit(unit: UnitOfWork): Promise<void>;
  /** Creates or upgrades the schema; idempotent. A no-op for the memory adapter. */
  migrate(): Promise<void>;
  /** Releases connections; further calls fail with `STORAGE_UNAVAILABLE`; a second close does nothing. */
  close(): Promise<void>;
}

/** Read access to orders. Not found is `null`. */
export interface OrderReader {
  /** The order with its full history, or null. */
  get(id: string): Promise<Order<string> | null>;
  /** The order a channel knows by its own id, or null. */
  findByChannelRef(channel: string, channelOrderId: string): Promise<Order<string> | null>;
  /** The stored, append-only history of an order, oldest first (empty when unknown). */
  history(orderId: string): Promise<HistoryEntry<string>[]>;
  /** Orders in a status, oldest `updatedAt` first; for ops jobs and metrics. */
  listByStatus(status: string, options?: { readonly limit?: number }): Promise<Order<string>[]>;
  /**
   * The orders of one customer (`order.customerRef`), newest `createdAt` first (ties: greater id
   * first), each with its full history as {@link OrderReader.get} returns it; `[]` for an unknown
   * customer. For approval facts (order count, returns, usual addresses) and customer service.
   * - `since`: only orders created at or after this instant (inclusive).
   * - `limit`: at most this many orders; default 100, capped at 1,000 (a larger value reads 1,000).
   */
  listByCustomer(customerRef: string, options?: { readonly since?: Instant; readonly limit?: number }): Promise<Order<string>[]>;
}
