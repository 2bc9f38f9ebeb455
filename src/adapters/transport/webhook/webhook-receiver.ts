// A webhook receiver: verify (signature, two-sided timestamp tolerance, body size), refuse replays by
// webhook-id through the idempotency store, hand the event to a handler; framework-agnostic and node:http.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Instant } from '../../../clock/instant.js';
import { isOrdoError } from '../../../errors/ordo-error.js';
import { isStorageError } from '../../../errors/storage-error.js';
import { ValidationError } from '../../../errors/validation-error.js';
import { WEBHOOK_ERROR_STATUS, WebhookError } from '../../../errors/webhook-error.js';
import type { IdempotencyRecord, IdempotencyStore } from '../../../ports/idempotency-port.js';
import type { JsonValue } from '../../../ports/json.js';
import { checkVerifyOptions, verifyWithKeys, type HeaderSource, type VerifyWebhookOptions } from './standard-webhooks.js';

/** A verified, first-time webhook, as the handler gets it. */
export interface ReceivedWebhook {
  readonly id: string;
  /** Unix seconds, as sent. */
  readonly timestamp: number;
  /** The parsed JSON body. */
  readonly payload: JsonValue;
  /** The raw body. */
  readonly body: string;
  /**
   * The dedupe record of this delivery. Commit it in the unit of work of the handler's effect
   * (`storage.commit({ ..., idempotency: [record] })`) and the effect happens once even when two
   * deliveries race across processes; the loser's `DUPLICATE_KEY` is answered as a replay.
   * Otherwise the receiver stores it after the handler returns.
   */
  readonly record: IdempotencyRecord;
}

/** Options of {@link createWebhookReceiver}. */
export interface WebhookReceiverOptions extends VerifyWebhookOptions {
  /** Where delivered ids are remembered: `storage.idempotency` of any adapter. */
  readonly idempotency: IdempotencyStore;
  /** Does the work; throws to make the sender retry (answered 500). */
  readonly handler: (event: ReceivedWebhook) => Promise<void>;
  /** Prefix of the idempotency keys. @default 'webhook:' */
  readonly keyPrefix?: string;
}

/** What the receiver answers. */
export interface WebhookResponse {
  readonly status: number;
  readonly body: { readonly status: 'accepted' | 'duplicate' } | { readonly error: { readonly code: string; readonly message: string } };
}

/** A receiver; see {@link createWebhookReceiver}. */
export interface WebhookReceiver {
  /** Verifies and handles one request, given its headers and raw body: for any framework. */
  receive(headers: HeaderSource, rawBody: string | Uint8Array): Promise<WebhookResponse>;
  /** A `node:http` request listener: `http.createServer(receiver.handle)`. Reads at most `maxBodyBytes`. */
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
}

/**
 * Creates a Standard Webhooks receiver. Answers: 204 accepted; 208 a replay of a delivered id
 * (the handler is not called again; a 2xx, so the sender stops retrying); 400 malformed headers or
 * body; 401 no matching signature; 403 a timestamp outside the tolerance, either way; 409 an id
 * delivered before with another body; 413 a body over `maxBodyBytes`; 405 not a POST; 500 the
 * handler failed (the sender retries). Concurrent deliveries of one id and body in one process
 * share one handler call; the body is compared on every path (one after the other, at once, or
 * through two receivers on one store), so another body under a delivered id is always 409.
 *
 * @throws ValidationError `INVALID_OPTIONS` for wrong options.
 * @example
 * const receiver = createWebhookReceiver({ secrets: process.env.ORDO_WEBHOOK_SECRET, clock: systemClock, idempotency: storage.idempotency,
 *   handler: async ({ payload, record }) => { await storage.commit({ outbox: [...], idempotency: [record] }); } });
 * http.createServer(receiver.handle).listen(8080);
 */
export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const { keys, toleranceMs, maxBodyBytes, clock } = checkVerifyOptions(options);
  const issues = [];
  if (typeof options.idempotency?.get !== 'function' || typeof options.idempotency.putIfAbsent !== 'function') issues.push({ code: 'invalid_type', path: ['idempotency'], message: 'Expected an idempotency store (storage.idempotency)' });
  if (typeof options.handler !== 'function') issues.push({ code: 'invalid_type', path: ['handler'], message: 'Expected a function (event) => Promise<void>' });
  if (issues.length > 0) throw new ValidationError('createWebhookReceiver options', issues, { code: 'INVALID_OPTIONS' });
  const { idempotency, handler } = options;
  const prefix = options.keyPrefix ?? 'webhook:';
  const inFlight = new Map<string, { readonly fingerprint: string; readonly work: Promise<WebhookResponse> }>();
  const fingerprintOf = (body: string): string => createHash('sha256').update(body).digest('hex');

  const refuse = (error: WebhookError | { code: string; status: number; message: string }): WebhookResponse => ({ status: error.status, body: { error: { code: error.code, message: error.message } } });

  const process_ = async (id: string, timestamp: number, body: string, at: Instant): Promise<WebhookResponse> => {
    const record: IdempotencyRecord = { key: `${prefix}${id}`, fingerprint: fingerprintOf(body), result: null, createdAt: at };
    const seen = await idempotency.get(record.key);
    if (seen !== null) return seen.fingerprint === record.fingerprint ? replayed() : mismatch(id);
    let payload: JsonValue;
    try {
      payload = JSON.parse(body) as JsonValue;
    } catch {
      return refuse(new WebhookError('WEBHOOK_MALFORMED', 'The body is not JSON'));
    }
    try {
      await handler({ id, timestamp, payload, body, record });
    } catch (error) {
      // The handler committed the record in its unit and another delivery (another receiver on
      // the same store) got there first: a replay only if that one had this body.
      if (isStorageError(error) && error.code === 'DUPLICATE_KEY' && (error.part?.store === 'idempotency' || error.operation.startsWith('idempotency'))) {
        const winner = await idempotency.get(record.key);
        return winner === null || winner.fingerprint === record.fingerprint ? replayed() : mismatch(id);
      }
      // Foreign errors' text may quote the payload: only Ordo's messages are passed on.
      return refuse({ code: isOrdoError(error) ? error.code : 'HANDLER_FAILED', status: 500, message: isOrdoError(error) ? error.message : 'The handler failed; the sender will retry' });
    }
    const stored = await idempotency.putIfAbsent(record);
    return stored.fingerprint === record.fingerprint ? { status: 204, body: { status: 'accepted' } } : mismatch(id);
  };

  const receive = async (headers: HeaderSource, rawBody: string | Uint8Array): Promise<WebhookResponse> => {
    const verified = verifyWithKeys(headers, rawBody, keys, clock, toleranceMs, maxBodyBytes);
    if (!verified.ok) return refuse(verified.error);
    const { id, timestamp, body } = verified.value;
    const running = inFlight.get(id);
    if (running !== undefined) {
      const first = await running.work;
      // The same delivery twice at once: one handler call; the second answer says it was a replay.
      if (running.fingerprint === fingerprintOf(body)) return first.status < 300 ? replayed() : first;
      // The same id with another body: refused once the first was delivered; tried on its own if the first was not.
      if (first.status < 300) return mismatch(id);
      return receive(headers, rawBody);
    }
    const work = process_(id, timestamp, body, clock.now());
    inFlight.set(id, { fingerprint: fingerprintOf(body), work });
    try {
      return await work;
    } finally {
      inFlight.delete(id);
    }
  };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const send = (answer: WebhookResponse): void => {
      if (response.headersSent) return;
      if (answer.status === 204) {
        response.writeHead(204).end();
        return;
      }
      const text = JSON.stringify(answer.body);
      response.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    };
    if (request.method !== 'POST') {
      send({ status: 405, body: { error: { code: 'METHOD_NOT_ALLOWED', message: 'Webhooks are POSTed' } } });
      return;
    }
    const declared = Number(request.headers['content-length'] ?? 0);
    const tooLarge = (): WebhookResponse => refuse(new WebhookError('WEBHOOK_BODY_TOO_LARGE', `The body is over ${maxBodyBytes} bytes`, { details: { maxBodyBytes } }));
    if (declared > maxBodyBytes) {
      send(tooLarge());
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        over = true;
        chunks.length = 0;
        send(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (over) return;
      receive(request.headers as Record<string, string | string[] | undefined>, Buffer.concat(chunks)).then(send, () => send({ status: 500, body: { error: { code: 'RECEIVER_FAILED', message: 'The receiver failed (the idempotency store?); the sender will retry' } } }));
    });
    request.on('error', () => send({ status: 400, body: { error: { code: 'WEBHOOK_MALFORMED', message: 'The request could not be read' } } }));
  };

  return Object.freeze({ receive, handle });
}

/** A delivered id again: answered as a success (208), the handler not called. */
function replayed(): WebhookResponse {
  return { status: WEBHOOK_ERROR_STATUS.WEBHOOK_REPLAYED, body: { status: 'duplicate' } };
}

function mismatch(id: string): WebhookResponse {
  return { status: 409, body: { error: { code: 'IDEMPOTENCY_MISMATCH', message: `Message ${describeId(id)} was delivered before with another body` } } };
}

/** An id as messages show it: ids are the sender's (msg_...), but never trusted to be short. */
function describeId(id: string): string {
  return id.length <= 64 ? JSON.stringify(id) : `${JSON.stringify(id.slice(0, 64))}…`;
}

