// The memory idempotency store: first writer wins, repeats read the stored record.
import type { IdempotencyRecord, IdempotencyStore } from '../../../ports/idempotency-port.js';
import { copy, type MemoryState } from './memory-state.js';

/** Creates the idempotency store of a memory storage. */
export function createMemoryIdempotency(state: MemoryState): IdempotencyStore {
  const { idempotency } = state.tables;
  return {
    async get(key: string): Promise<IdempotencyRecord | null> {
      state.enter('idempotency.get');
      const record = idempotency.get(key);
      return record === undefined ? null : copy(record);
    },

    async putIfAbsent(record: IdempotencyRecord): Promise<IdempotencyRecord> {
      state.enter('idempotency.putIfAbsent');
      const existing = idempotency.get(record.key);
      if (existing !== undefined) return copy(existing);
      const stored = copy(record);
      idempotency.set(stored.key, stored);
      return copy(stored);
    },
  };
}
