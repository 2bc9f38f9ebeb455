// Options objects refuse keys they do not read: a misspelt or misplaced option fails loudly
// (the README once showed createSqliteStorage({ file }, { tablePrefix }), silently ignored).
import { describe, expect, it } from 'vitest';
import { createMemoryStorage, createMemoryTransport } from '../../src/adapters/memory.js';
import { createPostgresStorage } from '../../src/adapters/postgres.js';
import { createSqliteStorage } from '../../src/adapters/sqlite.js';
import { createOrderHub, createManualClock, createOutboxRelay, createTimeWindow, ingest, BUILT_IN_CHANNELS, isValidationError, toInstant, type ValidationError } from '../../src/index.js';

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (isValidationError(error)) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('unknown options', () => {
  const clock = createManualClock('2026-01-01T00:00:00Z');

  it('a second options argument to a storage factory is refused, not ignored', () => {
    expect(refusal(() => (createSqliteStorage as (...args: unknown[]) => unknown)({ file: ':memory:' }, { tablePrefix: 'erp_' })).issues[0]?.code).toBe('too_many_arguments');
    expect(refusal(() => (createPostgresStorage as (...args: unknown[]) => unknown)({ connectionString: 'postgres://x@127.0.0.1/db' }, { schema: 'erp' })).issues[0]?.code).toBe('too_many_arguments');
  });

  it.each<[string, () => unknown, string]>([
    ['createSqliteStorage', () => createSqliteStorage({ file: ':memory:', prefix: 'erp_' } as never), 'prefix'],
    ['createPostgresStorage', () => createPostgresStorage({ connectionString: 'postgres://x@127.0.0.1/db', schemaName: 'erp' } as never), 'schemaName'],
    ['createMemoryStorage', () => createMemoryStorage({ persist: true } as never), 'persist'],
    ['createMemoryTransport', () => createMemoryTransport({ retries: 3 } as never), 'retries'],
    ['createOrderHub', () => createOrderHub({ clock, retries: 3 } as never), 'retries'],
    ['createOutboxRelay', () => createOutboxRelay({ storage: createMemoryStorage(), transport: createMemoryTransport(), clock, owner: 'r', batch: 5 } as never), 'batch'],
    ['createTimeWindow', () => createTimeWindow({ start: '2026-01-01T00:00', end: '2026-02-01T00:00', zone: 'UTC', timezone: 'UTC' } as never), 'timezone'],
    ['toInstant', () => toInstant('2026-01-01T00:00', 'UTC', { disambiguate: 'later' } as never), 'disambiguate'],
  ])('%s names the unknown key', (_, run, key) => {
    const error = refusal(run);
    expect(error.issues).toContainEqual(expect.objectContaining({ code: 'unrecognized_keys', path: [key] }));
    expect(error.message).toContain(key);
  });

  it('ingest names an unknown context key', async () => {
    const storage = createMemoryStorage();
    await expect(ingest([], { storage, clock, channels: BUILT_IN_CHANNELS, concurrent: 4 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['concurrent'] })] });
  });
});
