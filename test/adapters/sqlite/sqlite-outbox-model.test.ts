// Property: the SQLite outbox answers every random relay command sequence exactly as the memory model does.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../../../src/adapters/sqlite.js';
import { firstDivergence, outboxCommands } from '../../support/outbox-model.js';

describe('SQLite outbox against the memory model', () => {
  it('claims, deliveries, releases and leases match step by step', async () => {
    await fc.assert(
      fc.asyncProperty(outboxCommands, async (commands) => {
        const storage = createSqliteStorage({ database: new Database(':memory:') });
        await storage.migrate();
        const divergence = await firstDivergence(storage, commands);
        await storage.close();
        expect(divergence).toBeNull();
      }),
      { numRuns: 150 },
    );
  });
});
