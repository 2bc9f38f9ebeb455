// The storage port: everything the core needs from a database, behind one interface per concern.
import type { Instant } from '../clock/instant.js';
import type { CustomerChange, CustomerStore } from './customer-store-port.js';
import type { HistoryEntry, Order } from '../orders/order.js';
import type { IdempotencyRecord, IdempotencyStore } from './idempotency-port.js';
import type { InventoryChange, InventoryStore } from './inventory-port.js';
import type { OutboxMessage, OutboxStore } from './outbox-port.js';
import type { QuarantineChange, QuarantineStore } from './quarantine-port.js';
import type { SettingChange, SettingsStore } from './settings-port.js';
import type { TaskChange, TaskStore } from './task-port.js';

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
  /**
   * History entries this change appends; the adapter stores them append-only. An order records
   * an event id once: an entry whose `eventId` the order recorded already fails the unit with
   * `DUPLICATE_KEY` (`details.reason` 'event already recorded', `details.eventId`), whatever
   * history the writer held.
   */
  readonly newHistory: readonly HistoryEntry<string>[];
}

/**
 * Changes committed together or not at all: orders and their history, the events they emit
 * (outbox), idempotency records, inventory, tasks, customers, quarantine and settings. Data, not
 * callbacks, so every adapter honours it the same way. Applied store by store in the order of
 * `UNIT_STORES` (orders, outbox, idempotency, inventory, tasks, customers, quarantine, settings), each store's list in order; a change sees the ones before
 * it. A part that cannot hold fails the whole unit, nothing written, with an error naming it in
 * `details.part`: `CONCURRENCY_CONFLICT` (entity, versions or statuses), `INSUFFICIENT_STOCK`
 * (the line), `LEASE_LOST` (the task), `DUPLICATE_KEY` (the id).
 */
export interface UnitOfWork {
  readonly orders?: readonly OrderWrite[];
  readonly outbox?: readonly OutboxMessage[];
  /** Inserted with the change; an existing key fails the whole unit with `DUPLICATE_KEY`. */
  readonly idempotency?: readonly IdempotencyRecord[];
  readonly inventory?: readonly InventoryChange[];
  readonly tasks?: readonly TaskChange[];
  readonly customers?: readonly CustomerChange[];
  readonly quarantine?: readonly QuarantineChange[];
  readonly settings?: readonly SettingChange[];
  /**
   * When the unit happens, from the injected clock: stamps `updatedAt` of stock, reservations,
   * tasks, quarantine records and settings. Required when the unit has inventory, task, quarantine
   * or settings changes.
   */
  readonly at?: Instant;
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
  /** Versioned values changed at run time: the ops kill switch, job canary stages. */
  readonly settings: SettingsStore;
  /**
   * Commits a unit of work atomically: every part, or none. Writes to the same order within one
   * unit are checked in sequence; moving an order onto another order's (channel, channelOrderId)
   * is `DUPLICATE_KEY`.
   * @throws ConcurrencyError `CONCURRENCY_CONFLICT` on a stale order or golden profile write or a
   * reservation/quarantine record not in the needed status; UnitOfWorkError `INSUFFICIENT_STOCK`
   * or `LEASE_LOST`; StorageError `DUPLICATE_KEY` for an existing idempotency key, outbox id,
   * task id or audit id; ValidationError for a malformed unit; nothing is written then.
   */
  commit(unit: UnitOfWork): Promise<void>;
  /** Creates or upgrades the schema; idempotent. A no-op for the memory adapter. */
  migrate(): Promise<void>;
  /** Releases connections; further calls fail with `STORAGE_UNAVAILABLE`; a second close does nothing. */
  close(): Promise<void>;
}

/**
 * One page of a keyset-paged read. Pass `next` as the following call's `after` (with the same
 * filters); `null` when there is nothing more. Cursors are opaque and adapter-specific.
 */
export interface Page<T> {
  readonly items: T[];
  readonly next: string | null;
}

/** What metrics read of an order, without its lines or history. */
export interface OrderMeasure {
  readonly id: string;
  readonly status: string;
  /** When the order last entered each status it has been in. */
  readonly statusEnteredAt: Readonly<Partial<Record<string, Instant>>>;
  readonly updatedAt: Instant;
}

/** One history entry with its order, as {@link OrderReader.historyBetween} pages them. */
export interface HistoryRecord {
  readonly orderId: string;
  readonly entry: HistoryEntry<string>;
}

/** Options of {@link OrderReader.measure}. */
export interface MeasureOptions {
  /** Only orders in this status. */
  readonly status?: string;
  /** Only orders changed after this instant (exclusive). */
  readonly updatedAfter?: Instant;
  /** The previous page's `next`. */
  readonly after?: string | null;
  /** Page size; default 1,000, capped at 10,000. */
  readonly limit?: number;
}

/** Options of {@link OrderReader.historyBetween}. */
export interface HistoryBetweenOptions {
  /** Exclusive. */
  readonly from: Instant;
  /** Inclusive. */
  readonly to: Instant;
  /** The previous page's `next`. */
  readonly after?: string | null;
  /** Page size; default 1,000, capped at 10,000. */
  readonly limit?: number;
}

/** Transitions into one status during one interval, as {@link OrderReader.countTransitions} counts them. */
export interface TransitionCount {
  /** 1 for the first interval: entries with `boundaries[bucket - 1] < at <= boundaries[bucket]`. */
  readonly bucket: number;
  /** The status entered (the entry's `to`). */
  readonly status: string;
  readonly count: number;
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
  /** How many orders are in each status (a status with none is absent): one aggregate query, no order loaded. */
  countByStatus(): Promise<Record<string, number>>;
  /**
   * Orders as metrics read them (id, status, `statusEnteredAt`, `updatedAt`), by `updatedAt` then
   * id, a page at a time: what a snapshot of a million orders reads instead of the orders.
   * @throws ValidationError for a malformed cursor or option.
   */
  measure(options?: MeasureOptions): Promise<Page<OrderMeasure>>;
  /**
   * History entries with `from < at <= to`, by `at`, order id and version, a page at a time: what
   * throughput and stage timings over a window read.
   * @throws ValidationError for a malformed window, cursor or option.
   */
  historyBetween(options: HistoryBetweenOptions): Promise<Page<HistoryRecord>>;
  /**
   * History entries counted per interval and status entered, in the database: intervals
   * `(boundaries[i - 1], boundaries[i]]` for ascending instants (at most 1,000), so throughput
   * over a window costs one aggregate, whatever the number of entries.
   * @throws ValidationError for boundaries that are not ascending instants.
   */
  countTransitions(options: { readonly boundaries: readonly Instant[] }): Promise<TransitionCount[]>;
}
