// An in-memory carrier for tests and demos: deterministic waybill numbers (the same request id
// always gets the same waybill), multi-piece parents and children, sort codes, real printable
// labels, refusals and outages on demand, cancellation and pickup.
import type { Clock } from '../../clock/clock.js';
import { CarrierError } from '../../errors/carrier-error.js';
import { quoteCode } from '../../errors/mask.js';
import { TransportError } from '../../errors/transport-error.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { CarrierPort, Waybill, WaybillRequest, WaybillResult } from '../../ports/carrier-port.js';
import { renderWaybillLabel } from './waybill-label.js';

/** Options of {@link createMemoryCarrier}. */
export interface MemoryCarrierOptions {
  /** Stamps `issuedAt`. */
  readonly clock: Clock;
  /** @default 'MEMORY' */
  readonly name?: string;
  /** Waybill numbers are this prefix and 12 digits. @default 'MC' */
  readonly prefix?: string;
  /** A reason to refuse a request (`CARRIER_REJECTED`), or undefined to issue it. */
  readonly refuse?: (request: WaybillRequest) => string | undefined;
}

/** A memory carrier, with what a test needs to look inside and to make it fail. */
export interface MemoryCarrier extends CarrierPort {
  /** Every waybill issued, in order. */
  issued(): readonly Waybill[];
  /** The state of a waybill number (a parent's or a piece's), or undefined. */
  state(waybillNo: string): 'issued' | 'cancelled' | 'collected' | undefined;
  /** The courier collected it: it can no longer be cancelled. */
  collect(waybillNo: string): void;
  /** While true, every call fails with `TRANSPORT_FAILURE`, as an unreachable service would. */
  setUnavailable(unavailable: boolean): void;
  /** How many `requestWaybills` calls were made (batches, not requests). */
  readonly calls: number;
}

/** Creates a memory carrier. */
export function createMemoryCarrier(options: MemoryCarrierOptions): MemoryCarrier {
  if (typeof options?.clock?.now !== 'function') {
    throw new ValidationError('createMemoryCarrier options', [{ code: 'invalid_type', path: ['clock'], message: 'Expected a Clock' }], { code: 'INVALID_OPTIONS' });
  }
  const name = options.name ?? 'MEMORY';
  const prefix = options.prefix ?? 'MC';
  const byRequest = new Map<string, Waybill>();
  const states = new Map<string, 'issued' | 'cancelled' | 'collected'>();
  const issued: Waybill[] = [];
  let sequence = 0;
  let unavailable = false;
  let calls = 0;

  const number = (): string => `${prefix}${String((sequence += 1)).padStart(12, '0')}`;
  const sortCode = (request: WaybillRequest): string => {
    let hash = 0;
    for (const char of `${request.receiver.province ?? ''}|${request.receiver.city ?? ''}|${request.receiver.district ?? ''}`) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
    return `${100 + (hash % 900)}-${String((hash >>> 10) % 100).padStart(2, '0')}-${String((hash >>> 17) % 1000).padStart(3, '0')}`;
  };
  const outage = (operation: string): void => {
    if (unavailable) throw new TransportError('TRANSPORT_FAILURE', { operation, message: `carrier ${name} is unreachable (memory carrier set unavailable)` });
  };

  const issue = (request: WaybillRequest): WaybillResult => {
    const known = byRequest.get(request.requestId);
    if (known !== undefined) return { ok: true, value: known };
    const reason = options.refuse?.(request);
    if (reason !== undefined) return { ok: false, error: new CarrierError({ carrier: name, message: reason, reason: 'REFUSED', requestId: request.requestId }) };
    const pieces = Math.max(1, Math.floor(request.pieces ?? 1));
    const waybillNo = number();
    const pieceWaybillNos = pieces === 1 ? [] : [waybillNo, ...Array.from({ length: pieces - 1 }, () => number())];
    const code = sortCode(request);
    const label = (no: string, index: number) =>
      renderWaybillLabel({
        carrier: name,
        waybillNo: no,
        sortCode: code,
        ...(request.service === undefined ? {} : { service: request.service }),
        orderId: request.orderId,
        receiver: request.receiver,
        sender: request.sender,
        items: request.items,
        weightGrams: request.weightGrams,
        ...(pieces === 1 ? {} : { piece: { index: index + 1, of: pieces, parentWaybillNo: waybillNo } }),
      });
    const waybill: Waybill = {
      requestId: request.requestId,
      carrier: name,
      waybillNo,
      pieceWaybillNos,
      sortCode: code,
      printData: pieces === 1 ? [label(waybillNo, 0)] : pieceWaybillNos.map((no, index) => label(no, index)),
      issuedAt: options.clock.now(),
    };
    byRequest.set(request.requestId, waybill);
    for (const no of [waybillNo, ...pieceWaybillNos]) states.set(no, 'issued');
    issued.push(waybill);
    return { ok: true, value: waybill };
  };

  return {
    name,
    get calls() {
      return calls;
    },
    async requestWaybills(requests) {
      calls += 1;
      outage('requestWaybills');
      if (!Array.isArray(requests)) throw new ValidationError('waybill requests', [{ code: 'invalid_type', path: [], message: 'Expected an array of waybill requests' }]);
      return requests.map((request) => issue(request));
    },
    async cancelWaybill(waybillNo, reason) {
      outage('cancelWaybill');
      const state = states.get(waybillNo);
      if (state === undefined) throw new CarrierError({ carrier: name, message: `no waybill ${quoteCode(waybillNo)}`, reason: 'UNKNOWN_WAYBILL' });
      if (state === 'collected') throw new CarrierError({ carrier: name, message: `waybill ${quoteCode(waybillNo)} was collected already (${reason === '' ? 'no reason' : 'cancel refused'})`, reason: 'ALREADY_COLLECTED' });
      const waybill = issued.find((w) => w.waybillNo === waybillNo);
      for (const no of [waybillNo, ...(waybill?.pieceWaybillNos ?? [])]) states.set(no, 'cancelled');
    },
    issued: () => [...issued],
    state: (waybillNo) => states.get(waybillNo),
    collect(waybillNo) {
      if (states.has(waybillNo)) states.set(waybillNo, 'collected');
    },
    setUnavailable(value) {
      unavailable = value;
    },
  };
}
