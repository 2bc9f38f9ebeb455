// createMemoryTransport: an in-process broker on eventemitter3 with groups, acks and dead letters.
import { z } from 'zod';
import { option, parseOptions } from '../../../errors/options.js';
import { checkMessage, declareSchema, subscribeSchema } from '../transport-message.js';
import { EventEmitter } from 'eventemitter3';
import { TransportError } from '../../../errors/transport-error.js';
import type { DeclareGroupOptions, Delivery, SubscribeOptions, Subscription, TransportMessage, TransportPort } from '../../../ports/transport-port.js';
import { compileTopicPattern, matchesTopic, type TopicPattern } from '../../../ports/topic-pattern.js';

/** Options of {@link createMemoryTransport}. */
export interface MemoryTransportOptions {
  /**
   * Deliveries before a message is dead-lettered, for subscriptions that do not set their own.
   * @default 5
   * @example { maxAttempts: 3 }
   */
  readonly maxAttempts?: number;
}

/** A message the memory transport gave up on, kept for inspection. */
export interface MemoryDeadLetter {
  readonly message: TransportMessage;
  /** The group that could not process it. */
  readonly group: string;
  /** Deliveries made, the last one included. */
  readonly attempts: number;
  /** `max_attempts`: nacked or thrown on its last allowed attempt; `rejected`: nacked with `requeue: false`. */
  readonly reason: 'max_attempts' | 'rejected';
  /** The handler's error message, when it threw. */
  readonly error?: string;
}

/** The memory transport: the {@link TransportPort} plus inspection for tests. */
export interface MemoryTransport extends TransportPort {
  /** Messages dead-lettered so far, oldest first (copies). */
  deadLetters(): MemoryDeadLetter[];
  /**
   * Resolves once nothing is in flight and nothing queued can be delivered: every handler
   * started has settled, including redeliveries. Lets tests wait without sleeping. Never await
   * it inside a handler: the handler itself is in flight.
   */
  idle(): Promise<void>;
}

interface Consumer {
  readonly pattern: TopicPattern;
  readonly handler: SubscribeOptions['handler'];
  readonly maxAttempts: number;
  readonly concurrency: number;
  active: number;
  stopped: boolean;
  readonly running: Set<Promise<void>>;
}

interface Entry {
  readonly message: TransportMessage;
  /** Deliveries made so far. */
  readonly attempts: number;
}

/** A group is a queue, as in AMQP: it binds every pattern its consumers ever subscribed with. */
interface Group {
  readonly name: string;
  readonly bindings: TopicPattern[];
  readonly consumers: Consumer[];
  readonly queue: Entry[];
  /** Round-robin position among the consumers. */
  cursor: number;
}

const PUBLISH = 'publish';


/**
 * Creates an in-process transport. Each group gets every message published on a topic it is
 * bound to; consumers within a group share its messages round-robin. A handler that resolves
 * without `ack`/`nack` acks, one that throws nacks with requeue; a requeued message goes back
 * to the front of its group's queue with `attempt + 1`, so a single consumer with concurrency 1
 * sees each key in publish order, and is dead-lettered after `maxAttempts` deliveries.
 *
 * Like a broker whose queue does not exist yet, a group only receives messages published after
 * its first subscription, or after `declareGroup`; once created it keeps its bindings and queued
 * messages until `close()`, even with no consumer left. Deliveries start on a later microtask, never inside `publish`.
 * Delivery runs on microtasks (not timers), so it also works under fake timers.
 *
 * @example
 * const transport = createMemoryTransport();
 * await transport.subscribe({ topic: 'order.*', group: 'wms', handler: async ({ message }) => send(message) });
 * await transport.publish({ id: 'evt-1', topic: 'order.approved', key: 'o-1', payload: { id: 'o-1' } });
 * await transport.idle();
 */
export function createMemoryTransport(options: MemoryTransportOptions = {}): MemoryTransport {
  const { maxAttempts: defaultMaxAttempts } = parseOptions('createMemoryTransport options', z.strictObject({ maxAttempts: option.positiveInt().default(5) }), options);

  const emitter = new EventEmitter();
  const groups = new Map<string, Group>();
  const dead: MemoryDeadLetter[] = [];
  let inFlight = 0;
  let pumpScheduled = false;
  let closed = false;
  let closing: Promise<void> | undefined;
  let idleWaiters: (() => void)[] = [];

  const notifyIdle = (): void => {
    if (inFlight !== 0 || pumpScheduled) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const schedulePump = (): void => {
    if (pumpScheduled || closed) return;
    pumpScheduled = true;
    // A microtask rather than setImmediate: delivery must keep working under fake timers.
    queueMicrotask(pump);
  };

  const pickConsumer = (group: Group, topic: string): Consumer | undefined => {
    const count = group.consumers.length;
    for (let k = 0; k < count; k += 1) {
      const consumer = group.consumers[(group.cursor + k) % count] as Consumer;
      if (consumer.active < consumer.concurrency && matchesTopic(consumer.pattern, topic)) {
        group.cursor = (group.cursor + k + 1) % count;
        return consumer;
      }
    }
    return undefined;
  };

  function pump(): void {
    pumpScheduled = false;
    if (closed) return;
    for (const group of groups.values()) {
      let i = 0;
      while (i < group.queue.length && group.consumers.some((c) => c.active < c.concurrency)) {
        const entry = group.queue[i] as Entry;
        const consumer = pickConsumer(group, entry.message.topic);
        if (consumer === undefined) {
          i += 1;
          continue;
        }
        group.queue.splice(i, 1);
        deliver(group, consumer, entry);
      }
    }
    notifyIdle();
  }

  function deliver(group: Group, consumer: Consumer, entry: Entry): void {
    const attempt = entry.attempts + 1;
    let settled = false;
    const settle = (outcome: 'ack' | 'requeue' | 'reject', error?: unknown): void => {
      if (settled || closed) return;
      settled = true;
      if (outcome === 'ack') return;
      if (outcome === 'requeue' && attempt < consumer.maxAttempts) {
        // Back to the front, not the end: later messages with the same key must not overtake it.
        group.queue.unshift({ message: entry.message, attempts: attempt });
        schedulePump();
        return;
      }
      dead.push({
        message: entry.message,
        group: group.name,
        attempts: attempt,
        reason: outcome === 'reject' ? 'rejected' : 'max_attempts',
        ...(error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) }),
      });
    };
    const delivery: Delivery = {
      message: structuredClone(entry.message),
      attempt,
      ack: async () => settle('ack'),
      nack: async (nackOptions) => settle(nackOptions?.requeue === false ? 'reject' : 'requeue'),
    };
    consumer.active += 1;
    inFlight += 1;
    const handle = async (): Promise<void> => {
      try {
        await consumer.handler(delivery);
        settle('ack');
      } catch (error) {
        settle('requeue', error);
      }
    };
    const run: Promise<void> = handle().then(() => {
      consumer.active -= 1;
      inFlight -= 1;
      consumer.running.delete(run);
      schedulePump();
      notifyIdle();
    });
    consumer.running.add(run);
  }

  /** The group's queue, created (and subscribed to publishes) on first use, as a broker's queue is. */
  const groupOf = (name: string): Group => {
    const existing = groups.get(name);
    if (existing !== undefined) return existing;
    const created: Group = { name, bindings: [], consumers: [], queue: [], cursor: 0 };
    emitter.on(PUBLISH, (message: TransportMessage) => {
      if (created.bindings.some((binding) => matchesTopic(binding, message.topic))) {
        created.queue.push({ message, attempts: 0 });
        schedulePump();
      }
    });
    groups.set(name, created);
    return created;
  };

  const bind = (group: Group, topic: string): TopicPattern => {
    const pattern = compileTopicPattern(topic);
    if (!group.bindings.some((binding) => binding.join('.') === topic)) group.bindings.push(pattern);
    return pattern;
  };

  const ensureOpen = (operation: string): void => {
    if (closed) throw new TransportError('TRANSPORT_CLOSED', { operation, message: 'the memory transport was closed' });
  };

  const transport: MemoryTransport = {
    async publish(message: TransportMessage): Promise<void> {
      ensureOpen('publish');
      checkMessage(message);
      let frozen: TransportMessage;
      try {
        frozen = structuredClone(message);
      } catch (error) {
        throw new TransportError('TRANSPORT_FAILURE', { operation: 'publish', message: 'the message cannot be copied (is the payload JSON?)' }, { cause: error });
      }
      // Routing happens now, synchronously: only groups existing at publish time get the message.
      emitter.emit(PUBLISH, frozen);
    },

    async declareGroup(declared: DeclareGroupOptions): Promise<void> {
      ensureOpen('declareGroup');
      const { group: name, topics } = parseOptions('declareGroup options', declareSchema, declared);
      // Every pattern checked before anything is bound: a bad one binds none.
      for (const topic of topics) compileTopicPattern(topic);
      const group = groupOf(name);
      for (const topic of topics) bind(group, topic);
    },

    async subscribe(subscribeOptions: SubscribeOptions): Promise<Subscription> {
      ensureOpen('subscribe');
      parseOptions('subscribe options', subscribeSchema, subscribeOptions);

      compileTopicPattern(subscribeOptions.topic);
      const group = groupOf(subscribeOptions.group);
      const pattern = bind(group, subscribeOptions.topic);
      const consumer: Consumer = {
        pattern,
        handler: subscribeOptions.handler,
        maxAttempts: subscribeOptions.maxAttempts ?? defaultMaxAttempts,
        concurrency: subscribeOptions.concurrency ?? 1,
        active: 0,
        stopped: false,
        running: new Set(),
      };
      group.consumers.push(consumer);
      schedulePump();
      const owner = group;
      return {
        async unsubscribe(): Promise<void> {
          if (!consumer.stopped) {
            consumer.stopped = true;
            const index = owner.consumers.indexOf(consumer);
            if (index >= 0) owner.consumers.splice(index, 1);
          }
          await Promise.all([...consumer.running]);
        },
      };
    },

    async close(): Promise<void> {
      if (closing !== undefined) return closing;
      closed = true;
      emitter.removeAllListeners();
      const running: Promise<void>[] = [];
      for (const group of groups.values()) {
        for (const consumer of group.consumers) {
          consumer.stopped = true;
          running.push(...consumer.running);
        }
        group.consumers.length = 0;
        group.queue.length = 0;
      }
      groups.clear();
      closing = Promise.all(running).then(() => {
        pumpScheduled = false;
        notifyIdle();
      });
      return closing;
    },

    deadLetters(): MemoryDeadLetter[] {
      return structuredClone(dead);
    },

    idle(): Promise<void> {
      if (inFlight === 0 && !pumpScheduled) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
  return Object.freeze(transport);
}
