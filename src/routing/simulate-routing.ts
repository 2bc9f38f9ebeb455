// simulateRouting: what a candidate policy would have decided over past orders, next to the current one, and why they differ.
import { ValidationError, expectObject } from '../errors/validation-error.js';
import type { Money } from '../money/money.js';
import { Router, type RoutableOrder } from './router.js';
import type { RoutingDecision } from './routing-decision.js';
import { consumeSnapshot, type RoutingSnapshotInput } from './routing-snapshot.js';

/** Options of {@link simulateRouting}. */
export interface SimulateRoutingOptions {
  /**
   * Route the orders one after another against stock and capacity that earlier allocations of the
   * same policy used up (each policy with its own copy), as a real day would; `false` routes every
   * order against the untouched snapshot.
   * @default true
   */
  readonly deplete?: boolean;
}

/** Load one policy puts on one warehouse. */
export interface WarehouseLoad {
  readonly orders: number;
  readonly units: number;
}

/** One policy's totals over the simulated orders. */
export interface RoutingPolicyStats {
  readonly policy: { readonly id: string; readonly version: string };
  readonly allocated: number;
  readonly held: number;
  readonly backordered: number;
  /** Allocated orders that ship in more than one parcel, over allocated orders (0 to 1). */
  readonly splitRate: number;
  readonly shipments: number;
  /** Shipping cost of the shipments with a tariff, in the network's currency. */
  readonly cost: Money;
  /** Shipments no tariff priced (not in `cost`). */
  readonly unpricedShipments: number;
  /** Great-circle km over the shipments with known points. */
  readonly distanceKm: number;
  /** Orders and units per warehouse id. */
  readonly load: Readonly<Record<string, WarehouseLoad>>;
}

/** What one policy decided for one order, in brief. */
export interface DecisionSummary {
  readonly outcome: RoutingDecision['outcome'];
  readonly rule: string | null;
  /** Shipment warehouses, in shipment order; empty unless allocated. */
  readonly warehouses: readonly string[];
  readonly cost: Money | null;
  /** The hold reason, when held. */
  readonly reason?: string;
}

/** An order the two policies decided differently. */
export interface RoutingChange {
  readonly orderId: string;
  readonly current: DecisionSummary;
  readonly candidate: DecisionSummary;
  /** `outcome`, `rule`, `warehouses` or `split`: the first thing that differs. */
  readonly difference: 'outcome' | 'rule' | 'warehouses' | 'split';
  /** For people, e.g. `rule east-china -> nationwide; warehouses HZ -> WH`. */
  readonly why: string;
}

/** The comparison. */
export interface RoutingSimulation {
  readonly orders: number;
  readonly current: RoutingPolicyStats;
  readonly candidate: RoutingPolicyStats;
  /** Orders decided differently, in input order. */
  readonly changed: readonly RoutingChange[];
}

function summarise(decision: RoutingDecision): DecisionSummary {
  if (decision.outcome === 'allocate') {
    return { outcome: 'allocate', rule: decision.rule, warehouses: decision.shipments.map((s) => s.warehouseId), cost: decision.cost };
  }
  return decision.outcome === 'hold'
    ? { outcome: 'hold', rule: decision.rule, warehouses: [], cost: null, reason: decision.reason }
    : { outcome: 'backorder', rule: decision.rule, warehouses: [], cost: null };
}

function describe(summary: DecisionSummary): string {
  if (summary.outcome === 'allocate') return `allocate from ${summary.warehouses.join('+')}`;
  return summary.outcome === 'hold' ? `hold (${summary.reason})` : 'backorder';
}

function compare(orderId: string, current: DecisionSummary, candidate: DecisionSummary): RoutingChange | null {
  const reasons: string[] = [];
  let difference: RoutingChange['difference'] | undefined;
  if (current.outcome !== candidate.outcome || current.reason !== candidate.reason) {
    difference = 'outcome';
    reasons.push(`${describe(current)} -> ${describe(candidate)}`);
  }
  if (current.rule !== candidate.rule) {
    difference ??= 'rule';
    reasons.push(`rule ${current.rule ?? '(none)'} -> ${candidate.rule ?? '(none)'}`);
  }
  if (current.warehouses.join('+') !== candidate.warehouses.join('+') && current.outcome === 'allocate' && candidate.outcome === 'allocate') {
    difference ??= current.warehouses.length !== candidate.warehouses.length ? 'split' : 'warehouses';
    reasons.push(`warehouses ${current.warehouses.join('+')} -> ${candidate.warehouses.join('+')}`);
  }
  return difference === undefined ? null : { orderId, current, candidate, difference, why: reasons.join('; ') };
}

class Tally {
  allocated = 0;
  held = 0;
  backordered = 0;
  split = 0;
  shipments = 0;
  cost = 0;
  unpriced = 0;
  distance = 0;
  readonly load: Record<string, { orders: number; units: number }> = {};

  add(decision: RoutingDecision): void {
    if (decision.outcome === 'hold') this.held++;
    if (decision.outcome === 'backorder') this.backordered++;
    if (decision.outcome !== 'allocate') return;
    this.allocated++;
    if (decision.shipments.length > 1) this.split++;
    for (const shipment of decision.shipments) {
      this.shipments++;
      if (shipment.cost === null) this.unpriced++;
      else this.cost += shipment.cost.amount;
      this.distance += shipment.distanceKm ?? 0;
      const load = (this.load[shipment.warehouseId] ??= { orders: 0, units: 0 });
      load.orders++;
      load.units += shipment.units;
    }
  }

  stats(router: Router): RoutingPolicyStats {
    return {
      policy: { id: router.policy.id, version: router.policy.version },
      allocated: this.allocated,
      held: this.held,
      backordered: this.backordered,
      splitRate: this.allocated === 0 ? 0 : this.split / this.allocated,
      shipments: this.shipments,
      cost: { amount: this.cost, currency: router.network.currency },
      unpricedShipments: this.unpriced,
      distanceKm: Math.round(this.distance * 10) / 10,
      load: this.load,
    };
  }
}

/**
 * Routes past orders with the current router and a candidate one and compares them: split rate,
 * shipping cost, distance, load per warehouse, and every order decided differently with the first
 * difference (outcome, rule, warehouses or split) and a sentence. Pure: nothing is reserved or
 * stored. With `deplete` (the default) each policy routes the orders in order against its own
 * copy of the snapshot, allocations using up stock and daily capacity.
 * @example
 * const report = simulateRouting(current, candidate, lastWeeksOrders, { at, stock });
 * report.candidate.splitRate - report.current.splitRate
 * @throws ValidationError `VALIDATION_FAILED` for routers that are not routers, orders that are not a list, or a bad snapshot.
 */
export function simulateRouting(current: Router, candidate: Router, orders: readonly RoutableOrder[], snapshot: RoutingSnapshotInput, options: SimulateRoutingOptions = {}): RoutingSimulation {
  const issues: { code: string; path: (string | number)[]; message: string }[] = [];
  if (!(current instanceof Router)) issues.push({ code: 'invalid_type', path: ['current'], message: 'Expected a router from compileRouting' });
  if (!(candidate instanceof Router)) issues.push({ code: 'invalid_type', path: ['candidate'], message: 'Expected a router from compileRouting' });
  if (!Array.isArray(orders)) issues.push({ code: 'invalid_type', path: ['orders'], message: 'Expected an array of orders' });
  if (issues.length > 0) throw new ValidationError('simulateRouting arguments', issues);
  expectObject('simulateRouting options', options);
  const deplete = options.deplete ?? true;
  const sides = [current, candidate].map((router) => ({ router, snapshot: router.snapshot(snapshot), tally: new Tally() }));
  const changed: RoutingChange[] = [];
  for (const order of orders) {
    const [before, after] = sides.map((side) => {
      const decision = side.router.route(order, side.snapshot);
      side.tally.add(decision);
      if (deplete && decision.outcome === 'allocate') consumeSnapshot(side.snapshot, order, decision);
      return summarise(decision);
    }) as [DecisionSummary, DecisionSummary];
    const change = compare(order.id, before, after);
    if (change !== null) changed.push(change);
  }
  return {
    orders: orders.length,
    current: (sides[0] as (typeof sides)[number]).tally.stats(current),
    candidate: (sides[1] as (typeof sides)[number]).tally.stats(candidate),
    changed,
  };
}
