// The storages the application-layer tests run on: memory, then a fresh SQLite file and a fresh
// PostgreSQL schema (skipped with the reason when PostgreSQL is not there), each reopenable to
// simulate a restart and removed afterwards.
import { createMemoryStorage } from '../../src/adapters/memory.js';
import type { StoragePort } from '../../src/ports/index.js';
import { RELIABILITY_ADAPTERS } from '../reliability/adapters.js';
import { openTarget, type StorageTarget } from './storage-target.js';

/** One opened backend: its storage, a restart (memory keeps the same instance) and the cleanup. */
export interface OpenedBackend {
  readonly storage: StoragePort;
  reopen(): Promise<StoragePort>;
  cleanup(): Promise<void>;
}

/** A storage a test runs on. */
export interface Backend {
  readonly name: string;
  readonly skipReason: string | undefined;
  open(): Promise<OpenedBackend>;
}

export const BACKENDS: readonly Backend[] = [
  {
    name: 'memory',
    skipReason: undefined,
    async open() {
      const storage = createMemoryStorage();
      return { storage, reopen: async () => storage, cleanup: async () => {} };
    },
  },
  ...RELIABILITY_ADAPTERS.map(
    (adapter): Backend => ({
      name: adapter.name,
      skipReason: adapter.skipReason,
      async open() {
        const { target, cleanup } = adapter.fresh();
        let storage = openTarget(target as StorageTarget);
        await storage.migrate();
        return {
          get storage() {
            return storage;
          },
          async reopen() {
            await storage.close();
            storage = openTarget(target as StorageTarget);
            return storage;
          },
          async cleanup() {
            await storage.close();
            await cleanup();
          },
        };
      },
    }),
  ),
];
