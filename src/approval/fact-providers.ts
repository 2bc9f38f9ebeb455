// Fact providers: the asynchronous edge that gathers facts (e.g. from storage) before the synchronous evaluation.
import type { Clock } from '../clock/clock.js';
import type { DurationInput, Instant } from '../clock/instant.js';
import { expectArray, expectObject, ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import type { Address, GeoPoint } from '../model/address.js';
import type { Order } from '../orders/order.js';
import type { Facts } from './condition-compiler.js';
import {
  accountAgeDays,
  addressPoint,
  amountVsAverage,
  averageOrderAmount,
  distanceFromUsualKm,
  historyInWindow,
  regionFacts,
  shippingAddressReadable,
  returnRate,
  type OrderHistoryItem,
} from './derived-facts.js';
import { buildFacts, type CustomerFacts } from './facts.js';

/** What every provider receives besides the order. Extend it for your own providers. */
export interface FactProviderContext {
  /** The source of "now" for windows and ages. */
  readonly clock: Clock;
}

/**
 * Supplies some facts for an order, e.g. from storage. `provides` lists the fact names it may
 * return; a fact it cannot determine is left out (or `null`) and becomes a missing fact.
 */
export interface FactProvider<C extends FactProviderContext = FactProviderContext> {
  /** For error messages, e.g. `order-history`. */
  readonly name: string;
  /** The fact names it returns, e.g. `['derived.returnRate']`. */
  readonly provides: readonly string[];
  provide(order: Order<string>, context: C): Promise<Readonly<Record<string, unknown>>>;
}

/**
 * Gathers the facts of an order: the order facts from {@link buildFacts}, then every provider's
 * facts (run concurrently; later providers cannot overwrite earlier ones, they are checked to be
 * disjoint). A provider's failure rejects the whole call: deciding on partial facts is the
 * caller's choice, not a silent default.
 * @throws ValidationError `VALIDATION_FAILED` when two providers claim one fact or a provider
 * returns a fact it did not declare.
 */
export async function collectFacts<C extends FactProviderContext>(
  order: Order<string>,
  providers: readonly FactProvider<C>[],
  context: C,
): Promise<Facts> {
  expectObject('collectFacts order', order, 'an order');
  expectArray('collectFacts providers', providers, 'an array of fact providers');
  if (typeof context?.clock?.now !== 'function') expectObject('collectFacts context', undefined, 'a context with a clock: { clock }');
  const claimed = new Map<string, string>();
  const issues: ValidationIssue[] = [];
  providers.forEach((provider, i) => {
    for (const fact of provider.provides) {
      const owner = claimed.get(fact);
      if (owner !== undefined) {
        issues.push({ code: 'duplicate_fact', path: [i, 'provides'], message: `Fact "${fact}" is provided by both "${owner}" and "${provider.name}"` });
      }
      claimed.set(fact, provider.name);
    }
  });
  if (issues.length > 0) throw new ValidationError('fact providers', issues);

  const results = await Promise.all(providers.map((provider) => provider.provide(order, context)));
  const facts: Record<string, unknown> = { ...buildFacts(order) };
  results.forEach((result, i) => {
    const provider = providers[i] as FactProvider<C>;
    for (const [name, value] of Object.entries(result)) {
      if (!provider.provides.includes(name)) {
        issues.push({ code: 'undeclared_fact', path: [i, name], message: `Provider "${provider.name}" returned "${name}", which it does not declare in "provides"` });
        continue;
      }
      facts[name] = value ?? undefined;
    }
  });
  if (issues.length > 0) throw new ValidationError('fact providers', issues);
  return facts;
}

/** Loads data for a provider; wire it to your storage. `null` means unknown. */
export type FactLoader<T, C extends FactProviderContext = FactProviderContext> = (order: Order<string>, context: C) => Promise<T | null>;

/** Config of {@link createCustomerFactProvider}. */
export interface CustomerFactProviderConfig<C extends FactProviderContext = FactProviderContext> {
  /** Loads what is known of the order's customer. */
  readonly load: FactLoader<CustomerFacts, C>;
}

/** Provides `customer.*` facts from a loader. */
export function createCustomerFactProvider<C extends FactProviderContext = FactProviderContext>(
  config: CustomerFactProviderConfig<C>,
): FactProvider<C> {
  requireFunction(config?.load, 'createCustomerFactProvider', 'load');
  return Object.freeze({
    name: 'customer',
    provides: Object.freeze(['customer.id', 'customer.tier', 'customer.creditScore', 'customer.isNew', 'customer.isBlocked', 'customer.tags']),
    async provide(order: Order<string>, context: C) {
      const customer = await config.load(order, context);
      const all = buildFacts(order, customer);
      return {
        'customer.id': all['customer.id'],
        'customer.tier': all['customer.tier'],
        'customer.creditScore': all['customer.creditScore'],
        'customer.isNew': all['customer.isNew'],
        'customer.isBlocked': all['customer.isBlocked'],
        'customer.tags': all['customer.tags'],
      };
    },
  });
}

/** Config of {@link createOrderHistoryFactProvider}. */
export interface OrderHistoryFactProviderConfig<C extends FactProviderContext = FactProviderContext> {
  /** Loads the customer's earlier orders (any period; the window is applied here). */
  readonly load: FactLoader<readonly OrderHistoryItem[], C>;
  /**
   * The look-back window for the count, the return rate and the average.
   * @default { days: 90 }
   */
  readonly window?: DurationInput;
}

/** Provides order count, return rate, average amount and amount-vs-average in a window. */
export function createOrderHistoryFactProvider<C extends FactProviderContext = FactProviderContext>(
  config: OrderHistoryFactProviderConfig<C>,
): FactProvider<C> {
  const window = config?.window ?? { days: 90 };
  const provides = ['derived.orderCountInWindow', 'derived.returnRate', 'derived.averageOrderAmount', 'derived.amountVsAverage'];
  return loadingProvider('createOrderHistoryFactProvider', config?.load, 'order-history', provides, (order, history, context) => {
    if (history === null) return {};
    const recent = historyInWindow(
      history.filter((item) => item.orderId !== order.id),
      context.clock.now(),
      window,
    );
    const average = averageOrderAmount(recent, order.totals.total.currency);
    return {
      'derived.orderCountInWindow': recent.length,
      'derived.returnRate': returnRate(recent),
      'derived.averageOrderAmount': average,
      'derived.amountVsAverage': amountVsAverage(order.totals.total, average),
    };
  });
}

/** Config of {@link createDistanceFactProvider}. */
export interface DistanceFactProviderConfig<C extends FactProviderContext = FactProviderContext> {
  /** Loads the customer's usual delivery locations. */
  readonly load: FactLoader<readonly GeoPoint[], C>;
}

/** Provides `derived.distanceFromUsualKm` from the shipping address's `geo` point, else its prefecture's centroid. */
export function createDistanceFactProvider<C extends FactProviderContext = FactProviderContext>(
  config: DistanceFactProviderConfig<C>,
): FactProvider<C> {
  return loadingProvider('createDistanceFactProvider', config?.load, 'distance', ['derived.distanceFromUsualKm'], (order, usual) => ({
    'derived.distanceFromUsualKm': usual === null ? null : distanceFromUsualKm(addressPoint(order.shippingAddress), usual),
  }));
}

/** Config of {@link createDestinationFactProvider}. */
export interface DestinationFactProviderConfig<C extends FactProviderContext = FactProviderContext> {
  /** Loads the addresses the customer received parcels at. */
  readonly load: FactLoader<readonly Address[], C>;
}

/**
 * Provides `derived.shipsToNewProvince` and `derived.shipsToNewCity` from the region names the
 * address normaliser resolves (what a policy can use where no address carries coordinates; both
 * missing for a customer with no earlier parcel), and `derived.shippingAddressReadable`.
 */
export function createDestinationFactProvider<C extends FactProviderContext = FactProviderContext>(
  config: DestinationFactProviderConfig<C>,
): FactProvider<C> {
  return loadingProvider(
    'createDestinationFactProvider',
    config?.load,
    'destination',
    ['derived.shipsToNewProvince', 'derived.shipsToNewCity', 'derived.shippingAddressReadable'],
    (order, usual) => {
      const facts = regionFacts(order, usual);
      return {
        'derived.shipsToNewProvince': facts.shipsToNewProvince,
        'derived.shipsToNewCity': facts.shipsToNewCity,
        'derived.shippingAddressReadable': shippingAddressReadable(order),
      };
    },
  );
}

/** Config of {@link createAccountAgeFactProvider}. */
export interface AccountAgeFactProviderConfig<C extends FactProviderContext = FactProviderContext> {
  /** Loads when the customer's account was created. */
  readonly load: FactLoader<Instant, C>;
}

/** Provides `derived.accountAgeDays` by the context's clock. */
export function createAccountAgeFactProvider<C extends FactProviderContext = FactProviderContext>(
  config: AccountAgeFactProviderConfig<C>,
): FactProvider<C> {
  return loadingProvider('createAccountAgeFactProvider', config?.load, 'account-age', ['derived.accountAgeDays'], (_order, createdAt, context) => ({
    'derived.accountAgeDays': createdAt === null ? null : accountAgeDays(createdAt, context.clock),
  }));
}

/**
 * A provider that loads one thing per order and derives its facts from it: what every derived
 * fact provider here is. `load` is checked when the provider is made.
 */
function loadingProvider<T, C extends FactProviderContext>(
  constructor: string,
  load: FactLoader<T, C> | undefined,
  name: string,
  provides: readonly string[],
  derive: (order: Order<string>, loaded: T | null, context: C) => Readonly<Record<string, unknown>>,
): FactProvider<C> {
  requireFunction(load, constructor, 'load');
  const loader = load as FactLoader<T, C>;
  return Object.freeze({
    name,
    provides: Object.freeze([...provides]),
    async provide(order: Order<string>, context: C) {
      return derive(order, await loader(order, context), context);
    },
  });
}

function requireFunction(value: unknown, constructor: string, field: string): void {
  if (typeof value !== 'function') {
    throw new ValidationError(`${constructor} config`, [{ code: 'invalid_type', path: [field], message: 'Expected a function (order, context) => Promise<...>' }]);
  }
}
