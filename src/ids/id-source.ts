// Id sources: injected wherever Ordo needs a new id, so domain code has no randomness of its own.
import { randomUUID } from 'node:crypto';

/** Returns a new unique id each call. */
export type IdSource = () => string;

/**
 * Random UUID v4 ids from `node:crypto`; the default for production.
 * @example const ids = createUuidSource('ord_'); ids() // 'ord_3b241101-e2bb-4255-8caf-4136c566a962'
 */
export function createUuidSource(prefix = ''): IdSource {
  return () => `${prefix}${randomUUID()}`;
}

/**
 * Predictable ids `prefix1`, `prefix2`, ...; for tests, demos and replays.
 * @example const ids = createSequentialIdSource('evt-'); ids() // 'evt-1'
 */
export function createSequentialIdSource(prefix = 'id-', start = 1): IdSource {
  let next = start;
  return () => `${prefix}${next++}`;
}
