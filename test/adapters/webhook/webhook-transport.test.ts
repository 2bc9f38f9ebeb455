// The sending webhook transport over real HTTP on 127.0.0.1, on a manual clock: delivery through the
// outbox relay, the Standard Webhooks retry schedule across a receiver that is down and comes back,
// key rotation, 410 Gone, Retry-After, timeouts, endpoints failing too long, and the SSRF guard.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../../src/adapters/memory.js';
import { createWebhookReceiver, createWebhookTransport, generateWebhookSecret, isPrivateAddress, type ReceivedWebhook } from '../../../src/adapters/webhook.js';
import { createOutboxRelay } from '../../../src/app/index.js';
import { addDuration, createManualClock, instant, type Instant, type ManualClock } from '../../../src/clock/index.js';
import type { StoragePort, TransportMessage } from '../../../src/ports/index.js';

const T0 = instant('2026-11-11T00:00:00.000Z');
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void, port = 0): Promise<{ server: Server; url: string; port: number }> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${bound}/hooks`, port: bound };
}

const message = (id: string, topic = 'order.shipped'): TransportMessage => ({ id, topic, key: 'o-1', payload: { orderId: 'o-1' }, publishedAt: T0 });

/** Delivers what is due, then moves the clock to the next due delivery; returns the instants attempts were made at. */
async function drive(clock: ManualClock, storage: StoragePort, transport: ReturnType<typeof createWebhookTransport>, until: Instant): Promise<void> {
  for (;;) {
    await transport.runOnce();
    const next = (await storage.tasks.list({ queue: 'webhook.delivery', status: 'pending', limit: 1 }))[0]?.dueAt;
    if (next === undefined || next > until) return;
    if (next > clock.now()) clock.set(next);
  }
}

describe('createWebhookTransport', () => {
  it('the outbox relay publishes, the transport delivers a Standard Webhook the receiver verifies, with the old or the new secret', async () => {
    const clock = createManualClock(T0);
    const storage = createMemoryStorage();
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const received: ReceivedWebhook[] = [];
    const receivers = [oldSecret, newSecret].map((secret) => createWebhookReceiver({ secrets: secret, clock, idempotency: createMemoryStorage().idempotency, handler: async (event) => void received.push(event) }));
    const a = await listen(receivers[0]!.handle);
    const b = await listen(receivers[1]!.handle);
    const transport = createWebhookTransport({
      storage,
      clock,
      owner: 'hooks',
      allowPrivateNetworks: true,
      allowHttp: true,
      endpoints: [
        { id: 'wms-old', url: a.url, secrets: [newSecret, oldSecret], topics: ['order.*'] },
        { id: 'wms-new', url: b.url, secrets: [newSecret, oldSecret], topics: ['order.#'] },
        { id: 'finance', url: b.url, secrets: newSecret, topics: ['refund.*'] },
      ],
    });
    await storage.commit({ outbox: [{ ...message('evt-1'), createdAt: T0 } as never] });
    const relay = createOutboxRelay({ storage, transport, clock, owner: 'relay' });
    expect(await relay.runOnce()).toMatchObject({ delivered: 1 });
    expect(await transport.runOnce()).toMatchObject({ succeeded: 2 });
    expect(received.map((event) => event.id)).toEqual(['evt-1', 'evt-1']);
    expect(received[0]?.payload).toEqual({ type: 'order.shipped', timestamp: T0, data: { orderId: 'o-1' } });
  });

  it('retries on the Standard Webhooks schedule while the receiver is down, and delivers when it is back', async () => {
    const clock = createManualClock(T0);
    const storage = createMemoryStorage();
    const secret = generateWebhookSecret();
    const attempts: Instant[] = [];
    const upAt = addDuration(T0, { minutes: 30, seconds: 5 });
    const receiver = createWebhookReceiver({ secrets: secret, clock, idempotency: storage.idempotency, handler: async () => undefined });
    const { url } = await listen((request, response) => {
      attempts.push(clock.now());
      if (clock.now() < upAt) {
        request.resume();
        response.writeHead(502).end();
        return;
      }
      receiver.handle(request, response);
    });
    const transport = createWebhookTransport({ storage, clock, owner: 'hooks', allowPrivateNetworks: true, allowHttp: true, endpoints: [{ id: 'wms', url, secrets: secret, topics: ['order.*'] }] });
    await transport.publish(message('evt-2'));
    await drive(clock, storage, transport, addDuration(T0, { days: 3 }));
    expect(attempts.map((at) => (Date.parse(at) - Date.parse(T0)) / 1000)).toEqual([0, 5, 305, 2105]);
    const [task] = await storage.tasks.list({ queue: 'webhook.delivery' });
    expect(task).toMatchObject({ status: 'completed' });
    expect(task?.history.map((h) => h.code)).toEqual(['HTTP_502', 'HTTP_502', 'HTTP_502']);
  });

  it('a receiver down for good: 8 attempts over about 27.6 hours, then dead-lettered with every attempt', async () => {
    const clock = createManualClock(T0);
    const storage = createMemoryStorage();
    const { url } = await listen((request, response) => {
      request.resume();
      response.writeHead(500).end();
    });
    const transport = createWebhookTransport({ storage, clock, owner: 'hooks', allowPrivateNetworks: true, allowHttp: true, endpoints: [{ id: 'wms', url, secrets: generateWebhookSecret(), topics: ['#'] }] });
    await transport.publish(message('evt-3'));
    await drive(clock, storage, transport, addDuration(T0, { days: 3 }));
    const [dead] = await transport.deliveries.deadLetters();
    expect(dead?.history).toHaveLength(8);
    expect(dead?.updatedAt).toBe(addDuration(T0, { seconds: 99_305 }));
  });

  it('410 Gone disables the endpoint, with an event; later events skip it', async () => {
    const clock = createManualClock(T0);
    const storage = createMemoryStorage();
    let calls = 0;
    const { url } = await listen((request, response) => {
      calls += 1;
      request.resume();
      response.writeHead(410).end();
    });
    const transport = createWebhookTransport({ storage, clock, owner: 'hooks', allowPrivateNetworks: true, allowHttp: true, endpoints: [{ id: 'old-wms', url, secrets: generateWebhookSecret(), topics: ['#'] }] });
    await transport.publish(message('evt-4'));
    expect(await transport.runOnce()).toMatchObject({ deadLettered: 1 });
    expect(await transport.disabled()).toEqual(['old-wms']);
    expect((await storage.outbox.list({ limit: 10 })).map((m) => m.topic).sort()).toEqual(['webhook.delivery.dead_lettered', 'webhook.endpoint_disabled']);
    await transport.publish(message('evt-5'));
    expect(await storage.tasks.list({ queue: 'webhook.delivery', status: 'pending' })).toEqual([]);
    expect(calls).toBe(1);
    // A restart (a new transport on the same storage) remembers it.
    const restarted = createWebhookTransport({ storage, clock, owner: 'hooks-2', allowPrivateNetworks: true, allowHttp: true, endpoints: [{ id: 'old-wms', url, secrets: generateWebhookSecret(), topics: ['#'] }] });
    expect(await restarted.disabled()).toEqual(['old-wms']);
    await restarted.publish(message('evt-6'));
    expect(await storage.tasks.list({ queue: 'webhook.delivery', status: 'pending' })).toEqual([]);
  });

  it('429 with Retry-After waits that long rather than the 5 s of the schedule', async () => {
    const clock = createManualClock(T0);
    const storage = createMemoryStorage();
    const { url } = await listen((request, response) => {
      request.resume();
      response.writeHead(429, { 'retry-after': '120' }).end();
    });
    const transport = createWebhookTransport({ storage, clock, owner: 'hooks', allowPrivateNetworks: true, allowHttp: true, endpoints: [{ id: 'wms', url, secrets: generateWebhookSecret(), topics: ['#'] }] });
    await transport.publish(message('evt-6'));
    await transport.runOnce();
    expect((await storage.tasks.list({ queue: 'webhook.delivery' }))[0]).toMatchObject({ dueAt: addDuration(T0, { seconds: 120 }), history: [expect.objectContaining({ code: 'HTTP_429' })] });
  });

  it('a receiver that never answers costs one timeout, not a hung worker', async () => {
    const clock = createManualClock(T0);
    const storage = createMemoryStorage();
    const { url } = await listen(() => undefined);
    const transport = createWebhookTransport({ storage, clock, owner: 'hooks', allowPrivateNetworks: true, allowHttp: true, timeoutMs: 200, endpoints: [{ id: 'slow', url, secrets: generateWebhookSecret(), topics: ['#'] }] });
    await transport.publish(message('evt-7'));
    expect(await transport.runOnce()).toMatchObject({ retried: 1 });
    expect((await storage.tasks.list({ queue: 'webhook.delivery' }))[0]?.history[0]?.code).toBe('TIMEOUT');
  });

  it('an endpoint failing without a success for disableAfter is disabled with an event', async () => {
    const clock = createManualClock(T0);
    const storage = createMemoryStorage();
    const { url } = await listen((request, response) => {
      request.resume();
      response.writeHead(500).end();
    });
    const transport = createWebhookTransport({ storage, clock, owner: 'hooks', allowPrivateNetworks: true, allowHttp: true, disableAfter: { hours: 1 }, endpoints: [{ id: 'flaky', url, secrets: generateWebhookSecret(), topics: ['#'] }] });
    await transport.publish(message('evt-8'));
    await drive(clock, storage, transport, addDuration(T0, { days: 2 }));
    expect(await transport.disabled()).toEqual(['flaky']);
    const disabled = (await storage.outbox.list({ limit: 100 })).find((m) => m.topic === 'webhook.endpoint_disabled');
    expect(disabled?.payload).toMatchObject({ endpointId: 'flaky', reason: expect.stringContaining('failing without a success') });
  });

  it('refuses loopback and private destinations unless allowed, and plain http unless allowed', async () => {
    const clock = createManualClock(T0);
    const storage = createMemoryStorage();
    const { url } = await listen((request, response) => response.writeHead(204).end());
    expect(() => createWebhookTransport({ storage, clock, owner: 'h', endpoints: [{ id: 'x', url, secrets: generateWebhookSecret(), topics: ['#'] }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['endpoints', 0, 'url'] })] }),
    );
    const transport = createWebhookTransport({ storage, clock, owner: 'h', allowHttp: true, endpoints: [{ id: 'x', url, secrets: generateWebhookSecret(), topics: ['#'] }] });
    await transport.publish(message('evt-9'));
    expect(await transport.runOnce()).toMatchObject({ deadLettered: 1 });
    expect((await transport.deliveries.deadLetters())[0]?.history.at(-1)?.code).toBe('WEBHOOK_ADDRESS_REFUSED');
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ['8.8.8.8', '203.0.113.7', '172.32.0.1', '2001:db8::1']) expect(isPrivateAddress(address), address).toBe(false);
  });

  it('is publish-only: subscribe and declareGroup reject with a typed error; wrong options name their paths', async () => {
    const transport = createWebhookTransport({ storage: createMemoryStorage(), clock: createManualClock(T0), owner: 'h', endpoints: [{ id: 'x', url: 'https://example.com/h', secrets: generateWebhookSecret(), topics: ['#'] }] });
    await expect(transport.subscribe({ topic: '#', group: 'g', handler: async () => undefined })).rejects.toMatchObject({ code: 'TRANSPORT_FAILURE' });
    await expect(transport.declareGroup({ group: 'g', topics: ['#'] })).rejects.toMatchObject({ code: 'TRANSPORT_FAILURE' });
    expect(() => createWebhookTransport({ storage: createMemoryStorage(), clock: createManualClock(T0), owner: 'h', endpoints: [{ id: 'x', url: 'nope', secrets: 'hunter2', topics: [] }] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });
});
