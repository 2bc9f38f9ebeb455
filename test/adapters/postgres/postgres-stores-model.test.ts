// Property: PostgreSQL tasks and inventory answer every random command sequence exactly as the memory model does.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStorage } from '../../../src/adapters/postgres.js';
import { dropPrefix, postgresTarget, testSchema } from '../../support/postgres.js';
import { firstStoreDivergence, storeCommands } from '../../support/stores-model.js';

const target = await postgresTarget();

describe.skipIf(target.url === undefined)('PostgreSQL tasks and inventory against the memory model', () => {
  const url = target.url as string;
  const schema = testSchema(url);
  afterAll(() => schema.drop());
  let run = 0;

  it('claims, failures, dead letters, reservations, releases and expiry match step by step', async () => {
    await fc.assert(
      fc.asyncProperty(storeCommands, async (commands) => {
        const storage = createPostgresStorage({ connectionString: url, schema: schema.name, tablePrefix: `s${++run}_`, maxConnections: 1 });
        try {
          await storage.migrate();
          expect(await firstStoreDivergence(storage, commands)).toBeNull();
        } finally {
          await storage.close();
          await dropPrefix(schema.pool, schema.name, storage.location.tablePrefix);
        }
      }),
      { numRuns: 25 },
    );
  });
});
