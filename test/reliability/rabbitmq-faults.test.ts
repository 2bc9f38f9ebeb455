// Against the real broker: connections closed by the broker while the outbox relay publishes thousands
// of events and a consumer acks them, and a consumer killed with SIGKILL mid-batch. Nothing is lost;
// duplicates are counted and removed by the inbox.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { createRabbitMqTransport } from '../../src/adapters/rabbitmq.js';
import { createInboxHandler, createOutboxRelay } from '../../src/app/index.js';
import { systemClock } from '../../src/clock/index.js';
import type { OutboxMessage } from '../../src/ports/index.js';
import { dropRabbitPrefix, rabbitTarget } from '../support/rabbitmq.js';
import { startWorker } from './spawn-worker.js';

const rabbit = await rabbitTarget();
const canClose = spawnSync('rabbitmqctl', ['--version'], { encoding: 'utf8' }).status === 0;
const run = randomBytes(4).toString('hex');
const prefix = `ordo-fault-${run}.`;
const exchange = `ordo-fault-${run}`;

const until = async (condition: () => boolean, what: string, timeoutMs = 90_000): Promise<void> => {
  const deadline = systemClock.millis() + timeoutMs;
  while (!condition()) {
    if (systemClock.millis() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe.skipIf(rabbit.skipReason !== undefined || !canClose)('RabbitMQ faults', () => {
  afterAll(() => dropRabbitPrefix(rabbit.url as string, prefix, [exchange, `${exchange}.dead`]), 60_000);

  it('the broker closes every connection twice while 3,000 events flow: each arrives, duplicates are removed by the inbox', async () => {
    const EVENTS = 3_000;
    const outboxStorage = createMemoryStorage();
    const consumerStorage = createMemoryStorage();
    const messages: OutboxMessage[] = Array.from({ length: EVENTS }, (_, i) => ({ id: `e-${i}`, topic: 'order.status_changed', key: `o-${i % 50}`, payload: { n: i }, createdAt: systemClock.now() }));
    for (let start = 0; start < EVENTS; start += 500) await outboxStorage.commit({ outbox: messages.slice(start, start + 500) });

    const events: string[] = [];
    const publisher = createRabbitMqTransport({ url: rabbit.url as string, exchange, queuePrefix: prefix, connectTimeoutMs: 10_000, reconnect: { initialMs: 50, maxMs: 1_000 }, onConnectionEvent: (e) => events.push(`publisher ${e.type}`) });
    const consumer = createRabbitMqTransport({ url: rabbit.url as string, exchange, queuePrefix: prefix, connectTimeoutMs: 10_000, reconnect: { initialMs: 50, maxMs: 1_000 }, onConnectionEvent: (e) => events.push(`consumer ${e.type}`) });
    await consumer.declareGroup({ group: 'wms', topics: ['order.*'] });
    const seen = new Set<number>();
    let duplicates = 0;
    await consumer.subscribe({
      topic: 'order.*',
      group: 'wms',
      concurrency: 20,
      handler: createInboxHandler({
        storage: consumerStorage,
        clock: systemClock,
        group: 'wms',
        handle: async (message) => void seen.add((message.payload as { n: number }).n),
        onDuplicate: () => void duplicates++,
      }),
    });
    const relay = createOutboxRelay({ storage: outboxStorage, transport: publisher, clock: systemClock, owner: 'relay', batchSize: 100, retryDelay: () => 20, pollIntervalMs: 20, maxAttempts: 1_000 });
    relay.start();
    try {
      for (const share of [0.2, 0.5]) {
        await until(() => seen.size >= EVENTS * share, `${share * 100}% of the events`);
        const closed = spawnSync('rabbitmqctl', ['close_all_connections', 'ordo fault test'], { encoding: 'utf8' });
        expect(closed.status, closed.stderr).toBe(0);
      }
      await until(() => seen.size === EVENTS, 'every event');
    } finally {
      await relay.stop();
      await publisher.close();
      await consumer.close();
    }
    expect(seen.size).toBe(EVENTS);
    expect(events.filter((e) => e.endsWith('reconnected')).length).toBeGreaterThanOrEqual(2);
    expect(await outboxStorage.outbox.list({ status: 'pending', limit: 10 })).toEqual([]);
    // Duplicates may or may not occur; when they do, the inbox kept each event's effect to one.
    expect(duplicates).toBeGreaterThanOrEqual(0);
  }, 180_000);

  it('a channel the broker closes (its exchange deleted underneath) is recovered: topology declared again, publishing and consuming resume', async () => {
    const own = `${exchange}-chan`;
    const events: string[] = [];
    const transport = createRabbitMqTransport({ url: rabbit.url as string, exchange: own, queuePrefix: `${prefix}chan.`, reconnect: { initialMs: 50, maxMs: 500 }, onConnectionEvent: (e) => events.push(e.type) });
    const got: string[] = [];
    await transport.subscribe({ topic: 'order.*', group: 'wms', handler: async ({ message }) => void got.push(message.id) });
    await transport.publish({ id: 'before', topic: 'order.created', payload: null });
    await until(() => got.includes('before'), 'the first message');
    // Another tool deletes the exchange: the next publish is refused by the broker, closing the channel.
    const admin = await (await import('amqplib')).connect(rabbit.url as string);
    const channel = await admin.createChannel();
    await channel.deleteExchange(own);
    await admin.close();
    await transport.publish({ id: 'lost', topic: 'order.created', payload: null }).catch(() => undefined);
    await until(() => events.includes('reconnected'), 'the reconnection');
    // The relay's retry: published again, it arrives.
    for (let i = 0; ; i += 1) {
      const sent = await transport.publish({ id: 'after', topic: 'order.created', payload: null }).then(() => true, () => false);
      if (sent) break;
      if (i > 100) throw new Error('publishing never resumed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await until(() => got.includes('after'), 'a message after the recovery');
    await transport.close();
    await dropRabbitPrefix(rabbit.url as string, `${prefix}chan.`, [own, `${own}.dead`]);
  }, 60_000);

  it('a consumer killed with SIGKILL mid-batch: its unacked messages are redelivered to another consumer', async () => {
    const EVENTS = 200;
    const transport = createRabbitMqTransport({ url: rabbit.url as string, exchange, queuePrefix: prefix });
    await transport.declareGroup({ group: 'pickers', topics: ['pick.*'] });
    for (let i = 0; i < EVENTS; i += 1) await transport.publish({ id: `p-${i}`, topic: 'pick.requested', payload: { n: i } });
    // The doomed consumer takes a batch (prefetch 25) and never acks it.
    const { child, done } = startWorker({ job: 'rabbit-hold', url: rabbit.url as string, exchange, queuePrefix: prefix, group: 'pickers', topic: 'pick.*', concurrency: 25 });
    const held = await new Promise<number>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        const line = chunk.toString().split('\n').find((l) => l.startsWith('HOLDING:'));
        if (line !== undefined) resolve(Number(line.slice('HOLDING:'.length)));
      });
      void done.then((outcome) => reject(new Error(`the consumer exited early: ${outcome.stderr}`)));
    });
    expect(held).toBe(25);
    child.kill('SIGKILL');
    await done;
    const handled = new Set<number>();
    let redelivered = 0;
    await transport.subscribe({
      topic: 'pick.*',
      group: 'pickers',
      concurrency: 10,
      handler: async ({ message, attempt }) => {
        handled.add((message.payload as { n: number }).n);
        if (attempt > 1) redelivered += 1;
      },
    });
    await until(() => handled.size === EVENTS, 'every pick request');
    await transport.close();
    expect(redelivered, 'the killed consumer\'s batch came back as redeliveries').toBe(held);
  }, 120_000);
});
