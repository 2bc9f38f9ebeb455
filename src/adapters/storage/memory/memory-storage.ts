// createMemoryStorage: the whole storage port in Maps, for tests, demos and single-process use.
import { z } from 'zod';
import { option, parseOptions } from '../../../errors/options.js';
import { OrdoError } from '../../../errors/ordo-error.js';
import type { StorageCapabilities, StoragePort, UnitOfWork } from '../../../ports/storage-port.js';
import { commitUnit } from './memory-commit.js';
import { createMemoryCustomers } from './memory-customers.js';
import { createMemoryIdempotency } from './memory-idempotency.js';
import { createMemoryInventory } from './memory-inventory.js';
import { createMemoryOrderReader } from './memory-orders.js';
import { createMemoryOutbox } from './memory-outbox.js';
import { createMemoryQuarantine } from './memory-quarantine.js';
import { createMemorySettings } from './memory-settings.js';
import { createMemoryState, stockKey, type MemoryState } from './memory-state.js';
import { createMemoryTasks } from './memory-tasks.js';

/** Options of {@link createMemoryStorage}. */
export interface MemoryStorageOptions {
  /**
   * Fault injection for tests of failure paths: called with the operation name (`commit`,
   * `outbox.claim`, `inventory.reserve`, ...) before every operation; return an error (or any
   * value other than `undefined`, `null`, `false`) to make that call fail with a `StorageError`
   * `STORAGE_FAILURE` whose `cause` is the returned value. Nothing is written by a failed call.
   * @default undefined (no faults)
   * @example { failWith: (op) => (op === 'outbox.markDelivered' ? new Error('disk full') : undefined) }
   */
  readonly failWith?: (operation: string) => unknown;
}

/** A memory storage: the {@link StoragePort} with the memory adapter's capabilities. */
export interface MemoryStorage extends StoragePort {
  readonly capabilities: StorageCapabilities & { readonly name: 'memory'; readonly persistent: false; readonly multiProcess: false };
}

/**
 * Reads a memory storage's tables directly, bypassing its port methods; what a conformance
 * suite uses to check writes landed (as Auth.js adapter tests read the database behind the adapter).
 */
export interface MemoryStorageBackdoor {
  /** The stored version of an order, or null. */
  readOrderVersion(id: string): Promise<number | null>;
  /** How many history entries are stored for an order. */
  countHistory(orderId: string): Promise<number>;
  /** How many outbox messages are stored, in any status. */
  countOutbox(): Promise<number>;
  /** True when an idempotency record with this key is stored. */
  hasIdempotencyKey(key: string): Promise<boolean>;
  /** Raw stock counters, or null when never set. */
  readStock(warehouseId: string, sku: string): Promise<{ readonly onHand: number; readonly reserved: number } | null>;
}

const states = new WeakMap<StoragePort, MemoryState>();

/**
 * Creates an empty in-memory storage implementing the whole {@link StoragePort}. Every value is
 * copied on the way in and out (`structuredClone`), so callers never alias stored state, and
 * every operation runs to completion without yielding, so it is atomic. Data lives as long as
 * the object; one process only.
 *
 * @example
 * const storage = createMemoryStorage();
 * await storage.commit({ orders: [{ order, expectedVersion: null, newHistory: order.history }] });
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): MemoryStorage {
  const { failWith } = parseOptions('createMemoryStorage options', z.strictObject({ failWith: option.fn<(operation: string) => unknown>().optional() }), options);
  const state = createMemoryState(failWith);
  const storage: MemoryStorage = Object.freeze({
    capabilities: Object.freeze({ name: 'memory', persistent: false, multiProcess: false } as const),
    orders: Object.freeze(createMemoryOrderReader(state)),
    outbox: Object.freeze(createMemoryOutbox(state)),
    idempotency: Object.freeze(createMemoryIdempotency(state)),
    inventory: Object.freeze(createMemoryInventory(state)),
    tasks: Object.freeze(createMemoryTasks(state)),
    quarantine: Object.freeze(createMemoryQuarantine(state)),
    settings: Object.freeze(createMemorySettings(state)),
    customers: Object.freeze(createMemoryCustomers(state)),
    async commit(unit: UnitOfWork): Promise<void> {
      state.enter('commit');
      commitUnit(state, unit);
    },
    async migrate(): Promise<void> {
      state.enter('migrate');
    },
    async close(): Promise<void> {
      // Closing twice is harmless; the data goes with the first close.
      if (state.closed) return;
      state.closed = true;
      for (const table of Object.values(state.tables)) (table as Map<unknown, unknown>).clear();
    },
  });
  states.set(storage, state);
  return storage;
}

/**
 * The {@link MemoryStorageBackdoor} of a storage made by {@link createMemoryStorage}.
 * @throws OrdoError `INVALID_OPTIONS` for any other storage.
 */
export function memoryStorageBackdoor(storage: StoragePort): MemoryStorageBackdoor {
  const state = states.get(storage);
  if (state === undefined) {
    throw new OrdoError('INVALID_OPTIONS', 'memoryStorageBackdoor needs a storage made by createMemoryStorage()');
  }
  const { tables } = state;
  return Object.freeze({
    readOrderVersion: async (id: string) => tables.orders.get(id)?.version ?? null,
    countHistory: async (orderId: string) => tables.history.get(orderId)?.length ?? 0,
    countOutbox: async () => tables.outbox.size,
    hasIdempotencyKey: async (key: string) => tables.idempotency.has(key),
    readStock: async (warehouseId: string, sku: string) => {
      const row = tables.stock.get(stockKey(warehouseId, sku));
      return row === undefined ? null : { onHand: row.onHand, reserved: row.reserved };
    },
  });
}
