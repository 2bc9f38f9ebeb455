// buildFacts: turns an order, what is known of its customer and the derived facts into the flat fact record.
import { expectArray, expectObject } from '../errors/validation-error.js';
import type { Order } from '../orders/order.js';
import type { Facts } from './condition-compiler.js';
import type { DerivedFacts } from './derived-facts.js';

/** What the policy may know about the customer; absent fields are missing facts. */
export interface CustomerFacts {
  readonly id?: string;
  /** e.g. `standard`, `silver`, `gold`, `platinum`. */
  readonly tier?: string;
  /** Your credit scale, e.g. 300-850. */
  readonly creditScore?: number;
  /** No earlier order from this customer. */
  readonly isNew?: boolean;
  readonly isBlocked?: boolean;
  readonly tags?: readonly string[];
}

/**
 * The flat fact record evaluation reads, keyed as in `ORDER_FACTS`. Every key is always
 * present (unknown ones as `undefined`) so records share one shape, which keeps evaluation fast.
 *
 * @example evaluate(policy, buildFacts(order, { creditScore: 720, tier: 'gold' }, deriveFacts({ order, clock })))
 */
export function buildFacts(order: Order<string>, customer?: CustomerFacts | null, derived?: DerivedFacts | null): Facts {
  expectObject('buildFacts order', order, 'an order');
  expectArray('buildFacts order.lines', (order as { lines?: unknown }).lines, 'an order with lines');
  let itemCount = 0;
  const categories: string[] = [];
  for (const line of order.lines) {
    itemCount += line.quantity;
    if (line.category !== undefined && !categories.includes(line.category)) categories.push(line.category);
  }
  return {
    'order.id': order.id,
    'order.total': order.totals.total,
    'order.currency': order.currency,
    'order.channel': order.channel,
    'order.paymentMethod': order.payment.method,
    'order.lineCount': order.lines.length,
    'order.itemCount': itemCount,
    'order.categories': categories,
    'order.shippingCountry': order.shippingAddress?.country,
    'order.shippingProvince': order.shippingAddress?.province,
    'customer.id': customer?.id ?? order.customerRef,
    'customer.tier': customer?.tier,
    'customer.creditScore': customer?.creditScore,
    'customer.isNew': customer?.isNew,
    'customer.isBlocked': customer?.isBlocked,
    'customer.tags': customer?.tags,
    'derived.accountAgeDays': derived?.accountAgeDays ?? undefined,
    'derived.orderCountInWindow': derived?.orderCountInWindow ?? undefined,
    'derived.returnRate': derived?.returnRate ?? undefined,
    'derived.distanceFromUsualKm': derived?.distanceFromUsualKm ?? undefined,
    'derived.averageOrderAmount': derived?.averageOrderAmount ?? undefined,
    'derived.amountVsAverage': derived?.amountVsAverage ?? undefined,
    'derived.shipsToNewProvince': derived?.shipsToNewProvince ?? undefined,
    'derived.shipsToNewCity': derived?.shipsToNewCity ?? undefined,
    'derived.shippingAddressReadable': derived?.shippingAddressReadable ?? undefined,
  };
}
