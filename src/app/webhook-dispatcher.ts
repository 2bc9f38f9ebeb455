// Webhook delivery as tasks: publish queues one delivery per subscribed endpoint; deliveries run on
// the compensation scheduler with the Standard Webhooks retry schedule, on the injected clock.
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { durationToMillis, type DurationInput } from '../clock/instant.js';
import { option, parseOptions } from '../errors/options.js';
import { TransportError } from '../errors/transport-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { createUuidSource, type IdSource } from '../ids/id-source.js';
import type { IdempotencyStore } from '../ports/idempotency-port.js';
import type { JsonValue } from '../ports/json.js';
import type { OutboxMessage } from '../ports/outbox-port.js';
import type { UnitOfWork } from '../ports/storage-port.js';
import type { TaskChange, TaskStore } from '../ports/task-port.js';
import { compileTopicPattern, matchesTopic, type TopicPattern } from '../ports/topic-pattern.js';
import type { TransportMessage } from '../ports/transport-port.js';
import { STANDARD_WEBHOOKS_SCHEDULE, type RetryPolicyInput } from '../tasks/retry-policy.js';
import { createTaskWorker, type TaskHandler, type TaskRound, type TaskWorker } from './task-worker.js';

/** An endpoint as the dispatcher knows it: an id and the topics it receives (the sender knows the rest). */
export interface DispatchEndpoint {
  readonly id: string;
  readonly topics: readonly string[];
}

/** One delivery to make: the Standard Webhooks id, timestamp and body. */
export interface WebhookSendRequest {
  readonly id: string;
  /** Unix seconds of this attempt. */
  readonly timestamp: number;
  /** `{ type, timestamp, data }`, as Standard Webhooks payloads are. */
  readonly body: string;
}

/** Sends one delivery; resolves with the HTTP status, rejects when no answer came (the error's `code` is kept). */
export type WebhookSend = (endpointId: string, request: WebhookSendRequest, signal: AbortSignal) => Promise<{ readonly status: number; readonly retryAfterMs?: number }>;

/** Options of {@link createWebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  /** Tasks hold the deliveries; the idempotency store remembers disabled endpoints across restarts. */
  readonly storage: { readonly tasks: TaskStore; readonly idempotency: IdempotencyStore; commit(unit: UnitOfWork): Promise<void> };
  readonly clock: Clock;
  readonly owner: string;
  readonly endpoints: readonly DispatchEndpoint[];
  readonly send: WebhookSend;
  /** @default Standard Webhooks' schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the first attempt) */
  readonly retry?: RetryPolicyInput;
  /** An endpoint that has failed without a success for this long is disabled, with an event. @default 5 days */
  readonly disableAfter?: DurationInput;
  /** One delivery's time. @default 15000 */
  readonly timeoutMs?: number;
  /**
   * The task worker to contribute deliveries to (its queue and loop, as `createOrdo` passes its
   * own); by default the dispatcher makes its own on `webhook.delivery`.
   */
  readonly tasks?: TaskWorker;
  /** A claimed delivery stays this worker's for this long (a killed worker's deliveries are taken over after it); above `timeoutMs`. @default timeoutMs + 60000 */
  readonly leaseMs?: number;
  /** Outbox topic prefix of its events (`.endpoint_disabled`); deliveries' own events come from the scheduler (`webhook.delivery.*`). @default 'webhook' */
  readonly topic?: string;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  readonly ids?: IdSource;
  readonly onError?: (error: unknown) => void;
}

/** A webhook dispatcher; see {@link createWebhookDispatcher}. */
export interface WebhookDispatcher {
  /** Queues one delivery per enabled endpoint subscribed to the message's topic, in one unit; resolves once they are stored. */
  publish(message: TransportMessage): Promise<void>;
  /** Delivers what is due. */
  runOnce(): Promise<TaskRound>;
  start(): void;
  stop(): Promise<void>;
  /** Disabled endpoints: by 410 Gone or by failing past `disableAfter`, in this process or (once read) before it. */
  disabled(): Promise<string[]>;
  readonly deliveries: TaskWorker;
}

const QUEUE = 'webhook.delivery';

const dispatcherSchema = z.strictObject({
  storage: option.withMethods<WebhookDispatcherOptions['storage']>('a storage port (tasks, idempotency and commit)', 'commit', 'tasks.claim', 'tasks.enqueue', 'idempotency.get', 'idempotency.putIfAbsent'),
  clock: option.withMethods<Clock>('a Clock', 'now', 'millis'),
  owner: option.text(),
  endpoints: z.array(z.object({ id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'Expected an endpoint id: letters, digits, _ . : -'), topics: z.array(option.text()).min(1) }).passthrough()).min(1),
  send: option.fn<WebhookSend>(),
  retry: z.custom<RetryPolicyInput>(() => true).optional(),
  disableAfter: z.custom<DurationInput>(() => true).optional(),
  timeoutMs: option.positiveInt().default(15_000),
  leaseMs: option.positiveInt().optional(),
  tasks: option.withMethods<TaskWorker>('a task worker from createTaskWorker', 'register', 'runOnce', 'enqueueChange').optional(),
  topic: option.text().default('webhook'),
  batchSize: option.positiveInt().optional(),
  pollIntervalMs: option.positiveInt().optional(),
  ids: option.fn<IdSource>().optional(),
  onError: option.fn<(error: unknown) => void>().optional(),
});

interface DeliveryPayload {
  readonly endpointId: string;
  readonly message: TransportMessage;
}

/**
 * Creates a webhook dispatcher: the delivery half of the webhook transport, on the task store.
 * `publish` (what the outbox relay calls) queues one delivery task per subscribed endpoint in one
 * unit; `runOnce`/`start` deliver them through `send`. A 2xx completes; `410 Gone` disables the
 * endpoint and dead-letters the delivery (non-retryable); `429`/`503` retry no sooner than
 * `Retry-After`; anything else retries on the schedule, then dead-letters with every attempt.
 * An endpoint failing with no success for `disableAfter` is disabled with an outbox event.
 * A disabled endpoint stays disabled across restarts and workers (a record in the idempotency
 * store, `webhook:endpoint-disabled:<id>`); to send to it again, give the endpoint a new id. How
 * long an endpoint has been failing is counted per process.
 *
 * @throws ValidationError `INVALID_OPTIONS`.
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const parsed = parseOptions('createWebhookDispatcher options', dispatcherSchema, options);
  const { storage, clock, owner, send, timeoutMs, topic } = parsed;
  const endpoints = parsed.endpoints as readonly DispatchEndpoint[];
  const seen = new Set<string>();
  endpoints.forEach((endpoint, index) => {
    if (seen.has(endpoint.id)) throw new ValidationError('createWebhookDispatcher options', [{ code: 'invalid_value', path: ['endpoints', index, 'id'], message: 'Endpoint ids must differ' }], { code: 'INVALID_OPTIONS' });
    seen.add(endpoint.id);
  });
  const patterns = new Map<string, TopicPattern[]>(endpoints.map((endpoint) => [endpoint.id, endpoint.topics.map(compileTopicPattern)]));
  let disableAfterMs: number;
  try {
    disableAfterMs = durationToMillis(parsed.disableAfter ?? { days: 5 });
  } catch (error) {
    throw new ValidationError('createWebhookDispatcher options', [{ code: 'invalid_value', path: ['disableAfter'], message: error instanceof Error ? error.message : 'Expected a duration' }], { code: 'INVALID_OPTIONS' });
  }
  const ids = parsed.ids ?? createUuidSource('whd_');
  const failingSince = new Map<string, number>();
  // Whether each endpoint is disabled, read once from the idempotency store, then kept.
  const disabledState = new Map<string, Promise<boolean>>();
  const markerKey = (endpointId: string): string => `webhook:endpoint-disabled:${endpointId}`;
  const isDisabled = (endpointId: string): Promise<boolean> => {
    let known = disabledState.get(endpointId);
    if (known === undefined) {
      known = storage.idempotency.get(markerKey(endpointId)).then((record) => record !== null);
      known.catch(() => disabledState.delete(endpointId));
      disabledState.set(endpointId, known);
    }
    return known;
  };

  /** Records the endpoint disabled (idempotent); the event goes out with the delivery's outcome only for the first to disable it. */
  const disable = async (endpointId: string, reason: string, context: { alsoCommit(parts: { outbox: OutboxMessage[] }): void }): Promise<void> => {
    const at = clock.now();
    const marker = { key: markerKey(endpointId), fingerprint: reason, result: { reason, at }, createdAt: at };
    const stored = await storage.idempotency.putIfAbsent(marker);
    disabledState.set(endpointId, Promise.resolve(true));
    if (stored.createdAt === at && stored.fingerprint === reason) {
      context.alsoCommit({ outbox: [{ id: `${endpointId}:disabled:${ids()}`, topic: `${topic}.endpoint_disabled`, key: endpointId, payload: { endpointId, reason, at }, createdAt: at }] });
    }
  };

  const deliver: TaskHandler = async (payload, context) => {
    const { endpointId, message } = payload as unknown as DeliveryPayload;
    if (!patterns.has(endpointId) || (await isDisabled(endpointId))) throw Object.assign(new Error(`Endpoint ${endpointId} is disabled or no longer configured`), { code: 'WEBHOOK_ENDPOINT_DISABLED' });
    const now = clock.millis();
    const body = JSON.stringify({ type: message.topic, timestamp: message.publishedAt ?? clock.now(), data: message.payload });
    let answer: { readonly status: number; readonly retryAfterMs?: number };
    try {
      answer = await send(endpointId, { id: message.id, timestamp: Math.floor(now / 1000), body }, context.signal);
    } catch (error) {
      await noteFailure(endpointId, now, context);
      throw error;
    }
    if (answer.status >= 200 && answer.status < 300) {
      failingSince.delete(endpointId);
      return { status: answer.status };
    }
    if (answer.status === 410) {
      await disable(endpointId, '410 Gone', context);
      throw Object.assign(new Error(`Endpoint ${endpointId} answered 410 Gone: disabled`), { code: 'WEBHOOK_ENDPOINT_GONE' });
    }
    await noteFailure(endpointId, now, context);
    const wait = answer.status === 429 || answer.status === 503 ? answer.retryAfterMs : undefined;
    throw Object.assign(new Error(`Endpoint ${endpointId} answered HTTP ${answer.status}`), { code: `HTTP_${answer.status}`, ...(wait === undefined ? {} : { retryAfterMs: wait }) });
  };
  const retry = { intervals: STANDARD_WEBHOOKS_SCHEDULE, deadline: { days: 30 }, ...parsed.retry, nonRetryableErrorCodes: ['WEBHOOK_ENDPOINT_GONE', 'WEBHOOK_ENDPOINT_DISABLED', 'WEBHOOK_ADDRESS_REFUSED', ...(parsed.retry?.nonRetryableErrorCodes ?? [])] };
  // One kind per dispatcher on a shared worker, named by its endpoints: two transports with the same endpoint ids are refused at register.
  const shared = parsed.tasks;
  const kind = shared === undefined ? 'deliver' : `webhook.deliver:${endpoints.map((endpoint) => endpoint.id).sort().join('+')}`;
  if (shared !== undefined) shared.register(kind, deliver, { retry, timeoutMs, topic: `${topic}.delivery` });
  const queue = shared?.queue ?? QUEUE;
  const deliveries =
    shared ??
    createTaskWorker({
      storage,
      clock,
      owner,
      queue: QUEUE,
      topic: `${topic}.delivery`,
      timeoutMs,
      leaseMs: parsed.leaseMs ?? timeoutMs + 60_000,
      retry,
      ...(parsed.batchSize === undefined ? {} : { batchSize: parsed.batchSize }),
      ...(parsed.pollIntervalMs === undefined ? {} : { pollIntervalMs: parsed.pollIntervalMs }),
      ...(parsed.onError === undefined ? {} : { onError: parsed.onError }),
      ids,
      handlers: { deliver },
    });

  async function noteFailure(endpointId: string, now: number, context: { alsoCommit(parts: { outbox: OutboxMessage[] }): void }): Promise<void> {
    const since = failingSince.get(endpointId);
    if (since === undefined) {
      failingSince.set(endpointId, now);
      return;
    }
    if (now - since >= disableAfterMs && !(await isDisabled(endpointId))) {
      await disable(endpointId, `failing without a success for ${Math.round((now - since) / 3_600_000)} h`, context);
    }
  }

  return Object.freeze({
    async publish(message: TransportMessage): Promise<void> {
      if (typeof message?.id !== 'string' || message.id === '' || typeof message.topic !== 'string' || message.topic === '') {
        throw new ValidationError('transport message', [{ code: 'invalid_type', path: [], message: 'Expected { id, topic, payload }' }]);
      }
      const at = clock.now();
      const tasks: TaskChange[] = [];
      for (const endpoint of endpoints) {
        if (!(patterns.get(endpoint.id) ?? []).some((pattern) => matchesTopic(pattern, message.topic)) || (await isDisabled(endpoint.id))) continue;
        tasks.push({ type: 'enqueue', id: ids(), task: { queue, key: `${endpoint.id}:${message.id}`, payload: { kind, payload: { endpointId: endpoint.id, message } } as unknown as JsonValue, dueAt: at } });
      }
      if (tasks.length === 0) return;
      try {
        await storage.commit({ tasks, at });
      } catch (error) {
        throw new TransportError('TRANSPORT_FAILURE', { operation: 'publish', message: 'the deliveries could not be queued' }, { cause: error });
      }
    },
    runOnce: () => deliveries.runOnce(),
    start: () => deliveries.start(),
    stop: () => deliveries.stop(),
    async disabled(): Promise<string[]> {
      const states = await Promise.all(endpoints.map(async (endpoint) => ((await isDisabled(endpoint.id)) ? endpoint.id : undefined)));
      return states.filter((id): id is string => id !== undefined);
    },
    deliveries,
  });
}
