// The canonical order record and its zod schema: lines, totals, payments, shipments, history.
import { z } from 'zod';
import { isInstant, type Instant } from '../clock/instant.js';
import { moneySchema, nonNegativeMoneySchema } from '../money/money-schema.js';
import { addressSchema } from '../model/address.js';
import type { OrderStatus } from './order-statuses.js';

/** An instant already in Ordo's canonical form (what stored records hold). */
export const storedInstantSchema = z.custom<Instant>(isInstant, {
  message: 'Expected a canonical UTC instant such as "2026-01-01T05:00:00.000Z"',
});

const attributesSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

/** One line of an order with its fulfilment progress. */
export const orderLineSchema = z
  .object({
    /** Unique within the order. */
    lineId: z.string().min(1),
    sku: z.string().min(1),
    /** Units ordered; a positive integer. */
    quantity: z.number().int().positive(),
    unitPrice: nonNegativeMoneySchema,
    /** Product category, for routing filters and approval facts. */
    category: z.string().min(1).optional(),
    /** Units allocated to warehouses, per warehouse. */
    allocations: z.array(z.object({ warehouseId: z.string().min(1), quantity: z.number().int().positive() }).strict()).default([]),
    /** Units that left a warehouse with a waybill. */
    shippedQuantity: z.number().int().nonnegative().default(0),
    /** Units received back from the buyer. */
    returnedQuantity: z.number().int().nonnegative().default(0),
  })
  .strict();

/** The money side of an order. All amounts share the order's currency. */
export const orderTotalsSchema = z
  .object({
    /** Sum of quantity x unit price over the lines. */
    subtotal: nonNegativeMoneySchema,
    discount: nonNegativeMoneySchema,
    shipping: nonNegativeMoneySchema,
    tax: nonNegativeMoneySchema,
    /** subtotal - discount + shipping + tax. */
    total: moneySchema,
  })
  .strict();

/** Payments received and refunded; a presale deposit and when its balance is due. */
export const orderPaymentSchema = z
  .object({
    paid: nonNegativeMoneySchema,
    refunded: nonNegativeMoneySchema,
    /** e.g. `alipay`, `wechat_pay`, `cod`. */
    method: z.string().min(1).optional(),
    /** A presale deposit paid (part of `paid`); the balance is `total - paid`. */
    deposit: nonNegativeMoneySchema.optional(),
    /** When the balance after a deposit is due. */
    balanceDueAt: storedInstantSchema.optional(),
  })
  .strict();

/** One parcel that left a warehouse. */
export const shipmentSchema = z
  .object({
    shipmentId: z.string().min(1),
    warehouseId: z.string().min(1).optional(),
    carrier: z.string().min(1).optional(),
    trackingNumber: z.string().min(1).optional(),
    lines: z.array(z.object({ lineId: z.string().min(1), quantity: z.number().int().positive() }).strict()).min(1),
    shippedAt: storedInstantSchema,
  })
  .strict();

/** One applied event: who, when, why, from, to. History is append-only. */
export const historyEntrySchema = z
  .object({
    /** The event's id; the same id is never applied twice. */
    eventId: z.string().min(1),
    /** The event type, e.g. `ship`. */
    type: z.string().min(1),
    from: z.string().min(1),
    to: z.string().min(1),
    /** Who or what caused it: a user id, `system`, `policy:v3`, a channel. */
    actor: z.string().min(1),
    reason: z.string().optional(),
    /**
     * Structured detail of why, as the event carried it: an approval decision's rule, reasons and
     * missing facts, a routing decision's rule and shipments. Plain JSON, no personal data.
     */
    details: z.record(z.string(), z.json()).optional(),
    /** When it was applied, from the injected clock. */
    at: storedInstantSchema,
    /** The order's version after this entry. */
    version: z.number().int().positive(),
    /**
     * A fingerprint of the event as it was sent: the same id sent again with another type or
     * payload is `IDEMPOTENCY_MISMATCH`, not a duplicate. Absent on entries written before 0.2.
     */
    fingerprint: z.string().min(1).optional(),
  })
  .strict();

/** The canonical order as stored (status as a plain string, so custom lifecycles validate too). */
export const orderSchema = z
  .object({
    id: z.string().min(1),
    /** The sales channel, e.g. `tmall`, `jd`, `pos`. */
    channel: z.string().min(1),
    /** The order's id in its channel; (channel, channelOrderId) is unique. */
    channelOrderId: z.string().min(1),
    /** The buyer: a channel buyer id or a customer id of yours. */
    customerRef: z.string().min(1),
    currency: z.string().regex(/^[A-Z]{3}$/),
    lines: z.array(orderLineSchema).min(1),
    totals: orderTotalsSchema,
    payment: orderPaymentSchema,
    shippingAddress: addressSchema.optional(),
    shipments: z.array(shipmentSchema).default([]),
    status: z.string().min(1),
    /** Starts at 1 and rises by exactly one per applied event. */
    version: z.number().int().positive(),
    /** When the buyer placed the order (channel time). */
    placedAt: storedInstantSchema,
    createdAt: storedInstantSchema,
    updatedAt: storedInstantSchema,
    /** When the order first entered each status; for SLAs and stage timings. */
    statusEnteredAt: z.record(z.string(), storedInstantSchema),
    history: z.array(historyEntrySchema),
    /** Channel extras kept verbatim (no personal data). */
    attributes: attributesSchema.default({}),
  })
  .strict();

/** One history entry. */
export type HistoryEntry<S extends string = OrderStatus> = Omit<z.output<typeof historyEntrySchema>, 'from' | 'to'> & {
  from: S;
  to: S;
};
/** One order line. */
export type OrderLine = z.output<typeof orderLineSchema>;
/** Order totals. */
export type OrderTotals = z.output<typeof orderTotalsSchema>;
/** Order payments. */
export type OrderPayment = z.output<typeof orderPaymentSchema>;
/** One shipment. */
export type Shipment = z.output<typeof shipmentSchema>;

/**
 * The canonical order. `S` is the status union of the machine that drives it: the default
 * lifecycle's {@link OrderStatus} unless you extended it.
 */
export type Order<S extends string = OrderStatus> = Omit<z.output<typeof orderSchema>, 'status' | 'history' | 'statusEnteredAt'> & {
  status: S;
  history: HistoryEntry<S>[];
  statusEnteredAt: Partial<Record<S, Instant>>;
};
