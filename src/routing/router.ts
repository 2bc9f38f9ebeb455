// The compiled router: pure, synchronous route(order, snapshot) with a trace of every warehouse and rule.
import { instantFromMillis, instantToMillis, type Instant } from '../clock/instant.js';
import type { BusinessCalendar } from '../clock/business-calendar.js';
import { ValidationError, expectObject } from '../errors/validation-error.js';
import type { GeoPoint, Address } from '../model/address.js';
import type { Money } from '../money/money.js';
import type { LineAllocation } from '../orders/order-events.js';
import { resolveDestination, type RegionTest, type RoutingDestination } from './regions.js';
import type {
  CandidateWarehouse,
  DecisionDestination,
  LineShortfall,
  LineShortfallReason,
  RoutedShipment,
  RoutingDecision,
  RoutingRuleTrace,
  SearchTrace,
  WarehouseRejection,
  WarehouseTrace,
} from './routing-decision.js';
import type { RoutingNetwork, RoutingPolicy, RoutingRanker, RoutingRule, WeightBand } from './routing-schema.js';
import { RoutingSnapshot, type RoutingSnapshotInput } from './routing-snapshot.js';
import { searchSplit, type SplitProblem } from './split-search.js';

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
  readonly rankers: readonly CompiledRanker[];
}

/** The order fields routing reads; a stored `Order` has them all. */
export interface RoutableOrder {
  readonly id: string;
  readonly channel?: string;
  readonly lines: readonly { readonly lineId: string; readonly sku: string; readonly quantity: number; readonly category?: string | undefined }[];
  readonly totals?: { readonly total: Money };
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
  readonly tariffs: (Tariffs | undefined)[];
  readonly summary: DecisionDestination;
  readonly label: string;
}

const DESTINATION_CACHE_LIMIT = 10_000;

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

function haversineKm(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

function checkOrder(order: RoutableOrder): void {
  expectObject('route order', order, 'an order');
  const issues: { code: string; path: (string | number)[]; message: string }[] = [];
  if (typeof order.id !== 'string' || order.id.length === 0) issues.push({ code: 'invalid_type', path: ['id'], message: 'Expected the order id' });
  if (!Array.isArray(order.lines) || order.lines.length === 0) issues.push({ code: 'invalid_type', path: ['lines'], message: 'Expected at least one line' });
  else {
    const ids = new Set<string>();
    order.lines.forEach((line, i) => {
      if (typeof line !== 'object' || line === null) issues.push({ code: 'invalid_type', path: ['lines', i], message: 'Expected a line { lineId, sku, quantity }' });
      else {
        if (typeof line.lineId !== 'string' || ids.has(line.lineId)) issues.push({ code: 'invalid_type', path: ['lines', i, 'lineId'], message: 'Expected a line id unique within the order' });
        if (typeof line.sku !== 'string') issues.push({ code: 'invalid_type', path: ['lines', i, 'sku'], message: 'Expected the SKU' });
        if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) issues.push({ code: 'too_small', path: ['lines', i, 'quantity'], message: 'Expected a positive whole number of units' });
        ids.add(line.lineId);
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

  /** @internal Use `compileRouting`. */
  constructor(network: RoutingNetwork, policy: RoutingPolicy, warehouses: readonly CompiledWarehouse[], rules: readonly CompiledRule[], warnings: readonly RoutingWarning[]) {
    this.network = network;
    this.policy = policy;
    this.#warehouses = warehouses;
    this.#rules = rules;
    this.warnings = Object.freeze([...warnings]);
  }

  /**
   * Indexes stock, capacity used and weights for this router's warehouses at one instant. Make
   * it once per batch: a snapshot of 5,000 SKUs over 50 warehouses serves every order routed at
   * that instant.
   * @throws ValidationError `VALIDATION_FAILED` with paths for malformed input.
   */
  snapshot(input: RoutingSnapshotInput): RoutingSnapshot {
    return new RoutingSnapshot(this, this.#warehouses, input);
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
    const traces: RoutingRuleTrace[] = [];
    const base = { orderId: order.id, policy: { id: this.policy.id, version: this.policy.version }, destination: facts.summary };
    let lastShortfall: readonly LineShortfall[] = [];
    for (const rule of this.#rules) {
      const skipped = this.#whyNot(rule, order, facts);
      if (skipped !== null) {
        traces.push({ ruleId: rule.id, applied: false, skipped, warehouses: [], result: 'next-rule' });
        continue;
      }
      const attempt = this.#attempt(rule, order, indexed, facts, unitGrams);
      const fallback = rule.source.fallback;
      if (attempt.allocation !== null) {
        traces.push({ ruleId: rule.id, applied: true, warehouses: attempt.warehouses, search: attempt.search, result: 'allocated' });
        const trace = { rules: traces, assumedWeights: assumed };
        return { ...base, outcome: 'allocate', rule: rule.id, ...attempt.allocation, trace };
      }
      traces.push({ ruleId: rule.id, applied: true, warehouses: attempt.warehouses, search: attempt.search, result: fallback.type });
      lastShortfall = attempt.shortfall;
      const trace = { rules: traces, assumedWeights: assumed };
      if (fallback.type === 'hold') return { ...base, outcome: 'hold', reason: fallback.reason, rule: rule.id, lines: attempt.shortfall, trace };
      if (fallback.type === 'backorder') return { ...base, outcome: 'backorder', rule: rule.id, lines: attempt.shortfall, trace };
    }
    return { ...base, outcome: 'hold', reason: 'NO_ROUTE', rule: null, lines: lastShortfall, trace: { rules: traces, assumedWeights: assumed } };
  }

  /** @internal The warehouses as compiled, for simulations. */
  get compiledWarehouses(): readonly CompiledWarehouse[] {
    return this.#warehouses;
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
      tariffs: new Array<Tariffs | undefined>(n).fill(undefined),
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
    let tariffs = facts.tariffs[w.index];
    if (tariffs === undefined) {
      tariffs = w.tariffs.flatMap((tariff) => {
        const zone = tariff.zones.find((z) => z.test(facts.destination));
        return zone === undefined ? [] : [{ carrier: tariff.carrier, bands: zone.bands }];
      });
      facts.tariffs[w.index] = tariffs;
    }
    return tariffs;
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

  #attempt(rule: CompiledRule, order: RoutableOrder, snapshot: RoutingSnapshot, facts: DestinationFacts, unitGrams: readonly number[]) {
    const split = rule.source.split;
    const total = order.totals?.total;
    const splitAllowed =
      split.allowed &&
      (split.minTotal === undefined || (total !== undefined && total.currency === split.minTotal.currency && total.amount >= split.minTotal.amount));
    const maxShipments = splitAllowed ? split.maxShipments : 1;
    const lines = order.lines;
    const totalUnits = lines.reduce((sum, line) => sum + line.quantity, 0);
    const traces: (WarehouseTrace | null)[] = new Array(this.#warehouses.length).fill(null);
    const candidates: { w: CompiledWarehouse; available: number[]; cap: number }[] = [];
    const eligibleUnits = new Array<number>(lines.length).fill(0);
    const bestSingle = new Array<number>(lines.length).fill(0);
    /** Per line: some warehouse that passed the filters may ship its category. */
    const shippable = new Array<boolean>(lines.length).fill(false);
    let anyPassedFilters = false;
    const reject = (w: CompiledWarehouse, filter: WarehouseRejection, actual: string, required: string): void => {
      traces[w.index] = { warehouseId: w.id, verdict: 'rejected', filter, actual, required };
    };
    for (const w of this.#warehouses) {
      if (rule.include !== null && !rule.include.has(w.index)) {
        reject(w, 'include', 'not listed', 'one of the rule\'s warehouses');
        continue;
      }
      if (rule.exclude.has(w.index)) {
        reject(w, 'exclude', 'listed', 'not excluded by the rule');
        continue;
      }
      const day = snapshot.days[w.index] as (typeof snapshot.days)[number];
      let filtered = false;
      for (const filter of rule.source.filters) {
        if (filter.type === 'serves-region' && !this.#served(facts, w)) {
          reject(w, 'serves-region', `serves ${w.servesText || 'no region'}`, `serves ${facts.label}`);
          filtered = true;
        } else if (filter.type === 'ships-within' && day.workingDaysOut > filter.workingDays) {
          reject(w, 'ships-within', `ships ${day.date}, ${day.workingDaysOut} working day(s) out`, `within ${filter.workingDays} working day(s)`);
          filtered = true;
        } else if (filter.type === 'max-distance' && !(this.#distance(facts, w) <= filter.km)) {
          const km = this.#distance(facts, w);
          reject(w, 'max-distance', km === Infinity ? 'distance unknown' : `${km.toFixed(1)} km`, `at most ${filter.km} km`);
          filtered = true;
        }
        if (filtered) break;
      }
      if (filtered) continue;
      const ordersLeft = snapshot.ordersLeft[w.index] as number;
      const unitsLeft = snapshot.unitsLeft[w.index] as number;
      const used = snapshot.used[w.index] as { orders: number; units: number };
      if (ordersLeft < 1) {
        reject(w, 'capacity', `${used.orders} of ${w.capacityOrders} orders used on ${day.date}`, 'room for 1 more order');
        continue;
      }
      if (unitsLeft < 1 || (maxShipments === 1 && unitsLeft < totalUnits)) {
        reject(w, 'capacity', `${used.units} of ${w.capacityUnits} units used on ${day.date}`, `room for ${maxShipments === 1 ? totalUnits : 1} more unit(s)`);
        continue;
      }
      anyPassedFilters = true;
      const available = new Array<number>(lines.length);
      let some = false;
      let shortLine = -1;
      let categoryLine = -1;
      for (let l = 0; l < lines.length; l++) {
        const line = lines[l] as RoutableOrder['lines'][number];
        const category = line.category;
        if (category !== undefined && (w.deny.has(category) || (w.allow !== null && !w.allow.has(category)))) {
          available[l] = 0;
          if (categoryLine === -1) categoryLine = l;
          continue;
        }
        shippable[l] = true;
        const units = (snapshot.stock.get(line.sku)?.[w.index] ?? 0) - (w.safety.get(line.sku) ?? w.defaultSafety);
        const usable = Math.max(0, Math.min(units, unitsLeft));
        available[l] = usable;
        if (usable > 0) some = true;
        if (usable < line.quantity && shortLine === -1) shortLine = l;
        eligibleUnits[l] = (eligibleUnits[l] as number) + usable;
        if (usable > (bestSingle[l] as number)) bestSingle[l] = usable;
      }
      if (categoryLine !== -1 && (maxShipments === 1 || !some)) {
        const line = lines[categoryLine] as RoutableOrder['lines'][number];
        reject(w, 'category', `does not ship ${line.category} (line ${line.lineId})`, `ships ${line.category}`);
        continue;
      }
      if (!some || (maxShipments === 1 && shortLine !== -1)) {
        const l = shortLine === -1 ? 0 : shortLine;
        const line = lines[l] as RoutableOrder['lines'][number];
        const safety = w.safety.get(line.sku) ?? w.defaultSafety;
        reject(w, 'stock', `${available[l]} of ${line.sku} (line ${line.lineId})${safety > 0 ? ` after safety stock ${safety}` : ''}`, `${line.quantity}`);
        continue;
      }
      candidates.push({ w, available, cap: unitsLeft });
    }

    // Rank the candidates: each ranker in turn, the warehouse id last.
    const values = candidates.map((c) => rule.rankers.map((ranker) => this.#rankValue(ranker, c.w, facts, snapshot, unitGrams, order)));
    const order_ = candidates.map((_, i) => i);
    order_.sort((a, b) => {
      const va = values[a] as number[];
      const vb = values[b] as number[];
      for (let r = 0; r < va.length; r++) {
        const x = bucket(rule.rankers[r] as CompiledRanker, va[r] as number);
        const y = bucket(rule.rankers[r] as CompiledRanker, vb[r] as number);
        if (x !== y) return x < y ? -1 : 1;
      }
      const ia = (candidates[a] as { w: CompiledWarehouse }).w.id;
      const ib = (candidates[b] as { w: CompiledWarehouse }).w.id;
      return ia < ib ? -1 : ia > ib ? 1 : 0;
    });
    const ranked = order_.map((i) => candidates[i] as (typeof candidates)[number]);
    const rankedValues = order_.map((i) => values[i] as number[]);

    const problem: SplitProblem = {
      quantities: lines.map((line) => line.quantity),
      unitGrams,
      available: ranked.map((c) => c.available),
      unitCaps: ranked.map((c) => c.cap),
      wholeOnly: ranked.map((c) => !c.w.partial),
      cost: (c, grams) => price(this.#tariffs(facts, (ranked[c] as { w: CompiledWarehouse }).w), grams)?.amount ?? Infinity,
      minCost: ranked.map((c) => {
        let min = Infinity;
        for (const tariff of this.#tariffs(facts, c.w)) for (const band of tariff.bands) min = Math.min(min, band.amount);
        return min;
      }),
      maxShipments,
      objective: maxShipments === 1 ? 'rank' : split.objective,
      budget: this.policy.search.budget,
    };
    const outcome = searchSplit(problem);
    const search: SearchTrace = {
      candidates: ranked.length,
      examined: outcome.examined,
      optimal: outcome.optimal,
      objective: maxShipments === 1 ? 'single' : split.objective,
      maxShipments,
    };
    const chosen = new Set(outcome.solution?.members.map((m) => (ranked[m] as { w: CompiledWarehouse }).w.index) ?? []);
    ranked.forEach((c, position) => {
      const previous = position === 0 ? undefined : (rankedValues[position - 1] as number[]);
      const mine = rankedValues[position] as number[];
      let decidedBy: string | null = null;
      if (previous !== undefined) {
        decidedBy = 'warehouse id';
        for (let r = 0; r < mine.length; r++) {
          const ranker = rule.rankers[r] as CompiledRanker;
          if (bucket(ranker, previous[r] as number) !== bucket(ranker, mine[r] as number)) {
            decidedBy = ranker.type;
            break;
          }
        }
      }
      const available: Record<string, number> = {};
      lines.forEach((line, l) => (available[line.lineId] = c.available[l] as number));
      const trace: CandidateWarehouse = {
        warehouseId: c.w.id,
        verdict: 'candidate',
        position: position + 1,
        values: rule.rankers.map((ranker, r) => ({ ranker: ranker.type, value: Number.isFinite(mine[r]) ? (mine[r] as number) : null })),
        decidedBy,
        available,
        chosen: chosen.has(c.w.index),
      };
      traces[c.w.index] = trace;
    });
    const warehouses = traces as WarehouseTrace[];

    if (outcome.solution === null) {
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
      return { allocation: null, shortfall, warehouses, search };
    }

    const solution = outcome.solution;
    const allocations: LineAllocation[] = [];
    lines.forEach((line, l) => {
      solution.members.forEach((m, k) => {
        const units = (solution.take[k] as readonly number[])[l] as number;
        if (units > 0) allocations.push({ lineId: line.lineId, warehouseId: (ranked[m] as { w: CompiledWarehouse }).w.id, quantity: units });
      });
    });
    let costSum = 0;
    let costKnown = true;
    let latest = 0;
    const shipments = solution.members.map((m, k): RoutedShipment => {
      const w = (ranked[m] as { w: CompiledWarehouse }).w;
      const take = solution.take[k] as readonly number[];
      let units = 0;
      let grams = 0;
      const shipped: { lineId: string; quantity: number }[] = [];
      lines.forEach((line, l) => {
        const n = take[l] as number;
        if (n > 0) {
          shipped.push({ lineId: line.lineId, quantity: n });
          units += n;
          grams += n * (unitGrams[l] as number);
        }
      });
      const quote = price(this.#tariffs(facts, w), grams);
      if (quote === null) costKnown = false;
      else costSum += quote.amount;
      const day = snapshot.days[w.index] as (typeof snapshot.days)[number];
      latest = Math.max(latest, instantToMillis(day.shipAt));
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
    const estimatedShipAt: Instant = instantFromMillis(latest);
    return { allocation: { allocations, shipments, cost, estimatedShipAt, optimal: outcome.optimal }, shortfall: [], warehouses, search };
  }

  #rankValue(ranker: CompiledRanker, w: CompiledWarehouse, facts: DestinationFacts, snapshot: RoutingSnapshot, unitGrams: readonly number[], order: RoutableOrder): number {
    switch (ranker.type) {
      case 'rank':
        return w.rank;
      case 'distance':
        return this.#distance(facts, w);
      case 'ship-time':
        return instantToMillis((snapshot.days[w.index] as (typeof snapshot.days)[number]).shipAt);
      case 'cost': {
        let grams = 0;
        order.lines.forEach((line, l) => (grams += line.quantity * (unitGrams[l] as number)));
        return price(this.#tariffs(facts, w), grams)?.amount ?? Infinity;
      }
      case 'region-preference': {
        const preference = ranker.compiled.find((p) => p.test(facts.destination));
        if (preference === undefined) return 0;
        return preference.positions.get(w.index) ?? preference.size;
      }
    }
  }
}

function bucket(ranker: CompiledRanker, value: number): number {
  if (!Number.isFinite(value)) return value;
  if (ranker.type === 'distance' && ranker.bandKm !== undefined) return Math.floor(value / ranker.bandKm);
  if (ranker.type === 'cost' && ranker.band !== undefined) return Math.floor(value / ranker.band);
  return value;
}
