// Standard Webhooks: what Ordo signs the reference library verifies and the reverse; rotation;
// forged, tampered, stale, future, oversized and replayed requests refused over real HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../../src/adapters/memory.js';
import { createWebhookReceiver, generateWebhookSecret, signWebhook, verifyWebhook, type ReceivedWebhook } from '../../../src/adapters/webhook.js';
import { createFixedClock, systemClock } from '../../../src/clock/index.js';

const secret = generateWebhookSecret();
const next = generateWebhookSecret();
const body = JSON.stringify({ type: 'order.shipped', data: { orderId: 'o-1', receiver: '李雷' } });

describe('signWebhook and verifyWebhook', () => {
  it('what Ordo signs, the standardwebhooks package verifies; what it signs, Ordo verifies', () => {
    const timestamp = Math.floor(systemClock.millis() / 1000);
    const headers = signWebhook({ id: 'msg_1', timestamp, body, secrets: secret });
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    const theirs = new Webhook(secret).sign('msg_2', new Date(timestamp * 1000), body);
    const verified = verifyWebhook({ 'Webhook-Id': 'msg_2', 'Webhook-Timestamp': String(timestamp), 'Webhook-Signature': theirs }, body, { secrets: secret, clock: createFixedClock(timestamp * 1000) });
    expect(verified).toEqual({ ok: true, value: { id: 'msg_2', timestamp, body } });
  });

  it('rotation: signed with old and new, either secret verifies; neither does not', () => {
    const clock = createFixedClock('2026-11-11T00:00:00Z');
    const timestamp = Math.floor(clock.millis() / 1000);
    const headers = signWebhook({ id: 'msg_3', timestamp, body, secrets: [secret, next] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifyWebhook(headers, body, { secrets: next, clock }).ok).toBe(true);
    expect(verifyWebhook(headers, body, { secrets: [generateWebhookSecret(), secret], clock }).ok).toBe(true);
    expect(verifyWebhook(headers, body, { secrets: generateWebhookSecret(), clock })).toMatchObject({ ok: false, error: { code: 'WEBHOOK_SIGNATURE_INVALID', status: 401 } });
  });

  it('refuses forged, tampered, stale, future, malformed and oversized requests, each with its code and status', () => {
    const clock = createFixedClock('2026-11-11T00:00:00Z');
    const timestamp = Math.floor(clock.millis() / 1000);
    const good = signWebhook({ id: 'msg_4', timestamp, body, secrets: secret });
    const check = (headers: Record<string, string>, raw: string | Uint8Array = body, options = {}) => {
      const result = verifyWebhook(headers, raw, { secrets: secret, clock, ...options });
      return result.ok ? 'ok' : `${result.error.code} ${result.error.status}`;
    };
    expect(check(good)).toBe('ok');
    expect(check(good, new TextEncoder().encode(body)), 'bytes as well as text').toBe('ok');
    expect(check(signWebhook({ id: 'msg_4', timestamp, body, secrets: generateWebhookSecret() }))).toBe('WEBHOOK_SIGNATURE_INVALID 401');
    expect(check(good, body.replace('o-1', 'o-2'))).toBe('WEBHOOK_SIGNATURE_INVALID 401');
    expect(check({ ...good, 'webhook-id': 'msg_5' })).toBe('WEBHOOK_SIGNATURE_INVALID 401');
    expect(check({ ...good, 'webhook-timestamp': String(timestamp + 1) })).toBe('WEBHOOK_SIGNATURE_INVALID 401');
    expect(check({ ...good, 'webhook-signature': `v2,${good['webhook-signature'].slice(3)}` })).toBe('WEBHOOK_SIGNATURE_INVALID 401');
    expect(check(signWebhook({ id: 'msg_6', timestamp: timestamp - 301, body, secrets: secret }))).toBe('WEBHOOK_TIMESTAMP_STALE 403');
    expect(check(signWebhook({ id: 'msg_6', timestamp: timestamp - 300, body, secrets: secret })), 'the tolerance is inclusive').toBe('ok');
    expect(check(signWebhook({ id: 'msg_7', timestamp: timestamp + 301, body, secrets: secret }))).toBe('WEBHOOK_TIMESTAMP_FUTURE 403');
    expect(check(signWebhook({ id: 'msg_8', timestamp: timestamp - 3600, body, secrets: secret }), body, { toleranceMs: 3_600_000 })).toBe('ok');
    expect(check({ 'webhook-id': 'x', 'webhook-signature': 'v1,AAAA' })).toBe('WEBHOOK_MALFORMED 400');
    expect(check({ ...good, 'webhook-timestamp': '2026-11-11T00:00:00Z' })).toBe('WEBHOOK_MALFORMED 400');
    expect(check(good, 'x'.repeat(2_000), { maxBodyBytes: 1_000 })).toBe('WEBHOOK_BODY_TOO_LARGE 413');
  });

  it('never quotes a secret, a signature or the body in an error', () => {
    const clock = createFixedClock('2026-11-11T00:00:00Z');
    const headers = signWebhook({ id: 'msg_9', timestamp: Math.floor(clock.millis() / 1000), body, secrets: secret });
    const result = verifyWebhook(headers, `${body} `, { secrets: secret, clock });
    const text = JSON.stringify(result.ok ? null : result.error.toJSON());
    for (const secretText of [secret, headers['webhook-signature'], '李雷', 'o-1']) expect(text).not.toContain(secretText);
    try {
      verifyWebhook(headers, body, { secrets: 'whsec_c2hvcnQ=', clock });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS' });
      expect(String(error)).not.toContain('c2hvcnQ=');
    }
  });

  it('refuses secrets that are not whsec_ base64 of 24 to 64 bytes, naming only their position', () => {
    expect(() => signWebhook({ id: 'm', timestamp: 1, body, secrets: [secret, 'hunter2', `whsec_${Buffer.alloc(16).toString('base64')}`] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['secrets', 1] }), expect.objectContaining({ path: ['secrets', 2] })] }),
    );
    expect(() => signWebhook({ id: 'has space', timestamp: -1, body: 3 as never, secrets: secret })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('createWebhookReceiver over real HTTP on 127.0.0.1', () => {
  const storage = createMemoryStorage();
  const clock = createFixedClock('2026-11-11T00:00:00Z');
  const timestamp = Math.floor(clock.millis() / 1000);
  const handled: ReceivedWebhook[] = [];
  let fail = false;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const receiver = createWebhookReceiver({
      secrets: [secret, next],
      clock,
      idempotency: storage.idempotency,
      maxBodyBytes: 10_000,
      handler: async (event) => {
        if (fail) throw new Error(`database down while storing ${JSON.stringify(event.payload)}`);
        handled.push(event);
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
    });
    server = createServer(receiver.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = async (headers: Record<string, string>, text = body, method = 'POST') => {
    const response = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, ...(method === 'POST' ? { body: text } : {}) });
    const answer = response.status === 204 ? null : ((await response.json()) as { error?: { code: string; message: string }; status?: string });
    return { status: response.status, answer };
  };

  it('delivers once; a replay is answered 208 without calling the handler; concurrent duplicates share one call', async () => {
    const headers = signWebhook({ id: 'msg_a', timestamp, body, secrets: secret });
    expect((await post(headers)).status).toBe(204);
    expect(await post(headers)).toEqual({ status: 208, answer: { status: 'duplicate' } });
    const racing = signWebhook({ id: 'msg_b', timestamp, body, secrets: next });
    const statuses = (await Promise.all([post(racing), post(racing), post(racing)])).map((r) => r.status).sort();
    expect(statuses).toEqual([204, 208, 208]);
    expect(handled.map((event) => event.id)).toEqual(['msg_a', 'msg_b']);
    expect(handled[0]).toMatchObject({ payload: JSON.parse(body), timestamp, record: { key: 'webhook:msg_a' } });
  });

  it('refuses each bad request with its own status and typed error', async () => {
    const forged = signWebhook({ id: 'msg_c', timestamp, body, secrets: generateWebhookSecret() });
    expect(await post(forged)).toMatchObject({ status: 401, answer: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } } });
    expect(await post(signWebhook({ id: 'msg_d', timestamp, body, secrets: secret }), body.replace('o-1', 'o-9'))).toMatchObject({ status: 401 });
    expect(await post(signWebhook({ id: 'msg_e', timestamp: timestamp - 600, body, secrets: secret }))).toMatchObject({ status: 403, answer: { error: { code: 'WEBHOOK_TIMESTAMP_STALE' } } });
    expect(await post(signWebhook({ id: 'msg_f', timestamp: timestamp + 600, body, secrets: secret }))).toMatchObject({ status: 403, answer: { error: { code: 'WEBHOOK_TIMESTAMP_FUTURE' } } });
    const large = JSON.stringify({ pad: 'x'.repeat(20_000) });
    expect(await post(signWebhook({ id: 'msg_g', timestamp, body: large, secrets: secret }), large)).toMatchObject({ status: 413, answer: { error: { code: 'WEBHOOK_BODY_TOO_LARGE' } } });
    expect(await post({})).toMatchObject({ status: 400, answer: { error: { code: 'WEBHOOK_MALFORMED' } } });
    expect(await post(signWebhook({ id: 'msg_h', timestamp, body: 'not json', secrets: secret }), 'not json')).toMatchObject({ status: 400 });
    expect((await post({}, '', 'GET')).status).toBe(405);
    expect(handled.map((event) => event.id)).toEqual(['msg_a', 'msg_b']);
  });

  it("a handler failure is a 500 without the payload in it, and the sender's retry is handled", async () => {
    const headers = signWebhook({ id: 'msg_i', timestamp, body, secrets: secret });
    fail = true;
    const failed = await post(headers);
    expect(failed).toMatchObject({ status: 500, answer: { error: { code: 'HANDLER_FAILED' } } });
    expect(JSON.stringify(failed)).not.toContain('李雷');
    fail = false;
    expect((await post(headers)).status).toBe(204);
    expect(handled.at(-1)?.id).toBe('msg_i');
  });

  it('the same id with another body is a conflict, not a replay', async () => {
    const other = JSON.stringify({ type: 'order.cancelled' });
    expect(await post(signWebhook({ id: 'msg_a', timestamp, body: other, secrets: secret }), other)).toMatchObject({ status: 409, answer: { error: { code: 'IDEMPOTENCY_MISMATCH' } } });
  });

  it('the same id with another body while the first is still being handled is a conflict too, never a 208', async () => {
    const other = JSON.stringify({ type: 'order.cancelled' });
    const first = signWebhook({ id: 'msg_race', timestamp, body, secrets: secret });
    const second = signWebhook({ id: 'msg_race', timestamp, body: other, secrets: secret });
    const [a, b] = await Promise.all([post(first), post(second, other)]);
    expect(a.status).toBe(204);
    expect(b).toMatchObject({ status: 409, answer: { error: { code: 'IDEMPOTENCY_MISMATCH' } } });
    expect(handled.filter((event) => event.id === 'msg_race').map((event) => event.body)).toEqual([body]);
  });
});

describe('two receivers on one idempotency store', () => {
  it('a reused id with another body racing through the other receiver is 409, and its handler unit is not kept', async () => {
    const storage = createMemoryStorage();
    const clock = createFixedClock('2026-11-11T00:00:00Z');
    const timestamp = Math.floor(clock.millis() / 1000);
    // Both handlers start before either commits: each commits its outbox message with the id's record in one unit.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const handler = async (event: ReceivedWebhook): Promise<void> => {
      started += 1;
      if (started === 2) release();
      await gate;
      await storage.commit({ outbox: [{ id: `in-${event.body.length}`, topic: 'partner.event', key: event.id, payload: event.payload, createdAt: clock.now() }], idempotency: [event.record] });
    };
    const one = createWebhookReceiver({ secrets: secret, clock, idempotency: storage.idempotency, handler });
    const two = createWebhookReceiver({ secrets: secret, clock, idempotency: storage.idempotency, handler });
    const other = JSON.stringify({ type: 'order.cancelled' });
    const [a, b] = await Promise.all([
      one.receive(signWebhook({ id: 'msg_x', timestamp, body, secrets: secret }), body),
      two.receive(signWebhook({ id: 'msg_x', timestamp, body: other, secrets: secret }), other),
    ]);
    expect([a.status, b.status].sort()).toEqual([204, 409]);
    expect((await storage.outbox.list()).filter((message) => message.key === 'msg_x')).toHaveLength(1);
    // With the same body, the loser is a replay.
    const [c, d] = await Promise.all([
      createWebhookReceiver({ secrets: secret, clock, idempotency: storage.idempotency, handler: async (event) => storage.commit({ idempotency: [event.record] }) }).receive(signWebhook({ id: 'msg_y', timestamp, body, secrets: secret }), body),
      createWebhookReceiver({ secrets: secret, clock, idempotency: storage.idempotency, handler: async (event) => storage.commit({ idempotency: [event.record] }) }).receive(signWebhook({ id: 'msg_y', timestamp, body, secrets: secret }), body),
    ]);
    expect([c.status, d.status].sort()).toEqual([204, 208]);
  });
});
