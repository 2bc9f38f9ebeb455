// The transport conformance suite against the real broker (quorum and classic queues), and an unreachable broker.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRabbitMqTransport } from '../../../src/adapters/rabbitmq.js';
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

  it('refuses wrong options with paths', () => {
    expect(() => createRabbitMqTransport({ url: '', queueType: 'stream' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });
});
