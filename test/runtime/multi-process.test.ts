// Many processes, one PostgreSQL and one RabbitMQ: four worker processes running `ordo.run()` share
// the pipeline through leases; one is killed with SIGKILL mid-run and started again. Every order
// ends as a single-process run leaves it, each reservation and waybill exists once, every event
// reaches RabbitMQ and the partner's webhook with its one id, and no outbox event is lost.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createRabbitMqTransport } from '../../src/adapters/rabbitmq.js';
import { generateWebhookSecret, verifyWebhook } from '../../src/adapters/webhook.js';
import { systemClock, type Order } from '../../src/index.js';
import { channelFixture } from '../../src/testing/index.js';
import { postgresTarget, randomName, testSchema } from '../support/postgres.js';
import { rabbitTarget } from '../support/rabbitmq.js';
import { definePipeline, type PipelineConfig } from './workers/pipeline-definition.js';

const WORKER = fileURLToPath(new URL('./workers/ordo-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** 2,000 in CI (.ci/run); fewer by default, so `npm test` stays quick on a laptop. */
const ORDERS = Number(process.env['ORDO_MULTIPROCESS_ORDERS'] ?? 400);

const [postgres, rabbit] = await Promise.all([postgresTarget(), rabbitTarget()]);
const skipReason = postgres.skipReason ?? rabbit.skipReason;
if (skipReason !== undefined) console.warn(`multi-process runtime test skipped: ${skipReason}`);

function payload(i: number): Record<string, unknown> {
  const trade = channelFixture('tmall', 'paid') as { orders: { oid: string }[] } & Record<string, unknown>;
  const tid = `7${String(i).padStart(15, '0')}`;
  return { ...trade, tid, buyer_open_uid: `buyer-${i}`, orders: trade.orders.map((line, n) => ({ ...line, oid: `${tid}${n}` })) };
}

function startWorker(config: PipelineConfig): { child: ChildProcess; ready: Promise<void>; exited: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(config)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) resolve();
    });
    child.on('exit', (code, signal) => reject(new Error(`worker exited before it was ready (${code ?? signal}): ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, ready, exited };
}

async function until(check: () => Promise<boolean>, what: () => Promise<string>, timeoutMs: number): Promise<void> {
  const deadline = systemClock.millis() + timeoutMs;
  while (!(await check())) {
    if (systemClock.millis() > deadline) throw new Error(`gave up waiting: ${await what()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.skipIf(skipReason !== undefined)('createOrdo in four processes on PostgreSQL and RabbitMQ', () => {
  const schema = testSchema(postgres.url ?? '');
  const servers: Server[] = [];
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const server of servers) server.close();
    await schema.drop();
  });

  it(`takes ${ORDERS} orders through the whole pipeline with a worker killed and restarted`, async () => {
    // The partner: verifies each webhook and counts each id.
    const secret = generateWebhookSecret();
    const webhookIds = new Map<string, number>();
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk)).on('end', () => {
        const verified = verifyWebhook(request.headers, body, { secrets: secret, clock: systemClock });
        if (verified.ok) webhookIds.set(verified.value.id, (webhookIds.get(verified.value.id) ?? 0) + 1);
        response.writeHead(verified.ok ? 204 : 401).end();
      });
    });
    servers.push(server);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const webhookUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;

    // An internal consumer on RabbitMQ: every event's id.
    const exchange = randomName('ordo_mp_');
    const rabbitmq = { url: rabbit.url as string, exchange, queuePrefix: `${exchange}.` };
    const audit = createRabbitMqTransport(rabbitmq);
    await audit.declareGroup({ group: 'audit', topics: ['#'] });
    const rabbitIds = new Set<string>();
    await audit.subscribe({ topic: '#', group: 'audit', handler: async ({ message }) => void rabbitIds.add(message.id) });

    const database = { url: postgres.url as string, schema: schema.name, prefix: '' };
    const config: PipelineConfig = { postgres: database, rabbitmq, webhook: { url: webhookUrl, secret } };
    const admin = definePipeline({ postgres: database });
    await admin.migrate();
    for (const sku of ['TEA-LJ-250', 'CUP-CELADON']) await admin.storage.inventory.setStock('HZ', sku, 1_000_000, systemClock.now());

    const workers = [0, 1, 2, 3].map((n) => startWorker({ ...config, owner: `worker-${n}` }));
    children.push(...workers.map((w) => w.child));
    await Promise.all(workers.map((w) => w.ready));

    const payloads = Array.from({ length: ORDERS }, (_, i) => ({ channel: 'tmall', payload: payload(i) }));
    const allocated = async (): Promise<number> => (await admin.storage.orders.countByStatus())['allocated'] ?? 0;
    let killed = false;
    for (let start = 0; start < ORDERS; start += 100) {
      const report = await admin.ingest(payloads.slice(start, start + 100));
      expect(report.counts.accepted).toBe(Math.min(100, ORDERS - start));
      if (!killed && start >= ORDERS / 4) {
        // Mid-run, with work in flight: the kill leaves leases to run out and half-done steps to redo.
        await until(async () => (await allocated()) > ORDERS / 8, async () => `allocated ${await allocated()}`, 120_000);
        workers[0]?.child.kill('SIGKILL');
        await workers[0]?.exited;
        killed = true;
        const again = startWorker({ ...config, owner: 'worker-0' });
        children.push(again.child);
        await again.ready;
      }
    }

    const outboxPending = async (): Promise<number> => (await admin.storage.outbox.list({ status: 'pending', limit: 10_000 })).length;
    // Work still to do: steps and retries waiting or leased (a killed worker's until its lease ends).
    const openTasks = async (): Promise<number> =>
      (await admin.storage.tasks.list({ status: 'pending', limit: 10_000 })).length + (await admin.storage.tasks.list({ status: 'leased', limit: 10_000 })).length;
    await until(
      async () => (await allocated()) === ORDERS && (await outboxPending()) === 0 && (await openTasks()) === 0,
      async () => `allocated ${await allocated()} of ${ORDERS}, ${await outboxPending()} events pending, ${await openTasks()} tasks open, statuses ${JSON.stringify(await admin.storage.orders.countByStatus())}`,
      300_000,
    );
    const events = await admin.storage.outbox.list({ limit: 100_000 });
    const statusChanges = events.filter((event) => event.topic === 'order.status_changed');
    await until(
      async () => statusChanges.every((event) => webhookIds.has(event.id)) && events.every((event) => rabbitIds.has(event.id)),
      async () => `webhooks ${statusChanges.filter((event) => webhookIds.has(event.id)).length} of ${statusChanges.length}, RabbitMQ ${events.filter((event) => rabbitIds.has(event.id)).length} of ${events.length}`,
      180_000,
    );

    // The same payloads through one embedded process give the same end state, order by order.
    const reference = definePipeline({});
    for (const sku of ['TEA-LJ-250', 'CUP-CELADON']) await reference.storage.inventory.setStock('HZ', sku, 1_000_000, systemClock.now());
    await reference.ingest(payloads);
    expect((await reference.settle()).settled).toBe(true);

    const shape = (order: Order | null) => ({ status: order?.status, version: order?.version, allocations: order?.lines.map((line) => line.allocations) });
    for (let i = 0; i < ORDERS; i++) {
      const id = `tmall:7${String(i).padStart(15, '0')}`;
      const order = await admin.get(id);
      expect(shape(order), id).toEqual(shape(await reference.get(id)));
      const reservations = await admin.storage.inventory.listReservations(id);
      expect(reservations.map((r) => `${r.lineId}:${r.warehouseId}:${r.quantity}`).sort(), id).toEqual(order?.lines.flatMap((line) => line.allocations.map((a) => `${line.lineId}:${a.warehouseId}:${a.quantity}`)).sort());
      expect(await admin.waybills?.waybillsOf(id), id).toHaveLength(1);
    }
    expect(events.every((event) => event.status === 'delivered')).toBe(true);
    expect([...webhookIds.keys()].every((id) => statusChanges.some((event) => event.id === id))).toBe(true);
    expect((await admin.storage.tasks.list({ status: 'dead', limit: 100 })).map((task) => `${task.queue} ${task.key} ${task.lastError}`)).toEqual([]);

    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.on('exit', resolve)) : undefined)));
    await audit.close();
    await reference.close();
    await admin.close();
  }, 600_000);
});
