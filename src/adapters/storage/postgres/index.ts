// The PostgreSQL storage adapter's face.
export { createPostgresStorage } from './postgres-storage.js';
export type { PostgresStorage, PostgresStorageOptions } from './postgres-storage.js';
export { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
export type { PostgresMigration } from './postgres-migrations.js';
export type { PgPoolLike, PgClientLike, PgQueryableLike, PgQueryConfigLike, PgResultLike } from './postgres-driver.js';
