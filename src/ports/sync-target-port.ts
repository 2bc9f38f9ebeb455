// An external system Ordo keeps in step (a WMS, an ERP's finance module, a marketplace): push a record, read it back.
import type { JsonValue } from './json.js';

/** What a push or a read may use besides the record. */
export interface SyncCallContext {
  /** Aborted when the call's time is up: pass it to fetch, pg, amqplib. */
  readonly signal: AbortSignal;
}

/**
 * One external system. Implement it over the system's API; Ordo calls `push` and then `read`,
 * and diffs what came back against what it pushed.
 */
export interface SyncTarget {
  /** The system's name, as its status dictionary and the diff monitor know it, e.g. `wms`. */
  readonly system: string;
  /** Sends the record (already in the system's own words, see `toTarget`). Throws when the system refused it or did not answer. */
  push(key: string, record: JsonValue, context: SyncCallContext): Promise<void>;
  /** What the system holds for the key now, as it sends it; `undefined` or `null` when it holds nothing. */
  read(key: string, context: SyncCallContext): Promise<unknown>;
}
