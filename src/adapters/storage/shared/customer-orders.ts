// The limits of `orders.listByCustomer`, and the one reading of its `limit` every adapter applies.
import { ValidationError } from '../../../errors/validation-error.js';

/** Orders `listByCustomer` returns when no `limit` is given. */
export const CUSTOMER_ORDERS_DEFAULT_LIMIT = 100;

/** The most orders one `listByCustomer` call returns, whatever `limit` asks for. */
export const CUSTOMER_ORDERS_MAX_LIMIT = 1_000;

/**
 * The number of orders to read: the default when `limit` is undefined, otherwise `limit` rounded
 * down and kept within 0 and the maximum (as `listByStatus` reads a negative limit as 0).
 * @throws ValidationError `VALIDATION_FAILED` for NaN, which has no sensible reading.
 */
export function customerOrdersLimit(limit: number | undefined): number {
  if (limit === undefined) return CUSTOMER_ORDERS_DEFAULT_LIMIT;
  if (typeof limit !== 'number' || Number.isNaN(limit)) {
    throw new ValidationError('listByCustomer options', [
      { code: 'invalid_type', path: ['limit'], message: `Expected a number of orders (0-${CUSTOMER_ORDERS_MAX_LIMIT})` },
    ]);
  }
  return Math.min(CUSTOMER_ORDERS_MAX_LIMIT, Math.max(0, Math.floor(limit)));
}
