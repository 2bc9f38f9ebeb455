// Pure helpers that compute derived approval facts from plain data: distances, rates, ages, ratios.
import { expectString, expectArray, expectObject } from '../errors/validation-error.js';
import type { Clock } from '../clock/clock.js';
import { durationToMillis, instantToMillis, type DurationInput, type Instant } from '../clock/instant.js';
import { normaliseAddress } from '../customers/address.js';
import { cityCentroid } from '../customers/city-centroid.js';
import { chineseDivisionCodes } from '../customers/division-codes.js';
import type { Address, GeoPoint } from '../model/address.js';
import type { Money } from '../money/money.js';
import type { Order } from '../orders/order.js';

/** Mean Earth radius used by the haversine formula, in km (IUGG). */
const EARTH_RADIUS_KM = 6371.0088;
const DAY_MS = 86_400_000;

/**
 * Great-circle distance between two WGS-84 points, in kilometres (haversine; within ~0.5%).
 * @example haversineKm({ lat: 31.23, lng: 121.47 }, { lat: 39.90, lng: 116.41 }) // ~1067
 */
export function haversineKm(a: GeoPoint, b: GeoPoint): number {
  expectObject('haversineKm a', a, 'a point { lat, lng }');
  expectObject('haversineKm b', b, 'a point { lat, lng }');
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Where an address is, for distances: its own `geo` point, else the centroid of its Chinese
 * prefecture ({@link cityCentroid}), else `undefined`.
 */
export function addressPoint(address: Address | null | undefined): GeoPoint | undefined {
  if (address === null || address === undefined) return undefined;
  return address.geo ?? cityCentroid(address);
}

/**
 * Kilometres from the destination to the nearest of the customer's usual locations, or `null`
 * when either side is unknown (a missing fact, so the policy's missing-fact rule applies).
 */
export function distanceFromUsualKm(destination: GeoPoint | null | undefined, usual: readonly GeoPoint[]): number | null {
  expectArray('distanceFromUsualKm usual', usual, 'an array of geo points');
  if (destination === null || destination === undefined || usual.length === 0) return null;
  let nearest = Infinity;
  for (const point of usual) nearest = Math.min(nearest, haversineKm(destination, point));
  return nearest;
}

/** The province (and city) an address resolves to, by canonical name; undefined parts unresolved. */
export interface DestinationRegion {
  readonly country: string;
  readonly province: string | undefined;
  readonly city: string | undefined;
}

/**
 * The region of an address, with province and city names made canonical by the address
 * normaliser (`浙江` and `浙江省` are one province), so no coordinates are needed. Undefined
 * for a missing address.
 */
export function destinationRegion(address: Address | null | undefined): DestinationRegion | undefined {
  if (address !== null && address !== undefined) expectObject('destinationRegion address', address, 'an address');
  if (address === null || address === undefined) return undefined;
  const normalised = normaliseAddress(address);
  if (!normalised.ok) return { country: address.country, province: undefined, city: undefined };
  const { country, province, city } = normalised.value;
  // A city the gazetteer does not know is kept as written: compare it without its 市 suffix.
  return { country, province, city: city?.replace(/市$/, '') };
}

/**
 * Whether `destination` lies outside every usual region at this level: `true` when the customer
 * received parcels, but never in its province (or city); `false` when one did; `null` when there
 * is nothing to compare: no usual region at all (a first order is not "away" from anywhere) or a
 * destination whose own province (or city) is unknown.
 * @example shipsToNewRegion(destinationRegion(order.shippingAddress), usual, 'province')
 */
export function shipsToNewRegion(destination: DestinationRegion | undefined, usual: readonly DestinationRegion[], level: 'province' | 'city'): boolean | null {
  if (destination !== undefined) expectObject('shipsToNewRegion destination', destination, 'a region from destinationRegion()');
  expectArray('shipsToNewRegion usual', usual);
  if (usual.length === 0) return null;
  if (destination === undefined || destination.province === undefined) return null;
  if (level === 'city' && destination.city === undefined) return null;
  for (const region of usual) {
    if (region.country !== destination.country || region.province !== destination.province) continue;
    if (level === 'province' || region.city === destination.city) return false;
  }
  return true;
}

/**
 * `derived.shippingAddressReadable`: whether the shipping address can be placed: it carries
 * coordinates, or resolves to a province (in China, one of the gazetteer's: `某省` is text, not a
 * place); `null` for an order without a shipping address (a counter sale). What a policy holds
 * on, whatever the customer's history.
 */
export function shippingAddressReadable(order: Order<string>): boolean | null {
  expectObject('shippingAddressReadable order', order, 'an order');
  const address = order.shippingAddress;
  if (address === undefined || address === null) return null;
  if (address.geo !== undefined) return true;
  const region = destinationRegion(address);
  if (region?.province === undefined) return false;
  return region.country !== 'CN' || chineseDivisionCodes(region.province, undefined).province !== undefined;
}

/** One earlier order, reduced to what the derived facts need. */
export interface OrderHistoryItem {
  readonly orderId: string;
  readonly placedAt: Instant;
  readonly total: Money;
  /** Units that left a warehouse. */
  readonly shippedUnits: number;
  /** Units the buyer sent back. */
  readonly returnedUnits: number;
}

/** Reduces a stored order to a {@link OrderHistoryItem}. */
export function toOrderHistoryItem(order: Order<string>): OrderHistoryItem {
  expectObject('toOrderHistoryItem order', order, 'an order');
  expectArray('toOrderHistoryItem order.lines', order.lines, 'an order with lines');
  let shippedUnits = 0;
  let returnedUnits = 0;
  for (const line of order.lines) {
    shippedUnits += line.shippedQuantity;
    returnedUnits += line.returnedQuantity;
  }
  return { orderId: order.id, placedAt: order.placedAt, total: order.totals.total, shippedUnits, returnedUnits };
}

/**
 * The items placed in `(now - window, now]`, by the injected time, never the process clock.
 * @example historyInWindow(items, clock.now(), { days: 90 })
 */
export function historyInWindow(history: readonly OrderHistoryItem[], now: Instant, window: DurationInput): OrderHistoryItem[] {
  const end = instantToMillis(now);
  const start = end - durationToMillis(window);
  return history.filter((item) => {
    const at = instantToMillis(item.placedAt);
    return at > start && at <= end;
  });
}

/** Units returned / units shipped, 0-1; `null` when nothing shipped (no basis for a rate). */
export function returnRate(history: readonly OrderHistoryItem[]): number | null {
  expectArray('returnRate history', history);
  let shipped = 0;
  let returned = 0;
  for (const item of history) {
    shipped += item.shippedUnits;
    returned += item.returnedUnits;
  }
  return shipped === 0 ? null : Math.min(1, returned / shipped);
}

/**
 * The average order total in `currency`, rounded to a whole minor unit; orders in other
 * currencies are left out (they cannot be averaged without a rate). `null` when none remain.
 */
export function averageOrderAmount(history: readonly OrderHistoryItem[], currency: string): Money | null {
  expectArray('averageOrderAmount history', history);
  expectString('averageOrderAmount currency', currency);
  let sum = 0;
  let count = 0;
  for (const item of history) {
    if (item.total.currency !== currency) continue;
    sum += item.total.amount;
    count += 1;
  }
  return count === 0 ? null : { amount: Math.round(sum / count), currency };
}

/**
 * This amount divided by the average (a plain ratio, not money); `null` when the average is
 * unknown, not positive, or in another currency.
 * @example amountVsAverage({ amount: 90000, currency: 'CNY' }, { amount: 30000, currency: 'CNY' }) // 3
 */
export function amountVsAverage(amount: Money, average: Money | null | undefined): number | null {
  if (average === null || average === undefined || average.currency !== amount.currency || average.amount <= 0) return null;
  return amount.amount / average.amount;
}

/** Whole days from `createdAt` to the clock's now (0 for an account created "in the future"). */
export function accountAgeDays(createdAt: Instant, clock: Clock): number {
  expectString('accountAgeDays createdAt', createdAt);
  expectObject('accountAgeDays clock', clock, 'a Clock');
  return Math.max(0, Math.floor((clock.millis() - instantToMillis(createdAt)) / DAY_MS));
}

/** What {@link deriveFacts} needs; every part is optional, and what is absent stays a missing fact. */
export interface DeriveFactsInput {
  /** The order being decided. */
  readonly order: Order<string>;
  /** The source of "now" for windows and ages. */
  readonly clock: Clock;
  /** The customer's earlier orders (the order itself is ignored if present). */
  readonly history?: readonly OrderHistoryItem[];
  /**
   * The look-back window for counts, rates and averages.
   * @default { days: 90 }
   */
  readonly window?: DurationInput;
  /** Where the customer usually receives parcels. */
  readonly usualLocations?: readonly GeoPoint[];
  /** The addresses the customer received parcels at, for the province and city facts. */
  readonly usualAddresses?: readonly Address[];
  /** When the customer's account was created. */
  readonly accountCreatedAt?: Instant;
}

/** The derived facts, `null` where unknown. Keys match `derived.*` in {@link ORDER_FACTS}. */
export interface DerivedFacts {
  readonly accountAgeDays?: number | null;
  readonly orderCountInWindow?: number | null;
  readonly returnRate?: number | null;
  readonly distanceFromUsualKm?: number | null;
  readonly averageOrderAmount?: Money | null;
  readonly amountVsAverage?: number | null;
  readonly shipsToNewProvince?: boolean | null;
  readonly shipsToNewCity?: boolean | null;
  readonly shippingAddressReadable?: boolean | null;
}

/**
 * Computes every derived fact it has data for.
 * @example deriveFacts({ order, clock, history, usualLocations, accountCreatedAt })
 */
export function deriveFacts(input: DeriveFactsInput): DerivedFacts {
  expectObject('deriveFacts input', input, '{ order, clock, ... }');
  expectObject('deriveFacts order', input.order, 'an order');
  const { order, clock } = input;
  const window = input.window ?? { days: 90 };
  const history = input.history?.filter((item) => item.orderId !== order.id);
  const recent = history === undefined ? undefined : historyInWindow(history, clock.now(), window);
  const average = recent === undefined ? null : averageOrderAmount(recent, order.totals.total.currency);
  return {
    accountAgeDays: input.accountCreatedAt === undefined ? null : accountAgeDays(input.accountCreatedAt, clock),
    orderCountInWindow: recent === undefined ? null : recent.length,
    returnRate: recent === undefined ? null : returnRate(recent),
    distanceFromUsualKm:
      input.usualLocations === undefined ? null : distanceFromUsualKm(addressPoint(order.shippingAddress), input.usualLocations),
    averageOrderAmount: average,
    amountVsAverage: amountVsAverage(order.totals.total, average),
    ...regionFacts(order, input.usualAddresses),
    shippingAddressReadable: shippingAddressReadable(order),
  };
}

/** `derived.shipsToNewProvince` and `derived.shipsToNewCity`; null without usual addresses to compare (none loaded, or none yet). */
export function regionFacts(order: Order<string>, usualAddresses: readonly Address[] | null | undefined): { shipsToNewProvince: boolean | null; shipsToNewCity: boolean | null } {
  expectObject('regionFacts order', order, 'an order');
  if (usualAddresses !== null && usualAddresses !== undefined) expectArray('regionFacts usualAddresses', usualAddresses);
  if (usualAddresses === null || usualAddresses === undefined) return { shipsToNewProvince: null, shipsToNewCity: null };
  const destination = destinationRegion(order.shippingAddress);
  const usual = usualAddresses.map((address) => destinationRegion(address) as DestinationRegion);
  return { shipsToNewProvince: shipsToNewRegion(destination, usual, 'province'), shipsToNewCity: shipsToNewRegion(destination, usual, 'city') };
}
