// The outbox relay: at-least-once delivery, per-key order, retries with backoff by the clock, dead letters, leases, the loop.
import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { createManualClock, type Instant } from '../../src/clock/index.js';
import { isOrdoError } from '../../src/errors/index.js';
import type { OutboxMessage, StoragePort, TransportMessage } from '../../src/ports/index.js';
import { createOutboxRelay } from '../../src/app/index.js';

const T0 = '2026-03-01T00:00:00.000Z';

function message(id: string, key: string, extra: Partial<OutboxMessage> = {}): OutboxMessage {
  return { id, topic: 'order.status_changed', key, payload: { id, key }, createdAt: T0 as Instant, ...extra };
}

/** A transport double: records what it accepted; `failNext` makes chosen ids fail a number of times. */
function fakeTransport() {
  const published: TransportMessage[] = [];
  const failures = new Map<string, number>();
  return {
    published,
    failNext(id: string, times = 1) {
      failures.set(id, times);
    },
    async publish(m: TransportMessage): Promise<void> {
      const left = failures.get(m.id) ?? 0;
      if (left > 0) {
        failures.set(m.id, left - 1);
        throw new Error(`broker refused ${m.id}`);
      }
      published.push(m);
    },
  };
}

async function seeded(messages: OutboxMessage[]): Promise<StoragePort> {
  const storage = createMemoryStorage();
  await storage.commit({ outbox: messages });
  return storage;
}

describe('createOutboxRelay', () => {
  it('publishes every pending message with its fields and publishedAt from the clock, then marks it delivered', async () => {
    const storage = await seeded([message('m1', 'o1', { headers: { 'x-trace': 't1' } }), message('m2', 'o2')]);
    const transport = fakeTransport();
    const clock = createManualClock('2026-03-01T00:05:00Z');
    const relay = createOutboxRelay({ storage, transport, clock, owner: 'relay-1' });
    expect(await relay.runOnce()).toEqual({ succeeded: 2, retried: 0, deadLettered: 0, lost: 0, delivered: 2, failed: 0, dead: 0 });
    expect(transport.published).toEqual([
      { id: 'm1', topic: 'order.status_changed', key: 'o1', payload: { id: 'm1', key: 'o1' }, headers: { 'x-trace': 't1' }, publishedAt: '2026-03-01T00:05:00.000Z' },
      { id: 'm2', topic: 'order.status_changed', key: 'o2', payload: { id: 'm2', key: 'o2' }, publishedAt: '2026-03-01T00:05:00.000Z' },
    ]);
    const delivered = await storage.outbox.list({ status: 'delivered' });
    expect(delivered.map((m) => [m.id, m.deliveredAt])).toEqual([
      ['m1', '2026-03-01T00:05:00.000Z'],
      ['m2', '2026-03-01T00:05:00.000Z'],
    ]);
    expect(await relay.runOnce()).toEqual({ succeeded: 0, retried: 0, deadLettered: 0, lost: 0, delivered: 0, failed: 0, dead: 0 });
  });

  it('claims at most batchSize messages per round', async () => {
    const storage = await seeded([message('m1', 'a'), message('m2', 'b'), message('m3', 'c')]);
    const transport = fakeTransport();
    const relay = createOutboxRelay({ storage, transport, clock: createManualClock(T0), owner: 'r', batchSize: 2 });
    expect((await relay.runOnce()).delivered).toBe(2);
    expect((await relay.runOnce()).delivered).toBe(1);
    expect(transport.published.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
  });

  it('keeps per-key order: after a failure the rest of the key waits for the retry, other keys go on', async () => {
    const storage = await seeded([message('k1-a', 'k1'), message('k2-a', 'k2'), message('k1-b', 'k1'), message('k1-c', 'k1')]);
    const transport = fakeTransport();
    transport.failNext('k1-a');
    const clock = createManualClock(T0);
    const relay = createOutboxRelay({ storage, transport, clock, owner: 'r', retryDelay: () => 60_000 });
    expect(await relay.runOnce()).toEqual({ succeeded: 1, retried: 1, deadLettered: 0, lost: 0, delivered: 1, failed: 1, dead: 0 });
    expect(transport.published.map((m) => m.id)).toEqual(['k2-a']);
    const failed = (await storage.outbox.list()).find((m) => m.id === 'k1-a');
    expect(failed).toMatchObject({ status: 'pending', availableAt: '2026-03-01T00:01:00.000Z', lastError: 'Error: broker refused k1-a' });
    // Before the retry time nothing of k1 moves, although k1-b and k1-c are available.
    clock.advance({ seconds: 59 });
    expect(await relay.runOnce()).toEqual({ succeeded: 0, retried: 0, deadLettered: 0, lost: 0, delivered: 0, failed: 0, dead: 0 });
    clock.advance({ seconds: 1 });
    expect(await relay.runOnce()).toEqual({ succeeded: 3, retried: 0, deadLettered: 0, lost: 0, delivered: 3, failed: 0, dead: 0 });
    expect(transport.published.map((m) => m.id)).toEqual(['k2-a', 'k1-a', 'k1-b', 'k1-c']);
  });

  it('backs off by the clock with the default delay (1 s, then 2 s) and marks a message dead after maxAttempts', async () => {
    const storage = await seeded([message('m1', 'o1'), message('m2', 'o1')]);
    const transport = fakeTransport();
    transport.failNext('m1', 10);
    const clock = createManualClock(T0);
    const relay = createOutboxRelay({ storage, transport, clock, owner: 'r', maxAttempts: 3 });
    expect(await relay.runOnce()).toMatchObject({ failed: 1, dead: 0 });
    expect((await storage.outbox.list()).find((m) => m.id === 'm1')?.availableAt).toBe('2026-03-01T00:00:01.000Z');
    clock.advance({ seconds: 1 });
    expect(await relay.runOnce()).toMatchObject({ failed: 1, dead: 0 });
    expect((await storage.outbox.list()).find((m) => m.id === 'm1')?.availableAt).toBe('2026-03-01T00:00:03.000Z');
    clock.advance({ seconds: 2 });
    expect(await relay.runOnce()).toMatchObject({ failed: 1, dead: 1 });
    expect((await storage.outbox.list({ status: 'dead' })).map((m) => [m.id, m.attempts])).toEqual([['m1', 3]]);
    // A dead message no longer holds its key back.
    expect(await relay.runOnce()).toMatchObject({ delivered: 1 });
    expect(transport.published.map((m) => m.id)).toEqual(['m2']);
  });

  it('resumes after a crash: messages a dead relay leased are delivered by another once the lease ends', async () => {
    const storage = await seeded([message('m1', 'o1'), message('m2', 'o1'), message('m3', 'o2')]);
    const clock = createManualClock(T0);
    // The first relay claims the batch and "dies" before publishing or marking anything.
    await storage.outbox.claim({ owner: 'crashed', now: clock.now(), leaseUntil: '2026-03-01T00:00:30.000Z' as Instant, limit: 10 });
    const transport = fakeTransport();
    const relay = createOutboxRelay({ storage, transport, clock, owner: 'survivor', leaseMs: 30_000 });
    expect((await relay.runOnce()).delivered).toBe(0);
    clock.advance({ seconds: 30 });
    expect((await relay.runOnce()).delivered).toBe(3);
    expect(transport.published.map((m) => m.id).sort()).toEqual(['m1', 'm2', 'm3']);
    expect(transport.published.filter((m) => m.key === 'o1').map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(await storage.outbox.list({ status: 'pending' })).toEqual([]);
  });

  it('two relays running at once never publish one message twice while leases hold', async () => {
    const messages = Array.from({ length: 60 }, (_, i) => message(`m${i}`, `o${i % 7}`));
    const storage = await seeded(messages);
    const transport = fakeTransport();
    const clock = createManualClock(T0);
    const a = createOutboxRelay({ storage, transport, clock, owner: 'a', batchSize: 5 });
    const b = createOutboxRelay({ storage, transport, clock, owner: 'b', batchSize: 5 });
    for (let round = 0; round < 30; round += 1) await Promise.all([a.runOnce(), b.runOnce()]);
    const ids = transport.published.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(messages.map((m) => m.id).sort());
    // Per key, the publish order is the commit order.
    for (let key = 0; key < 7; key += 1) {
      const order = transport.published.filter((m) => m.key === `o${key}`).map((m) => Number(m.id.slice(1)));
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
  });

  it('start() runs rounds until the outbox is empty, then sleeps on the injected timer; stop() ends the loop', async () => {
    const storage = await seeded([message('m1', 'o1'), message('m2', 'o2'), message('m3', 'o3')]);
    const transport = fakeTransport();
    const sleeps: number[] = [];
    let wake: (() => void) | undefined;
    const relay = createOutboxRelay({
      storage,
      transport,
      clock: createManualClock(T0),
      owner: 'r',
      batchSize: 1,
      pollIntervalMs: 250,
      sleep: (ms, signal) =>
        new Promise<void>((resolve) => {
          sleeps.push(ms);
          wake = resolve;
          signal.addEventListener('abort', () => resolve());
        }),
    });
    relay.start();
    expect(relay.running).toBe(true);
    while (sleeps.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(transport.published.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(sleeps).toEqual([250]);
    await storage.commit({ outbox: [message('m4', 'o4')] });
    wake?.();
    while (sleeps.length === 1) await new Promise((resolve) => setImmediate(resolve));
    expect(transport.published.map((m) => m.id)).toEqual(['m1', 'm2', 'm3', 'm4']);
    await relay.stop();
    expect(relay.running).toBe(false);
  });

  it('start() reports a failing round to onError and keeps polling', async () => {
    let failing = true;
    const storage = createMemoryStorage({ failWith: (op) => (failing && op === 'outbox.claim' ? new Error('db down') : undefined) });
    await storage.commit({ outbox: [message('m1', 'o1')] });
    const transport = fakeTransport();
    const errors: unknown[] = [];
    let rounds = 0;
    const relay = createOutboxRelay({
      storage,
      transport,
      clock: createManualClock(T0),
      owner: 'r',
      onError: (error) => errors.push(error),
      sleep: async () => {
        rounds += 1;
        if (rounds === 2) failing = false;
        await new Promise((resolve) => setImmediate(resolve));
      },
    });
    relay.start();
    while (transport.published.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await relay.stop();
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.every((error) => isOrdoError(error) && error.code === 'STORAGE_FAILURE')).toBe(true);
    expect(transport.published.map((m) => m.id)).toEqual(['m1']);
  });

  it('validates options eagerly', () => {
    const storage = createMemoryStorage();
    const base = { storage, transport: fakeTransport(), clock: createManualClock(T0), owner: 'r' };
    expect(() => createOutboxRelay({ ...base, owner: ' ' })).toThrow(/owner/);
    expect(() => createOutboxRelay({ ...base, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => createOutboxRelay({ ...base, leaseMs: 1.5 })).toThrow(/leaseMs/);
    expect(() => createOutboxRelay({ ...base, maxAttempts: -1 })).toThrow(/maxAttempts/);
    expect(() => createOutboxRelay({ ...base, transport: {} as never })).toThrow(/transport/);
    expect(() => createOutboxRelay({ ...base, storage: {} as never })).toThrow(/storage/);
  });
});
