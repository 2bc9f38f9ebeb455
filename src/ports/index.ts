// The ports' face: the interfaces the core needs from storage and transport.
export type { JsonValue, JsonObject } from './json.js';
export type { StoragePort, StorageCapabilities, UnitOfWork, OrderWrite, OrderReader, Page, OrderMeasure, HistoryRecord, MeasureOptions, HistoryBetweenOptions, TransitionCount } from './storage-port.js';
export type { OutboxMessage, StoredOutboxMessage, OutboxStore, OutboxClaimOptions } from './outbox-port.js';
export type { IdempotencyRecord, IdempotencyStore } from './idempotency-port.js';
export type { CapacityUsage, CapacityQuery, StockLevel, StockQuery, ReservationRequest, Reservation, ReserveResult, InventoryStore, InventoryChange } from './inventory-port.js';
export { INVENTORY_CHANGE_TYPES } from './inventory-port.js';
export type { TaskInput, TaskAttempt, Task, TaskClaimOptions, TaskStore, TaskChange } from './task-port.js';
export { TASK_CHANGE_TYPES } from './task-port.js';
export type { QuarantineInput, QuarantineRecord, QuarantineStore, QuarantineChange } from './quarantine-port.js';
export { QUARANTINE_CHANGE_TYPES } from './quarantine-port.js';
export type { Setting, SettingChange, SettingsStore } from './settings-port.js';
export { SETTING_CHANGE_TYPES } from './settings-port.js';
export type { CustomerStore, CustomerChange, GoldenProfile, MergeAuditRecord, MergeAuditAction, MergeSnapshot } from './customer-store-port.js';
export { CUSTOMER_CHANGE_TYPES } from './customer-store-port.js';
export type { TransportMessage, Delivery, SubscribeOptions, Subscription, TransportPort, DeclareGroupOptions } from './transport-port.js';
export type { SyncTarget, SyncCallContext } from './sync-target-port.js';
export type { CarrierPort, Waybill, WaybillRequest, WaybillResult, WaybillItem, WaybillPrintData } from './carrier-port.js';
export type { OpsSnapshot, OpsSnapshotSource, OpsAlert, OpsJobState, OpsDeadLetter } from './ops-board-port.js';
