// What an order still owes: the total less what was paid (a presale deposit included), never below zero.
import { expectObject } from '../errors/validation-error.js';
import type { Money } from '../money/money.js';
import type { Order } from './order.js';

/**
 * The amount still due on an order: its total less what was paid, never below zero. After a
 * presale deposit it is the balance (due by `order.payment.balanceDueAt`).
 * @example amountDue(order) // { amount: 9900, currency: 'CNY' }
 */
export function amountDue(order: Pick<Order<string>, 'totals' | 'payment'>): Money {
  expectObject('amountDue order', order, 'an order');
  expectObject('amountDue order.payment', order.payment, 'an order with payment');
  const total = order.totals.total;
  return { amount: Math.max(0, total.amount - order.payment.paid.amount), currency: total.currency };
}
