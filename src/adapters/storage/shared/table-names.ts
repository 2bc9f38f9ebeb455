// The tables every SQL adapter keeps, named once: each dialect only says how a name is quoted.
import { z } from 'zod';

/** Unquoted table names, before the prefix. */
const TABLE_NAMES = {
  migrations: 'migrations',
  orders: 'orders',
  history: 'order_history',
  outbox: 'outbox',
  idempotency: 'idempotency',
  stock: 'stock',
  reservations: 'reservations',
  capacity: 'warehouse_capacity',
  tasks: 'tasks',
  quarantine: 'quarantine',
  customerProfiles: 'customer_profiles',
  customerGoldens: 'customer_goldens',
  customerGoldenSources: 'customer_golden_sources',
  customerPostings: 'customer_postings',
  customerPostingCounts: 'customer_posting_counts',
  customerAudit: 'customer_audit',
  settings: 'settings',
} as const;

/** Table names of one storage, already quoted (and schema-qualified where the dialect has schemas). */
export type StorageTables = { readonly [K in keyof typeof TABLE_NAMES]: string };

/** Every table's name, written by the dialect's `name` (which adds quoting, schema and prefix). */
export function storageTables(name: (table: string) => string): StorageTables {
  return Object.fromEntries(Object.entries(TABLE_NAMES).map(([key, table]) => [key, name(table)])) as unknown as StorageTables;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** True for a name safe to splice into SQL: lower-case letters, digits and underscores, not starting with a digit, at most 40 characters. */
export function isSqlIdentifier(value: unknown): value is string {
  return typeof value === 'string' && IDENTIFIER.test(value) && value.length <= 40;
}

/** The option schema of a schema name or table prefix: they are spliced into SQL. */
export function sqlIdentifierOption(allowEmpty: boolean): z.ZodType<string> {
  return z
    .string()
    .refine((value) => (value === '' ? allowEmpty : isSqlIdentifier(value)), `Expected ${allowEmpty ? 'empty or ' : ''}lower-case letters, digits and underscores starting with a letter or underscore (at most 40)`);
}
