// The hub's face: the facade that wires modules to adapters, and its persisted-transition helpers.
export { createOrderHub } from './order-hub.js';
export type { OrderHub, OrderHubConfig, CreateOrderOutcome } from './order-hub.js';
export { applyOrderEvent } from '../app/apply-order-event.js';
export type { ApplyOrderEventDeps, ApplyOrderEventOptions, ApplyOrderEventResult } from '../app/apply-order-event.js';
export { insertOrder, insertOrFindOrder } from '../app/insert-order.js';
export type { InsertOrFindResult } from '../app/insert-order.js';
