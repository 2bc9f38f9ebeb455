// Property: the PostgreSQL outbox answers every random relay command sequence exactly as the memory model does.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStorage } from '../../../src/adapters/postgres.js';
import { dropPrefix, postgresTarget, testSchema } from '../../support/postgres.js';
import { firstDivergence, outboxCommands } from '../../support/outbox-model.js';

const target = await postgresTarget();

describe.skipIf(target.url === undefined)('PostgreSQL outbox against the memory model', () => {
  const url = target.url as string;
  const schema = testSchema(url);
  afterAll(() => schema.drop());
  let run = 0;

  it('claims, deliveries, releases and leases match step by step', async () => {
    await fc.assert(
      fc.asyncProperty(outboxCommands, async (commands) => {
        // Fresh tables per run (sequences start at 1 like the model's).
        const storage = createPostgresStorage({ connectionString: url, schema: schema.name, tablePrefix: `m${++run}_`, maxConnections: 1 });
        try {
          await storage.migrate();
          expect(await firstDivergence(storage, commands)).toBeNull();
        } finally {
          await storage.close();
          await dropPrefix(schema.pool, schema.name, storage.location.tablePrefix);
        }
      }),
      { numRuns: 25 },
    );
  });
});
