// The transport conformance suite against the real broker (quorum and classic queues), and an unreachable broker.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from 'amqplib';
import { createRabbitMqTransport, deleteRabbitMqTopology, rabbitMqTopology } from '../../../src/adapters/rabbitmq.js';
import { transportConformance } from '../../../src/testing/index.js';
import { dropRabbitPrefix, rabbitTarget } from '../../support/rabbitmq.js';

const rabbit = await rabbitTarget();
const run = randomBytes(4).toString('hex');

for (const queueType of ['quorum', 'classic'] as const) {
  describe.skipIf(rabbit.skipReason !== undefined)(`RabbitMQ transport, ${queueType} queues`, () => {
    const prefix = `ordo-test-${run}-${queueType}.`;
    const exchange = `ordo-test-${run}-${queueType}`;
    afterAll(() => dropRabbitPrefix(rabbit.url as string, prefix, [exchange, `${exchange}.dead`]), 60_000);
    transportConformance({ describe, it }, () => createRabbitMqTransport({ url: rabbit.url as string, exchange, queuePrefix: prefix, queueType }), { name: `rabbitmq (${queueType})`, timeoutMs: 20_000 });
  });
}

describe('RabbitMQ transport, broker unreachable', () => {
  it('fails each call with a clear TRANSPORT_FAILURE within connectTimeoutMs, never hangs', async () => {
    const transport = createRabbitMqTransport({ url: 'amqp://guest:guest@127.0.0.1:1', connectTimeoutMs: 500 });
    await expect(transport.publish({ id: 'm', topic: 'order.created', payload: null })).rejects.toMatchObject({
      code: 'TRANSPORT_FAILURE',
      message: expect.stringContaining('RabbitMQ at 127.0.0.1:1 is unreachable'),
    });
    await expect(transport.subscribe({ topic: '#', group: 'g', handler: async () => undefined })).rejects.toMatchObject({ code: 'TRANSPORT_FAILURE' });
    await transport.close();
    await expect(transport.publish({ id: 'm', topic: 'order.created', payload: null })).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });

  it('refuses wrong options with paths: an empty URL, an http:// URL, a string that is no URL', () => {
    expect(() => createRabbitMqTransport({ url: '', queueType: 'stream' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    for (const url of ['http://guest:guest@127.0.0.1:15672', 'rabbit-1:5672', 'amqp//127.0.0.1']) {
      try {
        createRabbitMqTransport({ url });
        expect.unreachable(url);
      } catch (error) {
        expect(error).toMatchObject({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['url'], message: expect.stringContaining('amqp://') })] });
        expect(String(error)).not.toContain('guest:guest');
      }
    }
  });
});

describe.skipIf(rabbit.skipReason !== undefined)('RabbitMQ topology: what the transport declares, and removing it', () => {
  it('declares exactly the documented exchanges and queues, and deleteRabbitMqTopology removes them all', async () => {
    const exchange = `ordo-test-${run}-topology`;
    const queuePrefix = `ordo-test-${run}-topology.`;
    const transport = createRabbitMqTransport({ url: rabbit.url as string, exchange, queuePrefix, queueType: 'classic' });
    const subscription = await transport.subscribe({ topic: 'order.#', group: 'wms', handler: async () => undefined });
    await transport.publish({ id: 'm1', topic: 'order.created', payload: null });
    await subscription.unsubscribe();
    await transport.close();
    const topology = rabbitMqTopology({ exchange, queuePrefix, groups: ['wms'] });
    expect(topology.exchanges.map((e) => e.name)).toEqual([exchange, `${exchange}.dead`]);
    expect(topology.queues.map((q) => q.name)).toEqual([`${queuePrefix}wms`, `${queuePrefix}wms.dead`]);
    const exists = async (kind: 'queue' | 'exchange', name: string): Promise<boolean> => {
      const connection = await connect(rabbit.url as string);
      try {
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        await (kind === 'queue' ? channel.checkQueue(name) : channel.checkExchange(name));
        return true;
      } catch {
        return false;
      } finally {
        await connection.close().catch(() => undefined);
      }
    };
    for (const queue of topology.queues) expect(await exists('queue', queue.name), queue.name).toBe(true);
    const { deleted } = await deleteRabbitMqTopology({ url: rabbit.url as string, exchange, queuePrefix, groups: ['wms', 'never-subscribed'] });
    expect([...deleted].sort()).toEqual([exchange, `${exchange}.dead`, `${queuePrefix}wms`, `${queuePrefix}wms.dead`].sort());
    for (const queue of topology.queues) expect(await exists('queue', queue.name)).toBe(false);
    for (const item of topology.exchanges) expect(await exists('exchange', item.name)).toBe(false);
  });
});

describe.skipIf(rabbit.skipReason !== undefined)('RabbitMQ transport, credentials refused', () => {
  it('a wrong password is ACCESS_DENIED at once, named, with the password nowhere in the error', async () => {
    const url = new URL(rabbit.url as string);
    url.password = 'wrong-secret-42';
    const transport = createRabbitMqTransport({ url: url.href, connectTimeoutMs: 10_000 });
    const started = process.hrtime.bigint();
    const error = await transport.publish({ id: 'm', topic: 'order.created', payload: null }).then(() => null, (caught: unknown) => caught);
    // Well before the 10 s deadline: the broker said no, there is nothing to wait for.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(9_000);
    expect(error).toMatchObject({ code: 'ACCESS_DENIED', message: expect.stringContaining('refused the login of user') });
    expect(JSON.stringify({ message: (error as Error).message, details: (error as { details?: unknown }).details })).not.toContain('wrong-secret-42');
    await transport.close();
  });

  it('a virtual host the user may not use is ACCESS_DENIED, naming it', async () => {
    const url = new URL(rabbit.url as string);
    url.pathname = '/no-such-vhost-for-ordo';
    const transport = createRabbitMqTransport({ url: url.href, connectTimeoutMs: 10_000 });
    await expect(transport.publish({ id: 'm', topic: 'order.created', payload: null })).rejects.toMatchObject({ code: 'ACCESS_DENIED', message: expect.stringContaining('no-such-vhost-for-ordo') });
    await transport.close();
  });
});
