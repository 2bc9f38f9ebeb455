// The `ordo/adapters/postgres` entry point: storage on PostgreSQL (needs the optional peer dependency `pg`).
export { createPostgresStorage, POSTGRES_MIGRATIONS } from './storage/postgres/index.js';
export type {
  PostgresStorage,
  PostgresStorageOptions,
  PostgresMigration,
  PgPoolLike,
  PgClientLike,
  PgQueryableLike,
  PgQueryConfigLike,
  PgResultLike,
} from './storage/postgres/index.js';
