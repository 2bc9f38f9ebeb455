// Events over RabbitMQ to a consumer in a second process: the outbox relay publishes, the consumer's inbox drops redeliveries.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInboxHandler, createManualClock, createOutboxRelay, systemClock } from 'ordo';
import { createMemoryStorage } from 'ordo/adapters/memory';
import { createRabbitMqTransport } from 'ordo/adapters/rabbitmq';

const url = process.env.ORDO_RABBITMQ_URL ?? process.env.ORDO_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const topology = { url, exchange: 'ordo-example.events', queuePrefix: 'ordo-example.' };

if (process.argv[2] === 'consumer') {
  // The second process: a WMS consumer. Each event's effect would commit with its dedupe record.
  const transport = createRabbitMqTransport(topology);
  const storage = createMemoryStorage();
  let seen = 0;
  await transport.subscribe({
    topic: 'order.*',
    group: 'wms',
    handler: createInboxHandler({
      storage,
      clock: systemClock,
      group: 'wms',
      handle: async (message) => {
        console.log(`  consumer (pid ${process.pid}) got ${message.topic} ${message.id}`);
        if (++seen === 3) setTimeout(() => void transport.close().then(() => process.exit(0)), 50);
      },
    }),
  });
} else {
  const transport = createRabbitMqTransport({ ...topology, connectTimeoutMs: 2_000 });
  try {
    // The group's queue exists before anything is published, so the consumer misses nothing.
    await transport.declareGroup({ group: 'wms', topics: ['order.*'] });
  } catch (error) {
    console.log(`RabbitMQ example skipped: ${(error as Error).message}`);
    process.exit(0);
  }
  const clock = createManualClock('2026-11-11T00:00:00+08:00');
  const storage = createMemoryStorage();
  await storage.commit({
    outbox: ['approved', 'allocated', 'shipped'].map((status, i) => ({ id: `evt-${i}`, topic: `order.${status}`, key: 'o-1', payload: { orderId: 'o-1', status }, createdAt: clock.now() })),
  });
  const relay = createOutboxRelay({ storage, transport, clock, owner: 'example-relay' });
  console.log(`relay published ${(await relay.runOnce()).succeeded} events to RabbitMQ`);
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'consumer'], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  console.log(`consumer process exited with ${code}`);
  await transport.close();
}
