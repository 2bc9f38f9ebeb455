// Test helper: describes a storage so a child process can open the same one (adapter, location).
import { createPostgresStorage } from '../../src/adapters/postgres.js';
import { createSqliteStorage } from '../../src/adapters/sqlite.js';
import type { StoragePort } from '../../src/ports/index.js';

/** Enough to open one storage again in another process. */
export type StorageTarget =
  | { readonly adapter: 'postgres'; readonly url: string; readonly schema: string; readonly tablePrefix?: string }
  | { readonly adapter: 'sqlite'; readonly file: string };

/** Opens the storage a target describes (not migrated). */
export function openTarget(target: StorageTarget): StoragePort {
  return target.adapter === 'postgres'
    ? createPostgresStorage({ connectionString: target.url, schema: target.schema, tablePrefix: target.tablePrefix ?? '', maxConnections: 2 })
    : createSqliteStorage({ file: target.file, busyTimeoutMs: 15_000 });
}
