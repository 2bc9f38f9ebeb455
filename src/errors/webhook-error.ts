// A webhook request that did not verify: each reason its own code and HTTP status.
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';

/** Why a webhook request was refused. */
export type WebhookErrorCode =
  | 'WEBHOOK_MALFORMED'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'WEBHOOK_TIMESTAMP_STALE'
  | 'WEBHOOK_TIMESTAMP_FUTURE'
  | 'WEBHOOK_REPLAYED'
  | 'WEBHOOK_BODY_TOO_LARGE';

/**
 * The HTTP status a receiver answers with for each code. A replay answers 208 (a success), so
 * a sender whose first delivery's answer was lost stops retrying, and the handler never runs twice.
 */
export const WEBHOOK_ERROR_STATUS: Readonly<Record<WebhookErrorCode, number>> = Object.freeze({
  WEBHOOK_MALFORMED: 400,
  WEBHOOK_SIGNATURE_INVALID: 401,
  WEBHOOK_TIMESTAMP_STALE: 403,
  WEBHOOK_TIMESTAMP_FUTURE: 403,
  WEBHOOK_REPLAYED: 208,
  WEBHOOK_BODY_TOO_LARGE: 413,
});

/** A webhook that failed verification. Messages never quote a secret, a signature or the body. */
export class WebhookError extends OrdoError<WebhookErrorCode> {
  /** The HTTP status to answer with; see {@link WEBHOOK_ERROR_STATUS}. */
  readonly status: number;

  constructor(code: WebhookErrorCode, message: string, options: OrdoErrorOptions = {}) {
    super(code, message, options);
    this.name = 'WebhookError';
    this.status = WEBHOOK_ERROR_STATUS[code];
  }
}

/** True for a {@link WebhookError}, also across realms. */
export function isWebhookError(value: unknown): value is WebhookError {
  return value instanceof WebhookError || (value as { name?: unknown } | null)?.name === 'WebhookError';
}
