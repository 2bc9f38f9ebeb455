// A child process for reliability tests: opens a storage and reserves, transitions, relays or migrates, then prints RESULT:<json>.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../../../src/clock/index.js';
import { createMemoryStorage } from '../../../src/adapters/memory.js';
import { createRabbitMqTransport } from '../../../src/adapters/rabbitmq.js';
import { createCompensationScheduler, createOutboxRelay, routeAndReserve } from '../../../src/app/index.js';
import { reliabilityRouter, routingTestMachine } from '../../support/routing.js';
import { openTarget, type StorageTarget } from '../../support/storage-target.js';
import { applyNextTransition } from '../../support/transitions.js';
import { unitNumber } from '../../support/units.js';

/** What the parent asks for. */
export type WorkerJob =
  | { readonly job: 'migrate'; readonly target: StorageTarget }
  | { readonly job: 'reserve'; readonly target: StorageTarget; readonly worker: string; readonly warehouseId: string; readonly skus: readonly string[]; readonly attempts: number }
  | { readonly job: 'transition'; readonly target: StorageTarget; readonly worker: string; readonly orderIds: readonly string[]; readonly count: number }
  | { readonly job: 'relay'; readonly target: StorageTarget; readonly owner: string; readonly logFile: string; readonly batchSize: number; readonly leaseMs: number; readonly publishDelayMs: number; readonly barrierDir?: string }
  | { readonly job: 'units'; readonly target: StorageTarget; readonly logFile: string; readonly warehouseId: string; readonly sku: string; readonly goldenId: string }
  | { readonly job: 'compensate'; readonly target: StorageTarget; readonly owner: string; readonly logFile: string; readonly leaseMs: number }
  | { readonly job: 'rabbit-hold'; readonly url: string; readonly exchange: string; readonly queuePrefix: string; readonly group: string; readonly topic: string; readonly concurrency: number }
  | { readonly job: 'route'; readonly target: StorageTarget; readonly orderIds: readonly string[] };

const job = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;
// A RabbitMQ job has no storage; a memory one keeps the shutdown path the same.
const storage = 'target' in job ? openTarget(job.target) : createMemoryStorage();
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<unknown> {
  switch (job.job) {
    case 'migrate':
      await storage.migrate();
      return { ok: true };
    case 'reserve': {
      const reserved: { sku: string; quantity: number }[] = [];
      let refused = 0;
      for (let i = 0; i < job.attempts; i += 1) {
        const sku = job.skus[i % job.skus.length] as string;
        // 1, 2 or 3 units; two SKUs at once every third attempt, so multi-row reservations race too.
        const quantity = (Math.floor(i / job.skus.length) % 3) + 1;
        const requests = [{ reservationId: `${job.worker}-${i}`, orderId: `${job.worker}-o${i}`, lineId: 'L1', warehouseId: job.warehouseId, sku, quantity }];
        const other = job.skus[(i + 1) % job.skus.length] as string;
        if (i % 3 === 2 && other !== sku) requests.push({ reservationId: `${job.worker}-${i}b`, orderId: `${job.worker}-o${i}`, lineId: 'L2', warehouseId: job.warehouseId, sku: other, quantity: 1 });
        const result = await storage.inventory.reserve(requests, systemClock.now());
        if (result.ok) for (const r of result.value) reserved.push({ sku: r.sku, quantity: r.quantity });
        else refused += 1;
      }
      // Then single units until refused: when every worker has swept, the stock is used up exactly.
      for (const sku of job.skus) {
        for (let i = 0; ; i += 1) {
          const request = { reservationId: `${job.worker}-sweep-${sku}-${i}`, orderId: `${job.worker}-sweep`, lineId: 'L1', warehouseId: job.warehouseId, sku, quantity: 1 };
          const result = await storage.inventory.reserve([request], systemClock.now());
          if (!result.ok) break;
          reserved.push({ sku, quantity: 1 });
        }
      }
      return { reserved, refused };
    }
    case 'transition': {
      const successes: { orderId: string; eventId: string; version: number }[] = [];
      let conflicts = 0;
      for (let i = 0; i < job.count; i += 1) {
        const orderId = job.orderIds[i % job.orderIds.length] as string;
        const eventId = `${job.worker}-e${i}`;
        const applied = await applyNextTransition(storage, orderId, eventId, systemClock);
        conflicts += applied.conflicts;
        successes.push({ orderId, eventId, version: applied.version });
      }
      return { successes, conflicts };
    }
    case 'route': {
      // Every worker routes every order (in its own order): most find it done by another worker.
      const router = reliabilityRouter();
      const outcomes: Record<string, number> = {};
      let retries = 0;
      for (const orderId of job.orderIds) {
        const result = await routeAndReserve({ storage, machine: routingTestMachine, clock: systemClock, router }, orderId, { retries: 20 });
        const outcome = result === null ? 'missing' : result.ok ? result.value.outcome : result.error.code;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (result?.ok) retries += result.value.retries;
      }
      return { outcomes, retries };
    }
    case 'units':
      // Multi-part units until killed; each committed number is logged after its commit returns.
      for (let n = 0; ; n += 1) {
        await storage.commit(unitNumber(n, job));
        appendFileSync(job.logFile, `${n}\n`);
      }
    case 'rabbit-hold': {
      // Takes a prefetch's worth of messages, says how many, and never acks: the parent kills it.
      const transport = createRabbitMqTransport({ url: job.url, exchange: job.exchange, queuePrefix: job.queuePrefix });
      let holding = 0;
      await transport.subscribe({
        topic: job.topic,
        group: job.group,
        concurrency: job.concurrency,
        handler: async () => {
          holding += 1;
          if (holding === job.concurrency) process.stdout.write(`HOLDING:${holding}\n`);
          await new Promise(() => undefined);
        },
      });
      await new Promise(() => undefined);
      return { never: true };
    }
    case 'compensate': {
      // Runs compensation tasks (logging each handler call) and then hangs in a handler, to be killed there.
      let handled = 0;
      const scheduler = createCompensationScheduler({
        storage,
        clock: systemClock,
        owner: job.owner,
        batchSize: 5,
        timeoutMs: job.leaseMs - 1_000,
        leaseMs: job.leaseMs,
        handlers: {
          push: async (payload) => {
            appendFileSync(job.logFile, `${job.owner} ${(payload as { n: number }).n}\n`);
            handled += 1;
            if (handled >= 12) await new Promise(() => undefined);
          },
        },
      });
      for (;;) await scheduler.runOnce();
    }
    case 'relay': {
      // With a barrier, every relay starts together: each says it is ready, then waits for `go`.
      if (job.barrierDir !== undefined) {
        writeFileSync(join(job.barrierDir, `ready-${job.owner}`), '');
        while (!existsSync(join(job.barrierDir, 'go'))) await pause(10);
      }
      const relay = createOutboxRelay({
        storage,
        clock: systemClock,
        owner: job.owner,
        batchSize: job.batchSize,
        leaseMs: job.leaseMs,
        pollIntervalMs: 50,
        transport: {
          // Written synchronously: what a SIGKILL interrupts was either fully logged or not published.
          async publish(message) {
            await pause(job.publishDelayMs);
            appendFileSync(job.logFile, `${job.owner} ${message.id}\n`);
          },
        },
      });
      for (;;) {
        const round = await relay.runOnce();
        if (round.delivered + round.failed === 0) {
          const pending = await storage.outbox.list({ status: 'pending', limit: 1 });
          if (pending.length === 0) return { done: true };
          await pause(50);
        }
      }
    }
  }
}

main()
  .then(async (result) => {
    await storage.close();
    process.stdout.write(`RESULT:${JSON.stringify(result)}\n`);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await storage.close().catch(() => undefined);
    process.exit(1);
  });

