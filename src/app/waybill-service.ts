// Electronic waybills for allocated orders: one request per (order, warehouse) in a batch to the
// carrier, each answer committed with its `waybill.created` event (the label for the warehouse
// printer) in one unit; a carrier that cannot be reached is retried through the task store; an
// order cancelled before it shipped gets its waybills cancelled.
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { isCarrierError } from '../errors/carrier-error.js';
import { option, parseOptions } from '../errors/options.js';
import { hasErrorCode, isOrdoError } from '../errors/ordo-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { createUuidSource, type IdSource } from '../ids/id-source.js';
import type { Address } from '../model/address.js';
import type { ShipEvent } from '../orders/order-events.js';
import type { Order } from '../orders/order.js';
import type { CarrierPort, Waybill, WaybillRequest } from '../ports/carrier-port.js';
import type { IdempotencyRecord } from '../ports/idempotency-port.js';
import type { JsonValue } from '../ports/json.js';
import type { OutboxMessage } from '../ports/outbox-port.js';
import type { StoragePort, UnitOfWork } from '../ports/storage-port.js';
import type { TransportMessage } from '../ports/transport-port.js';
import type { RetryPolicyInput } from '../tasks/retry-policy.js';
import { createTaskWorker, describeFailure, type TaskHandler, type TaskWorker } from './task-worker.js';
import { withTimeout } from './with-timeout.js';

/** A parcel's physical facts, for one warehouse's part of an order. */
export interface ParcelFacts {
  readonly weightGrams: number;
  readonly volumeCm3?: number;
  /** @default 1 */
  readonly pieces?: number;
  readonly service?: string;
}

/** A waybill as Ordo keeps it: the carrier's answer with the order and warehouse it is for. */
export interface StoredWaybill extends Waybill {
  readonly orderId: string;
  readonly warehouseId: string;
}

/** What {@link WaybillService.requestFor} did. */
export interface WaybillRequestOutcome {
  readonly issued: readonly StoredWaybill[];
  /** Waybills the order had already (a repeated call issues nothing twice). */
  readonly existing: readonly StoredWaybill[];
  /** Shipments the carrier refused (`CARRIER_REJECTED`): someone must fix them; not retried. */
  readonly refused: readonly { readonly warehouseId: string; readonly code: string; readonly message: string }[];
  /** The carrier could not be reached: a retry was queued in the task store. */
  readonly retryScheduled: boolean;
}

/** What {@link WaybillService.cancelFor} did. */
export interface WaybillCancelOutcome {
  readonly cancelled: readonly string[];
  /** Waybills the carrier would not cancel (collected already): intercept the parcel. */
  readonly refused: readonly { readonly waybillNo: string; readonly message: string }[];
  readonly retryScheduled: boolean;
}

/** Options of {@link createWaybillService}. */
export interface WaybillServiceOptions {
  readonly storage: StoragePort;
  readonly clock: Clock;
  readonly carrier: CarrierPort;
  /** The sender printed on labels: one address, or one per warehouse. */
  readonly sender: Address | ((warehouseId: string) => Address);
  /**
   * Weight, volume, pieces and service of one warehouse's part of an order.
   * @default 500 g per unit, one piece
   */
  readonly parcel?: (order: Order<string>, warehouseId: string, lines: readonly { readonly lineId: string; readonly sku: string; readonly quantity: number }[]) => ParcelFacts;
  /** A stable id per worker process (retry leases are held in its name). */
  readonly owner: string;
  /** How requests and cancellations the carrier could not take are retried. @default every 15 minutes for 72 hours */
  readonly retry?: RetryPolicyInput;
  /** The task queue of those retries. @default 'waybill.compensation' */
  readonly queue?: string;
  /** The status whose entry requests waybills (in {@link WaybillService.handle}); `null` turns that off. @default 'allocated' */
  readonly requestOn?: string | null;
  /** @default 'cancelled' */
  readonly cancelOn?: string | null;
  /** A carrier call's time. @default 30000 */
  readonly timeoutMs?: number;
  /** Outbox topic prefix. @default 'waybill' */
  readonly topic?: string;
  readonly ids?: IdSource;
  /** The task worker to contribute retries to (its queue and loop, as `createOrdo` passes its own); by default the service makes its own on `queue`. */
  readonly tasks?: TaskWorker;
}

/** A waybill service; see {@link createWaybillService}. */
export interface WaybillService {
  /** Requests the waybills an allocated order lacks (one per warehouse), commits each with its event. */
  requestFor(orderId: string): Promise<WaybillRequestOutcome>;
  /** Cancels the order's active waybills at the carrier, each with its event. */
  cancelFor(orderId: string, reason: string): Promise<WaybillCancelOutcome>;
  /** The order's waybills and whether each was cancelled. */
  waybillsOf(orderId: string): Promise<(StoredWaybill & { readonly cancelled: boolean })[]>;
  /** The `ship` event for a warehouse's parcel, with the carrier and the waybill number as tracking number. */
  shipEvent(orderId: string, warehouseId: string, eventId: string): Promise<ShipEvent>;
  /** For `createInboxHandler` on `order.status_changed`: requests on allocation, cancels on cancellation. */
  handle(message: TransportMessage): Promise<UnitOfWork | void>;
  /** The retries' scheduler (kinds `waybill.request`, `waybill.cancel`): `start()` it in a worker, read its `deadLetters()`. */
  readonly compensation: TaskWorker;
}

const optionsSchema = z.strictObject({
  storage: option.withMethods<StoragePort>('a StoragePort', 'commit', 'orders.get', 'idempotency.get'),
  clock: option.withMethods<Clock>('a Clock', 'now'),
  carrier: option.withMethods<CarrierPort>('a CarrierPort', 'requestWaybills', 'cancelWaybill'),
  sender: z.union([z.custom<Address>((value) => typeof value === 'object' && value !== null && typeof (value as Address).street === 'string', 'Expected an address with a street'), option.fn<(warehouseId: string) => Address>()]),
  parcel: option.fn<NonNullable<WaybillServiceOptions['parcel']>>().optional(),
  owner: option.text(),
  retry: z.custom<RetryPolicyInput>((value) => typeof value === 'object' && value !== null).optional(),
  queue: option.text().default('waybill.compensation'),
  requestOn: z.string().min(1).nullable().default('allocated'),
  cancelOn: z.string().min(1).nullable().default('cancelled'),
  timeoutMs: option.positiveInt().default(30_000),
  topic: option.text().default('waybill'),
  ids: option.fn<IdSource>().optional(),
  tasks: option.withMethods<TaskWorker>('a task worker from createTaskWorker', 'register', 'runOnce', 'scheduleChange').optional(),
});

const waybillKey = (orderId: string, warehouseId: string): string => `waybill:${orderId}:${warehouseId}`;
const cancelledKey = (waybillNo: string): string => `waybill-cancelled:${waybillNo}`;

/** The order's allocated units per warehouse, with each line's SKU. */
function byWarehouse(order: Order<string>): Map<string, { lineId: string; sku: string; quantity: number }[]> {
  const groups = new Map<string, { lineId: string; sku: string; quantity: number }[]>();
  for (const line of order.lines) {
    for (const allocation of line.allocations) {
      const group = groups.get(allocation.warehouseId) ?? [];
      group.push({ lineId: line.lineId, sku: line.sku, quantity: allocation.quantity });
      groups.set(allocation.warehouseId, group);
    }
  }
  return groups;
}

/**
 * Creates the waybill service. Every write is one unit: the waybill (kept in the idempotency
 * store under `waybill:<orderId>:<warehouseId>`, so a repeat never asks twice) with its outbox
 * event, or the retry task with the failure.
 * @throws ValidationError `INVALID_OPTIONS`.
 */
export function createWaybillService(options: WaybillServiceOptions): WaybillService {
  const parsed = parseOptions('createWaybillService options', optionsSchema, options);
  const { storage, clock, carrier, timeoutMs, topic } = parsed;
  const ids = parsed.ids ?? createUuidSource();
  const senderFor = (warehouseId: string): Address => (typeof parsed.sender === 'function' ? (parsed.sender as (id: string) => Address)(warehouseId) : (parsed.sender as Address));
  const parcelFor = parsed.parcel ?? ((_order: Order<string>, _warehouseId: string, lines: readonly { quantity: number }[]): ParcelFacts => ({ weightGrams: 500 * lines.reduce((sum, line) => sum + line.quantity, 0) }));
  const event = (name: string, key: string, payload: JsonValue): OutboxMessage => ({ id: ids(), topic: `${topic}.${name}`, key, payload, createdAt: clock.now() });

  const readOrder = async (orderId: string): Promise<Order<string>> => {
    if (typeof orderId !== 'string' || orderId === '') throw new ValidationError('order id', [{ code: 'invalid_type', path: ['orderId'], message: 'Expected an order id' }]);
    const order = await storage.orders.get(orderId);
    if (order === null) throw new ValidationError('order id', [{ code: 'invalid_value', path: ['orderId'], message: 'No order has this id' }]);
    return order;
  };
  const stored = async (orderId: string, warehouseId: string): Promise<StoredWaybill | null> => {
    const record = await storage.idempotency.get(waybillKey(orderId, warehouseId));
    return record === null ? null : (record.result as unknown as StoredWaybill);
  };
  const callCarrier = <T>(what: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> => withTimeout(timeoutMs, `carrier ${carrier.name} ${what}`, (signal) => call(signal));
  const retryable = (error: unknown): boolean => !isCarrierError(error) && !hasErrorCode(error, 'VALIDATION_FAILED');

  const request = async (orderId: string, scheduleOnFailure: boolean): Promise<WaybillRequestOutcome> => {
    const order = await readOrder(orderId);
    const existing: StoredWaybill[] = [];
    const missing: WaybillRequest[] = [];
    for (const [warehouseId, lines] of byWarehouse(order)) {
      const known = await stored(order.id, warehouseId);
      if (known !== null) {
        existing.push(known);
        continue;
      }
      if (order.shippingAddress === undefined) throw new ValidationError('order', [{ code: 'invalid_value', path: ['shippingAddress'], message: 'A waybill needs the order\'s shipping address' }]);
      const facts = parcelFor(order, warehouseId, lines);
      missing.push({
        requestId: `${order.id}:${warehouseId}`,
        orderId: order.id,
        warehouseId,
        sender: senderFor(warehouseId),
        receiver: order.shippingAddress,
        items: lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
        weightGrams: facts.weightGrams,
        ...(facts.volumeCm3 === undefined ? {} : { volumeCm3: facts.volumeCm3 }),
        ...(facts.pieces === undefined ? {} : { pieces: facts.pieces }),
        ...(facts.service === undefined ? {} : { service: facts.service }),
      });
    }
    if (missing.length === 0) return { issued: [], existing, refused: [], retryScheduled: false };

    let results;
    try {
      results = await callCarrier('requestWaybills', (signal) => carrier.requestWaybills(missing, { signal }));
    } catch (error) {
      if (!scheduleOnFailure || !retryable(error)) throw error;
      const failure = describeFailure(error, clock.now());
      await storage.commit({
        at: clock.now(),
        tasks: [compensation.scheduleChange({ kind: 'waybill.request', key: `waybill.request:${order.id}`, payload: { orderId: order.id }, failure: { error } })],
        outbox: [event('request_failed', order.id, { orderId: order.id, error: failure.error, ...(failure.code === undefined ? {} : { code: failure.code }) })],
      });
      return { issued: [], existing, refused: [], retryScheduled: true };
    }
    const issued: StoredWaybill[] = [];
    const refused: { warehouseId: string; code: string; message: string }[] = [];
    const records: IdempotencyRecord[] = [];
    const outbox: OutboxMessage[] = [];
    missing.forEach((sent, index) => {
      const result = results[index];
      if (result === undefined || !result.ok) {
        const error = result?.error;
        const code = isOrdoError(error) ? error.code : 'CARRIER_REJECTED';
        const message = isOrdoError(error) ? error.message : 'the carrier gave no answer for this shipment';
        refused.push({ warehouseId: sent.warehouseId, code, message });
        outbox.push(event('refused', order.id, { orderId: order.id, warehouseId: sent.warehouseId, code, message }));
        return;
      }
      const waybill: StoredWaybill = { ...result.value, orderId: order.id, warehouseId: sent.warehouseId };
      issued.push(waybill);
      records.push({ key: waybillKey(order.id, sent.warehouseId), fingerprint: sent.requestId, result: waybill as unknown as JsonValue, createdAt: clock.now() });
      outbox.push(event('created', order.id, { orderId: order.id, warehouseId: sent.warehouseId, carrier: waybill.carrier, waybillNo: waybill.waybillNo, pieceWaybillNos: [...waybill.pieceWaybillNos], ...(waybill.sortCode === undefined ? {} : { sortCode: waybill.sortCode }), printData: waybill.printData as unknown as JsonValue }));
    });
    try {
      await storage.commit({ idempotency: records, outbox });
    } catch (error) {
      // Another worker stored them first; the carrier answered both with the same waybills.
      if (!hasErrorCode(error, 'DUPLICATE_KEY')) throw error;
      return request(orderId, scheduleOnFailure);
    }
    return { issued, existing, refused, retryScheduled: false };
  };

  const waybillsOf = async (orderId: string): Promise<(StoredWaybill & { cancelled: boolean })[]> => {
    const order = await readOrder(orderId);
    const found: (StoredWaybill & { cancelled: boolean })[] = [];
    for (const warehouseId of byWarehouse(order).keys()) {
      const waybill = await stored(order.id, warehouseId);
      if (waybill !== null) found.push({ ...waybill, cancelled: (await storage.idempotency.get(cancelledKey(waybill.waybillNo))) !== null });
    }
    return found;
  };

  const cancel = async (orderId: string, reason: string, scheduleOnFailure: boolean): Promise<WaybillCancelOutcome> => {
    if (typeof reason !== 'string' || reason === '') throw new ValidationError('cancel reason', [{ code: 'invalid_value', path: ['reason'], message: 'Expected why the waybills are cancelled' }]);
    const cancelled: string[] = [];
    const refused: { waybillNo: string; message: string }[] = [];
    for (const waybill of await waybillsOf(orderId)) {
      if (waybill.cancelled) continue;
      try {
        await callCarrier('cancelWaybill', (signal) => carrier.cancelWaybill(waybill.waybillNo, reason, { signal }));
      } catch (error) {
        if (isCarrierError(error)) {
          refused.push({ waybillNo: waybill.waybillNo, message: error.message });
          await storage.commit({ outbox: [event('cancel_refused', orderId, { orderId, waybillNo: waybill.waybillNo, code: error.code, message: error.message })] });
          continue;
        }
        if (!scheduleOnFailure || !retryable(error)) throw error;
        await storage.commit({ at: clock.now(), tasks: [compensation.scheduleChange({ kind: 'waybill.cancel', key: `waybill.cancel:${orderId}`, payload: { orderId, reason }, failure: { error } })] });
        return { cancelled, refused, retryScheduled: true };
      }
      try {
        await storage.commit({
          idempotency: [{ key: cancelledKey(waybill.waybillNo), fingerprint: waybill.waybillNo, result: { reason, at: clock.now() }, createdAt: clock.now() }],
          outbox: [event('cancelled', orderId, { orderId, warehouseId: waybill.warehouseId, waybillNo: waybill.waybillNo, reason })],
        });
      } catch (error) {
        if (!hasErrorCode(error, 'DUPLICATE_KEY')) throw error;
      }
      cancelled.push(waybill.waybillNo);
    }
    return { cancelled, refused, retryScheduled: false };
  };

  const payloadOrderId = (payload: JsonValue): string => {
    const orderId = (payload as { orderId?: unknown } | null)?.orderId;
    if (typeof orderId !== 'string') throw new ValidationError('waybill task payload', [{ code: 'invalid_type', path: ['orderId'], message: 'Expected { orderId }' }]);
    return orderId;
  };

  const handlers: Record<'waybill.request' | 'waybill.cancel', TaskHandler> = {
    'waybill.request': async (payload: JsonValue) => {
      const outcome = await request(payloadOrderId(payload), false);
      return { issued: outcome.issued.length, refused: outcome.refused.length };
    },
    'waybill.cancel': async (payload: JsonValue) => {
      const reason = (payload as { reason?: unknown }).reason;
      const outcome = await cancel(payloadOrderId(payload), typeof reason === 'string' && reason !== '' ? reason : 'order cancelled', false);
      return { cancelled: outcome.cancelled.length, refused: outcome.refused.length };
    },
  };
  // Its handlers call the functions above, which schedule through it: they run only after this line.
  const shared = parsed.tasks;
  if (shared !== undefined) for (const [kind, handler] of Object.entries(handlers)) shared.register(kind, handler, { timeoutMs, topic: parsed.queue, ...(parsed.retry === undefined ? {} : { retry: parsed.retry }) });
  const compensation =
    shared ??
    createTaskWorker({
      storage,
      clock,
      owner: parsed.owner,
      handlers,
      queue: parsed.queue,
      topic: parsed.queue,
      timeoutMs,
      leaseMs: timeoutMs + 60_000,
      ...(parsed.retry === undefined ? {} : { retry: parsed.retry }),
      ...(parsed.ids === undefined ? {} : { ids: parsed.ids }),
    });

  return Object.freeze({
    compensation,
    requestFor: (orderId: string) => request(orderId, true),
    cancelFor: (orderId: string, reason: string) => cancel(orderId, reason, true),
    waybillsOf,
    async shipEvent(orderId: string, warehouseId: string, eventId: string): Promise<ShipEvent> {
      const order = await readOrder(orderId);
      const lines = byWarehouse(order).get(warehouseId);
      const waybill = await stored(order.id, warehouseId);
      if (lines === undefined || waybill === null) throw new ValidationError('ship event', [{ code: 'invalid_value', path: ['warehouseId'], message: 'The order has no waybill for this warehouse' }]);
      return { id: eventId, type: 'ship', shipmentId: waybill.waybillNo, warehouseId, carrier: waybill.carrier, trackingNumber: waybill.waybillNo, lines: lines.map((line) => ({ lineId: line.lineId, quantity: line.quantity })) };
    },
    async handle(message: TransportMessage): Promise<UnitOfWork | void> {
      const payload = message?.payload as { orderId?: unknown; to?: unknown } | null;
      if (typeof payload?.orderId !== 'string' || typeof payload.to !== 'string') return;
      if (parsed.requestOn !== null && payload.to === parsed.requestOn) await request(payload.orderId, true);
      else if (parsed.cancelOn !== null && payload.to === parsed.cancelOn) await cancel(payload.orderId, 'order cancelled', true);
    },
  });
}
