// The application layer's one retry loop: read, decide, commit; on a stale write, read again.
import pRetry, { AbortError } from 'p-retry';
import { isConcurrencyError } from '../errors/concurrency-error.js';

/** How {@link retryOnConflict} retries. */
export interface RetryOnConflictOptions {
  /** Attempts after the first. */
  readonly retries: number;
  /** The first pause, doubled (with jitter) per retry. @default 2 */
  readonly minBackoffMs?: number;
  /** Called once per retried error, before the retry. */
  readonly onConflict?: (error: unknown) => void;
  /**
   * Which errors are a lost race worth a fresh read.
   * @default isConcurrencyError
   */
  readonly retryable?: (error: unknown) => boolean;
}

/**
 * Runs `attempt` (a read, a pure decision and one commit) again after a `CONCURRENCY_CONFLICT`,
 * up to `retries` more times with exponential backoff (p-retry); any other error ends it at once
 * and reaches the caller unchanged, as does the last conflict.
 */
export function retryOnConflict<T>(attempt: () => Promise<T>, options: RetryOnConflictOptions): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await attempt();
      } catch (error) {
        if ((options.retryable ?? isConcurrencyError)(error)) {
          options.onConflict?.(error);
          throw error;
        }
        // Anything else is not a race: p-retry rethrows an AbortError's original error.
        throw new AbortError(error instanceof Error ? error : new Error(String(error)));
      }
    },
    { retries: options.retries, minTimeout: options.minBackoffMs ?? 2, factor: 2, randomize: true },
  );
}
