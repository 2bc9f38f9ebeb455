// The storages the reliability tests run on: PostgreSQL (when available) and a SQLite file, each isolated and removed afterwards.
import { postgresTarget, randomName, testSchema, type TestSchema } from '../support/postgres.js';
import { tempDir, type TempDir } from '../support/sqlite.js';
import type { StorageTarget } from '../support/storage-target.js';

const postgres = await postgresTarget();

/** One adapter to run a reliability test on. */
export interface ReliabilityAdapter {
  readonly name: 'postgres' | 'sqlite';
  /** Why it is skipped, when it is. */
  readonly skipReason: string | undefined;
  /** A fresh, isolated storage location and its cleanup. */
  fresh(): { readonly target: StorageTarget; cleanup(): Promise<void> };
}

export const RELIABILITY_ADAPTERS: readonly ReliabilityAdapter[] = [
  {
    name: 'postgres',
    skipReason: postgres.skipReason,
    fresh() {
      const schema: TestSchema = testSchema(postgres.url as string, 'ordo_rel_');
      return { target: { adapter: 'postgres', url: postgres.url as string, schema: schema.name }, cleanup: () => schema.drop() };
    },
  },
  {
    name: 'sqlite',
    skipReason: undefined,
    fresh() {
      const dir: TempDir = tempDir('ordo-rel-');
      return { target: { adapter: 'sqlite', file: dir.file(`${randomName('db')}.sqlite`) }, cleanup: async () => dir.remove() };
    },
  },
];
