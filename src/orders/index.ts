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
export { createOrder, createOrderInputSchema, ORDER_INPUT_LIMITS } from './create-order.js';
export type { CreateOrderInput, CreateOrderContext, OrderInputLimits } from './create-order.js';
export { ORDER_EVENT_TYPES } from './order-events.js';
export type {
  OrderEventType,
  OrderEventBase,
  AnyOrderEvent,
  CustomOrderEvent,
  DefaultOrderEvent,
  LineQuantity,
  LineAllocation,
  PayEvent,
  HoldEvent,
  ApproveEvent,
  RejectEvent,
  AllocateEvent,
  StartPickingEvent,
  PackEvent,
  ShipEvent,
  DeliverEvent,
  CompleteEvent,
  CancelEvent,
  RequestReturnEvent,
  ReceiveReturnEvent,
  RefundEvent,
  FlagExceptionEvent,
  ResolveExceptionEvent,
  ChangeAddressEvent,
} from './order-events.js';
export { checkOrderEvent, ORDER_EVENT_LIMITS } from './order-event-check.js';
export type { OrderEventCheck } from './order-event-check.js';
export { createOrderMachine } from './order-machine.js';
export { DEFAULT_ORDER_LIFECYCLE } from './default-order-lifecycle.js';
export { DEFAULT_ORDER_GUARD_NAMES, DEFAULT_ORDER_GUARDS } from './order-guards.js';
export type {
  OrderMachine,
  OrderMachineDefinition,
  OrderMachineBase,
  OrderMachineHooks,
  OrderStatusSpec,
  OrderEventSpec,
  OrderTransitionSpec,
  OrderGuardFn,
  OrderGuardSpec,
  OrderPatch,
  DefaultOrderGuardName,
  GuardVerdictValue,
  GuardVerdict,
  TransitionContext,
  TransitionChange,
  TransitionResult,
  Transition,
  AppliedEvents,
  OrderEventError,
  ApplyResult,
  NextEvent,
  EventInfo,
  TransitionInfo,
  MachineStatus,
  MachineEvent,
  MachineGuard,
} from './order-machine-types.js';
export { effectsToOutbox, creationEffects } from './order-effects.js';
export { amountDue } from './order-payment.js';
export type {
  OrderEffect,
  DefaultOrderEffect,
  StatusChangedEffect,
  CreatedEffect,
  PaymentRecordedEffect,
  ReleaseReservationsEffect,
  CommitReservationsEffect,
  ReturnRequestedEffect,
  ReturnReceivedEffect,
  RefundPaymentEffect,
  AddressChangedEffect,
  EffectsToOutboxOptions,
} from './order-effects.js';
