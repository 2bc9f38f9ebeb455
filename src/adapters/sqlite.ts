// The `ordo/adapters/sqlite` entry point: storage on SQLite (needs the optional peer dependency `better-sqlite3`).
export { createSqliteStorage, SQLITE_MIGRATIONS } from './storage/sqlite/index.js';
export type { SqliteStorage, SqliteStorageOptions, SqliteMigration, SqliteDatabaseLike, SqliteStatementLike, SqliteValue } from './storage/sqlite/index.js';
