// routeAndReserve: read stock and capacity, route purely, and commit reservations, capacity, the allocate event and its outbox in one unit.
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { addDuration } from '../clock/instant.js';
import { isConcurrencyError } from '../errors/concurrency-error.js';
import type { OrdoError } from '../errors/ordo-error.js';
import { option, parseOptions } from '../errors/options.js';
import { isUnitOfWorkError } from '../errors/unit-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { effectsToOutbox } from '../orders/order-effects.js';
import type { OrderEventBase } from '../orders/order-events.js';
import type { OrderMachine } from '../orders/order-machine-types.js';
import type { Order } from '../orders/order.js';
import type { InventoryChange, ReservationRequest } from '../ports/inventory-port.js';
import type { StoragePort } from '../ports/storage-port.js';
import type { Router } from '../routing/router.js';
import type { RoutingAllocation, RoutingDecision, RoutingHold } from '../routing/routing-decision.js';
import type { JsonValue } from '../ports/json.js';
import { CAPACITY_ATTRIBUTE, formatCapacityDays, parseCapacityDays, releaseAll } from './reservation-changes.js';
import { retryOnConflict } from './retry-on-conflict.js';

/** What {@link routeAndReserve} needs. */
export interface RouteAndReserveDeps<S extends string, E extends OrderEventBase<string>> {
  readonly storage: StoragePort;
  readonly machine: OrderMachine<S, E>;
  readonly clock: Clock;
  /** The compiled routing policy (`compileRouting`). */
  readonly router: Router;
}

/** Options of {@link routeAndReserve}. */
export interface RouteAndReserveOptions {
  /**
   * Grams per unit by SKU, for tariffs by weight.
   * @default {} (the network's `defaultWeightGrams`)
   */
  readonly weights?: Readonly<Record<string, number>>;
  /**
   * Reads, routes and commits again this many times when another worker took the stock or the
   * capacity first (`INSUFFICIENT_STOCK`, `CAPACITY_EXCEEDED`) or changed the order
   * (`CONCURRENCY_CONFLICT`); then the error reaches the caller.
   * @default 4
   */
  readonly retries?: number;
  /** @default 'routing:<policy id>@<version>' */
  readonly actor?: string;
  /**
   * Reservations expire (and `expireReservations` releases them) this many milliseconds after
   * allocation; absent: they hold until shipped or released.
   * @example 48 * 3_600_000
   */
  readonly reservationTtlMs?: number;
  /**
   * What routing needs to know of a SKU the order line does not carry: its category (for the
   * policy's category rules) and its weight per unit (for tariffs by weight; `weights` wins).
   * Channel orders rarely carry either. The stored order is not changed.
   * @example (sku) => catalogue.get(sku)
   */
  readonly catalogue?: (sku: string) => CatalogueEntry | undefined;
  /**
   * The order as you just read it: the first attempt routes it without reading it again. A stale
   * copy costs the conflict it meets and a fresh read; a refusal or an `already` on the copy is
   * confirmed on a fresh read, so stale data never decides.
   */
  readonly current?: Order<string>;
}

/** One SKU as routing and waybills read it from a product catalogue. */
export interface CatalogueEntry {
  readonly category?: string;
  readonly weightGrams?: number;
}

/** What {@link routeAndReserve} did. */
export interface RoutedOrder<S extends string> {
  /**
   * `allocated`: reservations, capacity and the `allocate` event committed together (after an
   * address change, the old reservations and capacity released in the same unit). `held`: the
   * policy's fallback (or `NO_ROUTE`) put the order on hold with the reason `ROUTING_<reason>`,
   * committed with its event; a re-route after an address change that finds nothing releases the
   * old reservations and flags the order as an exception instead (an allocated order cannot go
   * back on hold). `backordered`: the policy waits for stock; nothing was written. `already`: the order
   * was allocated before (a redelivered request); nothing was written.
   */
  readonly outcome: 'allocated' | 'held' | 'backordered' | 'already';
  readonly order: Order<S>;
  /** The routing decision, with its trace; null for `already`. */
  readonly decision: RoutingDecision | null;
  /** Reads and routes that lost a race and were done again. */
  readonly retries: number;
}

/** `{ ok: true, value }`, or `{ ok: false, error }` when the order's state refuses the event (not approved, say). */
export type RouteAndReserveResult<S extends string> = { readonly ok: true; readonly value: RoutedOrder<S> } | { readonly ok: false; readonly error: OrdoError; readonly retries: number };

const optionsSchema = z.strictObject({
  weights: z.record(z.string(), z.number().nonnegative()).optional(),
  retries: option.nonNegativeInt().default(4),
  actor: z.string().min(1).optional(),
  reservationTtlMs: option.positiveInt().optional(),
  catalogue: option.fn<(sku: string) => CatalogueEntry | undefined>().optional(),
  current: z.custom<Order<string>>((value) => typeof value === 'object' && value !== null && typeof (value as Order<string>).id === 'string', 'Expected the order as read').optional(),
});

/** What history keeps of a routing decision: the rule, each shipment, each short line (no address). */
export function routingDetails(decision: RoutingAllocation | RoutingHold): Record<string, JsonValue> {
  const policy = `${decision.policy.id}@${decision.policy.version}`;
  if (decision.outcome === 'hold') {
    return {
      step: 'routing',
      policy,
      rule: decision.rule,
      reason: decision.reason,
      short: decision.lines.map((line) => ({ lineId: line.lineId, sku: line.sku, quantity: line.quantity, available: line.available, reason: line.reason })),
    };
  }
  return {
    step: 'routing',
    policy,
    rule: decision.rule,
    optimal: decision.optimal,
    cost: decision.cost === null ? null : { amount: decision.cost.amount, currency: decision.cost.currency },
    shipments: decision.shipments.map((shipment) => ({
      warehouseId: shipment.warehouseId,
      lines: shipment.lines.map((line) => ({ lineId: line.lineId, quantity: line.quantity })),
      carrier: shipment.carrier,
      cost: shipment.cost === null ? null : { amount: shipment.cost.amount, currency: shipment.cost.currency },
      shipDate: shipment.shipDate,
    })),
  };
}

/** The order as routing sees it: each line's category from the catalogue where it has none. */
function withCatalogue<O extends Order<string>>(order: O, catalogue: ((sku: string) => CatalogueEntry | undefined) | undefined): O {
  if (catalogue === undefined || order.lines.every((line) => line.category !== undefined)) return order;
  return {
    ...order,
    lines: order.lines.map((line) => {
      const category = line.category ?? catalogue(line.sku)?.category;
      return category === undefined || category === line.category ? line : { ...line, category };
    }),
  };
}

/** Grams per unit from the catalogue for the order's SKUs, under the caller's own `weights`. */
function catalogueWeights(order: Order<string>, catalogue: ((sku: string) => CatalogueEntry | undefined) | undefined, weights: Readonly<Record<string, number>> | undefined): Readonly<Record<string, number>> | undefined {
  if (catalogue === undefined) return weights;
  const merged: Record<string, number> = {};
  for (const line of order.lines) {
    const grams = catalogue(line.sku)?.weightGrams;
    if (typeof grams === 'number' && Number.isFinite(grams) && grams >= 0) merged[line.sku] = grams;
  }
  return { ...merged, ...weights };
}

/** The reservation id of one allocation: per allocate event, so a re-route never meets an old id. */
export function reservationIdOf(eventId: string, lineId: string, warehouseId: string): string {
  return `${eventId}:${lineId}:${warehouseId}`;
}

/** True when the order's last `change_address` came after its last `allocate`. */
function addressChangedSinceAllocation(order: Order<string>): boolean {
  const types = order.history.map((entry) => entry.type);
  return types.lastIndexOf('change_address') > types.lastIndexOf('allocate');
}

const retryable = (error: unknown): boolean => isConcurrencyError(error) || (isUnitOfWorkError(error) && (error.code === 'INSUFFICIENT_STOCK' || error.code === 'CAPACITY_EXCEEDED'));

/**
 * Routes one approved order and commits the result as one unit of work: the reservations (which
 * never oversell), each shipping warehouse's daily capacity (never over its limit), the `allocate`
 * event with the allocation stored on the order, and its outbox messages. Reads first: the order,
 * the stock of its SKUs across the network in one call, and the capacity used on each
 * warehouse's ship day. When another worker took the stock or the capacity first, or changed the
 * order, it reads and routes again (bounded, with backoff). When the policy finds no allocation,
 * its fallback decides: `hold` commits a `hold` event with the reason; `backorder` writes
 * nothing.
 *
 * @example
 * const result = await routeAndReserve({ storage, machine, clock, router }, order.id);
 * if (result?.ok && result.value.outcome === 'allocated') console.log(formatRoutingTrace(result.value.decision));
 * @returns null when no order has this id.
 * @throws StorageError from the adapter; the last `INSUFFICIENT_STOCK`, `CAPACITY_EXCEEDED` or `CONCURRENCY_CONFLICT` when retries run out.
 */
export async function routeAndReserve<S extends string, E extends OrderEventBase<string>>(
  deps: RouteAndReserveDeps<S, E>,
  orderId: string,
  options: RouteAndReserveOptions = {},
): Promise<RouteAndReserveResult<S> | null> {
  if (typeof deps?.storage?.orders?.get !== 'function' || typeof deps.machine?.transition !== 'function' || typeof deps.clock?.now !== 'function' || typeof deps.router?.route !== 'function') {
    throw new ValidationError('routeAndReserve deps', [{ code: 'invalid_type', path: [], message: 'Expected { storage, machine, clock, router }' }]);
  }
  if (typeof orderId !== 'string' || orderId === '') {
    throw new ValidationError('order id', [{ code: 'invalid_type', path: ['orderId'], message: 'Expected a non-empty string order id' }]);
  }
  const { weights: givenWeights, retries, actor: givenActor, reservationTtlMs, catalogue, current } = parseOptions('routeAndReserve options', optionsSchema, options);
  let copy = current?.id === orderId ? (current as Order<S>) : undefined;
  const { storage, machine, clock, router } = deps;
  const actor = givenActor ?? `routing:${router.policy.id}@${router.policy.version}`;
  const warehouseIds = router.network.warehouses.map((w) => w.id);
  let lost = 0;

  const attempt = async (): Promise<RouteAndReserveResult<S> | null> => {
    const fromCopy = copy !== undefined;
    const order = copy ?? ((await storage.orders.get(orderId)) as Order<S> | null);
    copy = undefined;
    if (order === null) return null;
    // Allocated already: done, unless the address changed since (then route again, from scratch).
    const reroute = order.status === 'allocated' && addressChangedSinceAllocation(order);
    if (order.status === 'allocated' && !reroute) return fromCopy ? attempt() : { ok: true, value: { outcome: 'already', order, decision: null, retries: lost } };
    const at = clock.now();
    const days = router.shipDays(at);
    const [levels, usage, own] = await Promise.all([
      storage.inventory.getStockLevels({ skus: order.lines.map((line) => line.sku), warehouseIds }),
      storage.inventory.getCapacityUsage({ dates: [...new Set(days.map((d) => d.date))], warehouseIds }),
      reroute ? storage.inventory.listReservations(order.id) : Promise.resolve([]),
    ]);
    // Re-routing sees the order's own reservations and capacity as free: the unit releases them.
    const active = own.filter((r) => r.status === 'active');
    const ownDays = reroute ? parseCapacityDays(order.attributes[CAPACITY_ATTRIBUTE]) : [];
    const stock = levels.map((level) => ({
      warehouseId: level.warehouseId,
      sku: level.sku,
      available: level.available + active.filter((r) => r.warehouseId === level.warehouseId && r.sku === level.sku).reduce((sum, r) => sum + r.quantity, 0),
    }));
    const capacityUsed = usage.map((day) => {
      const mine = ownDays.filter((d) => d.warehouseId === day.warehouseId && d.date === day.date);
      return { ...day, orders: day.orders - mine.length, units: day.units - mine.reduce((sum, d) => sum + d.units, 0) };
    });
    const weights = catalogueWeights(order, catalogue, givenWeights);
    const decision = router.route(withCatalogue(order, catalogue), router.snapshot({ at, stock, capacityUsed, ...(weights === undefined ? {} : { weights }) }));
    if (decision.outcome === 'backorder') return { ok: true, value: { outcome: 'backordered', order, decision, retries: lost } };

    const eventId = `${order.id}:route:${order.version}`;
    const details = routingDetails(decision);
    const event =
      decision.outcome === 'allocate'
        ? { id: eventId, type: 'allocate', actor, reason: `${decision.policy.id}@${decision.policy.version} rule ${decision.rule}`, allocations: decision.allocations, details }
        : // An allocated order cannot go back on hold: a re-route that finds nothing needs an operator.
          { id: eventId, type: reroute ? 'flag_exception' : 'hold', actor, reason: `ROUTING_${decision.reason}`, details };
    const result = machine.transition(order, event as unknown as E, { clock, actor });
    // A refusal or a duplicate on the caller's copy is confirmed on a fresh read.
    if (!result.ok) return fromCopy ? attempt() : { ok: false, error: result.error, retries: lost };
    const { order: next, effects, entry } = result.value;
    if (result.value.duplicate || entry === null) return fromCopy ? attempt() : { ok: true, value: { outcome: 'already', order: next, decision, retries: lost } };

    const inventory: InventoryChange[] = reroute ? releaseAll(active, order) : [];
    // A re-route gives the old capacity days back; only a new allocation records new ones.
    let stored = reroute ? { ...next, attributes: { ...next.attributes, [CAPACITY_ATTRIBUTE]: '' } } : next;
    if (decision.outcome === 'allocate') {
      const expiresAt = reservationTtlMs === undefined ? undefined : addDuration(at, reservationTtlMs);
      const skuOf = new Map(order.lines.map((line) => [line.lineId, line.sku]));
      const requests: ReservationRequest[] = decision.allocations.map((a) => ({
        reservationId: reservationIdOf(eventId, a.lineId, a.warehouseId),
        orderId: order.id,
        lineId: a.lineId,
        warehouseId: a.warehouseId,
        sku: skuOf.get(a.lineId) as string,
        quantity: a.quantity,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      }));
      inventory.push({ type: 'reserve', requests });
      for (const shipment of decision.shipments) {
        const capacity = router.capacityOf(shipment.warehouseId);
        const limit = { ...(capacity?.orders === undefined ? {} : { orders: capacity.orders }), ...(capacity?.units === undefined ? {} : { units: capacity.units }) };
        inventory.push({ type: 'useCapacity', warehouseId: shipment.warehouseId, date: shipment.shipDate, orders: 1, units: shipment.units, limit });
      }
      const days_ = decision.shipments.map((s) => ({ warehouseId: s.warehouseId, date: s.shipDate, units: s.units }));
      stored = { ...next, attributes: { ...next.attributes, [CAPACITY_ATTRIBUTE]: formatCapacityDays(days_) } };
    }
    await storage.commit({
      orders: [{ order: stored, expectedVersion: order.version, newHistory: [entry] }],
      outbox: effectsToOutbox(effects, stored),
      ...(inventory.length === 0 ? {} : { inventory, at }),
    });
    return { ok: true, value: { outcome: decision.outcome === 'allocate' ? 'allocated' : 'held', order: stored, decision, retries: lost } };
  };

  return retryOnConflict(attempt, {
    retries,
    minBackoffMs: 2,
    retryable,
    onConflict: () => {
      lost += 1;
    },
  });
}
