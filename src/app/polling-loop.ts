// A start/stop polling loop over one round of work, shared by the outbox relay and the compensation scheduler.

/** The default timer of a polling loop: a setTimeout sleep that ends early when `signal` aborts. */
export function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/** A loop that runs rounds until stopped; see {@link createPollingLoop}. */
export interface PollingLoop {
  /** Starts the loop; a no-op when already running. */
  start(): void;
  /** Stops the loop after the round in progress; resolves when it has stopped. */
  stop(): Promise<void>;
  /** True between `start()` and the end of `stop()`. */
  readonly running: boolean;
}

/**
 * Runs `round` again and again; after a round that did nothing (`round` resolves false) or
 * failed (told to `onError`), sleeps `pollIntervalMs` first.
 */
export function createPollingLoop(
  round: () => Promise<boolean>,
  options: { readonly pollIntervalMs: number; readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>; readonly onError: (error: unknown) => void },
): PollingLoop {
  let loop: Promise<void> | undefined;
  let abort: AbortController | undefined;
  return {
    start(): void {
      if (loop !== undefined) return;
      const controller = new AbortController();
      abort = controller;
      loop = (async () => {
        while (!controller.signal.aborted) {
          let busy = false;
          try {
            busy = await round();
          } catch (error) {
            options.onError(error);
          }
          if (!busy && !controller.signal.aborted) await options.sleep(options.pollIntervalMs, controller.signal);
        }
      })();
    },
    async stop(): Promise<void> {
      if (loop === undefined) return;
      abort?.abort();
      await loop;
      loop = undefined;
      abort = undefined;
    },
    get running(): boolean {
      return loop !== undefined;
    },
  };
}
