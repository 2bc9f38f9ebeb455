// RabbitMQ: confirmed publishes per second and consumed-and-acked messages per second through Ordo's
// transport, beside plain amqplib doing the same in the same run, rounds alternating.
import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';
import { createRabbitMqTransport } from '../src/adapters/rabbitmq.js';

const URL_ = process.env['ORDO_BENCH_RABBITMQ_URL'] ?? process.env['ORDO_TEST_RABBITMQ_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
const MESSAGES = Number(process.env['ORDO_BENCH_RABBITMQ_MESSAGES'] ?? 10_000);
const IN_FLIGHT = 100;
const payload = { orderId: 'ord_3b241101', from: 'picking', to: 'packed', lines: [{ lineId: 'L1', sku: 'SKU-1', quantity: 2 }] };
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

interface Rates {
  publish: number;
  consume: number;
}

/** Ordo: publish with confirms (100 in flight), then one consumer with prefetch 100 acks them all. */
async function ordoRound(tag: string, queueType: 'quorum' | 'classic'): Promise<Rates> {
  const transport = createRabbitMqTransport({ url: URL_, exchange: `ordo-bench-${tag}`, queuePrefix: `ordo-bench-${tag}.`, queueType });
  try {
    await transport.declareGroup({ group: 'g', topics: ['bench.#'] });
    let started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (next < MESSAGES) {
        const i = next++;
        await transport.publish({ id: `m${i}`, topic: 'bench.event', key: `k${i % 10}`, payload });
      }
    }));
    const publish = (MESSAGES / (performance.now() - started)) * 1000;
    let received = 0;
    let finish: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (finish = resolve));
    started = performance.now();
    await transport.subscribe({ topic: 'bench.#', group: 'g', concurrency: IN_FLIGHT, handler: async () => {
      received += 1;
      if (received === MESSAGES) finish();
    } });
    await all;
    const consume = (MESSAGES / (performance.now() - started)) * 1000;
    return { publish, consume };
  } finally {
    await transport.close();
  }
}

/** Plain amqplib: the same topology, confirms, prefetch and acks, with nothing of Ordo's. */
async function plainRound(tag: string, queueType: 'quorum' | 'classic'): Promise<Rates> {
  const connection = await connect(URL_);
  try {
    const channel = await connection.createConfirmChannel();
    const exchange = `plain-bench-${tag}`;
    const queue = `plain-bench-${tag}.g`;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    // The same queue as Ordo declares (dead letters, and a delivery limit on quorum queues), so the
    // ratio measures the client, not a broker feature one side skipped.
    await channel.assertExchange(`${exchange}.dead`, 'direct', { durable: true });
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': queueType, 'x-dead-letter-exchange': `${exchange}.dead`, 'x-dead-letter-routing-key': 'g', ...(queueType === 'quorum' ? { 'x-delivery-limit': 5 } : {}) } });
    await channel.bindQueue(queue, exchange, 'bench.#');
    let started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (next < MESSAGES) {
        const i = next++;
        await new Promise<void>((resolve, reject) =>
          channel.publish(exchange, 'bench.event', Buffer.from(JSON.stringify(payload)), { messageId: `m${i}`, persistent: true, contentType: 'application/json', headers: { 'x-key': `k${i % 10}` } }, (error: unknown) => (error ? reject(error) : resolve())),
        );
      }
    }));
    const publish = (MESSAGES / (performance.now() - started)) * 1000;
    // From the consumer's start to the last ack, as for Ordo (whose subscribe also opens a channel and sets prefetch).
    started = performance.now();
    const consumer = await connection.createChannel();
    await consumer.prefetch(IN_FLIGHT);
    let received = 0;
    let finish: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (finish = resolve));
    await consumer.consume(queue, (message) => {
      if (message === null) return;
      JSON.parse(message.content.toString('utf8'));
      consumer.ack(message);
      received += 1;
      if (received === MESSAGES) finish();
    });
    await all;
    const consume = (MESSAGES / (performance.now() - started)) * 1000;
    await channel.deleteQueue(queue);
    await channel.deleteExchange(exchange);
    await channel.deleteExchange(`${exchange}.dead`);
    return { publish, consume };
  } finally {
    await connection.close();
  }
}

async function cleanupOrdo(tag: string): Promise<void> {
  const connection = await connect(URL_);
  try {
    const channel = await connection.createChannel();
    for (const queue of [`ordo-bench-${tag}.g`, `ordo-bench-${tag}.g.dead`]) await channel.deleteQueue(queue).catch(() => undefined);
    for (const exchange of [`ordo-bench-${tag}`, `ordo-bench-${tag}.dead`]) await channel.deleteExchange(exchange).catch(() => undefined);
  } finally {
    await connection.close();
  }
}

/** Runs the RabbitMQ benchmark: three alternating rounds each, quorum queues (Ordo's default) and classic. */
export async function run(): Promise<void> {
  try {
    await (await connect(URL_)).close();
  } catch (error) {
    console.log(`rabbitmq: skipped, the broker does not answer at ${URL_.replace(/\/\/[^@]*@/, '//')} (${error instanceof Error ? error.message : String(error)})`);
    return;
  }
  console.log(`rabbitmq: ${fmt(MESSAGES)} messages per round, ${IN_FLIGHT} publishes in flight, prefetch ${IN_FLIGHT}; three alternating rounds each`);
  for (const queueType of ['quorum', 'classic'] as const) {
    const ordo: Rates[] = [];
    const plain: Rates[] = [];
    for (let round = 0; round < 6; round += 1) {
      const tag = `${queueType}-${randomBytes(3).toString('hex')}`;
      if (round % 2 === 0) {
        ordo.push(await ordoRound(tag, queueType));
        await cleanupOrdo(tag);
      } else plain.push(await plainRound(tag, queueType));
    }
    const mean = (rates: Rates[], key: keyof Rates): number => rates.reduce((sum, r) => sum + r[key], 0) / rates.length;
    console.log(`  ${queueType} queues`);
    console.log(`    confirmed publishes   ordo ${fmt(mean(ordo, 'publish')).padStart(7)}/s   amqplib ${fmt(mean(plain, 'publish')).padStart(7)}/s   ratio ${(mean(ordo, 'publish') / mean(plain, 'publish')).toFixed(2)}x (goal >= 0.8)`);
    console.log(`    consumed and acked    ordo ${fmt(mean(ordo, 'consume')).padStart(7)}/s   amqplib ${fmt(mean(plain, 'consume')).padStart(7)}/s   ratio ${(mean(ordo, 'consume') / mean(plain, 'consume')).toFixed(2)}x (goal >= 0.8)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
