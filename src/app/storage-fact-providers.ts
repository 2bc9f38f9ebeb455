// Fact providers over the storage port: order history, usual addresses and account age, read from the customer's stored orders.
import type { DurationInput, Instant } from '../clock/instant.js';
import { durationToMillis } from '../clock/instant.js';
import { z } from 'zod';
import { option, parseOptions } from '../errors/options.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Address, GeoPoint } from '../model/address.js';
import type { Order } from '../orders/order.js';
import type { OrderReader } from '../ports/storage-port.js';
import { addressPoint, toOrderHistoryItem, type OrderHistoryItem } from '../approval/derived-facts.js';
import {
  createAccountAgeFactProvider,
  createDestinationFactProvider,
  createDistanceFactProvider,
  createOrderHistoryFactProvider,
  type FactLoader,
  type FactProvider,
  type FactProviderContext,
} from '../approval/fact-providers.js';

/** The most orders the storage port returns per `listByCustomer` call. */
const MAX_HISTORY_LIMIT = 1_000;

const factProvidersOptionsSchema = z.strictObject({
  window: z
    .custom<DurationInput>((value) => {
      try {
        return durationToMillis(value as DurationInput) > 0;
      } catch {
        return false;
      }
    }, 'Expected a positive duration, e.g. { days: 90 }')
    .optional(),
  historyLimit: option.positiveInt().max(MAX_HISTORY_LIMIT).default(200),
  accountCreatedAt: option.fn<(...args: never[]) => unknown>().optional(),
  returnStatuses: z.array(z.string()).optional(),
});
const DEFAULT_RETURN_STATUSES: readonly string[] = Object.freeze(['return_requested', 'returned', 'refunded']);

/** What {@link createStorageFactProviders} reads: a storage port, or anything with `orders.listByCustomer`. */
export interface StorageFactSource {
  readonly orders: Pick<OrderReader, 'listByCustomer'>;
}

/** Options of {@link createStorageFactProviders}. */
export interface StorageFactProvidersOptions<C extends FactProviderContext = FactProviderContext> {
  /**
   * The look-back window, by the context's clock, for the order count, the return rate and the
   * average amount (by `placedAt`, as {@link createOrderHistoryFactProvider} applies it).
   * @default { days: 90 }
   * @example { days: 30 }
   */
  readonly window?: DurationInput;
  /**
   * How many of the customer's most recent orders one decision reads (one `listByCustomer` call,
   * shared by the three providers). Everything is computed from these orders: a count in the
   * window stops at this number, and the account age fallback sees only the oldest of them. Keep
   * it above the largest order count your policy compares with.
   * @default 200 (at most 1,000, the port's maximum)
   * @example 500
   */
  readonly historyLimit?: number;
  /**
   * Loads when the customer's account was created, e.g. from your customer system; `null` is a
   * missing fact. Without it the account age counts from the customer's earliest order among
   * those read (a lower bound of the true age), and a customer with no earlier order has no
   * account age: a missing fact, which the policy's missing-fact rule decides (the seed policy
   * holds).
   * @default undefined (the earliest stored order)
   * @example async (order) => (await crm.customer(order.customerRef))?.createdAt ?? null
   */
  readonly accountCreatedAt?: FactLoader<Instant, C>;
  /**
   * Statuses in which goods are on their way back or money went back after shipment. An earlier
   * order in one of them whose lines record no returned unit counts all its shipped units as
   * returned (a return not yet received, or a refund without a return parcel); otherwise the lines'
   * `returnedQuantity` alone decide the return rate.
   * @default ['return_requested', 'returned', 'refunded']
   */
  readonly returnStatuses?: readonly string[];
}

/**
 * Fact providers that read the customer's earlier orders through the storage port
 * (`orders.listByCustomer`), built on the generic providers:
 * - `order-history` ({@link createOrderHistoryFactProvider}): `derived.orderCountInWindow`,
 *   `derived.returnRate`, `derived.averageOrderAmount`, `derived.amountVsAverage`. Every earlier
 *   order counts, whatever its status; returns as `returnStatuses` describes.
 * - `distance` ({@link createDistanceFactProvider}): `derived.distanceFromUsualKm`, from the `geo`
 *   points (else the prefecture centroids, {@link cityCentroid}) of earlier orders that shipped at
 *   least one unit (a parcel went there). No such point, or none for this order, is a missing fact.
 * - `destination` ({@link createDestinationFactProvider}): `derived.shipsToNewProvince` and
 *   `derived.shipsToNewCity`, from the provinces and cities of the same earlier orders' addresses
 *   (no coordinates needed); a first order ships to a new province.
 * - `account-age` ({@link createAccountAgeFactProvider}): `derived.accountAgeDays`, from
 *   `accountCreatedAt` or the earliest stored order.
 *
 * "Earlier" means: of the same `customerRef`, not this order itself, created at or before the
 * context clock's now (so a dry run with a past clock does not see later orders). The payment
 * method and the channel are order facts already (`order.paymentMethod`, `order.channel`); the
 * `customer.*` facts come from {@link createCustomerFactProvider}. A storage failure rejects
 * `collectFacts`: no decision is made on facts that could not be read.
 *
 * @throws ValidationError `VALIDATION_FAILED` for a storage without `orders.listByCustomer` or
 * a bad option; TimeError `INVALID_DURATION` for a malformed `window`.
 * @example
 * const providers = [
 *   ...createStorageFactProviders(storage, { window: { days: 90 } }),
 *   createCustomerFactProvider({ load: async (order) => crm.customerFacts(order.customerRef) }),
 * ];
 * const decision = evaluate(policy, await collectFacts(order, providers, { clock }));
 */
export function createStorageFactProviders<C extends FactProviderContext = FactProviderContext>(
  storage: StorageFactSource,
  options: StorageFactProvidersOptions<C> = {},
): FactProvider<C>[] {
  if (typeof storage?.orders?.listByCustomer !== 'function') {
    throw new ValidationError('createStorageFactProviders storage', [{ code: 'invalid_type', path: ['orders', 'listByCustomer'], message: 'Expected a storage port whose orders reader has listByCustomer' }], { code: 'INVALID_OPTIONS' });
  }
  const parsed = parseOptions('createStorageFactProviders options', factProvidersOptionsSchema, options);
  const limit = parsed.historyLimit;
  const returnStatuses = parsed.returnStatuses ?? DEFAULT_RETURN_STATUSES;
  const window = (parsed.window ?? { days: 90 }) as DurationInput;

  const returning = new Set(returnStatuses);
  // One read per order while its providers run: collectFacts starts them together, each asks
  // here before its first await, and the entry goes once the read settles (no stale reuse later).
  const inFlight = new WeakMap<Order<string>, Promise<Order<string>[]>>();
  const customerOrders = (order: Order<string>): Promise<Order<string>[]> => {
    let read = inFlight.get(order);
    if (read === undefined) {
      read = storage.orders.listByCustomer(order.customerRef, { limit });
      inFlight.set(order, read);
      const forget = (): void => {
        inFlight.delete(order);
      };
      void read.then(forget, forget);
    }
    return read;
  };
  const earlierOrders = async (order: Order<string>, context: C): Promise<Order<string>[]> => {
    const orders = await customerOrders(order);
    const now = context.clock.now();
    return orders.filter((other) => other.id !== order.id && other.createdAt <= now);
  };

  const historyItem = (order: Order<string>): OrderHistoryItem => {
    const item = toOrderHistoryItem(order);
    return item.returnedUnits === 0 && item.shippedUnits > 0 && returning.has(order.status) ? { ...item, returnedUnits: item.shippedUnits } : item;
  };

  const history: FactLoader<readonly OrderHistoryItem[], C> = async (order, context) => (await earlierOrders(order, context)).map(historyItem);

  const usualLocations: FactLoader<readonly GeoPoint[], C> = async (order, context) => {
    const points: GeoPoint[] = [];
    for (const earlier of await earlierOrders(order, context)) {
      const geo = addressPoint(earlier.shippingAddress);
      if (geo !== undefined && earlier.lines.some((line) => line.shippedQuantity > 0)) points.push(geo);
    }
    return points;
  };

  const usualAddresses: FactLoader<readonly Address[], C> = async (order, context) => {
    const addresses: Address[] = [];
    for (const earlier of await earlierOrders(order, context)) {
      const address = earlier.shippingAddress;
      if (address !== undefined && earlier.lines.some((line) => line.shippedQuantity > 0)) addresses.push(address);
    }
    return addresses;
  };

  const firstOrderAt: FactLoader<Instant, C> = async (order, context) => {
    let earliest: Instant | null = null;
    for (const earlier of await earlierOrders(order, context)) {
      if (earliest === null || earlier.createdAt < earliest) earliest = earlier.createdAt;
    }
    return earliest;
  };

  return [
    createOrderHistoryFactProvider<C>({ load: history, window }),
    createDistanceFactProvider<C>({ load: usualLocations }),
    createDestinationFactProvider<C>({ load: usualAddresses }),
    createAccountAgeFactProvider<C>({ load: (parsed.accountCreatedAt as FactLoader<Instant, C> | undefined) ?? firstOrderAt }),
  ];
}
