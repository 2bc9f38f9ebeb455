// ordo/adapters/carrier: the in-memory carrier for tests and demos, and the 100 x 150 mm label
// renderer a real carrier adapter can reuse. Labels need bwip-js (an optional peer).
export { createMemoryCarrier } from './carrier/memory-carrier.js';
export type { MemoryCarrier, MemoryCarrierOptions } from './carrier/memory-carrier.js';
export { renderWaybillLabel } from './carrier/waybill-label.js';
export type { WaybillLabelInput } from './carrier/waybill-label.js';
export type { CarrierPort, Waybill, WaybillRequest, WaybillResult, WaybillItem, WaybillPrintData } from '../ports/carrier-port.js';
