// The SQLite storage adapter's face.
export { createSqliteStorage } from './sqlite-storage.js';
export type { SqliteStorage, SqliteStorageOptions } from './sqlite-storage.js';
export { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
export type { SqliteMigration } from './sqlite-migrations.js';
export type { SqliteDatabaseLike, SqliteStatementLike, SqliteValue } from './sqlite-driver.js';
