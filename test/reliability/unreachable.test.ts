// The database stopped or unreachable: a typed StorageError within the configured timeout, never a hang.
import { createServer, type Server, type Socket } from 'node:net';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStorage } from '../../src/adapters/postgres.js';
import { createSqliteStorage } from '../../src/adapters/sqlite.js';
import { systemClock } from '../../src/clock/index.js';
import { isStorageError, type StorageError } from '../../src/errors/index.js';
import { postgresTarget } from '../support/postgres.js';
import { tempDir } from '../support/sqlite.js';

async function failure(promise: Promise<unknown>): Promise<StorageError> {
  try {
    await promise;
  } catch (error) {
    if (isStorageError(error)) return error;
    throw error;
  }
  throw new Error('expected a StorageError, the call succeeded');
}

/** A local TCP server that misbehaves the way a dead network or a dying server does. */
async function listen(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, sockets };
}

const pgTarget = await postgresTarget();

describe.skipIf(pgTarget.skipReason !== undefined)('PostgreSQL refusing the login', () => {
  it('an unknown user (or a wrong password) is ACCESS_DENIED at once, saying so, never "cannot reach"', async () => {
    const url = new URL(pgTarget.url as string);
    url.username = 'ordo_no_such_user';
    url.password = 'wrong-secret-42';
    const storage = createPostgresStorage({ connectionString: url.href, connectTimeoutMs: 10_000 });
    const error = await failure(storage.orders.get('x'));
    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.message).toContain('refused the login');
    expect(error.message).not.toContain('cannot reach');
    expect(error.hint).toMatch(/user and password/);
    expect(JSON.stringify({ message: error.message, details: error.details, cause: String(error.cause) })).not.toContain('wrong-secret-42');
    await storage.close();
  }, 30_000);

  it('a connection string that is no postgres:// URL is refused when the storage is made', () => {
    for (const connectionString of ['host=127.0.0.1 user=postgres', 'mysql://root@127.0.0.1/test', 'http://127.0.0.1:5432']) {
      expect(() => createPostgresStorage({ connectionString })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['connectionString'] })] }));
    }
  });
});

describe('PostgreSQL unreachable', () => {
  let blackhole: Awaited<ReturnType<typeof listen>>;
  let hangup: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    // Accepts the connection and never answers: what a firewalled or frozen server looks like.
    blackhole = await listen(() => undefined);
    // Accepts and closes at once: a server going down.
    hangup = await listen((socket) => socket.destroy());
  });
  afterAll(async () => {
    for (const s of [blackhole, hangup]) {
      for (const socket of s.sockets) socket.destroy();
      await new Promise((resolve) => s.server.close(resolve));
    }
  });

  it('connection refused (closed port) is STORAGE_UNAVAILABLE with a hint and the driver error as cause', async () => {
    const storage = createPostgresStorage({ connectionString: 'postgres://postgres@127.0.0.1:1/test', connectTimeoutMs: 2_000 });
    const error = await failure(storage.orders.get('x'));
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect(error.operation).toBe('orders.get');
    expect(error.hint).toMatch(/running/);
    expect(error.message).toContain('127.0.0.1:1');
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
    await storage.close();
  }, 30_000);

  it('a server that never answers is STORAGE_TIMEOUT after connectTimeoutMs, not a hang', async () => {
    const storage = createPostgresStorage({ connectionString: `postgres://postgres@127.0.0.1:${blackhole.port}/test`, connectTimeoutMs: 300 });
    const error = await failure(storage.orders.get('x'));
    expect(error.code).toBe('STORAGE_TIMEOUT');
    expect(error.message).toContain('300 ms');
    await storage.close();
  }, 30_000);

  it('a server that hangs up is STORAGE_UNAVAILABLE', async () => {
    const storage = createPostgresStorage({ connectionString: `postgres://postgres@127.0.0.1:${hangup.port}/test`, connectTimeoutMs: 1_000 });
    const error = await failure(storage.migrate());
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    await storage.close();
  }, 30_000);

  it('a transaction on an unreachable server fails the same way (outbox claim, reservations)', async () => {
    const storage = createPostgresStorage({ connectionString: 'postgres://postgres@127.0.0.1:1/test' });
    const now = systemClock.now();
    expect((await failure(storage.outbox.claim({ owner: 'r', now, leaseUntil: now, limit: 5 }))).code).toBe('STORAGE_UNAVAILABLE');
    expect(
      (await failure(storage.inventory.reserve([{ reservationId: 'r', orderId: 'o', lineId: 'L', warehouseId: 'w', sku: 's', quantity: 1 }], now))).code,
    ).toBe('STORAGE_UNAVAILABLE');
    await storage.close();
  }, 30_000);
});

describe('SQLite unavailable', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('a file in a missing directory is STORAGE_UNAVAILABLE', async () => {
    const storage = createSqliteStorage({ file: dir.file('missing/dir/ordo.sqlite') });
    expect((await failure(storage.migrate())).code).toBe('STORAGE_UNAVAILABLE');
    await storage.close();
  });

  it('a database locked by another connection is STORAGE_TIMEOUT after busyTimeoutMs', async () => {
    const file = dir.file('locked.sqlite');
    const storage = createSqliteStorage({ file, busyTimeoutMs: 100 });
    await storage.migrate();
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      const error = await failure(storage.inventory.setStock('w', 's', 1, systemClock.now()));
      expect(error.code).toBe('STORAGE_TIMEOUT');
      expect(error.hint).toMatch(/busyTimeoutMs/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // The lock gone, the same storage works again.
    expect((await storage.inventory.setStock('w', 's', 1, systemClock.now())).onHand).toBe(1);
    await storage.close();
  }, 30_000);
});
