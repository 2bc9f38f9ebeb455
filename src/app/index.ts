// The application layer's face: the services that read, call the pure core and commit through a
// port. `ordo` re-exports them; `ordo/app` is this entry alone.
export { INGEST_OUTCOMES, ingest, replayQuarantined } from './ingest.js';
export type { IngestContext, IngestLimits, IngestItemResult, IngestNote, IngestNoteCode, IngestOutcome, IngestPayload, IngestReport, ReplayOptions } from './ingest.js';
export { applyOrderEvent } from './apply-order-event.js';
export type { ApplyOrderEventDeps, ApplyOrderEventOptions, ApplyOrderEventResult, AppliedOrderEvent } from './apply-order-event.js';
export { insertOrder, insertOrFindOrder } from './insert-order.js';
export type { InsertOrFindResult } from './insert-order.js';
export { createOutboxRelay } from './outbox-relay.js';
export type { OutboxRelay, OutboxRelayOptions, OutboxRelayResult } from './outbox-relay.js';
export { createMergeService, SURVIVORSHIP_RULES, SURVIVOR_FIELDS } from './merge-service.js';
export type { MergeService, MergeServiceConfig, MergeRequest, UnmergeRequest, SurvivorshipRule, SurvivorField } from './merge-service.js';
export { createStoredCustomerIndex } from './stored-customer-index.js';
export type { StoredCustomerIndex, StoredCustomerIndexOptions } from './stored-customer-index.js';
export { createStorageFactProviders } from './storage-fact-providers.js';
export type { StorageFactProvidersOptions, StorageFactSource } from './storage-fact-providers.js';
export { routeAndReserve, reservationIdOf } from './route-and-reserve.js';
export { CAPACITY_ATTRIBUTE, formatCapacityDays, parseCapacityDays, reservationChangesFor } from './reservation-changes.js';
export type { RouteAndReserveDeps, RouteAndReserveOptions, RoutedOrder, RouteAndReserveResult } from './route-and-reserve.js';
export { createCompensationScheduler, describeFailure } from './compensation-scheduler.js';
export type { CompensationScheduler, CompensationSchedulerOptions, CompensationHandler, CompensationContext, CompensationExtras, CompensationRequest, CompensationRound, RecurringJob } from './compensation-scheduler.js';
export { createSyncService } from './sync-service.js';
export type { SyncService, SyncServiceOptions, SyncTargetConfig, SyncOutcome, ReadBackSchema } from './sync-service.js';
export { reconcile } from './reconcile.js';
export type { ReconcileOptions, ReconciliationSide, ReconciliationDifference, ReconciliationSummary, ReportWriter } from './reconcile.js';
export { reconcileTables } from './reconcile-tables.js';
export type { ReconcileTablesOptions, SqlTableSide, SqlQueryable } from './reconcile-tables.js';
export { createInboxHandler } from './inbox.js';
export type { InboxOptions } from './inbox.js';
