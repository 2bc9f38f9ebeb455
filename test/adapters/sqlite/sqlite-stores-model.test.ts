// Property: SQLite tasks and inventory answer every random command sequence exactly as the memory model does.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../../../src/adapters/sqlite.js';
import { firstStoreDivergence, storeCommands } from '../../support/stores-model.js';

describe('SQLite tasks and inventory against the memory model', () => {
  it('claims, failures, dead letters, reservations, releases and expiry match step by step', async () => {
    await fc.assert(
      fc.asyncProperty(storeCommands, async (commands) => {
        const storage = createSqliteStorage({ database: new Database(':memory:') });
        await storage.migrate();
        const divergence = await firstStoreDivergence(storage, commands);
        await storage.close();
        expect(divergence).toBeNull();
      }),
      { numRuns: 150 },
    );
  });
});
