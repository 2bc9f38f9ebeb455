// Storage benchmark: persisted transitions, outbox relay, contended reservations per adapter, and the PostgreSQL task queue vs graphile-worker.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Logger, makeWorkerUtils, run as runGraphile } from 'graphile-worker';
import { createMemoryStorage } from '../src/adapters/memory.js';
import { createPostgresStorage } from '../src/adapters/postgres.js';
import { createSqliteStorage } from '../src/adapters/sqlite.js';
import { createFixedClock, type Instant } from '../src/clock/index.js';
import { isConcurrencyError } from '../src/errors/index.js';
import { createOrderMachine, effectsToOutbox, type Order } from '../src/orders/index.js';
import type { OutboxMessage, StoragePort } from '../src/ports/index.js';
import { createOutboxRelay } from '../src/app/index.js';
import { applyOrderEvent } from '../src/hub/index.js';
import { BUILT_IN_CHANNELS } from '../src/intake/index.js';
import { ingest } from '../src/app/index.js';
import { channelFixture } from '../src/testing/index.js';
import { POSTGRES_URL, postgresProblem } from './bench-postgres.js';

/** Time per transition measurement. */
const BUDGET_MS = Number(process.env['STORAGE_BENCH_MS'] ?? 3_000);
const OUTBOX_EVENTS = Number(process.env['STORAGE_BENCH_OUTBOX'] ?? 5_000);
const TASKS = Number(process.env['STORAGE_BENCH_TASKS'] ?? 4_000);
const CONCURRENCY = 8;
/** Comma-separated subset of memory, sqlite, postgres (default: all). */
const ADAPTERS = (process.env['STORAGE_BENCH_ADAPTERS'] ?? 'memory,sqlite,postgres').split(',');

// A fixed clock: every adapter pays the same (nothing) for formatting the time.
const clock = createFixedClock('2026-06-18T02:00:00Z');
const T0 = clock.now();
const machine = createOrderMachine();

interface Subject {
  readonly name: string;
  /** A guess of transitions per second, to size the order set. */
  readonly expectedRate: number;
  readonly make: () => Promise<{ storage: StoragePort; cleanup: () => Promise<void> }>;
}

const rate = (count: number, ms: number): number => Math.round((count * 1000) / ms);
const fmt = (n: number): string => n.toLocaleString('en-US');

function paidOrder(id: string): Parameters<StoragePort['commit']>[0] {
  const created = machine.createOrder(
    {
      id,
      channel: 'tmall',
      channelOrderId: `T-${id}`,
      customerRef: 'buyer-1',
      currency: 'CNY',
      lines: [
        { sku: 'TEA-LONGJING-250', quantity: 2, unitPrice: { amount: 12_800, currency: 'CNY' } },
        { sku: 'CUP-CELADON', quantity: 4, unitPrice: { amount: 3_900, currency: 'CNY' } },
      ],
    },
    { clock },
  );
  const paid = machine.transition(created, { id: `${id}:pay`, type: 'pay' }, { clock });
  if (!paid.ok || paid.value.entry === null) throw new Error('pay refused');
  return { orders: [{ order: paid.value.order, expectedVersion: null, newHistory: [...created.history, paid.value.entry] }], outbox: effectsToOutbox(paid.value.effects, paid.value.order) };
}

/** One persisted transition: read, guard (the machine), versioned write with history and outbox. */
async function transitionOnce(storage: StoragePort, orderId: string, eventId: string): Promise<number> {
  for (let conflicts = 0; ; conflicts += 1) {
    const order = (await storage.orders.get(orderId)) as Order;
    const event = order.status === 'on_hold' ? ({ id: eventId, type: 'approve' } as const) : ({ id: eventId, type: 'hold', reason: 'bench' } as const);
    const result = machine.transition(order, event, { clock });
    if (!result.ok || result.value.entry === null) throw new Error('transition refused');
    try {
      await storage.commit({
        orders: [{ order: result.value.order, expectedVersion: order.version, newHistory: [result.value.entry] }],
        outbox: effectsToOutbox(result.value.effects, result.value.order),
      });
      return conflicts;
    } catch (error) {
      if (!isConcurrencyError(error)) throw error;
    }
  }
}

/**
 * Transitions per second with `workers` concurrent loops, each on its own orders (no conflicts by
 * design). Enough orders that each gets about ten transitions, as real orders do: the read
 * returns the whole history, so a thousand-entry order would measure something else.
 */
async function benchTransitions(storage: StoragePort, workers: number, tag: string, expectedRate: number): Promise<number> {
  const perWorker = Math.max(8, Math.ceil((expectedRate * BUDGET_MS) / 1000 / 10 / workers));
  const ids = Array.from({ length: workers * perWorker }, (_, i) => `${tag}-o${i}`);
  for (const id of ids) await storage.commit(paidOrder(id));
  let done = 0;
  const started = performance.now();
  const deadline = started + BUDGET_MS;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i += 1) {
        await transitionOnce(storage, ids[w * perWorker + (i % perWorker)] as string, `${tag}-w${w}-e${i}`);
        done += 1;
      }
    }),
  );
  return rate(done, performance.now() - started);
}

/** Outbox relay events per second to a transport that accepts at once. */
async function benchRelay(storage: StoragePort): Promise<number> {
  const createdAt = T0;
  for (let start = 0; start < OUTBOX_EVENTS; start += 500) {
    const batch: OutboxMessage[] = [];
    for (let i = start; i < Math.min(OUTBOX_EVENTS, start + 500); i += 1) {
      batch.push({ id: `relay-${i}`, topic: 'order.status_changed', key: `order-${i % 200}`, payload: { n: i }, createdAt });
    }
    await storage.commit({ outbox: batch });
  }
  // Later in time than every pending message, so the transitions' own events are relayed too.
  const relay = createOutboxRelay({ storage, clock, owner: 'bench', batchSize: 200, transport: { publish: async () => undefined } });
  let delivered = 0;
  const started = performance.now();
  for (;;) {
    const round = await relay.runOnce();
    if (round.succeeded === 0) break;
    delivered += round.succeeded;
  }
  return rate(delivered, performance.now() - started);
}

/** Reservations per second: 8 workers, one unit at a time, on the same 4 SKUs. */
async function benchReservations(storage: StoragePort): Promise<number> {
  const skus = ['SKU-1', 'SKU-2', 'SKU-3', 'SKU-4'];
  for (const sku of skus) await storage.inventory.setStock('WH-1', sku, 10_000_000, T0);
  let done = 0;
  const started = performance.now();
  const deadline = started + Math.min(BUDGET_MS, 2_000);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i += 1) {
        const result = await storage.inventory.reserve(
          [{ reservationId: `r-${w}-${i}`, orderId: `o-${w}-${i}`, lineId: 'L1', warehouseId: 'WH-1', sku: skus[i % skus.length] as string, quantity: 1 }],
          T0,
        );
        if (!result.ok) throw new Error('out of stock');
        done += 1;
      }
    }),
  );
  return rate(done, performance.now() - started);
}


/** Claim-and-complete throughput of Ordo's PostgreSQL task queue and graphile-worker, same database, same run. */
async function benchTaskQueues(): Promise<void> {
  const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
  const ordoSchema = `ordo_bench_tasks_${randomBytes(4).toString('hex')}`;
  const graphileSchema = `gw_bench_${randomBytes(4).toString('hex')}`;
  try {
    // Ordo: 8 workers, each claiming 10 due tasks with a lease, then completing each.
    const storage = createPostgresStorage({ connectionString: POSTGRES_URL, schema: ordoSchema, maxConnections: CONCURRENCY + 2 });
    await storage.migrate();
    const due = T0;
    for (let start = 0; start < TASKS; start += 200) {
      await Promise.all(
        Array.from({ length: Math.min(200, TASKS - start) }, (_, j) =>
          storage.tasks.enqueue({ queue: 'bench', key: `k${start + j}`, payload: { n: start + j }, dueAt: due }, `t${start + j}`, T0),
        ),
      );
    }
    let ordoDone = 0;
    const leaseUntil = '2026-06-18T03:00:00.000Z' as Instant;
    const ordoStarted = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, w) => {
        for (;;) {
          const claimed = await storage.tasks.claim({ queue: 'bench', owner: `w${w}`, now: T0, leaseUntil, limit: 10 });
          if (claimed.length === 0) return;
          for (const task of claimed) {
            if (await storage.tasks.complete(task.id, `w${w}`, T0)) ordoDone += 1;
          }
        }
      }),
    );
    const ordoRate = rate(ordoDone, performance.now() - ordoStarted);
    await storage.close();

    // graphile-worker: the same number of no-op jobs, concurrency 8, on its own schema.
    const silent = new Logger(() => () => undefined);
    const utils = await makeWorkerUtils({ connectionString: POSTGRES_URL, schema: graphileSchema, logger: silent });
    await utils.migrate();
    for (let start = 0; start < TASKS; start += 200) {
      await Promise.all(Array.from({ length: Math.min(200, TASKS - start) }, (_, j) => utils.addJob('noop', { n: start + j })));
    }
    await utils.release();
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: CONCURRENCY + 2 });
    let graphileDone = 0;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const graphileStarted = performance.now();
    const runner = await runGraphile({
      pgPool: pool,
      schema: graphileSchema,
      concurrency: CONCURRENCY,
      noHandleSignals: true,
      pollInterval: 100,
      logger: silent,
      taskList: {
        noop: async () => {
          graphileDone += 1;
          if (graphileDone === TASKS) finish();
        },
      },
    });
    await finished;
    const graphileMs = performance.now() - graphileStarted;
    await runner.stop();
    await pool.end();
    const graphileRate = rate(graphileDone, graphileMs);

    console.log(`  task queue, claim+complete, ${CONCURRENCY} workers, ${fmt(TASKS)} tasks:`);
    console.log(`    ordo postgres        ${fmt(ordoRate).padStart(8)} tasks/s`);
    console.log(`    graphile-worker 0.16 ${fmt(graphileRate).padStart(8)} jobs/s`);
    console.log(`    ratio ordo / graphile-worker: ${(ordoRate / graphileRate).toFixed(2)}x (goal >= 1.00)`);
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${ordoSchema}" CASCADE`).catch(() => undefined);
    await admin.query(`DROP SCHEMA IF EXISTS "${graphileSchema}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

/** Runs the storage benchmark and prints its figures. */
/** What a pool sent: statements (each its own round trip) and transaction commits (WAL flushes). */
interface Traffic {
  statements: number;
  flushes: number;
}

/** A pg pool that counts every statement its clients send, and the commits among them. */
function countingPool(traffic: Traffic): pg.Pool {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    const original = client.query.bind(client) as (...args: unknown[]) => unknown;
    let inTransaction = false;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '');
      traffic.statements += 1;
      if (/^\s*BEGIN/i.test(text)) inTransaction = true;
      else if (/^\s*(COMMIT|ROLLBACK)/i.test(text)) {
        if (/^\s*COMMIT/i.test(text)) traffic.flushes += 1;
        inTransaction = false;
      } else if (!inTransaction && /\b(INSERT|UPDATE|DELETE)\b|commit_unit|reserve_stock/i.test(text)) traffic.flushes += 1;
      return original(...args);
    };
  });
  return pool;
}

/** Statements and commits per operation on PostgreSQL, averaged over `times` runs of each. */
async function postgresTraffic(): Promise<void> {
  const traffic: Traffic = { statements: 0, flushes: 0 };
  const pool = countingPool(traffic);
  const schema = `ordo_bench_${randomBytes(4).toString('hex')}`;
  const storage = createPostgresStorage({ pool, schema });
  const times = 50;
  const measure = async (name: string, operation: (i: number) => Promise<unknown>): Promise<void> => {
    traffic.statements = 0;
    traffic.flushes = 0;
    for (let i = 0; i < times; i += 1) await operation(i);
    console.log(`    ${name.padEnd(46)} ${(traffic.statements / times).toFixed(1)} statements (round trips), ${(traffic.flushes / times).toFixed(1)} commits`);
  };
  try {
    await storage.migrate();
    await measure('new paid order, committed as one unit', (i) => storage.commit(paidOrder(`traffic-${i}`)));
    await measure('persisted transition (read, commit)', (i) => transitionOnce(storage, `traffic-${i}`, `traffic-e${i}`));
    const held = new Map<string, Order>();
    for (let i = 0; i < times; i += 1) held.set(`traffic-${i}`, (await storage.orders.get(`traffic-${i}`)) as Order);
    const deps = { storage, machine, clock };
    await measure('transition with the current order held', async (i) => {
      const id = `traffic-${i}`;
      const current = held.get(id) as Order;
      const event = current.status === 'on_hold' ? ({ id: `traffic-h${i}`, type: 'approve' } as const) : ({ id: `traffic-h${i}`, type: 'hold', reason: 'bench' } as const);
      const result = await applyOrderEvent(deps, id, event, { current });
      if (result?.ok) held.set(id, result.value.order);
    });
    const paid = channelFixture('tmall', 'paid');
    await measure('intake: a new paid order (ingest)', (i) =>
      ingest([{ channel: 'tmall', payload: { ...paid, tid: String(3_862_104_600_000_000 + i) } }], { storage, clock, channels: BUILT_IN_CHANNELS }),
    );
    await measure('intake: its redelivery (duplicate)', (i) =>
      ingest([{ channel: 'tmall', payload: { ...paid, tid: String(3_862_104_600_000_000 + i) } }], { storage, clock, channels: BUILT_IN_CHANNELS }),
    );
    // Stores beyond orders: a lone change is one statement; a unit across stores is one transaction.
    await storage.inventory.setStock('WH-T', 'SKU-T', 1_000_000, T0);
    await measure('reservation (a one-change unit)', (i) =>
      storage.inventory.reserve([{ reservationId: `traffic-r${i}`, orderId: `traffic-${i}`, lineId: 'L1', warehouseId: 'WH-T', sku: 'SKU-T', quantity: 1 }], T0),
    );
    await measure('unit across stores: order, event, stock, task', async (i) => {
      const unit = paidOrder(`traffic-u${i}`);
      await storage.commit({
        ...unit,
        at: T0,
        inventory: [{ type: 'reserve', requests: [{ reservationId: `traffic-u${i}`, orderId: `traffic-u${i}`, lineId: 'L1', warehouseId: 'WH-T', sku: 'SKU-T', quantity: 1 }] }],
        tasks: [{ type: 'enqueue', id: `traffic-t${i}`, task: { queue: 'traffic', key: `traffic-t${i}`, payload: null, dueAt: T0 } }],
      });
    });
  } finally {
    await storage.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

export async function run(): Promise<void> {
  const pgProblem = await postgresProblem();
  const subjects: Subject[] = [
    { name: 'memory', expectedRate: 6_000, make: async () => ({ storage: createMemoryStorage(), cleanup: async () => undefined }) },
    {
      name: 'sqlite (file, WAL)',
      expectedRate: 4_000,
      make: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'ordo-bench-'));
        const storage = createSqliteStorage({ file: join(dir, 'bench.sqlite') });
        await storage.migrate();
        return { storage, cleanup: async () => { await storage.close(); rmSync(dir, { recursive: true, force: true }); } };
      },
    },
  ];
  if (pgProblem === undefined) {
    subjects.push({
      name: 'postgres',
      expectedRate: 4_000,
      make: async () => {
        const schema = `ordo_bench_${randomBytes(4).toString('hex')}`;
        const storage = createPostgresStorage({ connectionString: POSTGRES_URL, schema, maxConnections: CONCURRENCY + 2 });
        await storage.migrate();
        return {
          storage,
          cleanup: async () => {
            await storage.close();
            const admin = new pg.Client({ connectionString: POSTGRES_URL });
            await admin.connect();
            await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
            await admin.end();
          },
        };
      },
    });
  } else {
    console.log(`(postgres skipped: ${POSTGRES_URL} does not answer: ${pgProblem})`);
  }

  const chosen = subjects.filter((subject) => ADAPTERS.some((name) => subject.name.startsWith(name)));
  console.log(`Load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}: on a shared 2-core machine the PostgreSQL figures move with it.`);
  console.log(`Storage: persisted transitions (read + guard + versioned write + history + outbox, one commit), ${BUDGET_MS} ms each`);
  for (const subject of chosen) {
    const { storage, cleanup } = await subject.make();
    try {
      const one = await benchTransitions(storage, 1, 'single', subject.expectedRate / 3);
      const eight = await benchTransitions(storage, CONCURRENCY, 'eight', subject.expectedRate);
      const relay = await benchRelay(storage);
      const reservations = await benchReservations(storage);
      console.log(`  ${subject.name}`);
      console.log(`    transitions/s, 1 worker     ${fmt(one).padStart(8)}`);
      console.log(`    transitions/s, ${CONCURRENCY} workers    ${fmt(eight).padStart(8)}${subject.name === 'postgres' ? `   (goal >= 3,000)` : ''}`);
      console.log(`    outbox relay events/s       ${fmt(relay).padStart(8)}`);
      console.log(`    reservations/s, ${CONCURRENCY} workers   ${fmt(reservations).padStart(8)}   (4 hot SKUs)`);
    } finally {
      await cleanup();
    }
  }
  if (pgProblem === undefined && ADAPTERS.includes('postgres')) {
    console.log('  postgres, traffic per operation (one at a time):');
    await postgresTraffic();
    await benchTaskQueues();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
