// The memory quarantine: invalid records kept with their issues until fixed, replayed or discarded.
// Writes are one-change units of work, the same path as a unit's quarantine part.
import type { QuarantineRecord, QuarantineStore } from '../../../ports/quarantine-port.js';
import { quarantineWrites } from '../shared/unit-conveniences.js';
import { memoryRunner } from './memory-commit.js';
import { copy, take, type MemoryState } from './memory-state.js';

/** Creates the quarantine store of a memory storage. */
export function createMemoryQuarantine(state: MemoryState): QuarantineStore {
  const { quarantine } = state.tables;
  return {
    ...quarantineWrites(memoryRunner(state)),

    async get(id: string): Promise<QuarantineRecord | null> {
      state.enter('quarantine.get');
      const record = quarantine.get(id);
      return record === undefined ? null : copy(record);
    },

    async list(options: { readonly source?: string; readonly status?: QuarantineRecord['status']; readonly limit?: number } = {}): Promise<QuarantineRecord[]> {
      state.enter('quarantine.list');
      const matching = [...quarantine.values()]
        .filter((r) => (options.source === undefined || r.source === options.source) && (options.status === undefined || r.status === options.status))
        .sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
      return take(matching, options.limit).map((r) => copy(r));
    },

  };
}
