// The outbox relay: delivers committed outbox events to a transport at least once, in order per key.
import { z } from 'zod';
import { option, parseOptions } from '../errors/options.js';
import type { Clock } from '../clock/clock.js';
import { instantFromMillis } from '../clock/instant.js';
import type { OutboxStore, StoredOutboxMessage } from '../ports/outbox-port.js';
import type { TransportMessage, TransportPort } from '../ports/transport-port.js';
import { createPollingLoop, defaultSleep } from './polling-loop.js';

/** Options of {@link createOutboxRelay}. */
export interface OutboxRelayOptions {
  /** Where the events wait: any storage (only its `outbox` is used). */
  readonly storage: { readonly outbox: OutboxStore };
  /** Where they go (only `publish` is used). */
  readonly transport: Pick<TransportPort, 'publish'>;
  /** The only source of "now": leases, retry times and `publishedAt` come from it. */
  readonly clock: Clock;
  /**
   * A stable id per relay process; leases are held in its name.
   * @example `relay-${hostname()}-${process.pid}`
   */
  readonly owner: string;
  /**
   * Messages claimed per round.
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * How long a claimed batch stays this relay's. A relay that dies mid-batch loses its lease when
   * it ends and another relay delivers the messages again; keep it well above a batch's publish time.
   * @default 30000
   */
  readonly leaseMs?: number;
  /**
   * Milliseconds to wait before retrying a message whose delivery failed `attempt` times.
   * @default attempt => min(1000 * 2 ** (attempt - 1), 300000) (1 s, 2 s, 4 s, ... 5 min)
   */
  readonly retryDelay?: (attempt: number) => number;
  /**
   * Claims of a message before a failed delivery marks it dead (kept in the outbox for
   * operators). The outbox counts claims, so a round in which a message was claimed but held
   * back behind a failing predecessor of its key counts as well.
   * @default 10
   */
  readonly maxAttempts?: number;
  /**
   * Pause of the `start()` loop after a round that found nothing to do (or failed).
   * @default 1000
   */
  readonly pollIntervalMs?: number;
  /**
   * The timer of the `start()` loop; must resolve early when `signal` aborts. Inject one in
   * tests so the loop needs no real waiting.
   * @default a setTimeout-based sleep
   */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * Told about a round that failed (e.g. the database is unreachable); the loop keeps going.
   * @default ignores the error
   */
  readonly onError?: (error: unknown) => void;
}

/**
 * The outcome of one {@link OutboxRelay.runOnce} round, in the words every loop of Ordo reports
 * in (the task worker's round too): `succeeded`, `retried`, `deadLettered`, `lost`.
 */
export interface OutboxRelayResult {
  /** Messages the transport accepted in this round. */
  readonly succeeded: number;
  /** Messages whose publish failed and that will be tried again. */
  readonly retried: number;
  /** Messages whose publish failed for the last allowed time: marked dead, kept for operators. */
  readonly deadLettered: number;
  /** Always 0 for the relay: a lost lease shows as a redelivery, not a loss. Here so every loop reports alike. */
  readonly lost: number;
  /** @deprecated `succeeded` (one name per idea); stays until 1.0. */
  readonly delivered: number;
  /** @deprecated `retried + deadLettered`; stays until 1.0. */
  readonly failed: number;
  /** @deprecated `deadLettered`; stays until 1.0. */
  readonly dead: number;
}

/** A running or runnable relay. */
export interface OutboxRelay {
  /** Claims one batch, publishes it (keys in parallel, each key in order) and settles it. */
  runOnce(): Promise<OutboxRelayResult>;
  /** Starts the polling loop; a no-op when already running. */
  start(): void;
  /** Stops the loop after the round in progress; resolves when it has stopped. */
  stop(): Promise<void>;
  /** True between `start()` and the end of `stop()`. */
  readonly running: boolean;
}

const relayOptionsSchema = z.strictObject({
  storage: option.withMethods<OutboxRelayOptions['storage']>('a storage port (with an outbox)', 'outbox.claim', 'outbox.markDelivered', 'outbox.release'),
  transport: option.withMethods<OutboxRelayOptions['transport']>('a transport with a publish function', 'publish'),
  clock: option.withMethods<OutboxRelayOptions['clock']>('a Clock', 'now', 'millis'),
  owner: option.text(),
  batchSize: option.positiveInt().default(100),
  leaseMs: option.positiveInt().default(30_000),
  retryDelay: option.fn<NonNullable<OutboxRelayOptions['retryDelay']>>().optional(),
  maxAttempts: option.positiveInt().default(10),
  pollIntervalMs: option.positiveInt().default(1_000),
  sleep: option.fn<NonNullable<OutboxRelayOptions['sleep']>>().optional(),
  onError: option.fn<NonNullable<OutboxRelayOptions['onError']>>().optional(),
});

/** The default backoff: 1 s, doubling, at most 5 minutes. */
function defaultRetryDelay(attempt: number): number {
  return Math.min(1_000 * 2 ** Math.max(0, attempt - 1), 300_000);
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 1_000 ? `${text.slice(0, 1_000)}...` : text;
}

/**
 * Creates a relay that moves committed outbox events to a transport. Delivery is at least once:
 * a message is marked delivered only after the transport accepted it, so a crash in between
 * delivers it again (consumers deduplicate on the message id). Messages with one key are
 * published one after another in commit order; when one fails, the rest of its key waits for
 * its retry. Several relays (other processes, other machines) may run on one storage: the
 * outbox's leases keep them from delivering the same message at the same time.
 *
 * @throws ValidationError `INVALID_OPTIONS` with every bad option's path (checked eagerly).
 * @example
 * const relay = createOutboxRelay({ storage, transport, clock: systemClock, owner: `relay-${process.pid}` });
 * relay.start();
 * // on shutdown
 * await relay.stop();
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const parsed = parseOptions('createOutboxRelay options', relayOptionsSchema, options);
  const { outbox } = parsed.storage;
  const { transport, clock, owner, batchSize, leaseMs, maxAttempts, pollIntervalMs } = parsed;
  const retryDelay = parsed.retryDelay ?? defaultRetryDelay;
  const sleep = parsed.sleep ?? defaultSleep;
  const onError = parsed.onError ?? ((): void => undefined);

  const toTransport = (message: StoredOutboxMessage): TransportMessage => ({
    id: message.id,
    topic: message.topic,
    key: message.key,
    payload: message.payload,
    ...(message.headers === undefined ? {} : { headers: message.headers }),
    publishedAt: clock.now(),
  });

  /** Publishes one key's messages in order; stops at the first failure. */
  const publishKey = async (messages: readonly StoredOutboxMessage[], published: string[]): Promise<{ failed: number; dead: number }> => {
    for (let i = 0; i < messages.length; i += 1) {
      const message = messages[i] as StoredOutboxMessage;
      try {
        await transport.publish(toTransport(message));
        published.push(message.id);
      } catch (error) {
        const dead = message.attempts >= maxAttempts;
        const retryAt = instantFromMillis(clock.millis() + Math.max(0, Math.floor(retryDelay(message.attempts))));
        await outbox.release(message.id, owner, { error: describeError(error), retryAt, ...(dead ? { dead: true } : {}) });
        // The rest of the key goes back untouched in order; the failed message now holds it back
        // until its retry time (or, when dead, no longer blocks it).
        const now = clock.now();
        for (const later of messages.slice(i + 1)) {
          await outbox.release(later.id, owner, { error: `held back: earlier message ${message.id} of key ${message.key} failed`, retryAt: now });
        }
        return { failed: 1, dead: dead ? 1 : 0 };
      }
    }
    return { failed: 0, dead: 0 };
  };

  const runOnce = async (): Promise<OutboxRelayResult> => {
    const batch = await outbox.claim({
      owner,
      now: clock.now(),
      leaseUntil: instantFromMillis(clock.millis() + leaseMs),
      limit: batchSize,
    });
    if (batch.length === 0) return { succeeded: 0, retried: 0, deadLettered: 0, lost: 0, delivered: 0, failed: 0, dead: 0 };
    const byKey = new Map<string, StoredOutboxMessage[]>();
    for (const message of batch) {
      const list = byKey.get(message.key);
      if (list === undefined) byKey.set(message.key, [message]);
      else list.push(message);
    }
    const published: string[] = [];
    const outcomes = await Promise.all([...byKey.values()].map((messages) => publishKey(messages, published)));
    if (published.length > 0) await outbox.markDelivered(published, owner, clock.now());
    const failed = outcomes.reduce((sum, outcome) => sum + outcome.failed, 0);
    const dead = outcomes.reduce((sum, outcome) => sum + outcome.dead, 0);
    return { succeeded: published.length, retried: failed - dead, deadLettered: dead, lost: 0, delivered: published.length, failed, dead };
  };

  const loop = createPollingLoop(
    async () => {
      const result = await runOnce();
      return result.succeeded + result.retried + result.deadLettered > 0;
    },
    { pollIntervalMs, sleep, onError },
  );
  const relay: OutboxRelay = {
    runOnce,
    start: () => loop.start(),
    stop: () => loop.stop(),
    get running(): boolean {
      return loop.running;
    },
  };
  return Object.freeze(relay);
}
