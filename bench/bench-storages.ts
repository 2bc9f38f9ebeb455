// The storages the benchmarks that compare adapters make: memory, a SQLite file in a temporary
// folder, and a PostgreSQL schema of its own when PostgreSQL answers (else skipped with the reason).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createMemoryStorage } from '../src/adapters/memory.js';
import { createPostgresStorage } from '../src/adapters/postgres.js';
import { createSqliteStorage } from '../src/adapters/sqlite.js';
import type { StoragePort } from '../src/ports/index.js';
import { POSTGRES_URL, postgresProblem } from './bench-postgres.js';

/** A made storage: `settle()` after a bulk load does what autovacuum would (statistics, visibility map). */
export interface BenchStorage {
  readonly storage: StoragePort;
  settle(): Promise<void>;
  cleanup(): Promise<void>;
}

/** One adapter to measure. */
export interface BenchSubject {
  readonly name: string;
  make(): Promise<BenchStorage>;
}

/** The subjects among `memory`, `sqlite` and `postgres`; prints why PostgreSQL is skipped. */
export async function benchStorages(names: readonly ('memory' | 'sqlite' | 'postgres')[]): Promise<BenchSubject[]> {
  const subjects: BenchSubject[] = [];
  if (names.includes('memory')) subjects.push({ name: 'memory', make: async () => ({ storage: createMemoryStorage(), settle: async () => {}, cleanup: async () => {} }) });
  if (names.includes('sqlite')) {
    subjects.push({
      name: 'sqlite (file, WAL)',
      make: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'ordo-bench-'));
        const storage = createSqliteStorage({ file: join(dir, 'bench.sqlite') });
        await storage.migrate();
        return { storage, settle: async () => {}, cleanup: async () => { await storage.close(); rmSync(dir, { recursive: true, force: true }); } };
      },
    });
  }
  if (!names.includes('postgres')) return subjects;
  const problem = await postgresProblem();
  if (problem !== undefined) {
    console.log(`(postgres skipped: ${POSTGRES_URL} does not answer: ${problem})`);
    return subjects;
  }
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  subjects.push({
    name: 'postgres',
    make: async () => {
      const schema = `ordo_bench_${randomBytes(4).toString('hex')}`;
      const storage = createPostgresStorage({ connectionString: POSTGRES_URL, schema });
      await storage.migrate();
      return {
        storage,
        settle: () => admin(`VACUUM ANALYZE "${schema}".orders, "${schema}".order_history`),
        cleanup: async () => {
          await storage.close();
          await admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        },
      };
    },
  });
  return subjects;
}
