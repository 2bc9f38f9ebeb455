// Guarded job benchmark: one auto-cancel run over 100k candidate orders on memory, SQLite and
// PostgreSQL, in dry run (read, decide, check the limits) and real run (every order re-read,
// decided again and cancelled in its own unit of work with its history entry and events).
import { createJobRunner } from '../src/app/index.js';
import { addDuration, createFixedClock, createManualClock, instant } from '../src/clock/index.js';
import { autoCancelUnpaidJob } from '../src/ops/index.js';
import { createOrder, createOrderMachine, type Order } from '../src/orders/index.js';
import type { StoragePort } from '../src/ports/index.js';
import { benchStorages } from './bench-storages.js';

const ORDERS = Number(process.env['ORDO_BENCH_JOB_ORDERS'] ?? 100_000);
const T0 = instant('2026-11-11T00:00:00.000Z');


async function seed(storage: StoragePort): Promise<void> {
  const machineClock = createFixedClock(T0);
  for (let i = 0; i < ORDERS; i += 1000) {
    const batch: Order<string>[] = [];
    for (let j = i; j < Math.min(ORDERS, i + 1000); j += 1) {
      batch.push(
        createOrder<string>(
          { id: `o-${j}`, channel: 'shop', channelOrderId: `c-${j}`, customerRef: `buyer-${j % 5000}`, currency: 'CNY', lines: [{ sku: `SKU-${j % 100}`, quantity: 1, unitPrice: { amount: 1990, currency: 'CNY' } }] },
          { clock: machineClock, initialStatus: 'pending_payment' },
        ),
      );
    }
    await storage.commit({ orders: batch.map((order) => ({ order, expectedVersion: null, newHistory: order.history })) });
  }
}

/** Runs the job benchmark and prints orders per second for dry and real runs per adapter. */
export async function run(): Promise<void> {
  const subjects = await benchStorages(['memory', 'sqlite', 'postgres']);
  console.log(`jobs: auto-cancel-unpaid over ${ORDERS.toLocaleString('en-US')} orders waiting for payment, all due; one worker`);
  const machine = createOrderMachine();
  for (const subject of subjects) {
    const { storage, settle, cleanup } = await subject.make();
    try {
      await seed(storage);
      await settle();
      const clock = createManualClock(addDuration(T0, { hours: 2 }));
      const job = autoCancelUnpaidJob({ after: { minutes: 30 }, limits: { maxOrders: ORDERS, maxShare: 1 }, unguarded: { by: 'bench', reason: 'measures the real run' } });
      const runner = createJobRunner({ storage, clock, machine, owner: 'bench', jobs: [job], scanLimit: ORDERS });
      let started = process.hrtime.bigint();
      const dry = await runner.run(job.id, { dryRun: true });
      const drySeconds = Number(process.hrtime.bigint() - started) / 1e9;
      started = process.hrtime.bigint();
      const real = await runner.run(job.id);
      const realSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (dry.planned.length !== ORDERS || real.acted.length !== ORDERS) throw new Error(`${subject.name}: planned ${dry.planned.length}, acted ${real.acted.length} of ${ORDERS}`);
      const rate = (n: number, s: number): string => Math.round(n / s).toLocaleString('en-US').padStart(9);
      console.log(`  ${subject.name.padEnd(20)} dry run ${drySeconds.toFixed(2).padStart(6)} s ${rate(ORDERS, drySeconds)} orders/s   real run ${realSeconds.toFixed(2).padStart(7)} s ${rate(ORDERS, realSeconds)} orders/s`);
    } finally {
      await cleanup();
    }
  }
  console.log('  (no peer: a dry run reads and decides; a real run re-reads each order and commits its cancellation, history and events as one unit)');
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
