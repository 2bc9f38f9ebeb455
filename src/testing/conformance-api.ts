// What the conformance suites need from a test runner, and the helpers they share.
import assert from 'node:assert/strict';
import { isOrdoError } from '../errors/ordo-error.js';
import type { OrdoErrorCode } from '../errors/error-codes.js';

/**
 * The test-runner functions a conformance suite is given, as Keyv's suite takes `test`: pass
 * vitest's, node:test's, mocha's or jest's. The suite never imports a runner itself.
 *
 * @example storageConformance({ describe, it }, () => createMemoryStorage())
 */
export interface ConformanceTestApi {
  /** Groups tests. */
  readonly describe: (name: string, body: () => void) => void;
  /** Declares one test; the body rejects to fail it. */
  readonly it: (name: string, body: () => Promise<void>) => void;
  /**
   * Accepted for runners that share one setup; the suites do not need it, since every test
   * makes and cleans up its own storage or transport (no test depends on another or on order).
   */
  readonly beforeEach?: (body: () => unknown) => void;
  /** See {@link ConformanceTestApi.beforeEach}. */
  readonly afterEach?: (body: () => unknown) => void;
}

/** Asserts that `promise` rejects with an Ordo error carrying `code`. */
export async function rejectsWithCode(promise: Promise<unknown>, code: OrdoErrorCode, what: string): Promise<unknown> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    assert.ok(isOrdoError(error), `${what}: expected an Ordo error with code ${code}, got ${String(error)}`);
    assert.equal(error.code, code, `${what}: expected code ${code}, got ${error.code} (${error.message})`);
    return true;
  });
  return caught;
}

/**
 * Waits for `promise`, failing with `what` after `timeoutMs` instead of hanging the run: the
 * safety net of tests that wait for deliveries (never a timed assertion).
 */
export async function within<T>(promise: Promise<T>, what: string, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new assert.AssertionError({ message: `Timed out after ${timeoutMs} ms waiting for ${what}` })), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A promise with its resolve function, for handlers that signal tests. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

/** Makes a {@link Deferred}. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
