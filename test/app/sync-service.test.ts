// Sync with verification, and what Ordo does with each failure its users named: a timeout, a changed
// response format, a lock wait on PostgreSQL, a timestamp without a zone, a status mapped to the wrong code.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { createSyncService, type SyncTargetConfig } from '../../src/app/index.js';
import { addDuration, createManualClock, instant, type ManualClock } from '../../src/clock/index.js';
import type { JsonValue, StoragePort, SyncTarget } from '../../src/ports/index.js';
import { EXAMPLE_WMS_STATUSES, createDiffMonitor, type DiffAlertEvent } from '../../src/sync/index.js';
import { postgresTarget, testSchema, type TestSchema } from '../support/postgres.js';

const T0 = instant('2026-11-11T02:00:00.000Z');
const QUEUE = 'sync.compensation';

/** A WMS held in a Map; `behave` lets a test break it in the ways real ones break. */
function fakeWms(): SyncTarget & { held: Map<string, Record<string, unknown>>; behave: { down?: boolean; hang?: boolean; reshape?: boolean; offsetless?: boolean; wrongStatus?: string } } {
  const held = new Map<string, Record<string, unknown>>();
  const behave: { down?: boolean; hang?: boolean; reshape?: boolean; offsetless?: boolean; wrongStatus?: string } = {};
  return {
    system: 'wms',
    held,
    behave,
    async push(key, record, { signal }) {
      if (behave.hang) await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      if (behave.down) throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443'), { code: 'ECONNREFUSED' });
      held.set(key, { ...(record as Record<string, unknown>) });
    },
    async read(key) {
      const record = held.get(key);
      if (record === undefined) return undefined;
      if (behave.reshape) return { order_no: record['id'], state: record['status'] }; // a new API version renamed the fields
      return {
        ...record,
        ...(behave.offsetless ? { updatedAt: '2026-11-11 10:00:00' } : {}),
        ...(behave.wrongStatus === undefined ? {} : { status: behave.wrongStatus }),
      };
    },
  };
}

const wmsOrder = z.object({ id: z.string(), status: z.string(), total: z.number().int(), updatedAt: z.string() }).passthrough();

/** Ordo's record in the WMS's words: its status code, the total in fen. */
const toWms = (record: JsonValue): JsonValue => {
  const order = record as { id: string; status: string; total: { amount: number }; updatedAt: string };
  return { id: order.id, status: EXAMPLE_WMS_STATUSES.fromCanonical(order.status as never), total: order.total.amount, updatedAt: order.updatedAt };
};

const spec = {
  fields: {
    status: { compare: 'status', source: EXAMPLE_WMS_STATUSES, target: EXAMPLE_WMS_STATUSES, severity: 'critical' },
    total: { compare: 'money', currency: 'CNY', tolerance: 0 },
    updatedAt: { compare: 'instant', tolerance: { seconds: 5 } },
  },
} as const;

const order = (id: string, status = 'picking') => ({ id, status, total: { amount: 12_990, currency: 'CNY' }, updatedAt: '2026-11-11T02:00:00.000Z' });

function setup(extra: Partial<SyncTargetConfig> = {}, storage: StoragePort = createMemoryStorage(), clock: ManualClock = createManualClock(T0)) {
  const wms = fakeWms();
  const alerts: DiffAlertEvent[] = [];
  const service = createSyncService({
    storage,
    clock,
    owner: 'sync-1',
    targets: [{ target: wms, toTarget: toWms, schema: wmsOrder, spec, ...extra }],
    monitor: createDiffMonitor({ thresholds: [{ id: 'status', field: 'status', count: 2, window: { minutes: 15 } }] }),
    onAlert: (event) => alerts.push(event),
    timeoutMs: 100,
  });
  return { wms, service, storage, clock, alerts };
}

/** Runs compensation rounds until nothing is due, then moves the clock to the next due task. */
async function compensate(clock: ManualClock, storage: StoragePort, service: ReturnType<typeof setup>['service'], times = 1): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    const next = (await storage.tasks.list({ queue: QUEUE, status: 'pending', limit: 1 }))[0]?.dueAt;
    if (next === undefined) return;
    if (next > clock.now()) clock.set(next);
    await service.compensation.runOnce();
  }
}

describe('createSyncService', () => {
  it('pushes, reads back and diffs: in step, nothing is scheduled', async () => {
    const { service, storage } = setup();
    expect(await service.sync('o-1', order('o-1'))).toEqual([{ system: 'wms', status: 'in_sync', differences: [] }]);
    expect(await storage.tasks.list({ queue: QUEUE })).toEqual([]);
  });

  it('a timeout schedules compensation, which converges once the system answers', async () => {
    const { service, storage, clock, wms } = setup();
    wms.behave.hang = true;
    const [outcome] = await service.sync('o-2', order('o-2'));
    expect(outcome).toMatchObject({ status: 'compensation_scheduled', error: { code: 'TIMEOUT' } });
    wms.behave.hang = false;
    await compensate(clock, storage, service);
    const [task] = await storage.tasks.list({ queue: QUEUE });
    expect(task).toMatchObject({ key: 'wms:o-2', status: 'completed', updatedAt: addDuration(T0, { minutes: 15 }) });
    expect(wms.held.get('o-2')).toMatchObject({ status: 'PICKING' });
  });

  it('a changed response format is quarantined with its issues and never diffed in part', async () => {
    const { service, storage, wms } = setup();
    wms.behave.reshape = true;
    const [outcome] = await service.sync('o-3', order('o-3'));
    expect(outcome).toMatchObject({ status: 'compensation_scheduled', differences: [], error: { code: 'VALIDATION_FAILED' } });
    const [record] = await storage.quarantine.list({ source: 'sync:wms' });
    expect(record?.payload).toEqual({ order_no: 'o-3', state: 'PICKING' });
    expect(record?.issues.map((issue) => issue.path.join('.'))).toEqual(['id', 'status', 'total', 'updatedAt']);
    expect((await storage.tasks.list({ queue: QUEUE }))[0]?.history[0]).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('a timestamp without a zone is refused at the boundary, not read in some zone', async () => {
    const { service, wms } = setup();
    wms.behave.offsetless = true;
    const [outcome] = await service.sync('o-4', order('o-4'));
    expect(outcome?.status).toBe('compensation_scheduled');
    expect(outcome?.differences).toEqual([expect.objectContaining({ path: ['updatedAt'], kind: 'unreadable', detail: expect.stringContaining('has no offset') })]);
  });

  it('"cancelled" read where Ordo has "completed" is a critical difference; two in 15 minutes raise an alert', async () => {
    const { service, wms, alerts } = setup();
    wms.behave.wrongStatus = 'CANCELLED';
    const [first] = await service.sync('o-5', order('o-5', 'completed'));
    expect(first?.differences).toEqual([expect.objectContaining({ path: ['status'], severity: 'critical', detail: 'delivered vs cancelled' })]);
    expect(first?.error?.code).toBe('SYNC_MISMATCH');
    await service.sync('o-6', order('o-6', 'completed'));
    expect(alerts).toEqual([expect.objectContaining({ type: 'alert_raised', threshold: 'status', system: 'wms', matching: 2 })]);
  });

  it('a status the system has no code for is reported at once as a difference with an event, and nothing is queued', async () => {
    const { service, storage } = setup();
    const [outcome] = await service.sync('o-10', order('o-10', 'paid'));
    expect(outcome).toMatchObject({
      system: 'wms',
      status: 'failed',
      error: { code: 'UNMAPPED_STATUS' },
      differences: [{ path: ['status'], kind: 'unmapped', severity: 'critical', source: 'paid' }],
    });
    // No retry can fix it, so there is no task to dead-letter 15 minutes later.
    expect(await storage.tasks.list({ queue: QUEUE })).toEqual([]);
    const events = (await storage.outbox.list()).filter((message) => message.topic === 'sync.failed');
    expect(events).toEqual([expect.objectContaining({ key: 'o-10', payload: expect.objectContaining({ system: 'wms', code: 'UNMAPPED_STATUS', status: 'paid' }) })]);
  });

  it('a target that skips statuses it does not show sends nothing for them, and reports nothing wrong', async () => {
    const { service, storage, wms } = setup({ unmappedStatus: 'skip' });
    expect(await service.sync('o-11', order('o-11', 'paid'))).toEqual([{ system: 'wms', status: 'skipped', differences: [] }]);
    expect(wms.held.has('o-11')).toBe(false);
    expect(await storage.tasks.list({ queue: QUEUE })).toEqual([]);
    expect((await storage.outbox.list()).filter((message) => message.topic === 'sync.failed')).toEqual([]);
    // A status it shows is synced as before.
    expect((await service.sync('o-11', order('o-11', 'picking')))[0]?.status).toBe('in_sync');
  });

  it('differences below failOn are reported, not compensated', async () => {
    const { service, storage, wms } = setup({ failOn: 'critical' });
    wms.behave.offsetless = true;
    const [outcome] = await service.sync('o-7', order('o-7'));
    expect(outcome).toMatchObject({ status: 'in_sync', differences: [expect.objectContaining({ kind: 'unreadable' })] });
    expect(await storage.tasks.list({ queue: QUEUE })).toEqual([]);
  });

  it('a retry pushes the current record (load), not the copy the failed sync had', async () => {
    const storage = createMemoryStorage();
    const clock = createManualClock(T0);
    const wms = fakeWms();
    const current = new Map<string, JsonValue>([['o-8', order('o-8', 'packed')]]);
    const service = createSyncService({ storage, clock, owner: 's', targets: [{ target: wms, toTarget: toWms, spec }], load: async (key) => current.get(key) ?? null });
    wms.behave.down = true;
    await service.sync('o-8', order('o-8', 'picking'));
    wms.behave.down = false;
    await compensate(clock, storage, service);
    expect(wms.held.get('o-8')).toMatchObject({ status: 'PACKED' });
  });

  it('refuses wrong options with paths', () => {
    expect(() => createSyncService({ storage: createMemoryStorage(), clock: createManualClock(T0), owner: 's', targets: [{ target: fakeWms(), spec: { fields: { total: { compare: 'money', tolerance: -1 } } } }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['targets', 0, 'spec', 'fields', 'total', 'tolerance'] })] }),
    );
    expect(() => createSyncService({ storage: createMemoryStorage(), clock: createManualClock(T0), owner: 's', targets: [] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });
});

const postgres = await postgresTarget();

describe.skipIf(postgres.skipReason !== undefined)('a lock wait on PostgreSQL', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  beforeAll(async () => {
    schema = testSchema(postgres.url as string, 'ordo_sync_');
    pool = new pg.Pool({ connectionString: postgres.url, max: 3 });
    await pool.query(`CREATE SCHEMA "${schema.name}"`);
    await pool.query(`CREATE TABLE "${schema.name}".wms_orders (id text PRIMARY KEY, data jsonb NOT NULL)`);
  });
  afterAll(async () => {
    await pool.end();
    await schema.drop();
  });

  it('is retried: the push waits at most its lock_timeout, fails with 55P03, and compensation converges after the lock is gone', async () => {
    const table = `"${schema.name}".wms_orders`;
    await pool.query(`INSERT INTO ${table} (id, data) VALUES ('o-9', '{}')`);
    const target: SyncTarget = {
      system: 'wms',
      async push(key, record) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query(`SET LOCAL lock_timeout = '200ms'`);
          await client.query(`UPDATE ${table} SET data = $2 WHERE id = $1`, [key, JSON.stringify(record)]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      },
      async read(key) {
        return (await pool.query(`SELECT data FROM ${table} WHERE id = $1`, [key])).rows[0]?.data;
      },
    };
    const storage = createMemoryStorage();
    const clock = createManualClock(T0);
    const service = createSyncService({ storage, clock, owner: 's', targets: [{ target, toTarget: toWms, spec }], timeoutMs: 10_000 });
    // Another system holds the row.
    const holder = await pool.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT * FROM ${table} WHERE id = 'o-9' FOR UPDATE`);
    const [outcome] = await service.sync('o-9', order('o-9'));
    expect(outcome?.error?.code).toBe('55P03');
    await holder.query('COMMIT');
    holder.release();
    await compensate(clock, storage, service);
    expect((await storage.tasks.list({ queue: QUEUE }))[0]).toMatchObject({ status: 'completed', history: [expect.objectContaining({ code: '55P03' })] });
    expect((await pool.query(`SELECT data->>'status' AS status FROM ${table} WHERE id = 'o-9'`)).rows[0]?.status).toBe('PICKING');
  }, 60_000);
});
