// The ports' face: the interfaces the core needs from storage and transport.
export type { JsonValue, JsonObject } from './json.js';
export type { StoragePort, StorageCapabilities, UnitOfWork, OrderWrite, OrderReader } from './storage-port.js';
export type { OutboxMessage, StoredOutboxMessage, OutboxStore, OutboxClaimOptions } from './outbox-port.js';
export type { IdempotencyRecord, IdempotencyStore } from './idempotency-port.js';
export type { StockLevel, ReservationRequest, Reservation, ReserveResult, InventoryStore } from './inventory-port.js';
export type { TaskInput, Task, TaskClaimOptions, TaskStore } from './task-port.js';
export type { QuarantineInput, QuarantineRecord, QuarantineStore } from './quarantine-port.js';
export type { TransportMessage, Delivery, SubscribeOptions, Subscription, TransportPort } from './transport-port.js';
