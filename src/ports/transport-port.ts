// The transport port: publish events and consume them with acknowledgement, at least once.
import type { Instant } from '../clock/instant.js';
import type { JsonValue } from './json.js';

/** A message on the wire. */
export interface TransportMessage {
  /** Unique; consumers deduplicate on it. */
  readonly id: string;
  /** e.g. `order.status_changed`. Dots separate words for pattern subscriptions. */
  readonly topic: string;
  /** Ordering key, usually the order id. */
  readonly key?: string;
  readonly payload: JsonValue;
  readonly headers?: Readonly<Record<string, string>>;
  readonly publishedAt?: Instant;
}

/** One delivery of a message to a consumer. */
export interface Delivery {
  readonly message: TransportMessage;
  /** 1 on first delivery, then 2, 3, ... on redeliveries. */
  readonly attempt: number;
  /** Confirms processing; the message is not delivered to this group again. */
  ack(): Promise<void>;
  /** Refuses it: redelivered later unless `requeue` is false (then dead-lettered). */
  nack(options?: { readonly requeue?: boolean }): Promise<void>;
}

/** Options for {@link TransportPort.subscribe}. */
export interface SubscribeOptions {
  /**
   * A topic or an AMQP-style pattern: `*` matches one word, `#` zero or more.
   * @example 'order.*'
   */
  readonly topic: string;
  /**
   * Consumers in one group share the work (each message goes to one of them); each group gets
   * every message.
   */
  readonly group: string;
  /**
   * Handles one delivery. Resolving without ack/nack acks; throwing nacks with requeue.
   */
  readonly handler: (delivery: Delivery) => Promise<void>;
  /**
   * Deliveries before a message is dead-lettered.
   * @default 5
   */
  readonly maxAttempts?: number;
  /**
   * Deliveries handled at once by this consumer.
   * @default 1
   */
  readonly concurrency?: number;
}

/** A live subscription. */
export interface Subscription {
  /** Stops receiving; in-flight deliveries finish first. */
  unsubscribe(): Promise<void>;
}

/** Options for {@link TransportPort.declareGroup}. */
export interface DeclareGroupOptions {
  readonly group: string;
  /** The topics or patterns the group receives (added to any it has). */
  readonly topics: readonly string[];
}

/** The transport port. Adapter so far: memory (eventemitter3), in `ordo/adapters/memory`. */
export interface TransportPort {
  /** Publishes a message; resolves when the transport has accepted it. */
  publish(message: TransportMessage): Promise<void>;
  /**
   * Creates a consumer group (its queue, as a broker does) bound to `topics`, before any consumer
   * subscribes: messages published from now on wait for the group's first consumer. Without it a
   * group starts receiving at its first subscription. Idempotent; bindings only add up.
   */
  declareGroup(options: DeclareGroupOptions): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Stops all subscriptions and releases connections. */
  close(): Promise<void>;
}
