// Standard Webhooks (standardwebhooks.com): sign and verify `id.timestamp.body` with HMAC-SHA256 on node:crypto.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../../clock/clock.js';
import { failure, success, type Result } from '../../../errors/result.js';
import { ValidationError, type ValidationIssue } from '../../../errors/validation-error.js';
import { WebhookError } from '../../../errors/webhook-error.js';

/** The three headers of a signed webhook (a type alias, so it passes where a header record is expected). */
export type WebhookHeaders = {
  readonly 'webhook-id': string;
  /** Unix seconds, as text. */
  readonly 'webhook-timestamp': string;
  /** Space-separated `v1,<base64>` signatures, one per secret (key rotation). */
  readonly 'webhook-signature': string;
};

/** A request that verified. */
export interface VerifiedWebhook {
  readonly id: string;
  /** Unix seconds, as sent. */
  readonly timestamp: number;
  /** The raw body, as UTF-8 text. */
  readonly body: string;
}

/** Headers as Node's `IncomingMessage` has them, a fetch `Headers`, or a plain record. */
export type HeaderSource = { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** The endpoint's secret, or several during a rotation (`whsec_` + base64 of 24 to 64 bytes). */
  readonly secrets: string | readonly string[];
  /** "Now" for the timestamp check. */
  readonly clock: Clock;
  /** How far the timestamp may be from now, either way. @default 300000 (5 minutes) */
  readonly toleranceMs?: number;
  /** The largest body accepted. @default 1048576 (1 MiB) */
  readonly maxBodyBytes?: number;
}

const PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SECONDS = /^\d{1,12}$/;

/** @internal A checked secret: its key bytes. */
export type WebhookKey = Buffer & { readonly __webhookKey: true };

/**
 * Checks secrets (every problem at once; a secret is never quoted, only its position) and
 * returns their keys.
 * @throws ValidationError `INVALID_OPTIONS`.
 */
export function webhookKeys(secrets: unknown, subject = 'webhook secrets'): WebhookKey[] {
  const list = typeof secrets === 'string' ? [secrets] : Array.isArray(secrets) ? (secrets as unknown[]) : [];
  const issues: ValidationIssue[] = [];
  if (list.length === 0) issues.push({ code: 'invalid_type', path: ['secrets'], message: 'Expected a secret "whsec_..." or a list of them' });
  const keys = list.map((secret, index) => {
    const path = typeof secrets === 'string' ? ['secrets'] : ['secrets', index];
    if (typeof secret !== 'string' || !secret.startsWith(PREFIX)) {
      issues.push({ code: 'invalid_value', path, message: 'Expected "whsec_" followed by base64 (generateWebhookSecret() makes one)' });
      return Buffer.alloc(0);
    }
    const encoded = secret.slice(PREFIX.length);
    const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
    if (key.length < 24 || key.length > 64) issues.push({ code: 'invalid_value', path, message: `Expected base64 of 24 to 64 random bytes after "whsec_", got ${key.length === 0 ? 'no valid base64' : `${key.length} bytes`}` });
    return key;
  });
  if (issues.length > 0) throw new ValidationError(subject, issues, { code: 'INVALID_OPTIONS' });
  return keys as WebhookKey[];
}

/**
 * A new secret: `whsec_` and the base64 of 32 random bytes.
 * @example generateWebhookSecret() // 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
 */
export function generateWebhookSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64')}`;
}

function signatureOf(key: Buffer, id: string, timestamp: number, body: Buffer): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

function bytesOf(body: string | Uint8Array): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/**
 * Signs a webhook: the three Standard Webhooks headers, with one `v1` signature per secret (send
 * with the old and the new secret during a rotation).
 * @throws ValidationError for a malformed id, timestamp or secret.
 * @example
 * const headers = signWebhook({ id: 'msg_1', timestamp: Math.floor(clock.millis() / 1000), body, secrets: 'whsec_...' });
 */
export function signWebhook(input: { readonly id: string; readonly timestamp: number; readonly body: string | Uint8Array; readonly secrets: string | readonly string[] }): WebhookHeaders {
  const { id, timestamp, body, secrets } = (input ?? {}) as Partial<typeof input>;
  const issues: ValidationIssue[] = [];
  if (typeof id !== 'string' || id === '' || id.length > 256 || /[\s,]/.test(id)) issues.push({ code: 'invalid_value', path: ['id'], message: 'Expected a message id: 1-256 characters, no spaces or commas' });
  if (!Number.isSafeInteger(timestamp) || (timestamp as number) < 0) issues.push({ code: 'invalid_value', path: ['timestamp'], message: 'Expected Unix seconds (a whole number)' });
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) issues.push({ code: 'invalid_type', path: ['body'], message: 'Expected the body as sent: text or bytes' });
  if (issues.length > 0) throw new ValidationError('webhook to sign', issues);
  const keys = webhookKeys(secrets);
  const bytes = bytesOf(body as string | Uint8Array);
  return {
    'webhook-id': id as string,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': keys.map((key) => `v1,${signatureOf(key, id as string, timestamp as number, bytes).toString('base64')}`).join(' '),
  };
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  let value = record[name];
  if (value === undefined) {
    for (const key of Object.keys(record)) if (key.toLowerCase() === name) value = record[key];
  }
  return Array.isArray(value) ? value.join(' ') : (value as string | undefined);
}

/**
 * Verifies a webhook request against the raw body exactly as received (never a re-serialised
 * JSON). Checks, in order: the headers are present and well formed, the body is within
 * `maxBodyBytes`, the timestamp is within `toleranceMs` of the clock's now (either way), and one
 * `v1` signature matches one secret (constant-time comparison). Never throws for a request.
 *
 * @throws ValidationError `INVALID_OPTIONS` for wrong options (checked first).
 * @example
 * const verified = verifyWebhook(request.headers, rawBody, { secrets: process.env.WEBHOOK_SECRET, clock: systemClock });
 * if (!verified.ok) return reply(verified.error.status, verified.error.code);
 */
export function verifyWebhook(headers: HeaderSource, rawBody: string | Uint8Array, options: VerifyWebhookOptions): Result<VerifiedWebhook, WebhookError> {
  const { keys, toleranceMs, maxBodyBytes, clock } = checkVerifyOptions(options);
  return verifyWithKeys(headers, rawBody, keys, clock, toleranceMs, maxBodyBytes);
}

/** @internal Options checked once (the receiver keeps them). */
export function checkVerifyOptions(options: VerifyWebhookOptions): { keys: WebhookKey[]; toleranceMs: number; maxBodyBytes: number; clock: Clock } {
  if (typeof options !== 'object' || options === null) throw new ValidationError('verifyWebhook options', [{ code: 'invalid_type', path: [], message: 'Expected { secrets, clock }' }], { code: 'INVALID_OPTIONS' });
  const keys = webhookKeys(options.secrets, 'verifyWebhook options');
  const issues: ValidationIssue[] = [];
  if (typeof options.clock?.millis !== 'function') issues.push({ code: 'invalid_type', path: ['clock'], message: 'Expected a Clock' });
  const toleranceMs = options.toleranceMs ?? 300_000;
  if (!Number.isSafeInteger(toleranceMs) || toleranceMs < 0) issues.push({ code: 'invalid_value', path: ['toleranceMs'], message: 'Expected milliseconds (a whole number from 0)' });
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) issues.push({ code: 'invalid_value', path: ['maxBodyBytes'], message: 'Expected a byte count from 1' });
  if (issues.length > 0) throw new ValidationError('verifyWebhook options', issues, { code: 'INVALID_OPTIONS' });
  return { keys, toleranceMs, maxBodyBytes, clock: options.clock };
}

/** @internal {@link verifyWebhook} with checked options. */
export function verifyWithKeys(headers: HeaderSource, rawBody: string | Uint8Array, keys: readonly WebhookKey[], clock: Clock, toleranceMs: number, maxBodyBytes: number): Result<VerifiedWebhook, WebhookError> {
  if (typeof headers !== 'object' || headers === null) return failure(new WebhookError('WEBHOOK_MALFORMED', 'No headers: expected webhook-id, webhook-timestamp and webhook-signature'));
  const id = header(headers, 'webhook-id');
  const stamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  const missing = [['webhook-id', id], ['webhook-timestamp', stamp], ['webhook-signature', signatures]].filter(([, value]) => value === undefined || value === '').map(([name]) => name);
  if (missing.length > 0) return failure(new WebhookError('WEBHOOK_MALFORMED', `Missing header${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`, { details: { missing } }));
  if (!SECONDS.test(stamp as string)) return failure(new WebhookError('WEBHOOK_MALFORMED', 'webhook-timestamp is not Unix seconds'));
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) return failure(new WebhookError('WEBHOOK_MALFORMED', 'Expected the raw body as text or bytes'));
  const body = bytesOf(rawBody);
  if (body.length > maxBodyBytes) return failure(new WebhookError('WEBHOOK_BODY_TOO_LARGE', `The body has ${body.length} bytes; at most ${maxBodyBytes} are accepted`, { details: { bytes: body.length, maxBodyBytes } }));
  const timestamp = Number(stamp);
  const skewMs = clock.millis() - timestamp * 1000;
  if (skewMs > toleranceMs) return failure(new WebhookError('WEBHOOK_TIMESTAMP_STALE', `The timestamp is ${Math.round(skewMs / 1000)} s old; at most ${toleranceMs / 1000} s are accepted (a replay, or a clock far behind)`, { details: { skewMs } }));
  if (-skewMs > toleranceMs) return failure(new WebhookError('WEBHOOK_TIMESTAMP_FUTURE', `The timestamp is ${Math.round(-skewMs / 1000)} s ahead; at most ${toleranceMs / 1000} s are accepted (the sender's clock is ahead)`, { details: { skewMs } }));
  const offered: Buffer[] = [];
  for (const part of (signatures as string).split(' ')) {
    const comma = part.indexOf(',');
    if (comma === -1 || part.slice(0, comma) !== 'v1') continue;
    const encoded = part.slice(comma + 1);
    if (BASE64.test(encoded)) offered.push(Buffer.from(encoded, 'base64'));
  }
  for (const key of keys) {
    const expected = signatureOf(key, id as string, timestamp, body);
    for (const signature of offered) if (signature.length === expected.length && timingSafeEqual(signature, expected)) return success({ id: id as string, timestamp, body: body.toString('utf8') });
  }
  return failure(new WebhookError('WEBHOOK_SIGNATURE_INVALID', offered.length === 0 ? 'No v1 signature in webhook-signature' : `None of the ${offered.length} v1 signature${offered.length === 1 ? '' : 's'} matches a secret of this endpoint`));
}
