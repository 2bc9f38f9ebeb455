// Behaviour tags from order history: frequency, average order value, return rate, recency.
import type { Instant } from '../clock/instant.js';
import { instantToMillis } from '../clock/instant.js';
import { expectObject, expectArray, ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import type { Money } from '../money/money.js';

/** The order facts tags need; an Ordo `Order` fits (see {@link orderFactsFromOrder}). */
export interface OrderFacts {
  readonly placedAt: Instant;
  readonly total: Money;
  /** Units ordered and units returned, for the return rate. */
  readonly quantity: number;
  readonly returnedQuantity: number;
  /** Cancelled or rejected orders are not counted as purchases. */
  readonly status: string;
}

/** Tags Ordo derives from behaviour. */
export const BEHAVIOUR_TAGS = ['high-value', 'frequent-buyer', 'frequent-returner', 'dormant', 'new'] as const;
/** A behaviour tag. */
export type BehaviourTag = (typeof BEHAVIOUR_TAGS)[number];

/** Thresholds of {@link computeBehaviourTags}. Money thresholds are in the orders' currency. */
export interface BehaviourTagOptions {
  /** The moment the figures are computed for (from your clock). */
  readonly now: Instant;
  /**
   * Window for frequency and value figures, in days.
   * @default 365
   */
  readonly windowDays?: number;
  /**
   * `high-value`: average order value in minor units at or above this...
   * @default 50_000 (CNY 500.00)
   */
  readonly highValueAverage?: number;
  /**
   * ...with at least this many orders in the window.
   * @default 2
   */
  readonly highValueMinOrders?: number;
  /**
   * `frequent-buyer`: orders in the window at or above this.
   * @default 12
   */
  readonly frequentOrders?: number;
  /**
   * `frequent-returner`: returned / ordered units at or above this...
   * @default 0.3
   */
  readonly returnRate?: number;
  /**
   * ...over at least this many orders.
   * @default 3
   */
  readonly returnMinOrders?: number;
  /**
   * `dormant`: no order for this many days.
   * @default 180
   */
  readonly dormantDays?: number;
  /**
   * `new`: first order within this many days.
   * @default 30
   */
  readonly newDays?: number;
  /**
   * Statuses that are not purchases.
   * @default ['cancelled', 'rejected', 'pending_payment']
   */
  readonly excludedStatuses?: readonly string[];
}

/** The figures behind the tags. */
export interface BehaviourFigures {
  readonly orders: number;
  readonly ordersInWindow: number;
  /** Integer minor units; null without orders in the window. */
  readonly averageOrderValue: Money | null;
  readonly returnRate: number;
  readonly daysSinceLastOrder: number | null;
  readonly daysSinceFirstOrder: number | null;
}

/** One tag with the figures and threshold that earned it. */
export interface EarnedTag {
  readonly tag: BehaviourTag;
  /** e.g. `average order value 62000 >= 50000 over 4 orders`. */
  readonly because: string;
  readonly figures: Readonly<Record<string, number>>;
}

/** Tags and figures of one customer. */
export interface BehaviourProfile {
  readonly figures: BehaviourFigures;
  readonly tags: readonly EarnedTag[];
}

const DAY = 86_400_000;

/**
 * Converts an Ordo order to {@link OrderFacts}.
 * @example computeBehaviourTags(orders.map(orderFactsFromOrder), { now: clock.now() })
 */
export function orderFactsFromOrder(order: { placedAt: Instant; status: string; totals: { total: Money }; lines: readonly { quantity: number; returnedQuantity: number }[] }): OrderFacts {
  expectObject('orderFactsFromOrder order', order, 'an order');
  expectArray('orderFactsFromOrder order.lines', order.lines, 'an order with lines');
  let quantity = 0;
  let returnedQuantity = 0;
  for (const line of order.lines) {
    quantity += line.quantity;
    returnedQuantity += line.returnedQuantity;
  }
  return { placedAt: order.placedAt, total: order.totals.total, quantity, returnedQuantity, status: order.status };
}

/**
 * Computes figures and tags from a customer's orders. Each tag keeps the figures that earned it.
 * @throws ValidationError for bad thresholds or orders in several currencies.
 */
export function computeBehaviourTags(orders: readonly OrderFacts[], options: BehaviourTagOptions): BehaviourProfile {
  expectArray('computeBehaviourTags orders', orders);
  expectObject('computeBehaviourTags options', options, '{ now, windowDays?, ... }');
  const o = {
    windowDays: options.windowDays ?? 365,
    highValueAverage: options.highValueAverage ?? 50_000,
    highValueMinOrders: options.highValueMinOrders ?? 2,
    frequentOrders: options.frequentOrders ?? 12,
    returnRate: options.returnRate ?? 0.3,
    returnMinOrders: options.returnMinOrders ?? 3,
    dormantDays: options.dormantDays ?? 180,
    newDays: options.newDays ?? 30,
  };
  const issues: ValidationIssue[] = [];
  for (const [key, value] of Object.entries(o)) {
    if (!(Number.isFinite(value) && value >= 0)) issues.push({ code: 'out_of_range', path: [key], message: 'Expected a non-negative number' });
  }
  if (o.returnRate > 1) issues.push({ code: 'out_of_range', path: ['returnRate'], message: 'Expected a rate in [0, 1]' });
  const excluded = new Set(options.excludedStatuses ?? ['cancelled', 'rejected', 'pending_payment']);
  const purchases = orders.filter((order) => !excluded.has(order.status));
  const currencies = new Set(purchases.map((order) => order.total.currency));
  if (currencies.size > 1) issues.push({ code: 'invalid_value', path: ['orders'], message: `Orders are in several currencies (${[...currencies].join(', ')}); convert first` });
  if (issues.length > 0) throw new ValidationError('behaviour tag input', issues);

  const now = instantToMillis(options.now);
  const since = now - o.windowDays * DAY;
  const inWindow = purchases.filter((order) => instantToMillis(order.placedAt) >= since);
  const times = purchases.map((order) => instantToMillis(order.placedAt));
  const last = times.length === 0 ? null : Math.max(...times);
  const first = times.length === 0 ? null : Math.min(...times);
  const currency = inWindow[0]?.total.currency;
  const sum = inWindow.reduce((acc, order) => acc + order.total.amount, 0);
  // Integer minor units: the average is rounded half up to a whole minor unit, never a float amount.
  const averageOrderValue = currency === undefined ? null : { amount: Math.floor((2 * sum + inWindow.length) / (2 * inWindow.length)), currency };
  const units = purchases.reduce((acc, order) => acc + order.quantity, 0);
  const returned = purchases.reduce((acc, order) => acc + order.returnedQuantity, 0);
  const returnRate = units === 0 ? 0 : returned / units;
  const figures: BehaviourFigures = {
    orders: purchases.length,
    ordersInWindow: inWindow.length,
    averageOrderValue,
    returnRate,
    daysSinceLastOrder: last === null ? null : Math.floor((now - last) / DAY),
    daysSinceFirstOrder: first === null ? null : Math.floor((now - first) / DAY),
  };
  const tags: EarnedTag[] = [];
  if (averageOrderValue !== null && inWindow.length >= o.highValueMinOrders && averageOrderValue.amount >= o.highValueAverage) {
    tags.push({ tag: 'high-value', because: `average order value ${averageOrderValue.amount} >= ${o.highValueAverage} over ${inWindow.length} orders`, figures: { averageOrderValue: averageOrderValue.amount, ordersInWindow: inWindow.length } });
  }
  if (inWindow.length >= o.frequentOrders) {
    tags.push({ tag: 'frequent-buyer', because: `${inWindow.length} orders in ${o.windowDays} days >= ${o.frequentOrders}`, figures: { ordersInWindow: inWindow.length } });
  }
  if (purchases.length >= o.returnMinOrders && returnRate >= o.returnRate) {
    tags.push({ tag: 'frequent-returner', because: `return rate ${returnRate.toFixed(2)} >= ${o.returnRate} over ${purchases.length} orders`, figures: { returnRate, orders: purchases.length, returnedUnits: returned, units } });
  }
  if (figures.daysSinceLastOrder !== null && figures.daysSinceLastOrder >= o.dormantDays) {
    tags.push({ tag: 'dormant', because: `last order ${figures.daysSinceLastOrder} days ago >= ${o.dormantDays}`, figures: { daysSinceLastOrder: figures.daysSinceLastOrder } });
  }
  if (figures.daysSinceFirstOrder !== null && figures.daysSinceFirstOrder < o.newDays) {
    tags.push({ tag: 'new', because: `first order ${figures.daysSinceFirstOrder} days ago < ${o.newDays}`, figures: { daysSinceFirstOrder: figures.daysSinceFirstOrder } });
  }
  return { figures, tags };
}
