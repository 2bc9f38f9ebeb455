// What routing answers: an allocation with its shipments, or a hold or backorder with the reason per line; always with a trace.
import type { Instant } from '../clock/instant.js';
import type { Money } from '../money/money.js';
import type { LineAllocation, LineQuantity } from '../orders/order-events.js';

/** The filters a warehouse can be rejected by: the rule's own, and the ones every rule applies. */
export const WAREHOUSE_REJECTIONS = [
  'include',
  'exclude',
  'serves-region',
  'ships-within',
  'max-distance',
  'capacity',
  'category',
  'stock',
  'partial',
] as const;
/** See {@link WAREHOUSE_REJECTIONS}. */
export type WarehouseRejection = (typeof WAREHOUSE_REJECTIONS)[number];

/** Why a line could not be allocated. */
export const LINE_SHORTFALL_REASONS = [
  /** No eligible warehouse has enough units (after safety stock), even all together. */
  'NO_STOCK',
  /** No warehouse that passed the rule's filters (region, capacity, cut-off ...) may ship this line's category. */
  'NO_ELIGIBLE_WAREHOUSE',
  /** Enough units exist only across several warehouses, and the rule does not split this order. */
  'SPLIT_NOT_ALLOWED',
  /** Enough units exist only across more warehouses than the rule's `maxShipments`. */
  'TOO_MANY_SHIPMENTS',
  /** The split search used its whole budget without finding an allocation (raise `policy.search.budget`). */
  'SEARCH_EXHAUSTED',
] as const;
/** See {@link LINE_SHORTFALL_REASONS}. */
export type LineShortfallReason = (typeof LINE_SHORTFALL_REASONS)[number];

/**
 * A line routing could not allocate, with the units the rule's eligible warehouses had. When every
 * line has stock somewhere but not together, every line is listed with the order-level reason.
 */
export interface LineShortfall {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
  /** Units of the SKU across the warehouses that passed the rule's filters, after safety stock. */
  readonly available: number;
  /** Units the best single eligible warehouse had. */
  readonly bestSingle: number;
  readonly reason: LineShortfallReason;
}

/**
 * A warehouse the rule set aside: the filter, what the warehouse had and what the rule needed, as
 * values a program can compare (`formatRoutingTrace` turns them into sentences):
 * - `stock`: units available after `safetyStock` vs units of `lineId` ordered;
 * - `category`: the line's category vs `"allowed"`;
 * - `capacity`: orders or units (`unit`) already used on `date` vs the daily capacity;
 * - `ships-within`: working days until its ship `date` vs the days allowed;
 * - `max-distance`: km (null when unknown) vs the km allowed;
 * - `serves-region`: the regions it serves vs the destination;
 * - `include`, `exclude`, `partial`: a word vs a word.
 */
export interface RejectedWarehouse {
  readonly warehouseId: string;
  readonly verdict: 'rejected';
  readonly filter: WarehouseRejection;
  readonly actual: number | string | null;
  readonly required: number | string;
  /** The line concerned (`stock`, `category`). */
  readonly lineId?: string;
  /** The line's SKU (`stock`). */
  readonly sku?: string;
  /** Units kept back (`stock`). */
  readonly safetyStock?: number;
  /** What capacity ran out (`capacity`). */
  readonly unit?: 'orders' | 'units';
  /** The warehouse's ship day (`capacity`, `ships-within`). */
  readonly date?: string;
}

/** A warehouse that stayed in the running, with its rank values and how it was ordered against the one before it. */
export interface CandidateWarehouse {
  readonly warehouseId: string;
  readonly verdict: 'candidate';
  /** 1 for the best-ranked candidate. */
  readonly position: number;
  /**
   * Each ranker's value, in the order of the rule's `rankers` (see {@link RoutingRuleTrace.rankers}):
   * km, minor units, list position, rank or epoch millis; null when unknown.
   */
  readonly values: readonly (number | null)[];
  /** The ranker that placed it after the previous candidate, `warehouse id` when every ranker tied, null for the first. */
  readonly decidedBy: string | null;
  /** Units it can ship per line, in the order of the order's lines (after safety stock, category and daily unit capacity). */
  readonly available: readonly number[];
  /** True when the chosen allocation ships from it. */
  readonly chosen: boolean;
}

/** One warehouse's line in a trace. */
export type WarehouseTrace = RejectedWarehouse | CandidateWarehouse;

/** What the split search did for a rule. */
export interface SearchTrace {
  /** Candidate warehouses searched. */
  readonly candidates: number;
  /** Warehouse combinations evaluated. */
  readonly examined: number;
  /**
   * True when no better allocation exists under the rule's objective: the fewest shipments, then
   * (objective `cost`) the lowest total cost over every set of warehouses and every split of the
   * units among them, proven by an exhaustive search within its budgets.
   */
  readonly optimal: boolean;
  /**
   * Why `optimal` is false: `set_budget` (more warehouse combinations than `policy.search.budget`)
   * or `distribution_budget` (one combination had too many splits of its units to try them all).
   */
  readonly unproven?: 'set_budget' | 'distribution_budget';
  readonly objective: 'single' | 'cost' | 'rank';
  /** The most shipments the rule allowed for this order (1 when it may not split). */
  readonly maxShipments: number;
}

/** What one rule did for the order. */
export interface RoutingRuleTrace {
  readonly ruleId: string;
  /** False when the rule's `when` did not hold; `skipped` says which condition. */
  readonly applied: boolean;
  readonly skipped?: string;
  /** The rule's rankers, first to last: what each candidate's `values` are. */
  readonly rankers: readonly string[];
  /** Every warehouse of the network, in network order. Empty when the rule was not applied. */
  readonly warehouses: readonly WarehouseTrace[];
  readonly search?: SearchTrace;
  /** `allocated`, or the fallback the rule took. */
  readonly result: 'allocated' | 'next-rule' | 'hold' | 'backorder';
}

/** Why the router decided what it decided: one entry per rule it looked at, in order. */
export interface RoutingTrace {
  readonly rules: readonly RoutingRuleTrace[];
  /** Line weights that were not in the snapshot and took the network's default, by SKU. */
  readonly assumedWeights: readonly string[];
}

/** One parcel the allocation makes: the lines a warehouse ships, its weight, carrier, cost and when it leaves. */
export interface RoutedShipment {
  readonly warehouseId: string;
  readonly lines: readonly LineQuantity[];
  readonly units: number;
  readonly weightGrams: number;
  /** The cheapest carrier whose tariff covers the destination and weight; null when none does. */
  readonly carrier: string | null;
  /** That carrier's price, in the network's currency; null when no tariff covers the parcel. */
  readonly cost: Money | null;
  /** The warehouse's working day it ships on, `YYYY-MM-DD` in its zone. */
  readonly shipDate: string;
  /** The cut-off of that day (end of day when the warehouse has none), as an instant ... */
  readonly estimatedShipAt: Instant;
  /** ... and as the warehouse's wall time, `YYYY-MM-DDTHH:mm:ss`. */
  readonly estimatedShipLocal: string;
  readonly zone: string;
  /** Great-circle km to the destination's point; null when either point is unknown. */
  readonly distanceKm: number | null;
}

/** The destination routing worked with: division names and codes, never the street. */
export interface DecisionDestination {
  readonly country: string | undefined;
  readonly province: string | undefined;
  readonly city: string | undefined;
  readonly provinceCode: string | undefined;
  readonly cityCode: string | undefined;
}

interface DecisionBase {
  readonly orderId: string;
  readonly policy: { readonly id: string; readonly version: string };
  readonly destination: DecisionDestination;
  readonly trace: RoutingTrace;
}

/** Every line allocated: the `allocations` go straight into an `allocate` event. */
export interface RoutingAllocation extends DecisionBase {
  readonly outcome: 'allocate';
  /** The rule that allocated. */
  readonly rule: string;
  /** Per line and warehouse, in line order then shipment order. */
  readonly allocations: readonly LineAllocation[];
  readonly shipments: readonly RoutedShipment[];
  /** Sum of the shipments' costs; null when some shipment has no tariff. */
  readonly cost: Money | null;
  /** The latest estimated ship instant of the shipments. */
  readonly estimatedShipAt: Instant;
  /** False when the split search ran out of budget before proving this allocation best. */
  readonly optimal: boolean;
}

/** Not routed: hold the order for a person, with the reason and each line's shortfall. */
export interface RoutingHold extends DecisionBase {
  readonly outcome: 'hold';
  /** The rule's fallback reason, or `NO_ROUTE` when every rule passed the order on. */
  readonly reason: string;
  /** The rule that held it; null when no rule did (every one passed it on, or none applied). */
  readonly rule: string | null;
  readonly lines: readonly LineShortfall[];
}

/** Not routed now: wait for stock. The lines say what is short. */
export interface RoutingBackorder extends DecisionBase {
  readonly outcome: 'backorder';
  readonly rule: string;
  readonly lines: readonly LineShortfall[];
}

/** What `router.route` answers. */
export type RoutingDecision = RoutingAllocation | RoutingHold | RoutingBackorder;
