// What README samples take as given, by name and type: the caller's clock, storage, order and the
// like. test/package/readme-samples.test.ts compiles every README sample under strict with these in
// scope; a sample that names none of them is also run.
import type { BusinessCalendarConfig, CompiledPolicy, CustomerFactProviderConfig, JsonValue, ManualClock, Order, OrderHub, OutboxMessage, StoragePort, SyncTarget } from 'ordo';
import type { StorageBackdoor } from 'ordo/testing';

declare global {
  /** The clock you pass everywhere (a manual one in the samples that move time). */
  const clock: ManualClock;
  /** Any storage adapter. */
  const storage: StoragePort;
  /** A stored order. */
  const order: Order;
  /** An order hub over your storage. */
  const hub: OrderHub;
  /** A compiled approval policy. */
  const policy: CompiledPolicy;
  /** Your CRM lookup for customer facts. */
  const load: CustomerFactProviderConfig['load'];
  /** Raw channel payloads, as received. */
  const payloads: readonly unknown[];
  /** Units free per warehouse and SKU, and grams per unit, for a routing snapshot. */
  const stock: readonly { readonly warehouseId: string; readonly sku: string; readonly available: number }[];
  const weights: Readonly<Record<string, number>>;
  /** A warehouse system as a sync target, and Ordo's record in its words. */
  const wms: SyncTarget;
  const toWms: (record: JsonValue) => JsonValue;
  /** Both sides of a reconciliation, sorted by key. */
  const omsRows: AsyncIterable<Record<string, unknown>>;
  const wmsRows: AsyncIterable<Record<string, unknown>>;
  /** Working hours and holidays in a named zone. */
  const workdays: BusinessCalendarConfig;
  /** Your own storage adapter, and a reader that checks its writes in the database. */
  const createMyStorage: () => StoragePort;
  const rawSqlReader: (storage: StoragePort) => StorageBackdoor;
  /** Outbox messages a partner's webhook leads to. */
  const eventsFrom: (payload: JsonValue) => OutboxMessage[];
}
