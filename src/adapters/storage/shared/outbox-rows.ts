// The outbox and quarantine tables as the SQL adapters read them: one row shape each and one
// mapping to the port's records. What differs between dialects is only how JSON arrives: text
// from SQLite, already parsed from PostgreSQL's json columns (and a bigint sequence as text).
import type { Instant } from '../../../clock/instant.js';
import type { ValidationIssue } from '../../../errors/validation-error.js';
import type { JsonValue } from '../../../ports/json.js';
import type { StoredOutboxMessage } from '../../../ports/outbox-port.js';
import type { QuarantineRecord } from '../../../ports/quarantine-port.js';

/** An outbox row; `J` is a JSON column as the driver hands it over, `N` the sequence's type. */
export interface OutboxRow<J, N> {
  sequence: N;
  id: string;
  topic: string;
  key: string;
  payload: J;
  headers: J | null;
  created_at: Instant;
  status: StoredOutboxMessage['status'];
  attempts: number;
  delivered_at: Instant | null;
  last_error: string | null;
  available_at: Instant;
}

/** The outbox columns, in {@link OutboxRow}'s order. */
export const OUTBOX_COLUMNS = 'sequence, id, topic, key, payload, headers, created_at, status, attempts, delivered_at, last_error, available_at';

/** How a dialect's JSON columns are read: parsed text (SQLite) or as they come (PostgreSQL). */
export type JsonColumn<J> = (value: J) => unknown;

/** Reads JSON stored as text. */
export const parseJsonText: JsonColumn<string> = (text) => JSON.parse(text) as unknown;
/** Reads JSON the driver already parsed. */
export const jsonAsIs: JsonColumn<unknown> = (value) => value;

/** The port's message from a row; absent optionals stay absent (exactOptionalPropertyTypes). */
export function toOutboxMessage<J, N extends number | string>(row: OutboxRow<J, N>, json: JsonColumn<J>): StoredOutboxMessage {
  return {
    id: row.id,
    topic: row.topic,
    key: row.key,
    payload: json(row.payload) as JsonValue,
    ...(row.headers === null ? {} : { headers: json(row.headers) as Record<string, string> }),
    createdAt: row.created_at,
    sequence: Number(row.sequence),
    status: row.status,
    attempts: row.attempts,
    ...(row.delivered_at === null ? {} : { deliveredAt: row.delivered_at }),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    availableAt: row.available_at,
  };
}

/** A quarantine row; `J` is a JSON column as the driver hands it over. */
export interface QuarantineRow<J> {
  id: string;
  source: string;
  payload: J;
  issues: J;
  received_at: Instant;
  status: QuarantineRecord['status'];
  updated_at: Instant;
  revisions: number;
}

/** The quarantine columns, in {@link QuarantineRow}'s order. */
export const QUARANTINE_COLUMNS = 'id, source, payload, issues, received_at, status, updated_at, revisions';

/** The port's record from a quarantine row. */
export function toQuarantineRecord<J>(row: QuarantineRow<J>, json: JsonColumn<J>): QuarantineRecord {
  return {
    id: row.id,
    source: row.source,
    payload: json(row.payload) as JsonValue,
    issues: json(row.issues) as ValidationIssue[],
    receivedAt: row.received_at,
    status: row.status,
    updatedAt: row.updated_at,
    revisions: row.revisions,
  };
}
