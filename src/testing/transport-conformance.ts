// The transport port's conformance suite: every adapter, memory and real brokers, must pass it unchanged.
import { isOrdoError } from '../errors/ordo-error.js';
import { expectObject } from '../errors/validation-error.js';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isTransportError } from '../errors/transport-error.js';
import type { Delivery, SubscribeOptions, TransportMessage, TransportPort } from '../ports/transport-port.js';
import { deferred, rejectsWithCode, within, type ConformanceTestApi } from './conformance-api.js';

/** A dead-lettered message as the suite sees it. */
export interface DeadLetterRecord {
  readonly messageId: string;
  readonly group: string;
}

/** Options of {@link transportConformance}. */
export interface TransportConformanceOptions {
  /**
   * Name shown in the outer `describe`.
   * @default 'transport'
   */
  readonly name?: string;
  /**
   * Cleans up after every test, also after tests that closed the transport themselves.
   * @default closes the transport unless the test already did
   */
  readonly destroy?: (transport: TransportPort) => Promise<void>;
  /**
   * Resolves once every delivery in flight (and every redelivery) settled. With it, the suite
   * also proves that nothing *more* arrives (no duplicate, no extra topic); without it, it can
   * only check what arrived. The memory adapter passes `(t) => t.idle()`.
   * @default undefined
   */
  readonly idle?: (transport: TransportPort) => Promise<void>;
  /**
   * Lists dead-lettered messages, when the adapter can tell; checked after `idle`.
   * @default undefined (dead-letter contents are not checked)
   */
  readonly deadLetters?: (transport: TransportPort) => Promise<readonly DeadLetterRecord[]> | readonly DeadLetterRecord[];
  /**
   * How long to wait for an expected delivery before failing the test with a clear message.
   * A safety net against hanging, never a timed assertion.
   * @default 10_000
   */
  readonly timeoutMs?: number;
}

interface Context {
  readonly transport: TransportPort;
  /** A unique first topic word, so tests sharing a real broker never see each other's messages. */
  readonly prefix: string;
  /** A new unique group name. */
  group(): string;
  /** Builds a message on `${prefix}.${topic}`. */
  message(topic: string, fields?: { readonly key?: string; readonly payload?: TransportMessage['payload'] }): TransportMessage;
  /** Subscribes a recorder; returns it with its subscription. */
  record(options: Omit<SubscribeOptions, 'handler'> & { readonly handler?: SubscribeOptions['handler'] }): Promise<Recorder>;
  /** Waits for `promise` with the suite's safety timeout. */
  wait<T>(promise: Promise<T>, what: string): Promise<T>;
  /** Waits until deliveries settled when the adapter says how; otherwise returns at once. */
  settle(): Promise<void>;
  markClosed(): void;
}

/** Every delivery a subscription saw, and a way to wait until it saw enough. */
interface Recorder {
  readonly deliveries: Delivery[];
  /** Resolves once `count` deliveries were recorded (counted when the handler starts). */
  until(count: number, what: string): Promise<void>;
  unsubscribe(): Promise<void>;
}

/**
 * Runs the transport port's conformance suite, each test on a fresh transport from
 * `makeTransport`, with random topics and groups. It waits for deliveries with promises that
 * handlers resolve (and a generous safety timeout), never with sleeps. Uses node:assert.
 *
 * @example
 * import { describe, it } from 'vitest';
 * import { transportConformance } from 'ordo/testing';
 * transportConformance({ describe, it }, () => createMyTransport(url), { name: 'my-broker' });
 */
export function transportConformance(
  api: ConformanceTestApi,
  makeTransport: () => Promise<TransportPort> | TransportPort,
  options: TransportConformanceOptions = {},
): void {
  if (typeof api?.describe !== 'function' || typeof api.it !== 'function') expectObject('transportConformance api', undefined, 'your runner\'s { describe, it }');
  const { describe, it } = api;
  const timeoutMs = options.timeoutMs ?? 10_000;

  const test = (name: string, body: (context: Context) => Promise<void>): void => {
    it(name, async () => {
      const transport = await makeTransport();
      const prefix = `t${randomUUID().replaceAll('-', '')}`;
      let closed = false;
      const subscriptions: Recorder[] = [];
      const wait = <T>(promise: Promise<T>, what: string): Promise<T> => within(promise, what, timeoutMs);
      const context: Context = {
        transport,
        prefix,
        group: () => `g-${randomUUID()}`,
        message: (topic, fields = {}) => ({
          id: `m-${randomUUID()}`,
          topic: `${prefix}.${topic}`,
          ...(fields.key === undefined ? {} : { key: fields.key }),
          payload: fields.payload ?? { note: '订单 ✓', list: [1, 2], none: null },
          headers: { 'x-test': 'conformance' },
        }),
        async record(subscribeOptions) {
          const deliveries: Delivery[] = [];
          let waiters: { count: number; resolve: () => void }[] = [];
          const subscription = await transport.subscribe({
            ...subscribeOptions,
            handler: async (delivery) => {
              deliveries.push(delivery);
              waiters = waiters.filter((w) => {
                if (deliveries.length < w.count) return true;
                w.resolve();
                return false;
              });
              await subscribeOptions.handler?.(delivery);
            },
          });
          const recorder: Recorder = {
            deliveries,
            until(count, what) {
              if (deliveries.length >= count) return Promise.resolve();
              const done = deferred();
              waiters.push({ count, resolve: () => done.resolve() });
              return wait(done.promise, `${what} (${deliveries.length} of ${count} deliveries so far)`);
            },
            unsubscribe: () => subscription.unsubscribe(),
          };
          subscriptions.push(recorder);
          return recorder;
        },
        wait,
        settle: async () => {
          if (options.idle !== undefined) await wait(options.idle(transport), 'the transport to become idle');
        },
        markClosed: () => (closed = true),
      };
      try {
        await body(context);
      } finally {
        if (options.destroy !== undefined) await options.destroy(transport);
        else if (!closed) await transport.close();
      }
    });
  };

  const ids = (deliveries: readonly Delivery[]): string[] => deliveries.map((d) => d.message.id);

  describe(`${options.name ?? 'transport'} conformance`, () => {
    test('a subscriber receives a published message whole, on attempt 1', async ({ transport, prefix, group, message, record }) => {
      const recorder = await record({ topic: `${prefix}.order.created`, group: group() });
      const sent = { ...message('order.created', { key: 'o-1' }), publishedAt: '2026-03-01T00:00:00.000Z' } as TransportMessage;
      await transport.publish(sent);
      await recorder.until(1, 'the published message');
      const [delivery] = recorder.deliveries;
      assert.deepEqual(delivery?.message, sent);
      assert.equal(delivery?.attempt, 1);
    });

    test('a group declared before anything is published gets what was published before its first consumer', async ({ transport, prefix, group, message, record, settle }) => {
      const name = group();
      await transport.declareGroup({ group: name, topics: [`${prefix}.order.*`] });
      await transport.declareGroup({ group: name, topics: [`${prefix}.order.*`, `${prefix}.refund.#`] });
      const early = [message('order.created'), message('refund.requested.partial'), message('stock.changed')];
      for (const m of early) await transport.publish(m);
      // The consumer's own pattern covers every topic: what it gets is what the group queued before it came.
      const recorder = await record({ topic: `${prefix}.#`, group: name });
      await recorder.until(2, 'the two messages published before the consumer, on the declared bindings');
      await settle();
      assert.deepEqual(ids(recorder.deliveries).sort(), [early[0]?.id, early[1]?.id].sort(), 'a topic outside the bindings is not queued');
    });

    test('declareGroup refuses a malformed request with a typed error', async ({ transport }) => {
      await assert.rejects(transport.declareGroup({ group: '', topics: [] }), (error: unknown) => isOrdoError(error) && ['INVALID_OPTIONS', 'VALIDATION_FAILED'].includes(error.code));
    });

    test('every group gets every message (fan-out)', async ({ transport, prefix, group, message, record, settle }) => {
      const a = await record({ topic: `${prefix}.order.*`, group: group() });
      const b = await record({ topic: `${prefix}.order.*`, group: group() });
      const sent = [message('order.created'), message('order.paid'), message('order.shipped')];
      for (const m of sent) await transport.publish(m);
      await a.until(3, 'group A to get all three');
      await b.until(3, 'group B to get all three');
      await settle();
      assert.deepEqual(ids(a.deliveries).sort(), sent.map((m) => m.id).sort());
      assert.deepEqual(ids(b.deliveries).sort(), sent.map((m) => m.id).sort());
    });

    test('consumers in one group compete: each message is handled once per group', async ({ transport, prefix, group, message, record, wait, settle }) => {
      const shared = group();
      const tenth = deferred();
      let handled = 0;
      const count = async (): Promise<void> => {
        handled += 1;
        if (handled === 10) tenth.resolve();
      };
      const first = await record({ topic: `${prefix}.order.*`, group: shared, handler: count });
      const second = await record({ topic: `${prefix}.order.*`, group: shared, handler: count });
      const sent = Array.from({ length: 10 }, () => message('order.created'));
      for (const m of sent) await transport.publish(m);
      const all = (): Delivery[] => [...first.deliveries, ...second.deliveries];
      await wait(tenth.promise, 'ten deliveries across the group');
      await settle();
      assert.equal(all().length, 10, 'no message handled twice in one group');
      assert.deepEqual(ids(all()).sort(), sent.map((m) => m.id).sort());
    });

    test('patterns: `*` matches exactly one word, `#` zero or more', async ({ transport, prefix, group, message, record, settle }) => {
      const star = await record({ topic: `${prefix}.order.*`, group: group() });
      const hash = await record({ topic: `${prefix}.order.#`, group: group() });
      const leadingStar = await record({ topic: `${prefix}.*.created`, group: group() });
      const everything = await record({ topic: `${prefix}.#`, group: group() });
      const exact = await record({ topic: `${prefix}.order.line.added`, group: group() });
      const created = message('order.created');
      const lineAdded = message('order.line.added');
      const bare = message('order');
      const customer = message('customer.created');
      for (const m of [created, lineAdded, bare, customer]) await transport.publish(m);
      await star.until(1, '`order.*`');
      await hash.until(3, '`order.#`');
      await leadingStar.until(2, '`*.created`');
      await everything.until(4, '`#`');
      await exact.until(1, 'the exact topic');
      await settle();
      assert.deepEqual(ids(star.deliveries), [created.id]);
      assert.deepEqual(ids(hash.deliveries).sort(), [created.id, lineAdded.id, bare.id].sort());
      assert.deepEqual(ids(leadingStar.deliveries).sort(), [created.id, customer.id].sort());
      assert.deepEqual(ids(everything.deliveries).sort(), [created.id, lineAdded.id, bare.id, customer.id].sort());
      assert.deepEqual(ids(exact.deliveries), [lineAdded.id]);
    });

    test('a handler that resolves without ack or nack acks: the message is not redelivered', async ({ transport, prefix, group, message, record, settle }) => {
      const recorder = await record({ topic: `${prefix}.order.*`, group: group() });
      const first = message('order.created', { key: 'k' });
      const barrier = message('order.barrier', { key: 'k' });
      await transport.publish(first);
      await transport.publish(barrier);
      await recorder.until(2, 'the message and the barrier after it');
      await settle();
      assert.deepEqual(ids(recorder.deliveries), [first.id, barrier.id]);
    });

    test('ack() confirms the message even if the handler throws afterwards', async ({ transport, prefix, group, message, record, settle }) => {
      const recorder = await record({
        topic: `${prefix}.order.*`,
        group: group(),
        handler: async (delivery) => {
          await delivery.ack();
          throw new Error('after ack');
        },
      });
      const m = message('order.created', { key: 'k' });
      const barrier = message('order.barrier', { key: 'k' });
      await transport.publish(m);
      await transport.publish(barrier);
      await recorder.until(2, 'the message and the barrier after it');
      await settle();
      assert.deepEqual(ids(recorder.deliveries), [m.id, barrier.id]);
    });

    test('nack() redelivers the message with attempt + 1', async ({ transport, prefix, group, message, record, settle }) => {
      const recorder = await record({
        topic: `${prefix}.order.*`,
        group: group(),
        maxAttempts: 5,
        handler: async (delivery) => {
          if (delivery.attempt < 3) await delivery.nack();
        },
      });
      const m = message('order.created');
      await transport.publish(m);
      await recorder.until(3, 'two redeliveries after nack');
      await settle();
      assert.deepEqual(recorder.deliveries.map((d) => [d.message.id, d.attempt]), [[m.id, 1], [m.id, 2], [m.id, 3]]);
      assert.deepEqual(recorder.deliveries[2]?.message, m);
    });

    test('a handler that throws gets the message again with attempt + 1', async ({ transport, prefix, group, message, record, settle }) => {
      const recorder = await record({
        topic: `${prefix}.order.*`,
        group: group(),
        handler: async (delivery) => {
          if (delivery.attempt === 1) throw new Error('WMS down');
        },
      });
      const m = message('order.created');
      await transport.publish(m);
      await recorder.until(2, 'a redelivery after a throw');
      await settle();
      assert.deepEqual(recorder.deliveries.map((d) => d.attempt), [1, 2]);
    });

    test('after maxAttempts deliveries a failing message is dead-lettered, not delivered again', async ({ transport, prefix, group, message, record, settle }) => {
      const name = group();
      const recorder = await record({
        topic: `${prefix}.order.*`,
        group: name,
        maxAttempts: 3,
        handler: async () => {
          throw new Error('always fails');
        },
      });
      const m = message('order.created');
      await transport.publish(m);
      await recorder.until(3, 'three attempts');
      await settle();
      assert.deepEqual(recorder.deliveries.map((d) => d.attempt), [1, 2, 3]);
      if (options.deadLetters !== undefined) {
        const dead = await options.deadLetters(transport);
        assert.ok(dead.some((d) => d.messageId === m.id && d.group === name), 'the message is among the dead letters of its group');
      }
    });

    test('nack({ requeue: false }) dead-letters the message without redelivery', async ({ transport, prefix, group, message, record, settle }) => {
      const name = group();
      const recorder = await record({
        topic: `${prefix}.order.*`,
        group: name,
        handler: async (delivery) => {
          if (delivery.message.topic.endsWith('poison')) await delivery.nack({ requeue: false });
        },
      });
      const poison = message('order.poison', { key: 'k' });
      const barrier = message('order.barrier', { key: 'k' });
      await transport.publish(poison);
      await transport.publish(barrier);
      await recorder.until(2, 'the rejected message and the barrier');
      await settle();
      assert.deepEqual(ids(recorder.deliveries), [poison.id, barrier.id]);
      if (options.deadLetters !== undefined) {
        const dead = await options.deadLetters(transport);
        assert.ok(dead.some((d) => d.messageId === poison.id && d.group === name));
      }
    });

    test('one consumer with concurrency 1 handles messages of one key in publish order', async ({ transport, prefix, group, message, record }) => {
      const recorder = await record({ topic: `${prefix}.order.*`, group: group(), concurrency: 1 });
      const sent = Array.from({ length: 20 }, (_, i) => message('order.updated', { key: 'order-1', payload: { seq: i } }));
      for (const m of sent) await transport.publish(m);
      await recorder.until(20, 'all twenty messages');
      assert.deepEqual(ids(recorder.deliveries), sent.map((m) => m.id));
    });

    test('a consumer never handles more deliveries at once than its concurrency', async ({ transport, prefix, group, message, record }) => {
      const gates: (() => void)[] = [];
      let running = 0;
      let peak = 0;
      const recorder = await record({
        topic: `${prefix}.order.*`,
        group: group(),
        concurrency: 3,
        handler: async () => {
          running += 1;
          peak = Math.max(peak, running);
          const gate = deferred();
          gates.push(() => gate.resolve());
          await gate.promise;
          running -= 1;
        },
      });
      for (let i = 0; i < 6; i += 1) await transport.publish(message('order.created'));
      await recorder.until(3, 'three deliveries in flight');
      let released = 0;
      while (released < 6) {
        await recorder.until(released + 1, 'the next delivery');
        const open = gates[released];
        assert.ok(open, 'a handler is waiting');
        open();
        released += 1;
      }
      await recorder.until(6, 'all six deliveries');
      assert.equal(peak, 3, `peak concurrency was ${peak}`);
    });

    test('after unsubscribe a consumer gets nothing new; the rest of its group gets everything', async ({ transport, prefix, group, message, record, settle }) => {
      const shared = group();
      const leaving = await record({ topic: `${prefix}.order.*`, group: shared });
      const staying = await record({ topic: `${prefix}.order.*`, group: shared });
      await leaving.unsubscribe();
      const sent = Array.from({ length: 5 }, () => message('order.created'));
      for (const m of sent) await transport.publish(m);
      await staying.until(5, 'the remaining consumer to get all five');
      await settle();
      assert.equal(leaving.deliveries.length, 0);
      assert.deepEqual(ids(staying.deliveries).sort(), sent.map((m) => m.id).sort());
    });

    test('unsubscribe resolves only after in-flight deliveries finished', async ({ transport, prefix, group, message, record }) => {
      const gate = deferred();
      let finished = false;
      const recorder = await record({
        topic: `${prefix}.order.*`,
        group: group(),
        handler: async () => {
          await gate.promise;
          finished = true;
        },
      });
      await transport.publish(message('order.created'));
      await recorder.until(1, 'the delivery to start');
      const stopping = recorder.unsubscribe().then(() => finished);
      gate.resolve();
      assert.equal(await stopping, true, 'the handler finished before unsubscribe resolved');
    });

    test('after close, publish and subscribe reject with TRANSPORT_CLOSED', async ({ transport, prefix, group, message, markClosed }) => {
      markClosed();
      await transport.close();
      const published = await rejectsWithCode(transport.publish(message('order.created')), 'TRANSPORT_CLOSED', 'publish after close');
      assert.ok(isTransportError(published));
      await rejectsWithCode(
        transport.subscribe({ topic: `${prefix}.#`, group: group(), handler: async () => {} }),
        'TRANSPORT_CLOSED',
        'subscribe after close',
      );
    });
  });
}
