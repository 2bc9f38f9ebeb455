// The carrier port, shaped like the Chinese electronic waybill services (Cainiao, PDD, Kuaidi100):
// waybills requested in batches for shipments, each answered on its own; cancelled with a reason.
import type { Instant } from '../clock/instant.js';
import type { OrdoError } from '../errors/ordo-error.js';
import type { Address } from '../model/address.js';

/** One item of a parcel, as printed on the label. */
export interface WaybillItem {
  readonly sku: string;
  readonly quantity: number;
  readonly name?: string;
}

/** One shipment to get a waybill for. */
export interface WaybillRequest {
  /**
   * Unique per shipment and stable across retries: a carrier answers a repeated id with the
   * waybill it issued for it, never a second one. Ordo uses `<orderId>:<warehouseId>`.
   */
  readonly requestId: string;
  readonly orderId: string;
  readonly warehouseId: string;
  /** Who ships: `recipient` is the sender's name. */
  readonly sender: Address;
  /** Personal data: masked in every log and error, printed masked on privacy labels. */
  readonly receiver: Address;
  readonly items: readonly WaybillItem[];
  readonly weightGrams: number;
  readonly volumeCm3?: number;
  /** Parcels of a multi-piece shipment: one parent waybill and a child per piece. @default 1 */
  readonly pieces?: number;
  /** The carrier's product, e.g. `standard`, `express`. */
  readonly service?: string;
}

/** What the printer needs: a document and its format. */
export interface WaybillPrintData {
  /** `image/svg+xml` (100 x 150 mm) or `text/html`. */
  readonly contentType: 'image/svg+xml' | 'text/html';
  readonly content: string;
  readonly widthMm: number;
  readonly heightMm: number;
}

/** A waybill a carrier issued. */
export interface Waybill {
  readonly requestId: string;
  readonly carrier: string;
  /** The number on the label: the tracking number. For a multi-piece shipment, the parent's. */
  readonly waybillNo: string;
  /** One per piece for a multi-piece shipment (the first is the parent itself); empty otherwise. */
  readonly pieceWaybillNos: readonly string[];
  /** The carrier's sorting code (三段码) printed large on the label, when it gives one. */
  readonly sortCode?: string;
  readonly printData: readonly WaybillPrintData[];
  readonly issuedAt: Instant;
}

/** Each request's answer, in request order: a waybill, or why not (the batch never fails whole for one). */
export type WaybillResult = { readonly ok: true; readonly value: Waybill } | { readonly ok: false; readonly error: OrdoError };

/** A carrier's waybill service. */
export interface CarrierPort {
  /** The carrier's code, e.g. `YTO`, `SF`, `memory`. */
  readonly name: string;
  /**
   * Requests waybills for a batch of shipments. A request the carrier refuses (an address it does
   * not serve) is `{ ok: false }` with `CARRIER_REJECTED`; a carrier that cannot be reached
   * rejects the whole call with `TRANSPORT_FAILURE` or `TIMEOUT`, to be retried.
   */
  requestWaybills(requests: readonly WaybillRequest[], context?: { readonly signal?: AbortSignal }): Promise<WaybillResult[]>;
  /**
   * Cancels a waybill (an order cancelled before it shipped). Cancelling one cancelled already
   * succeeds; one the carrier already collected is `CARRIER_REJECTED`.
   */
  cancelWaybill(waybillNo: string, reason: string, context?: { readonly signal?: AbortSignal }): Promise<void>;
}
