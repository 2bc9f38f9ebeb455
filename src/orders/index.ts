// The orders module's face: the status dictionary, the order record, creation and the state machine.
export { ORDER_STATUSES, ORDER_STATUS_DEFINITIONS } from './order-statuses.js';
export type { OrderStatus, StatusDefinition } from './order-statuses.js';
export {
  orderSchema,
  orderLineSchema,
  orderTotalsSchema,
  orderPaymentSchema,
  shipmentSchema,
  historyEntrySchema,
  storedInstantSchema,
} from './order.js';
export type { Order, OrderLine, OrderTotals, OrderPayment, Shipment, HistoryEntry } from './order.js';
export { createOrder, createOrderInputSchema } from './create-order.js';
export type { CreateOrderInput, CreateOrderContext } from './create-order.js';
