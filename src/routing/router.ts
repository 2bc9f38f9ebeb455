// The compiled router: pure, synchronous route(order, snapshot) with a trace of every warehouse and rule.
import { instantToMillis, isInstant, type Instant } from '../clock/instant.js';
import type { BusinessCalendar } from '../clock/business-calendar.js';
import { haversineKm } from '../approval/derived-facts.js';
import { ValidationError, expectObject } from '../errors/validation-error.js';
import type { GeoPoint, Address } from '../model/address.js';
import type { Money } from '../money/money.js';
import type { LineAllocation } from '../orders/order-events.js';
import { resolveDestination, type RegionTest, type RoutingDestination } from './regions.js';
import type {
  DecisionDestination,
  RoutingBackorder,
  RoutingHold,
  RejectedWarehouse,
  RoutingTrace,
  LineShortfall,
  LineShortfallReason,
  RoutedShipment,
  RoutingDecision,
  RoutingRuleTrace,
  SearchTrace,
  WarehouseTrace,
} from './routing-decision.js';
import type { RoutingNetwork, RoutingPolicy, RoutingRanker, RoutingRule, WeightBand } from './routing-schema.js';
import { RoutingSnapshot, shipDayOf, type RoutingSnapshotInput, type ShipDay } from './routing-snapshot.js';
import { bestSingle as bestSingleCandidate, searchSplits, type SplitOutcome, type SplitProblem } from './split-search.js';

/** A compile-time warning: a rule that can never match or be reached, a ranker with no effect. */
export interface RoutingWarning {
  readonly code: 'unreachable_rule' | 'rule_never_matches' | 'ranker_without_effect';
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** @internal A warehouse compiled for routing. */
export interface CompiledWarehouse {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly zone: string;
  readonly location: GeoPoint | undefined;
  readonly serves: RegionTest;
  readonly servesSomething: boolean;
  readonly servesText: string;
  readonly allow: ReadonlySet<string> | null;
  readonly deny: ReadonlySet<string>;
  readonly capacityOrders: number | undefined;
  readonly capacityUnits: number | undefined;
  readonly cutoff: string | undefined;
  readonly calendar: BusinessCalendar;
  readonly safety: ReadonlyMap<string, number>;
  readonly defaultSafety: number;
  readonly rank: number;
  readonly tariffs: readonly { readonly carrier: string; readonly zones: readonly { readonly test: RegionTest; readonly bands: readonly WeightBand[] }[] }[];
  /** Tariffs and price steps by the zones a destination matched, shared by every destination that matches the same ones. */
  readonly priced: Map<string, { readonly tariffs: Tariffs; readonly steps: PriceSteps }>;
  readonly partial: boolean;
}

type CompiledRanker =
  | Exclude<RoutingRanker, { type: 'region-preference' }>
  | (Extract<RoutingRanker, { type: 'region-preference' }> & {
      readonly compiled: readonly { readonly test: RegionTest; readonly positions: ReadonlyMap<number, number>; readonly size: number }[];
    });

/** @internal A rule compiled for routing. */
export interface CompiledRule {
  readonly id: string;
  readonly source: RoutingRule;
  readonly whenRegions: RegionTest | undefined;
  readonly include: ReadonlySet<number> | null;
  readonly exclude: ReadonlySet<number>;
  /** Per warehouse: CANDIDATE (0), or the REJECT_INCLUDE / REJECT_EXCLUDE code the rule's lists give it. */
  readonly pool: Uint8Array;
  readonly rankers: readonly CompiledRanker[];
  /** The rankers' types, in order, as the trace lists them. */
  readonly rankerNames: readonly string[];
}

/** The order fields routing reads; a stored `Order` has them all. */
export interface RoutableOrder {
  readonly id: string;
  readonly channel?: string | undefined;
  readonly lines: readonly { readonly lineId: string; readonly sku: string; readonly quantity: number; readonly category?: string | undefined }[];
  readonly totals?: { readonly total: Money } | undefined;
  readonly shippingAddress?: Address | undefined;
}

/** Options of {@link Router.route}. */
export interface RouteOptions {
  /**
   * The destination, when you resolved it already (`resolveDestination(order.shippingAddress)`).
   * @default resolved from `order.shippingAddress`, cached per province, city and district
   */
  readonly destination?: RoutingDestination;
}

/** Parcels priced per carrier for one warehouse and destination. */
type Tariffs = readonly { readonly carrier: string; readonly bands: readonly WeightBand[] }[];

/** What the router keeps per destination: region membership, distance and tariffs per warehouse. */
interface DestinationFacts {
  readonly destination: RoutingDestination;
  readonly served: Int8Array;
  readonly distance: Float64Array;
  /** Per warehouse, its tariffs to this destination and their price steps (shared between destinations). */
  readonly priced: ({ readonly tariffs: Tariffs; readonly steps: PriceSteps } | undefined)[];
  readonly summary: DecisionDestination;
  readonly label: string;
}

const DESTINATION_CACHE_LIMIT = 10_000;

// A warehouse's verdict in one rule, kept as a number on the hot path.
const CANDIDATE = 0;
/** @internal */
export const REJECT_INCLUDE = 1;
/** @internal */
export const REJECT_EXCLUDE = 2;
const REJECT_REGION = 3;
const REJECT_SHIPS_WITHIN = 4;
const REJECT_DISTANCE = 5;
const REJECT_ORDERS = 6;
const REJECT_UNITS = 7;
const REJECT_CATEGORY = 8;
const REJECT_STOCK = 9;

/**
 * Per-rule working arrays, grown and reused: the router keeps one for its hot path (routing is
 * synchronous, so no two routes share it at once), and explaining a rule uses a fresh one.
 */
class Workspace {
  rows: number[] = [];
  quantities: number[] = [];
  /** Rejected warehouses as quadruples: warehouse index, REJECT_* code, line, units. */
  rejected: number[] = [];
  rejectedCount = 0;
  /** Candidate warehouse indices, and per candidate its units per line (flat) and unit cap. */
  candidates: number[] = [];
  available: number[] = [];
  caps: number[] = [];
  count = 0;
  values: number[] = [];
  keys: number[] = [];
  steps: PriceSteps[] = [];
  minCost: number[] = [];
  wholeOnly: boolean[] = [];
  compare: (a: number, b: number) => number = (a, b) => a - b;
  /** The chosen candidates. */
  chosen: readonly number[] = [];
  /** True when explaining: every candidate gets its rank values. */
  explaining = false;
  /** Per candidate: it can ship the whole order alone. */
  fills: boolean[] = [];
  /** Per line, which warehouses may ship its category. */
  categoryMasks: Uint8Array[] = [];
}

/** The mask of a line without a category: never read, since such a line has no category to check. */
const NO_CATEGORY = new Uint8Array(0);

/** True when the candidate whose units start at `at` has every line's ordered units. */
function fillsAlone(available: readonly number[], at: number, quantities: readonly number[], lines: number): boolean {
  for (let l = 0; l < lines; l++) if ((available[at + l] as number) < (quantities[l] as number)) return false;
  return true;
}

/** What one rule found: an allocation or the shortfall, and how to build its trace. */
interface Attempt {
  readonly allocation: {
    readonly allocations: readonly LineAllocation[];
    readonly shipments: readonly RoutedShipment[];
    readonly cost: Money | null;
    readonly estimatedShipAt: Instant;
    readonly optimal: boolean;
  } | null;
  readonly shortfall: readonly LineShortfall[];
  readonly search: SearchTrace;
  /** Units a warehouse needs room for (the whole order when it may not split). */
  readonly unitsNeeded: number;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Prints a decision with its trace in `console.log` and `util.inspect`, not as `[Getter]`. One
 * shared function, so two equal decisions stay deeply equal.
 */
function inspectDecision(this: object, _depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
  const { [INSPECT as never]: _hook, ...plain } = { ...this } as Record<string | symbol, unknown>;
  return inspect(plain, options);
}
const INSPECTABLE = Object.freeze({ [INSPECT]: inspectDecision });

/** The cheapest carrier's price for a parcel, or Infinity when no tariff covers it. */
function priceAmount(tariffs: Tariffs, grams: number): number {
  let best = Infinity;
  for (const tariff of tariffs) {
    for (const band of tariff.bands) {
      if (band.maxGrams === null || grams <= band.maxGrams) {
        if (band.amount < best) best = band.amount;
        break;
      }
    }
  }
  return best;
}

/**
 * Every carrier's tariff to one destination merged into one step function: parcels up to
 * `limits[i]` grams cost at best `amounts[i]`. Between two consecutive limits no carrier changes
 * band, so the cheapest carrier at a segment's upper limit is the cheapest across it.
 */
interface PriceSteps {
  readonly limits: Float64Array;
  readonly amounts: Float64Array;
  /** The lowest price of any parcel: a lower bound for the split search. */
  readonly cheapest: number;
}

function priceSteps(tariffs: Tariffs): PriceSteps {
  const limits = [...new Set(tariffs.flatMap((tariff) => tariff.bands.map((band) => band.maxGrams ?? Infinity)))].sort((a, b) => a - b);
  const amounts = limits.map((limit) => priceAmount(tariffs, limit));
  return { limits: Float64Array.from(limits), amounts: Float64Array.from(amounts), cheapest: Math.min(Infinity, ...amounts) };
}

function stepPrice(steps: PriceSteps, grams: number): number {
  const { limits, amounts } = steps;
  for (let i = 0; i < limits.length; i++) if (grams <= (limits[i] as number)) return amounts[i] as number;
  return Infinity;
}

function price(tariffs: Tariffs, grams: number): { carrier: string; amount: number } | null {
  let best: { carrier: string; amount: number } | null = null;
  for (const tariff of tariffs) {
    for (const band of tariff.bands) {
      if (band.maxGrams === null || grams <= band.maxGrams) {
        if (best === null || band.amount < best.amount) best = { carrier: tariff.carrier, amount: band.amount };
        break;
      }
    }
  }
  return best;
}


function checkOrder(order: RoutableOrder): void {
  expectObject('route order', order, 'an order');
  const issues: { code: string; path: (string | number)[]; message: string }[] = [];
  if (typeof order.id !== 'string' || order.id.length === 0) issues.push({ code: 'invalid_type', path: ['id'], message: 'Expected the order id' });
  if (!Array.isArray(order.lines) || order.lines.length === 0) issues.push({ code: 'invalid_type', path: ['lines'], message: 'Expected at least one line' });
  else {
    order.lines.forEach((line, i) => {
      if (typeof line !== 'object' || line === null) issues.push({ code: 'invalid_type', path: ['lines', i], message: 'Expected a line { lineId, sku, quantity }' });
      else {
        if (typeof line.lineId !== 'string' || order.lines.findIndex((other) => other?.lineId === line.lineId) !== i) {
          issues.push({ code: 'invalid_type', path: ['lines', i, 'lineId'], message: 'Expected a line id unique within the order' });
        }
        if (typeof line.sku !== 'string') issues.push({ code: 'invalid_type', path: ['lines', i, 'sku'], message: 'Expected the SKU' });
        if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) issues.push({ code: 'too_small', path: ['lines', i, 'quantity'], message: 'Expected a positive whole number of units' });
      }
    });
  }
  if (issues.length > 0) throw new ValidationError('route order', issues);
}

/**
 * A compiled routing policy over a network. `route` is pure and synchronous: the same order and
 * snapshot give the same decision. Make one with `compileRouting`.
 */
export class Router {
  /** The validated network, defaults filled in. */
  readonly network: RoutingNetwork;
  /** The validated policy, defaults filled in. */
  readonly policy: RoutingPolicy;
  /** Rules that can never match or be reached, rankers with no effect. */
  readonly warnings: readonly RoutingWarning[];
  readonly #warehouses: readonly CompiledWarehouse[];
  readonly #rules: readonly CompiledRule[];
  readonly #destinations = new Map<string, DestinationFacts>();
  readonly #workspace = new Workspace();
  readonly #categoryMasks = new Map<string, Uint8Array>();
  readonly #shipDays: ({ readonly from: number; readonly until: number; readonly day: ShipDay } | undefined)[] = [];
  readonly #policyRef: { readonly id: string; readonly version: string };
  /** Each warehouse's place in warehouse id order, the last tie-break. */
  readonly #idOrder: readonly number[];

  /** @internal Use `compileRouting`. */
  constructor(network: RoutingNetwork, policy: RoutingPolicy, warehouses: readonly CompiledWarehouse[], rules: readonly CompiledRule[], warnings: readonly RoutingWarning[]) {
    this.network = network;
    this.policy = policy;
    this.#warehouses = warehouses;
    this.#rules = rules;
    this.#policyRef = Object.freeze({ id: policy.id, version: policy.version });
    const byId = [...warehouses].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const idOrder = new Array<number>(warehouses.length);
    byId.forEach((w, position) => (idOrder[w.index] = position));
    this.#idOrder = idOrder;
    this.warnings = Object.freeze([...warnings]);
  }

  /**
   * Indexes stock, capacity used and weights for this router's warehouses at one instant. Make
   * it once per batch: a snapshot of 5,000 SKUs over 50 warehouses serves every order routed at
   * that instant.
   * @throws ValidationError `VALIDATION_FAILED` with paths for malformed input.
   */
  snapshot(input: RoutingSnapshotInput): RoutingSnapshot {
    return new RoutingSnapshot(this, this.#warehouses, input, (w, at) => this.#shipDay(w as CompiledWarehouse, at));
  }

  /**
   * The day each warehouse would ship an order decided at `at` (after its cut-off and calendar):
   * the days whose capacity a snapshot needs (`inventory.getCapacityUsage({ dates })`).
   */
  shipDays(at: Instant): readonly { readonly warehouseId: string; readonly date: string }[] {
    if (!isInstant(at)) throw new ValidationError('shipDays at', [{ code: 'invalid_type', path: [], message: 'Expected a canonical UTC instant from the clock' }]);
    return this.#warehouses.map((w) => ({ warehouseId: w.id, date: this.#shipDay(w, at).date }));
  }

  /** The daily capacity of a warehouse of the network, or undefined for an unknown id or no limit. */
  capacityOf(warehouseId: string): { readonly orders?: number | undefined; readonly units?: number | undefined } | undefined {
    return this.network.warehouses.find((w) => w.id === warehouseId)?.capacity;
  }

  /**
   * Routes one order: the first rule that applies and finds an allocation wins; a rule that finds
   * none takes its fallback (next rule, hold with its reason, backorder). Never throws for a
   * routing outcome; throws only for malformed input.
   * @throws ValidationError `VALIDATION_FAILED` for an order without id or lines, or a bad snapshot.
   */
  route(order: RoutableOrder, snapshot: RoutingSnapshot | RoutingSnapshotInput, options: RouteOptions = {}): RoutingDecision {
    checkOrder(order);
    expectObject('route options', options);
    const indexed = snapshot instanceof RoutingSnapshot && snapshot.owner === this ? snapshot : this.snapshot(snapshot as RoutingSnapshotInput);
    const facts = options.destination !== undefined ? this.#factsFor(options.destination) : this.#destinationOf(order.shippingAddress);
    const assumed: string[] = [];
    const unitGrams = order.lines.map((line) => {
      const grams = indexed.weights.get(line.sku);
      if (grams !== undefined) return grams;
      if (!assumed.includes(line.sku)) assumed.push(line.sku);
      return this.network.defaultWeightGrams;
    });
    // The trace explains from a copy of the fields routing read, in case the caller changes the order afterwards.
    const kept = (): RoutableOrder => copy;
    const copy: RoutableOrder = {
      id: order.id,
      channel: order.channel,
      totals: order.totals === undefined ? undefined : { total: { ...order.totals.total } },
      lines: order.lines.map((line) => ({ lineId: line.lineId, sku: line.sku, quantity: line.quantity, category: line.category })),
    };
    // Each rule's trace entry is built only when the decision's trace is read.
    const entries: (() => RoutingRuleTrace)[] = [];
    let built: RoutingTrace | undefined;
    // An own, enumerable getter: JSON.stringify, spreading and deep equality see the trace like a
    // plain field, and routing at full speed does not build the trace objects nobody reads.
    const trace = (): RoutingTrace => (built ??= { rules: entries.map((entry) => entry()), assumedWeights: assumed });
    const destination = facts.summary;
    /** A decision without an allocation, with the same lazily built trace. */
    const unrouted = (fields: Omit<RoutingHold, 'orderId' | 'policy' | 'destination' | 'trace'> | Omit<RoutingBackorder, 'orderId' | 'policy' | 'destination' | 'trace'>): RoutingDecision =>
      ({
        orderId: order.id,
        policy: this.#policyRef,
        destination,
        ...fields,
        get trace() {
          return trace();
        },
        ...INSPECTABLE,
      }) as RoutingDecision;
    let lastShortfall: readonly LineShortfall[] = [];
    for (const rule of this.#rules) {
      const skipped = this.#whyNot(rule, order, facts);
      if (skipped !== null) {
        entries.push(() => ({ ruleId: rule.id, applied: false, skipped, rankers: rule.rankerNames, warehouses: [], result: 'next-rule' }));
        continue;
      }
      const attempt = this.#attempt(rule, order, indexed, facts, unitGrams, this.#workspace);
      const result = attempt.allocation !== null ? 'allocated' : rule.source.fallback.type;
      entries.push(() => ({ ruleId: rule.id, applied: true, rankers: rule.rankerNames, warehouses: this.#explain(rule, kept(), indexed, facts, unitGrams), search: attempt.search, result }));
      if (attempt.allocation !== null) {
        const { allocations, shipments, cost, estimatedShipAt, optimal } = attempt.allocation;
        return {
          orderId: order.id,
          policy: this.#policyRef,
          destination,
          outcome: 'allocate',
          rule: rule.id,
          allocations,
          shipments,
          cost,
          estimatedShipAt,
          optimal,
          get trace() {
            return trace();
          },
          ...INSPECTABLE,
        };
      }
      lastShortfall = attempt.shortfall;
      const fallback = rule.source.fallback;
      if (fallback.type === 'hold') return unrouted({ outcome: 'hold', reason: fallback.reason, rule: rule.id, lines: attempt.shortfall });
      if (fallback.type === 'backorder') return unrouted({ outcome: 'backorder', rule: rule.id, lines: attempt.shortfall });
    }
    return unrouted({ outcome: 'hold', reason: 'NO_ROUTE', rule: null, lines: lastShortfall });
  }

  /**
   * A warehouse's ship day at `at`, kept until it may change (its cut-off or its next local
   * midnight): a stream of orders routed over a day computes each warehouse's day once.
   */
  #shipDay(w: CompiledWarehouse, at: Instant): ShipDay {
    const millis = instantToMillis(at);
    const cached = this.#shipDays[w.index];
    if (cached !== undefined && millis >= cached.from && millis < cached.until) return cached.day;
    const day = shipDayOf(w, at);
    this.#shipDays[w.index] = { from: millis, until: day.until, day };
    return day;
  }

  /** 1 for each warehouse that may ship the category, kept per category. */
  #shipsCategory(category: string): Uint8Array {
    let mask = this.#categoryMasks.get(category);
    if (mask === undefined) {
      mask = Uint8Array.from(this.#warehouses, (w) => (w.deny.has(category) || (w.allow !== null && !w.allow.has(category)) ? 0 : 1));
      if (this.#categoryMasks.size >= DESTINATION_CACHE_LIMIT) this.#categoryMasks.clear();
      this.#categoryMasks.set(category, mask);
    }
    return mask;
  }

  #destinationOf(address: Address | undefined): DestinationFacts {
    const key =
      address === undefined || address === null || typeof address !== 'object'
        ? ''
        : `${address.country}|${address.province ?? ''}|${address.city ?? ''}|${address.district ?? ''}|${address.province === undefined && address.city === undefined ? address.street : ''}|${address.geo === undefined ? '' : `${address.geo.lat},${address.geo.lng}`}`;
    let facts = this.#destinations.get(key);
    if (facts === undefined) {
      if (this.#destinations.size >= DESTINATION_CACHE_LIMIT) this.#destinations.clear();
      facts = this.#factsFor(resolveDestination(address));
      this.#destinations.set(key, facts);
    }
    return facts;
  }

  #factsFor(destination: RoutingDestination): DestinationFacts {
    const n = this.#warehouses.length;
    const { country, province, city, provinceCode, cityCode } = destination;
    return {
      destination,
      served: new Int8Array(n).fill(-1),
      distance: new Float64Array(n).fill(Number.NaN),
      priced: new Array<{ readonly tariffs: Tariffs; readonly steps: PriceSteps } | undefined>(n).fill(undefined),
      summary: Object.freeze({ country, province, city, provinceCode, cityCode }),
      label: [country, province, city].filter((part) => part !== undefined).join(' ') || 'no address',
    };
  }

  #served(facts: DestinationFacts, w: CompiledWarehouse): boolean {
    let served = facts.served[w.index] as number;
    if (served === -1) {
      served = w.serves(facts.destination) ? 1 : 0;
      facts.served[w.index] = served;
    }
    return served === 1;
  }

  #distance(facts: DestinationFacts, w: CompiledWarehouse): number {
    let km = facts.distance[w.index] as number;
    if (Number.isNaN(km)) {
      const point = facts.destination.point;
      km = point === undefined || w.location === undefined ? Infinity : haversineKm(w.location, point);
      facts.distance[w.index] = km;
    }
    return km;
  }

  #tariffs(facts: DestinationFacts, w: CompiledWarehouse): Tariffs {
    return this.#priced(facts, w).tariffs;
  }

  #priced(facts: DestinationFacts, w: CompiledWarehouse): { readonly tariffs: Tariffs; readonly steps: PriceSteps } {
    let priced = facts.priced[w.index];
    if (priced === undefined) {
      const zones = w.tariffs.map((tariff) => tariff.zones.findIndex((z) => z.test(facts.destination)));
      const key = zones.join(',');
      priced = w.priced.get(key);
      if (priced === undefined) {
        const tariffs = w.tariffs.flatMap((tariff, t) => {
          const zone = tariff.zones[zones[t] as number];
          return zone === undefined ? [] : [{ carrier: tariff.carrier, bands: zone.bands }];
        });
        priced = { tariffs, steps: priceSteps(tariffs) };
        w.priced.set(key, priced);
      }
      facts.priced[w.index] = priced;
    }
    return priced;
  }

  #steps(facts: DestinationFacts, w: CompiledWarehouse): PriceSteps {
    return this.#priced(facts, w).steps;
  }

  #whyNot(rule: CompiledRule, order: RoutableOrder, facts: DestinationFacts): string | null {
    const when = rule.source.when;
    if (when === undefined) return null;
    if (rule.whenRegions !== undefined && !rule.whenRegions(facts.destination)) return `destination ${facts.label} is not in ${when.regions?.join(', ')}`;
    if (when.categories !== undefined && !order.lines.some((line) => line.category !== undefined && when.categories?.includes(line.category))) {
      return `no line has category ${when.categories.join(', ')}`;
    }
    if (when.channels !== undefined && (order.channel === undefined || !when.channels.includes(order.channel))) return `channel is not ${when.channels.join(', ')}`;
    if (when.minTotal !== undefined) {
      const total = order.totals?.total;
      if (total === undefined || total.currency !== when.minTotal.currency || total.amount < when.minTotal.amount) {
        return `order total is below ${when.minTotal.amount} ${when.minTotal.currency} (minor units)`;
      }
    }
    return null;
  }

  /**
   * One rule over every warehouse. Works in `ws`: the router's reused workspace on the hot path,
   * a fresh one when the trace re-runs the rule (pure, so it finds the same) to explain it.
   */
  #attempt(rule: CompiledRule, order: RoutableOrder, snapshot: RoutingSnapshot, facts: DestinationFacts, unitGrams: readonly number[], ws: Workspace): Attempt {
    const split = rule.source.split;
    const total = order.totals?.total;
    const splitAllowed =
      split.allowed &&
      (split.minTotal === undefined || (total !== undefined && total.currency === split.minTotal.currency && total.amount >= split.minTotal.amount));
    const maxShipments = splitAllowed ? split.maxShipments : 1;
    const lines = order.lines;
    const lineCount = lines.length;
    const n = this.#warehouses.length;
    let totalUnits = 0;
    let orderGrams = 0;
    const { rows, quantities, rejected, candidates, available, caps } = ws;
    for (let l = 0; l < lineCount; l++) {
      const line = lines[l] as RoutableOrder['lines'][number];
      totalUnits += line.quantity;
      orderGrams += line.quantity * (unitGrams[l] as number);
      quantities[l] = line.quantity;
      // Each line's row offset in the snapshot's unit counts; -1 when no warehouse has the SKU.
      rows[l] = snapshot.stock.get(line.sku) ?? -1;
    }
    const units_ = snapshot.units;
    // Per line, which warehouses may ship its category (one lookup per line, not per warehouse).
    const categoryMasks = ws.categoryMasks;
    let categorised = false;
    for (let l = 0; l < lineCount; l++) {
      const category = (lines[l] as RoutableOrder['lines'][number]).category;
      categoryMasks[l] = category === undefined ? NO_CATEGORY : this.#shipsCategory(category);
      if (category !== undefined) categorised = true;
    }
    // Units warehouse i can ship of line l: stock after safety stock, within its units left today.
    const usableUnits = (w: CompiledWarehouse, i: number, l: number, unitsLeft: number): number => {
      const row = rows[l] as number;
      const line = lines[l] as RoutableOrder['lines'][number];
      const units = (row < 0 ? 0 : (units_[row + i] as number)) - safetyStockOf(w, line.sku);
      return units <= 0 ? 0 : units < unitsLeft ? units : unitsLeft;
    };
    const filters = rule.source.filters;
    let rejectedCount = 0;
    let count = 0;
    let anyPassedFilters = false;
    for (let i = 0; i < n; i++) {
      const w = this.#warehouses[i] as CompiledWarehouse;
      let verdict = CANDIDATE;
      const pool = rule.pool[i] as number;
      if (pool !== CANDIDATE) verdict = pool;
      for (let f = 0; f < filters.length && verdict === CANDIDATE; f++) {
        const filter = filters[f] as RoutingRule['filters'][number];
        if (filter.type === 'serves-region') {
          if (!this.#served(facts, w)) verdict = REJECT_REGION;
        } else if (filter.type === 'ships-within') {
          if ((snapshot.days[i] as ShipDay).workingDaysOut > filter.workingDays) verdict = REJECT_SHIPS_WITHIN;
        } else if (!(this.#distance(facts, w) <= filter.km)) verdict = REJECT_DISTANCE;
      }
      const unitsLeft = snapshot.unitsLeft[i] as number;
      if (verdict === CANDIDATE) {
        if ((snapshot.ordersLeft[i] as number) < 1) verdict = REJECT_ORDERS;
        else if (unitsLeft < 1 || (maxShipments === 1 && unitsLeft < totalUnits)) verdict = REJECT_UNITS;
      }
      if (verdict !== CANDIDATE) {
        rejected[rejectedCount++] = i;
        rejected[rejectedCount++] = verdict;
        rejected[rejectedCount++] = 0;
        rejected[rejectedCount++] = 0;
        continue;
      }
      anyPassedFilters = true;
      let some = false;
      let shortLine = -1;
      let categoryLine = -1;
      // Written straight into the next candidate's row; a rejected warehouse's row is overwritten.
      const at = count * lineCount;
      for (let l = 0; l < lineCount; l++) {
        if (categorised && (categoryMasks[l] as Uint8Array)[i] === 0) {
          available[at + l] = 0;
          if (categoryLine === -1) categoryLine = l;
          continue;
        }
        const usable = usableUnits(w, i, l, unitsLeft);
        available[at + l] = usable;
        if (usable > 0) some = true;
        if (usable < (quantities[l] as number) && shortLine === -1) shortLine = l;
      }
      if (categoryLine !== -1 && (maxShipments === 1 || !some)) {
        rejected[rejectedCount++] = i;
        rejected[rejectedCount++] = REJECT_CATEGORY;
        rejected[rejectedCount++] = categoryLine;
        rejected[rejectedCount++] = 0;
      } else if (!some || (maxShipments === 1 && shortLine !== -1)) {
        const l = shortLine === -1 ? 0 : shortLine;
        rejected[rejectedCount++] = i;
        rejected[rejectedCount++] = REJECT_STOCK;
        rejected[rejectedCount++] = l;
        rejected[rejectedCount++] = available[at + l] as number;
      } else {
        caps[count] = unitsLeft;
        candidates[count++] = i;
      }
    }
    ws.rejectedCount = rejectedCount;
    ws.count = count;

    // Rank keys per candidate (flat: candidate x ranker), the warehouse id order last. Computed
    // for every candidate only when no single warehouse can ship the order (or to explain it).
    const rankers = rule.rankers;
    const width = rankers.length;
    const { values, keys, steps, minCost, wholeOnly } = ws;
    const keyCandidate = (c: number): void => {
      const w = this.#warehouses[candidates[c] as number] as CompiledWarehouse;
      for (let r = 0; r < width; r++) {
        const ranker = rankers[r] as CompiledRanker;
        const value = this.#rankValue(ranker, w, facts, snapshot, orderGrams);
        values[c * width + r] = value;
        keys[c * width + r] = bucket(ranker, value);
      }
    };
    // Tariffs and rank keys: first only for the warehouses that can ship the whole order alone
    // (all a single-warehouse answer compares), for the others once a split is needed.
    const { fills } = ws;
    const prepare = (c: number): void => {
      const w = this.#warehouses[candidates[c] as number] as CompiledWarehouse;
      const own = this.#steps(facts, w);
      steps[c] = own;
      minCost[c] = own.cheapest;
      wholeOnly[c] = !w.partial;
      keyCandidate(c);
    };
    for (let c = 0; c < count; c++) {
      const alone = (caps[c] as number) >= totalUnits && fillsAlone(available, c * lineCount, quantities, lineCount);
      fills[c] = alone;
      if (alone || ws.explaining) prepare(c);
    }
    const idOrder = this.#idOrder;
    const compare = (a: number, b: number): number => {
      for (let r = 0; r < width; r++) {
        const x = keys[a * width + r] as number;
        const y = keys[b * width + r] as number;
        if (x !== y) return x < y ? -1 : 1;
      }
      return (idOrder[candidates[a] as number] as number) - (idOrder[candidates[b] as number] as number);
    };
    ws.compare = compare;
    const problem: SplitProblem = {
      lines: lineCount,
      quantities,
      unitGrams,
      count,
      available,
      unitCaps: caps,
      wholeOnly,
      cost: (c, grams) => stepPrice(steps[c] as PriceSteps, grams),
      minCost,
      limits: (c) => (steps[c] as PriceSteps).limits,
      compare,
      maxShipments,
      objective: maxShipments === 1 ? 'rank' : split.objective,
      budget: this.policy.search.budget,
    };
    const single = bestSingleCandidate(problem);
    let outcome: SplitOutcome = { solution: single, examined: count, optimal: true };
    if (single === null && maxShipments > 1 && count > 1) {
      if (!ws.explaining) for (let c = 0; c < count; c++) if (fills[c] !== true) prepare(c);
      outcome = searchSplits(problem);
    }
    ws.chosen = outcome.solution?.members ?? [];
    const search: SearchTrace = {
      candidates: count,
      examined: outcome.examined,
      optimal: outcome.optimal,
      ...(outcome.unproven === undefined ? {} : { unproven: outcome.unproven }),
      objective: maxShipments === 1 ? 'single' : split.objective,
      maxShipments,
    };

    if (outcome.solution === null) {
      // What each line had across the warehouses that passed the filters (candidates, and those
      // set aside for stock or category), counted only now that the order cannot be routed.
      const eligibleUnits = new Array<number>(lineCount).fill(0);
      const bestSingle = new Array<number>(lineCount).fill(0);
      const shippable = new Array<boolean>(lineCount).fill(false);
      const passed = [...candidates.slice(0, count)];
      for (let at = 0; at < rejectedCount; at += 4) {
        const code = rejected[at + 1] as number;
        if (code === REJECT_STOCK || code === REJECT_CATEGORY) passed.push(rejected[at] as number);
      }
      for (const i of passed) {
        const w = this.#warehouses[i] as CompiledWarehouse;
        for (let l = 0; l < lineCount; l++) {
          if (categorised && (categoryMasks[l] as Uint8Array)[i] === 0) continue;
          shippable[l] = true;
          const usable = usableUnits(w, i, l, snapshot.unitsLeft[i] as number);
          eligibleUnits[l] = (eligibleUnits[l] as number) + usable;
          if (usable > (bestSingle[l] as number)) bestSingle[l] = usable;
        }
      }
      const describe = (line: RoutableOrder['lines'][number], l: number, reason: LineShortfallReason): LineShortfall => ({
        lineId: line.lineId,
        sku: line.sku,
        quantity: line.quantity,
        available: eligibleUnits[l] as number,
        bestSingle: bestSingle[l] as number,
        reason,
      });
      // The lines that are short on their own; when none is, the order needs more shipments than the rule allows.
      const short = lines.flatMap((line, l) =>
        !anyPassedFilters || !(shippable[l] as boolean) ? [describe(line, l, 'NO_ELIGIBLE_WAREHOUSE')] : (eligibleUnits[l] as number) < line.quantity ? [describe(line, l, 'NO_STOCK')] : [],
      );
      const orderLevel: LineShortfallReason = !outcome.optimal ? 'SEARCH_EXHAUSTED' : splitAllowed ? 'TOO_MANY_SHIPMENTS' : 'SPLIT_NOT_ALLOWED';
      const shortfall = short.length > 0 ? short : lines.map((line, l) => describe(line, l, orderLevel));
      return { allocation: null, shortfall, search, unitsNeeded: maxShipments === 1 ? totalUnits : 1 };
    }

    const solution = outcome.solution;
    const allocations: LineAllocation[] = [];
    for (let l = 0; l < lineCount; l++) {
      for (let k = 0; k < solution.members.length; k++) {
        const units = (solution.take[k] as readonly number[])[l] as number;
        if (units > 0) {
          const w = this.#warehouses[candidates[solution.members[k] as number] as number] as CompiledWarehouse;
          allocations.push({ lineId: (lines[l] as RoutableOrder['lines'][number]).lineId, warehouseId: w.id, quantity: units });
        }
      }
    }
    let costSum = 0;
    let costKnown = true;
    let latest = -Infinity;
    let estimatedShipAt = '' as Instant;
    const shipments = solution.members.map((m, k): RoutedShipment => {
      const w = this.#warehouses[candidates[m] as number] as CompiledWarehouse;
      const take = solution.take[k] as readonly number[];
      let units = 0;
      let grams = 0;
      const shipped: { lineId: string; quantity: number }[] = [];
      for (let l = 0; l < lineCount; l++) {
        const quantity = take[l] as number;
        if (quantity > 0) {
          shipped.push({ lineId: (lines[l] as RoutableOrder['lines'][number]).lineId, quantity });
          units += quantity;
          grams += quantity * (unitGrams[l] as number);
        }
      }
      const quote = price(this.#tariffs(facts, w), grams);
      if (quote === null) costKnown = false;
      else costSum += quote.amount;
      const day = snapshot.days[w.index] as ShipDay;
      if (day.shipMillis > latest) {
        latest = day.shipMillis;
        estimatedShipAt = day.shipAt;
      }
      const km = this.#distance(facts, w);
      return {
        warehouseId: w.id,
        lines: shipped,
        units,
        weightGrams: grams,
        carrier: quote?.carrier ?? null,
        cost: quote === null ? null : { amount: quote.amount, currency: this.network.currency },
        shipDate: day.date,
        estimatedShipAt: day.shipAt,
        estimatedShipLocal: day.shipLocal,
        zone: w.zone,
        distanceKm: Number.isFinite(km) ? Math.round(km * 10) / 10 : null,
      };
    });
    const cost: Money | null = costKnown ? { amount: costSum, currency: this.network.currency } : null;
    return { allocation: { allocations, shipments, cost, estimatedShipAt, optimal: outcome.optimal }, shortfall: [], search, unitsNeeded: maxShipments === 1 ? totalUnits : 1 };
  }

  /** Explains one rule: runs it again in a fresh workspace (pure, so it decides the same) and describes every warehouse. */
  #explain(rule: CompiledRule, order: RoutableOrder, snapshot: RoutingSnapshot, facts: DestinationFacts, unitGrams: readonly number[]): WarehouseTrace[] {
    const ws = new Workspace();
    ws.explaining = true;
    const attempt = this.#attempt(rule, order, snapshot, facts, unitGrams, ws);
    const { candidates, rejected, keys, values, available, count } = ws;
    const width = rule.rankers.length;
    const lineCount = order.lines.length;
    const ranked = Array.from({ length: count }, (_, c) => c).sort(ws.compare);
    const positions = new Array<number>(count);
    ranked.forEach((c, position) => (positions[c] = position));
    const rejections = new Map<number, number>();
    for (let at = 0; at < ws.rejectedCount; at += 4) rejections.set(rejected[at] as number, at);
    const byWarehouse = new Map<number, number>();
    for (let c = 0; c < count; c++) byWarehouse.set(candidates[c] as number, c);
    return this.#warehouses.map((w, i): WarehouseTrace => {
      const at = rejections.get(i);
      if (at !== undefined) {
        return this.#rejection(w, rejected[at + 1] as number, rule, snapshot, facts, order.lines, rejected[at + 2] as number, rejected[at + 3] as number, attempt.unitsNeeded);
      }
      const c = byWarehouse.get(i) as number;
      const position = positions[c] as number;
      let decidedBy: string | null = null;
      if (position > 0) {
        const previous = ranked[position - 1] as number;
        decidedBy = 'warehouse id';
        for (let r = 0; r < width; r++) {
          if (keys[previous * width + r] !== keys[c * width + r]) {
            decidedBy = (rule.rankers[r] as CompiledRanker).type;
            break;
          }
        }
      }
      return {
        warehouseId: w.id,
        verdict: 'candidate',
        position: position + 1,
        values: Array.from({ length: width }, (_, r) => {
          const value = values[c * width + r] as number;
          return Number.isFinite(value) ? value : null;
        }),
        decidedBy,
        available: available.slice(c * lineCount, (c + 1) * lineCount),
        chosen: ws.chosen.includes(c),
      };
    });
  }

  /** A rejected warehouse's trace entry: what it had against what the rule needed. */
  #rejection(
    w: CompiledWarehouse,
    verdict: number,
    rule: CompiledRule,
    snapshot: RoutingSnapshot,
    facts: DestinationFacts,
    lines: RoutableOrder['lines'],
    lineIndex: number,
    units: number,
    unitsNeeded: number,
  ): RejectedWarehouse {
    const base = { warehouseId: w.id, verdict: 'rejected' as const };
    const day = snapshot.days[w.index] as ShipDay;
    const line = lines[lineIndex] as RoutableOrder['lines'][number];
    switch (verdict) {
      case REJECT_INCLUDE:
        return { ...base, filter: 'include', actual: 'not listed', required: 'listed' };
      case REJECT_EXCLUDE:
        return { ...base, filter: 'exclude', actual: 'excluded', required: 'not excluded' };
      case REJECT_REGION:
        return { ...base, filter: 'serves-region', actual: w.servesText, required: facts.label };
      case REJECT_SHIPS_WITHIN: {
        const filter = rule.source.filters.find((f) => f.type === 'ships-within') as { workingDays: number };
        return { ...base, filter: 'ships-within', actual: day.workingDaysOut, required: filter.workingDays, date: day.date };
      }
      case REJECT_DISTANCE: {
        const filter = rule.source.filters.find((f) => f.type === 'max-distance') as { km: number };
        const km = this.#distance(facts, w);
        return { ...base, filter: 'max-distance', actual: Number.isFinite(km) ? Math.round(km * 10) / 10 : null, required: filter.km };
      }
      case REJECT_ORDERS:
        return { ...base, filter: 'capacity', actual: Math.max(0, snapshot.ordersLeft[w.index] as number), required: 1, unit: 'orders', date: day.date };
      case REJECT_UNITS:
        return { ...base, filter: 'capacity', actual: Math.max(0, snapshot.unitsLeft[w.index] as number), required: unitsNeeded, unit: 'units', date: day.date };
      case REJECT_CATEGORY:
        return { ...base, filter: 'category', actual: line.category ?? null, required: 'allowed', lineId: line.lineId };
      default: {
        const safetyStock = safetyStockOf(w, line.sku);
        return { ...base, filter: 'stock', actual: units, required: line.quantity, lineId: line.lineId, sku: line.sku, safetyStock };
      }
    }
  }

  #rankValue(ranker: CompiledRanker, w: CompiledWarehouse, facts: DestinationFacts, snapshot: RoutingSnapshot, orderGrams: number): number {
    switch (ranker.type) {
      case 'rank':
        return w.rank;
      case 'distance':
        return this.#distance(facts, w);
      case 'ship-time':
        return (snapshot.days[w.index] as (typeof snapshot.days)[number]).shipMillis;
      case 'cost':
        return stepPrice(this.#steps(facts, w), orderGrams);
      case 'region-preference': {
        const preference = ranker.compiled.find((p) => p.test(facts.destination));
        if (preference === undefined) return 0;
        return preference.positions.get(w.index) ?? preference.size;
      }
    }
  }
}

/** Units a warehouse keeps back of a SKU: its own figure for the SKU, else its default. */
function safetyStockOf(w: CompiledWarehouse, sku: string): number {
  return w.safety.size === 0 ? w.defaultSafety : (w.safety.get(sku) ?? w.defaultSafety);
}

function bucket(ranker: CompiledRanker, value: number): number {
  if (!Number.isFinite(value)) return value;
  if (ranker.type === 'distance' && ranker.bandKm !== undefined) return Math.floor(value / ranker.bandKm);
  if (ranker.type === 'cost' && ranker.band !== undefined) return Math.floor(value / ranker.band);
  return value;
}
