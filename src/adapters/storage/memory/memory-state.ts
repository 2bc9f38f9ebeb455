// The memory storage's tables (plain Maps) and the guard every operation passes first.
import type { Instant } from '../../../clock/instant.js';
import { StorageError } from '../../../errors/storage-error.js';
import type { HistoryEntry, Order } from '../../../orders/order.js';
import type { IdempotencyRecord } from '../../../ports/idempotency-port.js';
import type { CapacityUsage, Reservation } from '../../../ports/inventory-port.js';
import type { StoredOutboxMessage } from '../../../ports/outbox-port.js';
import type { QuarantineRecord } from '../../../ports/quarantine-port.js';
import type { Setting } from '../../../ports/settings-port.js';
import type { Task } from '../../../ports/task-port.js';
import type { Customer } from '../../../model/customer.js';
import type { GoldenProfile, MergeAuditRecord } from '../../../ports/customer-store-port.js';

/** An outbox message with its lease, which the port keeps out of the public record. */
export interface OutboxRow {
  message: StoredOutboxMessage;
  leaseOwner: string | null;
  leaseUntil: Instant | null;
}

/** Stock of one (warehouse, sku); `available` is derived on read. */
export interface StockRow {
  readonly warehouseId: string;
  readonly sku: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly updatedAt: Instant;
}

/** Every table of one memory storage. Maps keep insertion order, which stands in for creation order. */
export interface MemoryTables {
  /** Orders as written, without their history (kept apart, append-only). */
  readonly orders: Map<string, Order<string>>;
  /** `channelRefKey(channel, channelOrderId)` -> order id: the unique index. */
  readonly channelRefs: Map<string, string>;
  readonly history: Map<string, HistoryEntry<string>[]>;
  /** In sequence order, since sequences are handed out on insertion. */
  readonly outbox: Map<string, OutboxRow>;
  readonly idempotency: Map<string, IdempotencyRecord>;
  readonly stock: Map<string, StockRow>;
  /** In creation order. */
  readonly reservations: Map<string, Reservation>;
  /** `stockKey(warehouseId, date)` -> capacity used that day. */
  readonly capacity: Map<string, CapacityUsage>;
  readonly tasks: Map<string, Task>;
  readonly quarantine: Map<string, QuarantineRecord>;
  readonly profiles: Map<string, Customer>;
  readonly goldens: Map<string, GoldenProfile>;
  /** Source profile id -> golden profile id. */
  readonly goldenBySource: Map<string, string>;
  /** Blocking key -> record ids. */
  readonly postings: Map<string, Set<string>>;
  /** In append order. */
  readonly audits: Map<string, MergeAuditRecord>;
  readonly settings: Map<string, Setting>;
}

/** The state shared by the sub-stores of one memory storage. */
export interface MemoryState {
  readonly tables: MemoryTables;
  /** The last outbox sequence handed out. */
  outboxSequence: number;
  closed: boolean;
  /**
   * Throws when the storage is closed or a fault is injected for `operation`. Every operation
   * calls it first, then runs to completion without an `await`, which is what makes each one
   * atomic in a single-threaded runtime.
   */
  enter(operation: string): void;
}

/** Creates empty tables and the guard. */
export function createMemoryState(failWith: ((operation: string) => unknown) | undefined): MemoryState {
  const state: MemoryState = {
    tables: {
      orders: new Map(),
      channelRefs: new Map(),
      history: new Map(),
      outbox: new Map(),
      idempotency: new Map(),
      stock: new Map(),
      reservations: new Map(),
      capacity: new Map(),
      tasks: new Map(),
      quarantine: new Map(),
      profiles: new Map(),
      goldens: new Map(),
      goldenBySource: new Map(),
      postings: new Map(),
      audits: new Map(),
      settings: new Map(),
    },
    outboxSequence: 0,
    closed: false,
    enter(operation: string): void {
      if (state.closed) {
        throw new StorageError('STORAGE_UNAVAILABLE', {
          operation,
          message: 'the memory storage was closed',
          hint: 'create a new storage with createMemoryStorage(); a closed one keeps nothing',
        });
      }
      const fault = failWith?.(operation);
      if (fault !== undefined && fault !== null && fault !== false) {
        throw new StorageError(
          'STORAGE_FAILURE',
          { operation, message: `injected fault (${fault instanceof Error ? fault.message : String(fault)})` },
          { cause: fault },
        );
      }
    },
  };
  return state;
}

/**
 * The undo log of one unit of work: every table change goes through it, so a part that fails
 * puts back everything the unit's earlier parts changed, as a SQL rollback does.
 */
export class MemoryJournal {
  private readonly undo: (() => void)[] = [];

  set<K, V>(map: Map<K, V>, key: K, value: V): void {
    if (map.has(key)) {
      const old = map.get(key) as V;
      this.undo.push(() => map.set(key, old));
    } else {
      this.undo.push(() => map.delete(key));
    }
    map.set(key, value);
  }

  /** False when the key was not there. */
  delete<K, V>(map: Map<K, V>, key: K): boolean {
    if (!map.has(key)) return false;
    const old = map.get(key) as V;
    this.undo.push(() => map.set(key, old));
    return map.delete(key);
  }

  /** False when the value was there already. */
  add<T>(set: Set<T>, value: T): boolean {
    if (set.has(value)) return false;
    this.undo.push(() => set.delete(value));
    set.add(value);
    return true;
  }

  /** False when the value was not there. */
  remove<T>(set: Set<T>, value: T): boolean {
    if (!set.delete(value)) return false;
    this.undo.push(() => set.add(value));
    return true;
  }

  /** Registers an undo step for a change made outside the helpers above. */
  onRollback(step: () => void): void {
    this.undo.push(step);
  }

  /** Undoes every change, newest first. */
  rollback(): void {
    for (let i = this.undo.length - 1; i >= 0; i -= 1) (this.undo[i] as () => void)();
    this.undo.length = 0;
  }
}

/** Copies a value so neither the caller nor the storage can alias the other's objects. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}

/** The unique-index key of a (channel, channelOrderId) pair; NUL cannot appear in either part's meaning. */
export function channelRefKey(channel: string, channelOrderId: string): string {
  return `${channel}\u0000${channelOrderId}`;
}

/** The key of a (warehouse, sku) stock row. */
export function stockKey(warehouseId: string, sku: string): string {
  return `${warehouseId}\u0000${sku}`;
}

/** Applies an optional `limit` (undefined means all). */
export function take<T>(items: readonly T[], limit: number | undefined): T[] {
  return limit === undefined ? [...items] : items.slice(0, Math.max(0, limit));
}
