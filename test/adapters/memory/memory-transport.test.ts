// Runs the transport conformance suite on the memory adapter, plus what only the memory adapter promises.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryTransport, type MemoryTransport } from '../../../src/adapters/memory.js';
import { compileTopicPattern, matchesTopic } from '../../../src/ports/topic-pattern.js';
import type { Delivery, TransportMessage } from '../../../src/ports/index.js';
import { transportConformance } from '../../../src/testing/index.js';

const asMemory = (t: unknown): MemoryTransport => t as MemoryTransport;

transportConformance({ describe, it }, () => createMemoryTransport(), {
  name: 'memory transport',
  idle: (t) => asMemory(t).idle(),
  deadLetters: (t) => asMemory(t).deadLetters().map((d) => ({ messageId: d.message.id, group: d.group })),
});

// Without idle the suite checks less but must still pass: the weaker path is exercised too.
transportConformance({ describe, it }, () => createMemoryTransport(), { name: 'memory transport (no idle hook)' });

let counter = 0;
function msg(topic: string, fields: Partial<TransportMessage> = {}): TransportMessage {
  counter += 1;
  return { id: `m${counter}`, topic, payload: { n: counter }, ...fields };
}

describe('matchesTopic', () => {
  const cases: [string, string, boolean][] = [
    ['order.created', 'order.created', true],
    ['order.created', 'order.paid', false],
    ['order.*', 'order.created', true],
    ['order.*', 'order', false],
    ['order.*', 'order.line.added', false],
    ['order.#', 'order', true],
    ['order.#', 'order.line.added', true],
    ['#', 'anything.at.all', true],
    ['*.created', 'customer.created', true],
    ['#.added', 'added', true],
    ['#.added', 'order.line.added', true],
    ['order.#.added', 'order.added', true],
    ['order.#.added', 'order.line.item.added', true],
    ['order.#.added', 'order.line.removed', false],
    ['*.*', 'order', false],
    ['*', 'order', true],
  ];
  it.each(cases)('%s against %s is %s', (pattern, topic, expected) => {
    expect(matchesTopic(compileTopicPattern(pattern), topic)).toBe(expected);
  });

  const word = fc.constantFrom('order', 'line', 'created', 'paid', 'x');
  const topic = fc.array(word, { minLength: 1, maxLength: 5 });
  it('a topic matches itself, `#`, and itself with any word replaced by `*`', () => {
    fc.assert(
      fc.property(topic, fc.nat(), (words, index) => {
        const starred = words.map((w, i) => (i === index % words.length ? '*' : w));
        const t = words.join('.');
        return (
          matchesTopic(compileTopicPattern(t), t) &&
          matchesTopic(compileTopicPattern('#'), t) &&
          matchesTopic(compileTopicPattern(starred.join('.')), t) &&
          matchesTopic(compileTopicPattern(`${t}.#`), t)
        );
      }),
      { numRuns: 200 },
    );
  });
  it('a `*`-only pattern matches exactly the topics with that many words', () => {
    fc.assert(
      fc.property(topic, fc.integer({ min: 1, max: 5 }), (words, stars) => {
        const pattern = compileTopicPattern(Array.from({ length: stars }, () => '*').join('.'));
        return matchesTopic(pattern, words.join('.')) === (words.length === stars);
      }),
      { numRuns: 200 },
    );
  });
});

describe('createMemoryTransport', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('validates options eagerly', async () => {
    expect(() => createMemoryTransport({ maxAttempts: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['maxAttempts'] })] }));
    const transport = createMemoryTransport();
    const handler = async (): Promise<void> => {};
    await expect(transport.subscribe({ topic: '', group: 'g', handler })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(transport.subscribe({ topic: 'a', group: 'g', handler, concurrency: 1.5 })).rejects.toThrow(/concurrency/);
    await expect(transport.subscribe({ topic: 'a', group: 'g', handler: 'no' as never })).rejects.toThrow(/handler/);
    await expect(transport.publish({ id: '', topic: 'a', payload: null })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: ['id'] })] });
  });

  it('does not deliver messages published before a group subscribed', async () => {
    const transport = createMemoryTransport();
    await transport.publish(msg('order.created'));
    const seen: string[] = [];
    await transport.subscribe({ topic: 'order.*', group: 'late', handler: async (d) => void seen.push(d.message.id) });
    const after = msg('order.created');
    await transport.publish(after);
    await transport.idle();
    expect(seen).toEqual([after.id]);
  });

  it('never runs a handler inside publish', async () => {
    const transport = createMemoryTransport();
    let called = false;
    await transport.subscribe({ topic: '#', group: 'g', handler: async () => void (called = true) });
    const publishing = transport.publish(msg('a'));
    expect(called).toBe(false);
    await publishing;
    await transport.idle();
    expect(called).toBe(true);
  });

  it('shares a group\'s messages round-robin among its consumers', async () => {
    const transport = createMemoryTransport();
    const byConsumer: Record<string, number> = { a: 0, b: 0 };
    await transport.subscribe({ topic: '#', group: 'g', handler: async () => void (byConsumer.a! += 1) });
    await transport.subscribe({ topic: '#', group: 'g', handler: async () => void (byConsumer.b! += 1) });
    for (let i = 0; i < 6; i += 1) await transport.publish(msg('x'));
    await transport.idle();
    expect(byConsumer).toEqual({ a: 3, b: 3 });
  });

  it('keeps per-key order through a redelivery: the retried message goes back to the front', async () => {
    const transport = createMemoryTransport();
    const seen: string[] = [];
    await transport.subscribe({
      topic: '#',
      group: 'g',
      handler: async (d) => {
        seen.push(`${d.message.id}#${d.attempt}`);
        if (d.message.id === 'second' && d.attempt === 1) throw new Error('once');
      },
    });
    for (const id of ['first', 'second', 'third']) await transport.publish(msg('x', { id, key: 'k' }));
    await transport.idle();
    expect(seen).toEqual(['first#1', 'second#1', 'second#2', 'third#1']);
  });

  it('records dead letters with group, attempts, reason and the last error', async () => {
    const transport = createMemoryTransport({ maxAttempts: 2 });
    await transport.subscribe({
      topic: '#',
      group: 'wms',
      handler: async () => {
        throw new Error('WMS rejected the payload');
      },
    });
    await transport.subscribe({ topic: '#', group: 'finance', handler: async (d) => d.nack({ requeue: false }) });
    const m = msg('order.created');
    await transport.publish(m);
    await transport.idle();
    const dead = transport.deadLetters();
    expect(dead).toEqual(
      expect.arrayContaining([
        { message: m, group: 'wms', attempts: 2, reason: 'max_attempts', error: 'WMS rejected the payload' },
        { message: m, group: 'finance', attempts: 1, reason: 'rejected' },
      ]),
    );
    expect(dead).toHaveLength(2);
    (dead[0] as { attempts: number }).attempts = 99;
    expect(transport.deadLetters()[0]!.attempts).not.toBe(99);
  });

  it('gives each delivery its own copy: the publisher and other groups are unaffected by mutation', async () => {
    const transport = createMemoryTransport();
    const seen: unknown[] = [];
    await transport.subscribe({ topic: '#', group: 'a', handler: async (d) => void ((d.message.payload as { n: number }).n = -1) });
    await transport.subscribe({ topic: '#', group: 'b', handler: async (d) => void seen.push(structuredClone(d.message.payload)) });
    const payload = { n: 1 };
    const publishing = transport.publish({ id: 'm', topic: 'x', payload });
    payload.n = 2;
    await publishing;
    await transport.idle();
    expect(seen).toEqual([{ n: 1 }]);
  });

  it('keeps a group\'s queue while it has no consumer, and delivers when one joins', async () => {
    const transport = createMemoryTransport();
    const first = await transport.subscribe({ topic: '#', group: 'g', handler: async () => {} });
    await first.unsubscribe();
    const waiting = msg('x');
    await transport.publish(waiting);
    await transport.idle();
    const seen: string[] = [];
    await transport.subscribe({ topic: '#', group: 'g', handler: async (d) => void seen.push(d.message.id) });
    await transport.idle();
    expect(seen).toEqual([waiting.id]);
  });

  it('idle() resolves at once when nothing is in flight, and waits for redeliveries otherwise', async () => {
    const transport = createMemoryTransport();
    await transport.idle();
    const attempts: number[] = [];
    await transport.subscribe({
      topic: '#',
      group: 'g',
      handler: async (d: Delivery) => {
        attempts.push(d.attempt);
        if (d.attempt < 4) throw new Error('again');
      },
    });
    await transport.publish(msg('x'));
    await transport.idle();
    expect(attempts).toEqual([1, 2, 3, 4]);
  });

  it('delivers under fake timers, since it schedules on microtasks', async () => {
    vi.useFakeTimers();
    const transport = createMemoryTransport();
    const seen: string[] = [];
    await transport.subscribe({ topic: '#', group: 'g', handler: async (d) => void seen.push(d.message.id) });
    const m = msg('x');
    await transport.publish(m);
    await transport.idle();
    expect(seen).toEqual([m.id]);
  });

  it('close waits for handlers in flight and ignores their late acks', async () => {
    const transport = createMemoryTransport();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let finished = false;
    await transport.subscribe({
      topic: '#',
      group: 'g',
      handler: async (d) => {
        await gate;
        await d.nack();
        finished = true;
      },
    });
    await transport.publish(msg('x'));
    await Promise.resolve();
    const closing = transport.close().then(() => finished);
    release();
    expect(await closing).toBe(true);
    await transport.close();
    expect(transport.deadLetters()).toEqual([]);
    await transport.idle();
  });
});
