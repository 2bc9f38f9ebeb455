// Validates new-order input and builds the canonical order in its machine's initial status.
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { instantSchema } from '../clock/instant-schema.js';
import { expectKnownKeys, ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import type { IdSource } from '../ids/id-source.js';
import { addMoney, money, multiplyMoney, subtractMoney, sumMoney, type Money } from '../money/money.js';
import { currencyCodeSchema, nonNegativeMoneySchema } from '../money/money-schema.js';
import { addressSchema } from '../model/address.js';
import { fingerprintData } from './data-fingerprint.js';
import type { HistoryEntry, Order } from './order.js';
import type { OrderStatus } from './order-statuses.js';

/** The input of {@link createOrder}: what a channel or an ERP knows about a new order. */
export const createOrderInputSchema = z
  .object({
    /** Ordo's id for the order; taken from `context.ids` when omitted. */
    id: z.string().min(1).optional(),
    channel: z.string().min(1),
    channelOrderId: z.string().min(1),
    customerRef: z.string().min(1),
    currency: currencyCodeSchema,
    lines: z
      .array(
        z
          .object({
            /** Defaults to `L1`, `L2`, ... in input order. */
            lineId: z.string().min(1).optional(),
            sku: z.string().min(1),
            quantity: z.number().int().positive(),
            unitPrice: nonNegativeMoneySchema,
            category: z.string().min(1).optional(),
          })
          .strict(),
      )
      .min(1, 'An order needs at least one line'),
    discount: nonNegativeMoneySchema.optional(),
    shipping: nonNegativeMoneySchema.optional(),
    tax: nonNegativeMoneySchema.optional(),
    /** When given, must equal subtotal - discount + shipping + tax (a cross-check on channel data). */
    total: nonNegativeMoneySchema.optional(),
    paymentMethod: z.string().min(1).optional(),
    shippingAddress: addressSchema.optional(),
    /** When the buyer placed it; ISO-8601 with an offset, or epoch ms. Defaults to now. */
    placedAt: instantSchema().optional(),
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict();

/** Input accepted by {@link createOrder}. */
export type CreateOrderInput = z.input<typeof createOrderInputSchema>;

/** What {@link createOrder} needs from its caller. */
export interface CreateOrderContext<S extends string = OrderStatus> {
  /** The only source of "now". */
  readonly clock: Clock;
  /** Makes the order id when the input has none. */
  readonly ids?: IdSource;
  /**
   * The status a new order starts in; a machine passes its own initial status.
   * @default 'pending_payment'
   */
  readonly initialStatus?: S;
  /**
   * Who created it, recorded in the first history entry.
   * @default 'system'
   */
  readonly actor?: string;
  /**
   * Id of the creation event, for idempotent creation.
   * @default `${orderId}:created`
   */
  readonly eventId?: string;
  /**
   * Bounds on the input, each refused with a `too_big` or `too_deep` issue at its path.
   * @default ORDER_INPUT_LIMITS
   */
  readonly limits?: Partial<OrderInputLimits>;
}

/**
 * Checks the input's size before the schema reads it and fingerprints what was sent (without
 * `id`, which a caller may leave to an id source): one linear walk.
 */
function inspectInput(input: unknown, limits: OrderInputLimits): { fingerprint: string } | { issues: ValidationIssue[] } {
  try {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return { issues: [{ code: 'invalid_type', path: [], message: 'Expected an order input object' }] };
    }
    const { id: _id, ...rest } = input as Record<string, unknown>;
    const lines = rest['lines'];
    if (Array.isArray(lines) && lines.length > limits.lines) {
      return { issues: [{ code: 'too_big', path: ['lines'], message: `An order has at most ${limits.lines} lines (limits.lines)` }] };
    }
    const print = fingerprintData(rest, limits);
    return print.ok ? { fingerprint: print.fingerprint } : { issues: [...print.issues] };
  } catch {
    return { issues: [{ code: 'unreadable', path: [], message: 'The input could not be read (a getter or proxy threw)' }] };
  }
}

function resolveLimits(limits: Partial<OrderInputLimits> | undefined): OrderInputLimits {
  if (limits === undefined) return ORDER_INPUT_LIMITS;
  const resolved = { ...ORDER_INPUT_LIMITS, ...limits };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value <= 0 || !Object.hasOwn(ORDER_INPUT_LIMITS, key)) {
      throw new ValidationError('createOrder context', [{ code: 'invalid_option', path: ['limits', key], message: 'Expected a known limit with a positive integer value' }]);
    }
  }
  return resolved;
}

/** Bounds on one order's input; a real marketplace order stays far inside them. */
export interface OrderInputLimits {
  /** Lines in one order. */
  readonly lines: number;
  /** Characters of any one string (an address part, a SKU, an attribute). */
  readonly stringLength: number;
  /** Nesting of objects and arrays in the input. */
  readonly depth: number;
  /** Keys and array items in the whole input. */
  readonly nodes: number;
}

/** The default {@link OrderInputLimits}. */
export const ORDER_INPUT_LIMITS: OrderInputLimits = Object.freeze({ lines: 1_000, stringLength: 2_000, depth: 8, nodes: 50_000 });

type MoneyAt = readonly [path: readonly (string | number)[], value: Money | undefined];

function currencyIssues(currency: string, entries: readonly MoneyAt[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [path, value] of entries) {
    if (value && value.currency !== currency) {
      issues.push({
        code: 'currency_mismatch',
        path: [...path, 'currency'],
        message: `Expected ${currency} like the order, got ${value.currency}`,
      });
    }
  }
  return issues;
}

/**
 * Validates input and returns a new order in the initial status, version 1, with its first
 * history entry. Pure: time comes from `context.clock`, ids from `context.ids`.
 *
 * @throws ValidationError with every issue and its path (e.g. `lines.0.quantity`).
 * @example
 * const order = createOrder({ channel: 'tmall', channelOrderId: 'T1001', customerRef: 'buyer-9',
 *   currency: 'CNY', lines: [{ sku: 'TEA-1', quantity: 2, unitPrice: { amount: 1990, currency: 'CNY' } }] },
 *   { clock, ids });
 */
export function createOrder<S extends string = OrderStatus>(input: CreateOrderInput, context: CreateOrderContext<S>): Order<S> {
  if (typeof context !== 'object' || context === null || typeof (context as { clock?: { now?: unknown } }).clock?.now !== 'function') {
    throw new ValidationError('createOrder context', [{ code: 'invalid_type', path: ['clock'], message: 'createOrder needs a context with a clock: createOrder(input, { clock, ids })' }]);
  }
  expectKnownKeys('createOrder context', context, ['clock', 'ids', 'initialStatus', 'actor', 'eventId', 'limits']);
  const inspected = inspectInput(input, resolveLimits(context.limits));
  if ('issues' in inspected) throw new ValidationError('order input', inspected.issues);
  const parsed = createOrderInputSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod('order input', parsed.error);
  const data = parsed.data;
  const currency = data.currency;

  const issues = currencyIssues(currency, [
    ...data.lines.map((line, i): MoneyAt => [['lines', i, 'unitPrice'], line.unitPrice]),
    [['discount'], data.discount],
    [['shipping'], data.shipping],
    [['tax'], data.tax],
    [['total'], data.total],
  ]);
  const lineIds = data.lines.map((line, i) => line.lineId ?? `L${i + 1}`);
  const seen = new Set<string>();
  lineIds.forEach((lineId, i) => {
    if (seen.has(lineId)) issues.push({ code: 'duplicate_line_id', path: ['lines', i, 'lineId'], message: 'This line id is used by an earlier line' });
    seen.add(lineId);
  });
  if (data.id === undefined && context.ids === undefined) {
    issues.push({ code: 'missing_id', path: ['id'], message: 'Give an order id or pass an id source as context.ids' });
  }
  if (issues.length > 0) throw new ValidationError('order input', issues);

  const subtotal = sumMoney(
    data.lines.map((line) => multiplyMoney(line.unitPrice, line.quantity)),
    currency,
  );
  const zero = money(0, currency);
  const discount = data.discount ?? zero;
  const shipping = data.shipping ?? zero;
  const tax = data.tax ?? zero;
  const total = addMoney(addMoney(subtractMoney(subtotal, discount), shipping), tax);
  if (total.amount < 0) {
    throw new ValidationError('order input', [
      { code: 'negative_total', path: ['discount'], message: 'The discount exceeds subtotal plus shipping and tax' },
    ]);
  }
  if (data.total !== undefined && data.total.amount !== total.amount) {
    throw new ValidationError('order input', [
      {
        code: 'total_mismatch',
        path: ['total'],
        message: `Total ${data.total.amount} does not equal subtotal - discount + shipping + tax = ${total.amount} (minor units)`,
      },
    ]);
  }

  const id = data.id ?? (context.ids as IdSource)();
  const now = context.clock.now();
  const status = (context.initialStatus ?? 'pending_payment') as S;
  const first: HistoryEntry<S> = {
    eventId: context.eventId ?? `${id}:created`,
    type: 'create',
    from: status,
    to: status,
    actor: context.actor ?? 'system',
    at: now,
    version: 1,
    fingerprint: inspected.fingerprint,
  };
  const statusEnteredAt: Partial<Record<S, typeof now>> = {};
  statusEnteredAt[status] = now;

  const order: Order<S> = {
    id,
    channel: data.channel,
    channelOrderId: data.channelOrderId,
    customerRef: data.customerRef,
    currency,
    lines: data.lines.map((line, i) => ({
      lineId: lineIds[i] as string,
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      ...(line.category === undefined ? {} : { category: line.category }),
      allocations: [],
      shippedQuantity: 0,
      returnedQuantity: 0,
    })),
    totals: { subtotal, discount, shipping, tax, total },
    payment: {
      paid: zero,
      refunded: zero,
      ...(data.paymentMethod === undefined ? {} : { method: data.paymentMethod }),
    },
    ...(data.shippingAddress === undefined ? {} : { shippingAddress: data.shippingAddress }),
    shipments: [],
    status,
    version: 1,
    placedAt: data.placedAt ?? now,
    createdAt: now,
    updatedAt: now,
    statusEnteredAt,
    history: [first],
    attributes: data.attributes ?? {},
  };
  return order;
}
