// PostgreSQL connections terminated under the adapter (a restart, a failover, pg_terminate_backend):
// the calls in flight fail with STORAGE_UNAVAILABLE, the process survives, and the work completes.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStorage, type PostgresStorage } from '../../src/adapters/postgres.js';
import { createMemoryTransport } from '../../src/adapters/memory.js';
import { createManualClock, systemClock } from '../../src/clock/index.js';
import { createOutboxRelay } from '../../src/app/index.js';
import { isStorageError } from '../../src/errors/index.js';
import { postgresTarget, randomName, testSchema } from '../support/postgres.js';
import { paidOrder } from '../support/transitions.js';

const target = await postgresTarget();

describe.skipIf(target.url === undefined)('PostgreSQL connections terminated under load', () => {
  const url = target.url as string;
  const schema = testSchema(url);
  afterAll(() => schema.drop());

  it('claims, commits, reservations and migrations survive repeated pg_terminate_backend and all finish', async () => {
    const applicationName = randomName('ordo_chaos_');
    const storage: PostgresStorage = createPostgresStorage({ connectionString: url, schema: schema.name, applicationName, maxConnections: 4, connectTimeoutMs: 10_000 });
    await storage.migrate();
    const clock = createManualClock('2026-03-01T00:00:00Z');
    const at = clock.now();
    await storage.inventory.setStock('WH-1', 'TEA-1', 1_000, at);

    // Another connection ends every backend of this storage, again and again.
    const killer = new pg.Client({ connectionString: url });
    await killer.connect();
    let terminated = 0;
    let killing = true;
    const killLoop = (async () => {
      while (killing) {
        const result = await killer.query<{ ended: boolean }>(
          'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        );
        terminated += result.rows.filter((row) => row.ended).length;
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    })();

    // The relay runs its loop through the storm, on the real clock so its leases expire.
    const transport = createMemoryTransport();
    const delivered = new Set<string>();
    await transport.subscribe({ topic: 'order.*', group: 'wms', handler: async ({ message }) => void delivered.add(message.id) });
    const relayErrors: string[] = [];
    const relay = createOutboxRelay({
      storage,
      transport,
      clock: systemClock,
      owner: 'relay-chaos',
      leaseMs: 300,
      pollIntervalMs: 10,
      onError: (error) => void relayErrors.push(isStorageError(error) ? error.code : String(error)),
    });
    relay.start();

    const failures = new Map<string, number>();
    /** Runs `step` until it succeeds; every failure on the way must be a typed storage error. */
    const until = async <T>(step: () => Promise<T>): Promise<T> => {
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await step();
        } catch (error) {
          if (!isStorageError(error)) throw error;
          failures.set(error.code, (failures.get(error.code) ?? 0) + 1);
          if (attempt > 500) throw error;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
    };

    const rounds = 60;
    const orderIds: string[] = [];
    try {
      for (let round = 0; round < rounds; round += 1) {
        const id = `chaos-${round}`;
        orderIds.push(id);
        const { writes } = paidOrder(id, clock);
        // A commit whose answer was lost may have landed: a repeat then finds the order there.
        await until(async () => {
          if ((await storage.orders.get(id)) !== null) return;
          await storage.commit(writes);
        });
        await until(() => storage.inventory.reserve([{ reservationId: `r-${id}`, orderId: id, lineId: 'L1', warehouseId: 'WH-1', sku: 'TEA-1', quantity: 1 }], at));
        if (round % 10 === 0) await until(() => storage.migrate());
      }
    } finally {
      killing = false;
      await killLoop;
      await killer.end();
    }

    // The relay carried on: once the database answers again it delivers everything (at least once).
    for (let waited = 0; (await storage.outbox.list({ status: 'pending' })).length > 0; waited += 50) {
      if (waited > 60_000) throw new Error('the relay did not drain the outbox after the storm');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await relay.stop();
    await transport.idle();
    const stored = await storage.outbox.list();
    expect(stored.every((m) => m.status === 'delivered')).toBe(true);
    expect(stored.every((m) => delivered.has(m.id))).toBe(true);
    expect(relayErrors.every((code) => code === 'STORAGE_UNAVAILABLE' || code === 'STORAGE_TIMEOUT')).toBe(true);

    // The storage is still usable after the storm, and everything the loop did is there exactly once.
    for (const id of orderIds) expect((await storage.orders.get(id))?.status).toBe('paid');
    const stock = await storage.inventory.getStock('WH-1', 'TEA-1');
    expect(stock?.reserved).toBe(rounds);
    const pending = await schema.pool.query(`SELECT count(*)::int AS n FROM "${schema.name}".outbox WHERE status <> 'delivered'`);
    expect(pending.rows[0].n).toBe(0);

    expect(terminated).toBeGreaterThan(0);
    // What the calls in flight saw: unavailability, never a crash or an untyped error.
    expect([...failures.keys()].every((code) => code === 'STORAGE_UNAVAILABLE' || code === 'STORAGE_TIMEOUT')).toBe(true);
    expect(failures.get('STORAGE_UNAVAILABLE') ?? 0).toBeGreaterThan(0);
    await storage.close();
  }, 180_000);
});
