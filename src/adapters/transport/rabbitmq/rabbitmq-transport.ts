// createRabbitMqTransport: the transport port on RabbitMQ (amqplib): a topic exchange, one durable
// queue per consumer group, publisher confirms, manual acks, dead letters, reconnection.
import { connect, type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { z } from 'zod';
import { option, parseOptions } from '../../../errors/options.js';
import { checkMessage, declareSchema, subscribeSchema } from '../transport-message.js';
import { TransportError } from '../../../errors/transport-error.js';
import type { DeclareGroupOptions, Delivery, SubscribeOptions, Subscription, TransportMessage, TransportPort } from '../../../ports/transport-port.js';

/** Options of {@link createRabbitMqTransport}. */
export interface RabbitMqTransportOptions {
  /** The broker, e.g. `amqp://guest:guest@127.0.0.1:5672`. */
  readonly url: string;
  /** The topic exchange events are published to. @default 'ordo.events' */
  readonly exchange?: string;
  /** Prefix of the group queues (`<prefix><group>`) and their dead-letter queues (`<prefix><group>.dead`). @default 'ordo.' */
  readonly queuePrefix?: string;
  /** Quorum queues (replicated; RabbitMQ's recommendation) or classic ones. @default 'quorum' */
  readonly queueType?: 'quorum' | 'classic';
  /** Deliveries before a message is dead-lettered, for subscriptions that do not set their own. @default 5 */
  readonly maxAttempts?: number;
  /** How long the first connection (or a reconnection awaited by a call) may take before the call fails. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Reconnection backoff: first wait and cap, in milliseconds. @default { initialMs: 100, maxMs: 10000 } */
  readonly reconnect?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Told when the connection drops and when it is back (for logs and metrics). */
  readonly onConnectionEvent?: (event: { readonly type: 'disconnected' | 'reconnected'; readonly error?: string }) => void;
}

/** The RabbitMQ transport: the port, plus what operators need to see. */
export interface RabbitMqTransport extends TransportPort {
  /** Connections made so far (1 + reconnections). */
  readonly connections: number;
}

const optionsSchema = z.strictObject({
  url: option.url(['amqp:', 'amqps:'], 'amqp://user:password@127.0.0.1:5672'),
  exchange: option.text().default('ordo.events'),
  queuePrefix: z.string().default('ordo.'),
  queueType: z.enum(['quorum', 'classic']).default('quorum'),
  maxAttempts: option.positiveInt().default(5),
  connectTimeoutMs: option.positiveInt().default(5_000),
  reconnect: z.strictObject({ initialMs: option.positiveInt().default(100), maxMs: option.positiveInt().default(10_000) }).default({ initialMs: 100, maxMs: 10_000 }),
  onConnectionEvent: option.fn<NonNullable<RabbitMqTransportOptions['onConnectionEvent']>>().optional(),
});

const KEY = 'x-ordo-key';
const TOPIC = 'x-ordo-topic';
const PUBLISHED_AT = 'x-ordo-published-at';
const ATTEMPT = 'x-ordo-attempt';
/** Headers Ordo and RabbitMQ add; a message's own headers are the rest. */
const INTERNAL = new Set([KEY, TOPIC, PUBLISHED_AT, ATTEMPT, 'x-delivery-count', 'x-death', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason', 'x-last-death-exchange', 'x-last-death-queue', 'x-last-death-reason']);

interface Consumer {
  readonly group: string;
  readonly topic: string;
  readonly handler: SubscribeOptions['handler'];
  readonly maxAttempts: number;
  readonly concurrency: number;
  channel: Channel | undefined;
  tag: string | undefined;
  stopped: boolean;
  /** Deliveries being handled, and who waits for them to end (unsubscribe, close). */
  inFlight: number;
  drained: (() => void)[];
}

/** Resolves once the consumer has no delivery in flight. */
function drain(consumer: Consumer): Promise<void> {
  if (consumer.inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => consumer.drained.push(resolve));
}

/** Where the broker is, for messages: host and port, never the credentials. */
/** The user a URL logs in as (never its password). */
function userOf(url: string): string {
  try {
    return JSON.stringify(decodeURIComponent(new URL(url).username) || 'guest');
  } catch {
    return '(unknown)';
  }
}

/** The virtual host a URL names (`/` when none). */
function vhostOf(url: string): string {
  try {
    const path = new URL(url).pathname;
    return JSON.stringify(path.length > 1 ? decodeURIComponent(path.slice(1)) : '/');
  } catch {
    return '(unknown)';
  }
}

function whereOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5672'}`;
  } catch {
    return 'the configured URL';
  }
}

/**
 * Creates a transport on RabbitMQ. Messages go to a durable topic exchange with the topic as
 * routing key; each consumer group is a durable queue (quorum by default) bound by Ordo's
 * `*`/`#` patterns, so groups fan out and consumers of a group compete. `publish` resolves once
 * the broker confirmed the message. Deliveries are acked after the handler (manually), at most
 * `concurrency` at once per consumer; a failed delivery is redelivered until `maxAttempts`, then
 * dead-lettered to `<prefix><group>.dead`. A dropped connection is re-established with backoff,
 * the topology declared again and every consumer resumed; calls made meanwhile wait for it, up to
 * `connectTimeoutMs`, then fail with `TRANSPORT_FAILURE`. Connects on first use.
 *
 * @throws ValidationError `INVALID_OPTIONS`.
 * @example
 * const transport = createRabbitMqTransport({ url: process.env.ORDO_RABBITMQ_URL ?? 'amqp://127.0.0.1:5672' });
 * await transport.declareGroup({ group: 'wms', topics: ['order.*'] });
 */
export function createRabbitMqTransport(options: RabbitMqTransportOptions): RabbitMqTransport {
  const { url, exchange, queuePrefix, queueType, maxAttempts: defaultMaxAttempts, connectTimeoutMs, reconnect, onConnectionEvent } = parseOptions('createRabbitMqTransport options', optionsSchema, options);
  const deadExchange = `${exchange}.dead`;
  const consumers = new Set<Consumer>();
  const declared = new Map<string, Set<string>>();
  let model: ChannelModel | undefined;
  let publisher: ConfirmChannel | undefined;
  let ready: Promise<void> | undefined;
  let closed = false;
  let connections = 0;

  const failure = (operation: string, message: string, cause?: unknown): TransportError =>
    new TransportError('TRANSPORT_FAILURE', { operation, message }, cause === undefined ? {} : { cause });
  const timedOut = new Error('timeout');

  /**
   * Why there is no connection, named: the broker refused the login or the virtual host
   * (ACCESS_DENIED, at once: waiting will not help), nobody listens (the socket's code), or no
   * answer within the deadline.
   */
  const connectFailure = (operation: string, error: unknown, timeout: boolean): TransportError => {
    const where = whereOf(url);
    const text = error instanceof Error ? error.message : String(error);
    if (/ACCESS[-_]REFUSED|\b403\b/.test(text)) {
      return new TransportError('ACCESS_DENIED', { operation, message: `RabbitMQ at ${where} refused the login of user ${userOf(url)} (ACCESS_REFUSED): check the user and password in the URL` }, { cause: error });
    }
    // amqplib reports a vhost refused after the login only as a ConnectionClose in place of ConnectionOpenOk.
    if (/NOT[-_]ALLOWED|\b530\b|Expected ConnectionOpenOk; got <ConnectionClose/.test(text)) {
      return new TransportError('ACCESS_DENIED', { operation, message: `RabbitMQ at ${where} refused user ${userOf(url)} access to virtual host ${vhostOf(url)} (NOT_ALLOWED): check that the vhost in the URL exists and the user has permissions on it` }, { cause: error });
    }
    if (timeout) return failure(operation, `RabbitMQ at ${where} is unreachable: no connection within ${connectTimeoutMs} ms`, error);
    const code = (error as { code?: unknown } | null)?.code;
    return failure(operation, `RabbitMQ at ${where} is unreachable (${typeof code === 'string' ? code : 'the connection failed'})`, error);
  };

  const queueOf = (group: string): string => `${queuePrefix}${group}`;

  /** The group's queue and dead-letter queue, and its bindings (idempotent). */
  const declareOn = async (channel: Channel, group: string, topics: Iterable<string>, limit: number): Promise<void> => {
    const queue = queueOf(group);
    await channel.assertQueue(`${queue}.dead`, { durable: true, arguments: { 'x-queue-type': queueType } });
    await channel.bindQueue(`${queue}.dead`, deadExchange, group);
    await channel.assertQueue(queue, {
      durable: true,
      arguments: {
        'x-queue-type': queueType,
        'x-dead-letter-exchange': deadExchange,
        'x-dead-letter-routing-key': group,
        // A safety net under Ordo's own count (RabbitMQ 4 drops quorum messages after 20 without one).
        ...(queueType === 'quorum' ? { 'x-delivery-limit': Math.max(limit, 1) } : {}),
      },
    });
    for (const topic of topics) await channel.bindQueue(queue, exchange, topic);
  };

  const start = async (consumer: Consumer): Promise<void> => {
    const connection = model as ChannelModel;
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    // A consumer channel the broker closed while its connection lives is opened again.
    channel.on('close', () => {
      if (closed || consumer.stopped || model !== connection || consumer.channel !== channel) return;
      setTimeout(() => {
        if (!closed && !consumer.stopped && model === connection) start(consumer).catch(() => undefined);
      }, reconnect.initialMs).unref();
    });
    await channel.prefetch(consumer.concurrency);
    await declareOn(channel, consumer.group, [...(declared.get(consumer.group) ?? []), consumer.topic], consumer.maxAttempts);
    consumer.channel = channel;
    const reply = await channel.consume(queueOf(consumer.group), (raw) => {
      if (raw === null || consumer.stopped) return;
      consumer.inFlight += 1;
      void handle(consumer, channel, raw);
    });
    consumer.tag = reply.consumerTag;
  };

  const handle = async (consumer: Consumer, channel: Channel, raw: ConsumeMessage): Promise<void> => {
    const headers = { ...(raw.properties.headers ?? {}) } as Record<string, unknown>;
    const deliveryCount = typeof headers['x-delivery-count'] === 'number' ? (headers['x-delivery-count'] as number) : 0;
    const attempt = typeof headers[ATTEMPT] === 'number' ? (headers[ATTEMPT] as number) : deliveryCount + 1;
    let message: TransportMessage;
    try {
      message = decode(raw, headers);
    } catch {
      // Not Ordo's wire format: nobody can handle it, so it goes straight to the dead letters.
      try {
        channel.nack(raw, false, false);
      } catch {
        // The channel closed: the broker redelivers it elsewhere.
      }
      done(consumer);
      return;
    }
    let settled = false;
    const settle = async (outcome: 'ack' | 'retry' | 'reject'): Promise<void> => {
      if (settled) return;
      settled = true;
      try {
        if (outcome === 'ack') channel.ack(raw);
        else if (outcome === 'reject' || attempt >= consumer.maxAttempts) channel.nack(raw, false, false);
        else if (queueType === 'quorum') channel.nack(raw, false, true);
        else {
          // Classic queues keep no delivery count: the retry is a copy carrying the next attempt number.
          await publishRaw('redeliver', '', queueOf(consumer.group), raw.content, { ...raw.properties, headers: { ...headers, [ATTEMPT]: attempt + 1 } });
          channel.ack(raw);
        }
      } catch {
        // The channel closed under us: the broker redelivers the message on another channel.
      }
    };
    const delivery: Delivery = {
      message,
      attempt,
      ack: () => settle('ack'),
      nack: (nackOptions) => settle(nackOptions?.requeue === false ? 'reject' : 'retry'),
    };
    try {
      await consumer.handler(delivery);
      await settle('ack');
    } catch {
      await settle('retry');
    } finally {
      done(consumer);
    }
  };

  const done = (consumer: Consumer): void => {
    consumer.inFlight -= 1;
    if (consumer.inFlight === 0 && consumer.drained.length > 0) for (const resolve of consumer.drained.splice(0)) resolve();
  };

  const connectOnce = async (): Promise<void> => {
    const opening = connect(url, { timeout: connectTimeoutMs });
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(timedOut), connectTimeoutMs).unref());
    let connection: ChannelModel;
    try {
      connection = await Promise.race([opening, timer]);
    } catch (error) {
      // A connection that opens after the deadline is closed, not leaked.
      opening.then((late) => late.close(), () => undefined).catch(() => undefined);
      throw error;
    }
    connection.on('error', () => undefined);
    let channel: ConfirmChannel;
    try {
      channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined);
      await channel.assertExchange(exchange, 'topic', { durable: true });
      await channel.assertExchange(deadExchange, 'direct', { durable: true });
      for (const [group, topics] of declared) await declareOn(channel, group, topics, defaultMaxAttempts);
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    // A channel the broker closed (a channel error) is not repaired in place: the whole connection
    // is re-established, which recreates the channel and every consumer.
    channel.on('close', () => {
      if (!closed && model === connection) connection.close().catch(() => undefined);
    });
    model = connection;
    publisher = channel;
    connections += 1;
    connection.on('close', (error?: Error) => {
      if (closed || model !== connection) return;
      model = undefined;
      publisher = undefined;
      onConnectionEvent?.({ type: 'disconnected', ...(error === undefined ? {} : { error: error.message }) });
      ready = reconnectLoop();
      ready.catch(() => undefined);
    });
    for (const consumer of consumers) if (!consumer.stopped) await start(consumer);
  };

  const reconnectLoop = async (): Promise<void> => {
    let wait = reconnect.initialMs;
    for (;;) {
      if (closed) throw failure('reconnect', 'the transport was closed');
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
      try {
        await connectOnce();
        onConnectionEvent?.({ type: 'reconnected' });
        return;
      } catch {
        wait = Math.min(wait * 2, reconnect.maxMs);
      }
    }
  };

  /** Waits for a connection: the first one, or the one being re-established, at most connectTimeoutMs. */
  const connected = async (operation: string): Promise<void> => {
    if (closed) throw new TransportError('TRANSPORT_CLOSED', { operation, message: 'the RabbitMQ transport was closed' });
    if (ready === undefined) {
      ready = connectOnce();
      ready.catch(() => {
        // A failed first connection is retried by the next call.
        ready = undefined;
      });
    }
    const pending = ready;
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(timedOut), connectTimeoutMs).unref());
    try {
      await Promise.race([pending, timer]);
    } catch (error) {
      throw connectFailure(operation, error, error === timedOut);
    }
    if (model === undefined || publisher === undefined) throw failure(operation, `the connection to RabbitMQ at ${whereOf(url)} dropped; reconnecting`);
  };

  const publishRaw = (operation: string, target: string, routingKey: string, content: Buffer, properties: Record<string, unknown>): Promise<void> =>
    new Promise((resolve, reject) => {
      const channel = publisher;
      if (channel === undefined) {
        reject(failure(operation, 'no channel to publish on (reconnecting)'));
        return;
      }
      try {
        channel.publish(target, routingKey, content, properties, (error: unknown) => (error ? reject(failure(operation, 'the broker did not confirm the message', error)) : resolve()));
      } catch (error) {
        reject(failure(operation, 'the channel refused the message', error));
      }
    });

  return Object.freeze({
    get connections(): number {
      return connections;
    },

    async publish(message: TransportMessage): Promise<void> {
      checkMessage(message);
      let content: Buffer;
      try {
        content = Buffer.from(JSON.stringify(message.payload ?? null));
      } catch (error) {
        throw failure('publish', 'the payload is not JSON', error);
      }
      await connected('publish');
      const headers: Record<string, unknown> = { ...message.headers, [TOPIC]: message.topic };
      if (message.key !== undefined) headers[KEY] = message.key;
      if (message.publishedAt !== undefined) headers[PUBLISHED_AT] = message.publishedAt;
      await publishRaw('publish', exchange, message.topic, content, { messageId: message.id, contentType: 'application/json', persistent: true, headers });
    },

    async declareGroup(declaration: DeclareGroupOptions): Promise<void> {
      const { group, topics } = parseOptions('declareGroup options', declareSchema, declaration);
      await connected('declareGroup');
      const known = declared.get(group) ?? new Set<string>();
      for (const topic of topics) known.add(topic);
      declared.set(group, known);
      try {
        await declareOn(publisher as ConfirmChannel, group, topics, defaultMaxAttempts);
      } catch (error) {
        throw failure('declareGroup', `the broker refused the queue for group ${group} (declared before with other arguments?)`, error);
      }
    },

    async subscribe(subscribeOptions: SubscribeOptions): Promise<Subscription> {
      const parsed = parseOptions('subscribe options', subscribeSchema, subscribeOptions);
      await connected('subscribe');
      const consumer: Consumer = {
        group: parsed.group,
        topic: parsed.topic,
        handler: parsed.handler,
        maxAttempts: parsed.maxAttempts ?? defaultMaxAttempts,
        concurrency: parsed.concurrency ?? 1,
        channel: undefined,
        tag: undefined,
        stopped: false,
        inFlight: 0,
        drained: [],
      };
      const known = declared.get(consumer.group) ?? new Set<string>();
      known.add(consumer.topic);
      declared.set(consumer.group, known);
      consumers.add(consumer);
      try {
        await start(consumer);
      } catch (error) {
        consumers.delete(consumer);
        throw failure('subscribe', `could not consume group ${consumer.group}`, error);
      }
      return {
        async unsubscribe(): Promise<void> {
          if (consumer.stopped) return;
          consumer.stopped = true;
          consumers.delete(consumer);
          try {
            if (consumer.channel !== undefined && consumer.tag !== undefined) await consumer.channel.cancel(consumer.tag);
          } catch {
            // The channel is gone already: nothing more arrives on it.
          }
          await drain(consumer);
          await consumer.channel?.close().catch(() => undefined);
        },
      };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const consumer of consumers) {
        consumer.stopped = true;
        if (consumer.channel !== undefined && consumer.tag !== undefined) await consumer.channel.cancel(consumer.tag).catch(() => undefined);
      }
      await Promise.all([...consumers].map(drain));
      consumers.clear();
      const connection = model;
      model = undefined;
      publisher = undefined;
      await connection?.close().catch(() => undefined);
    },
  });
}


/** A delivery back into the message that was published. */
function decode(raw: ConsumeMessage, headers: Record<string, unknown>): TransportMessage {
  const own: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (!INTERNAL.has(name) && typeof value === 'string') own[name] = value;
  const id = raw.properties.messageId;
  if (typeof id !== 'string' || id === '') throw new Error('no message id');
  return {
    id,
    // A classic queue's retry copy is routed by queue name: the topic travels in a header.
    topic: typeof headers[TOPIC] === 'string' ? (headers[TOPIC] as string) : raw.fields.routingKey,
    ...(typeof headers[KEY] === 'string' ? { key: headers[KEY] as string } : {}),
    payload: JSON.parse(raw.content.toString('utf8')) as TransportMessage['payload'],
    ...(Object.keys(own).length === 0 ? {} : { headers: own }),
    ...(typeof headers[PUBLISHED_AT] === 'string' ? { publishedAt: headers[PUBLISHED_AT] as NonNullable<TransportMessage['publishedAt']> } : {}),
  };
}
