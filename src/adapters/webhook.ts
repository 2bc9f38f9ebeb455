// The `ordo/adapters/webhook` entry point: Standard Webhooks signing, verification, a receiver, and the
// sending transport (the application layer's dispatcher wired to an HTTP sender; entry points may wire both).
import { createWebhookDispatcher, type WebhookDispatcher, type WebhookDispatcherOptions } from '../app/webhook-dispatcher.js';
import { TransportError } from '../errors/transport-error.js';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import type { TransportPort } from '../ports/transport-port.js';
import { webhookKeys } from './transport/webhook/standard-webhooks.js';
import { postWebhook, type WebhookEndpoint, type WebhookNetworkPolicy } from './transport/webhook/webhook-http.js';

export { generateWebhookSecret, signWebhook, verifyWebhook } from './transport/webhook/standard-webhooks.js';
export type { WebhookHeaders, VerifiedWebhook, VerifyWebhookOptions, HeaderSource } from './transport/webhook/standard-webhooks.js';
export { createWebhookReceiver } from './transport/webhook/webhook-receiver.js';
export type { WebhookReceiver, WebhookReceiverOptions, ReceivedWebhook, WebhookResponse } from './transport/webhook/webhook-receiver.js';
export { WebhookError, isWebhookError, WEBHOOK_ERROR_STATUS } from '../errors/webhook-error.js';
export type { WebhookErrorCode } from '../errors/webhook-error.js';
export { isPrivateAddress } from './transport/webhook/webhook-http.js';
export type { WebhookEndpoint, WebhookNetworkPolicy, WebhookPostResult } from './transport/webhook/webhook-http.js';

/** Options of {@link createWebhookTransport}. */
export interface WebhookTransportOptions extends Omit<WebhookDispatcherOptions, 'send' | 'endpoints'>, WebhookNetworkPolicy {
  /** Where events go: each endpoint's URL, secret(s) and topics. */
  readonly endpoints: readonly WebhookEndpoint[];
  /** @default the global fetch */
  readonly fetch?: typeof fetch;
}

/** The webhook transport: a publish-only {@link TransportPort} plus its delivery loop. */
export interface WebhookTransport extends TransportPort {
  /** Delivers what is due (retries included); `start()` runs it in a loop. */
  runOnce: WebhookDispatcher['runOnce'];
  start(): void;
  stop(): Promise<void>;
  /** Disabled endpoints (410 Gone, or failing past `disableAfter`), also those disabled before this process. */
  disabled(): Promise<string[]>;
  /** The delivery tasks' scheduler, for `deadLetters()`. */
  readonly deliveries: WebhookDispatcher['deliveries'];
}

/**
 * Creates the sending webhook transport: the outbox relay publishes onto it, it queues one
 * delivery per subscribed endpoint on the task store, and its loop POSTs each as a Standard
 * Webhook (signed with every secret of the endpoint, so a receiver with the old or the new one
 * verifies), retried on Standard Webhooks' schedule by the injected clock. Loopback and private
 * addresses are refused unless `allowPrivateNetworks`; plain http unless `allowHttp`.
 *
 * @throws ValidationError `INVALID_OPTIONS` (every endpoint's URL and secrets are checked now).
 * @example
 * const webhooks = createWebhookTransport({ storage, clock: systemClock, owner: `hooks-${process.pid}`,
 *   endpoints: [{ id: 'wms', url: 'https://wms.example.com/hooks/ordo', secrets: process.env.WMS_WEBHOOK_SECRET, topics: ['order.*'] }] });
 * const relay = createOutboxRelay({ storage, transport: webhooks, clock: systemClock, owner: `relay-${process.pid}` });
 * relay.start(); webhooks.start();
 */
export function createWebhookTransport(options: WebhookTransportOptions): WebhookTransport {
  const { endpoints, fetch: fetchImpl, allowPrivateNetworks, allowHttp, ...rest } = (options ?? {}) as WebhookTransportOptions;
  const issues: ValidationIssue[] = [];
  const byId = new Map<string, WebhookEndpoint>();
  (Array.isArray(endpoints) ? endpoints : []).forEach((endpoint, index) => {
    try {
      webhookKeys(endpoint?.secrets);
    } catch (error) {
      if (error instanceof ValidationError) issues.push(...error.issues.map((issue) => ({ ...issue, path: ['endpoints', index, ...issue.path] })));
    }
    let url: URL | undefined;
    try {
      url = new URL(String(endpoint?.url));
    } catch {
      issues.push({ code: 'invalid_value', path: ['endpoints', index, 'url'], message: 'Expected an absolute URL' });
    }
    if (url !== undefined && url.protocol !== 'https:' && !(url.protocol === 'http:' && allowHttp === true)) issues.push({ code: 'invalid_value', path: ['endpoints', index, 'url'], message: 'Expected https (plain http needs allowHttp)' });
    if (typeof endpoint?.id === 'string') byId.set(endpoint.id, endpoint);
  });
  if (issues.length > 0) throw new ValidationError('createWebhookTransport options', issues, { code: 'INVALID_OPTIONS' });
  const timeoutMs = rest.timeoutMs ?? 15_000;
  const dispatcher = createWebhookDispatcher({
    ...rest,
    endpoints: (endpoints ?? []).map((endpoint) => ({ id: endpoint.id, topics: endpoint.topics })),
    send: (endpointId, request, signal) =>
      postWebhook(byId.get(endpointId) as WebhookEndpoint, request, {
        timeoutMs,
        signal,
        ...(allowPrivateNetworks === undefined ? {} : { allowPrivateNetworks }),
        ...(allowHttp === undefined ? {} : { allowHttp }),
        ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }),
      }),
  });
  const publishOnly = (operation: string) => async (): Promise<never> => {
    throw new TransportError('TRANSPORT_FAILURE', { operation, message: 'the webhook transport only sends; receive webhooks with createWebhookReceiver' });
  };
  return Object.freeze({
    publish: (message: Parameters<TransportPort['publish']>[0]) => dispatcher.publish(message),
    subscribe: publishOnly('subscribe'),
    declareGroup: publishOnly('declareGroup'),
    close: () => dispatcher.stop(),
    runOnce: () => dispatcher.runOnce(),
    start: () => dispatcher.start(),
    stop: () => dispatcher.stop(),
    disabled: () => dispatcher.disabled(),
    deliveries: dispatcher.deliveries,
  });
}
