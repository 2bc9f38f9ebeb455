// One signed POST to a webhook endpoint, with a bounded time and a guard against private addresses (SSRF).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { signWebhook } from './standard-webhooks.js';

/** Where and how to deliver; see `createWebhookTransport`. */
export interface WebhookEndpoint {
  /** Names the endpoint in tasks, events and errors, e.g. `wms`. */
  readonly id: string;
  readonly url: string;
  /** Its secret, or the new and the old one during a rotation (each signs). */
  readonly secrets: string | readonly string[];
  /** The topics or patterns it receives, e.g. `order.*`. */
  readonly topics: readonly string[];
}

/** What one POST came to. */
export interface WebhookPostResult {
  readonly status: number;
  /** From `Retry-After` (seconds or an HTTP date), in milliseconds. */
  readonly retryAfterMs?: number;
}

/** How {@link postWebhook} may reach an endpoint. */
export interface WebhookNetworkPolicy {
  /** Loopback, private, link-local and unique-local addresses are refused unless this is true (tests, an internal WMS). @default false */
  readonly allowPrivateNetworks?: boolean;
  /** Plain `http:` is refused unless this is true. @default false */
  readonly allowHttp?: boolean;
}

/** @internal Thrown when a URL or the address it resolves to is refused; `code` is non-retryable. */
export function refused(message: string): Error & { code: 'WEBHOOK_ADDRESS_REFUSED' } {
  return Object.assign(new Error(message), { name: 'WebhookAddressRefused', code: 'WEBHOOK_ADDRESS_REFUSED' as const });
}

/** True for an address no webhook should reach from a server: loopback, private, link-local, unspecified, multicast, CGNAT. */
export function isPrivateAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || a >= 224 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  if (version === 6) {
    const lower = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped !== null) return isPrivateAddress(mapped[1] as string);
    return lower === '::' || lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || /^ff/.test(lower);
  }
  return true;
}

/** @internal Checks an endpoint URL and the addresses its host resolves to. */
export async function checkDestination(url: string, policy: WebhookNetworkPolicy): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refused('The endpoint URL does not parse');
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && policy.allowHttp === true)) throw refused(`The endpoint URL must be https (plain http needs allowHttp)`);
  if (policy.allowPrivateNetworks === true) return parsed;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) !== 0 ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) throw refused(`The endpoint ${parsed.host} resolves to a private or loopback address; allow it with allowPrivateNetworks`);
  return parsed;
}

/**
 * Signs and POSTs one webhook. Resolves with the status (and `Retry-After`) whatever it is;
 * rejects when the request could not be made: a refused destination (`WEBHOOK_ADDRESS_REFUSED`),
 * a network error (its code, e.g. `ECONNREFUSED`), or the timeout (`TIMEOUT`). The address check
 * runs before each POST; a host whose DNS answer changes between the check and the request is
 * not caught (no DNS pinning).
 */
export async function postWebhook(
  endpoint: WebhookEndpoint,
  message: { readonly id: string; readonly timestamp: number; readonly body: string },
  options: WebhookNetworkPolicy & { readonly timeoutMs: number; readonly signal?: AbortSignal; readonly fetch?: typeof fetch },
): Promise<WebhookPostResult> {
  const url = await checkDestination(endpoint.url, options);
  const headers = signWebhook({ id: message.id, timestamp: message.timestamp, body: message.body, secrets: endpoint.secrets });
  // AbortSignal.any is Node 20.3+; Ordo supports every Node 20.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), options.timeoutMs);
  const onAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort);
  const send = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await send(url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'ordo-webhooks', ...headers }, body: message.body, redirect: 'manual', signal: controller.signal });
    // The body is not needed; reading it frees the connection.
    await response.arrayBuffer().catch(() => undefined);
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
    const name = (error as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError' || controller.signal.aborted) throw Object.assign(new Error(`The endpoint ${endpoint.id} did not answer within ${options.timeoutMs} ms`), { name: 'TimeoutError', code: 'TIMEOUT' });
    const code = typeof cause?.code === 'string' ? cause.code : 'NETWORK_ERROR';
    throw Object.assign(new Error(`The endpoint ${endpoint.id} could not be reached (${code})`), { code });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  const retryAfter = retryAfterMs(response.headers.get('retry-after'), Date.parse(response.headers.get('date') ?? ''));
  return retryAfter === undefined ? { status: response.status } : { status: response.status, retryAfterMs: retryAfter };
}

/** `Retry-After` as milliseconds: delta seconds, or an HTTP date read against the response's own `Date`. */
function retryAfterMs(header: string | null, responseDate: number): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  if (Number.isNaN(at) || Number.isNaN(responseDate)) return undefined;
  return Math.max(0, at - responseDate);
}
