// Runs async work with an AbortSignal that aborts after a time; the work's promise is raced against it.

/** The error a timed-out call fails with: `code` `TIMEOUT`, so retry policies can match it. */
export function timeoutError(ms: number, what: string): Error & { code: 'TIMEOUT' } {
  return Object.assign(new Error(`${what} ran longer than ${ms} ms`), { name: 'TimeoutError', code: 'TIMEOUT' as const });
}

/**
 * Calls `run` with a signal that aborts after `ms` (real time: it bounds I/O, it reads no clock)
 * and rejects with {@link timeoutError} then, even when `run` ignores the signal.
 */
export async function withTimeout<T>(ms: number, what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = timeoutError(ms, what);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
