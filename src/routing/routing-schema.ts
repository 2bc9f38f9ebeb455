// The routing network and policy as data: warehouses, regions, shipping tariffs, rules; zod schemas and types.
import { z } from 'zod';
import { resolveZone } from '../clock/local-date-time.js';
import { currencyCodeSchema, nonNegativeMoneySchema } from '../money/money-schema.js';
import { geoPointSchema } from '../model/address.js';

/** The seven macro regions of mainland China as logistics companies use them, with their provinces. */
export const MACRO_REGIONS = ['华东', '华北', '华南', '华中', '西南', '西北', '东北'] as const;
/** One of {@link MACRO_REGIONS}. */
export type MacroRegion = (typeof MACRO_REGIONS)[number];

/**
 * The provinces (GB/T 2260 codes) of each macro region. Taiwan is counted in 华东, Hong Kong and
 * Macao in 华南, as Chinese carriers' zone tables do.
 */
export const MACRO_REGION_PROVINCES: Readonly<Record<MacroRegion, readonly string[]>> = Object.freeze({
  华东: Object.freeze(['31', '32', '33', '34', '35', '36', '37', '71']),
  华北: Object.freeze(['11', '12', '13', '14', '15']),
  华南: Object.freeze(['44', '45', '46', '81', '82']),
  华中: Object.freeze(['41', '42', '43']),
  西南: Object.freeze(['50', '51', '52', '53', '54']),
  西北: Object.freeze(['61', '62', '63', '64', '65']),
  东北: Object.freeze(['21', '22', '23']),
});

/** The filters a rule may add to the ones every rule applies (stock after safety stock, category, capacity). */
export const ROUTING_FILTERS = ['serves-region', 'ships-within', 'max-distance'] as const;
/** See {@link ROUTING_FILTERS}. */
export type RoutingFilterType = (typeof ROUTING_FILTERS)[number];

/** The rankers a rule may order candidate warehouses by, first to last; the warehouse id breaks what remains. */
export const ROUTING_RANKERS = ['region-preference', 'distance', 'cost', 'rank', 'ship-time'] as const;
/** See {@link ROUTING_RANKERS}. */
export type RoutingRankerType = (typeof ROUTING_RANKERS)[number];

/** What a rule does when it finds no allocation. */
export const ROUTING_FALLBACKS = ['next-rule', 'hold', 'backorder'] as const;
/** See {@link ROUTING_FALLBACKS}. */
export type RoutingFallbackType = (typeof ROUTING_FALLBACKS)[number];

/** How several shipments compare once the fewest number is found: by lower shipping cost, or by better rank. */
export const SPLIT_OBJECTIVES = ['cost', 'rank'] as const;
/** See {@link SPLIT_OBJECTIVES}. */
export type SplitObjective = (typeof SPLIT_OBJECTIVES)[number];

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const idSchema = z.string().regex(ID, 'Expected an id of letters, digits, ".", "_", ":" or "-" such as "HZ-01"');
const HH_MM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

const zoneSchema = z.string().superRefine((zone, ctx) => {
  try {
    resolveZone(zone);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/**
 * A region reference: a country (`CN`, `US`), a Chinese division code (`33` 浙江省, `3301`
 * 杭州市, `330106` 西湖区), a macro region (`华东`), or the id of a region in the network's
 * `regions` table.
 */
export const regionRefSchema = z.string().min(1, 'Expected a region: a country code, a division code, a macro region or a region id');

/** A region of your own, for countries without built-in regions: a country and some of its provinces or states. */
export const regionDefinitionSchema = z
  .object({
    /** ISO 3166-1 alpha-2. */
    country: z.string().regex(/^[A-Z]{2}$/, 'Expected an ISO 3166-1 alpha-2 country code such as "US"'),
    /**
     * Province or state names as addresses write them, compared without case and spaces;
     * empty or absent for the whole country.
     * @example ['CA', 'California', 'OR', 'Oregon']
     */
    provinces: z.array(z.string().min(1)).default([]),
    description: z.string().optional(),
  })
  .strict();

/** One weight band of a tariff: parcels up to `maxGrams` (inclusive) cost `amount` minor units; `null` has no upper limit. */
export const weightBandSchema = z
  .object({
    maxGrams: z.number().int().positive().nullable(),
    /** Integer minor units in the network's currency. */
    amount: z.number().int().nonnegative(),
  })
  .strict();

/** The price of one carrier from one warehouse to some destination regions, by weight. */
export const tariffZoneSchema = z
  .object({
    regions: z.array(regionRefSchema).min(1),
    /** Ascending by `maxGrams`; a parcel heavier than the last band cannot go with this carrier to these regions. */
    bands: z.array(weightBandSchema).min(1),
  })
  .strict();

/** One carrier's tariff from a warehouse. The first zone that contains the destination prices it. */
export const carrierTariffSchema = z
  .object({
    carrier: z.string().min(1),
    zones: z.array(tariffZoneSchema).min(1),
  })
  .strict();

/** Which product categories a warehouse ships: only `allow` (when given) and never `deny`. */
export const categoryRulesSchema = z
  .object({
    allow: z.array(z.string().min(1)).optional(),
    deny: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** How much a warehouse ships per day, the day counted in the warehouse's own zone. */
export const dailyCapacitySchema = z
  .object({
    orders: z.number().int().positive().optional(),
    units: z.number().int().positive().optional(),
  })
  .strict()
  .refine((c) => c.orders !== undefined || c.units !== undefined, 'Expected a daily capacity in orders, units or both');

/** The working days of a warehouse: its zone is the warehouse's, so only hours and dates are given here. */
export const warehouseCalendarSchema = z
  .object({
    workingHours: z.record(z.string(), z.unknown()).optional(),
    holidays: z.array(z.string()).optional(),
    extraWorkingDays: z.array(z.unknown()).optional(),
  })
  .strict();

/** A place that ships orders: a warehouse, a store or a 3PL. */
export const warehouseSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1),
    /** IANA zone: the warehouse's days, cut-off and capacity are counted in it. */
    zone: zoneSchema,
    /** Where it is, for the `distance` ranker and the `max-distance` filter. */
    location: geoPointSchema.optional(),
    /** The regions it delivers to, for the `serves-region` filter. */
    serves: z.array(regionRefSchema).default([]),
    categories: categoryRulesSchema.optional(),
    /** Per day in the warehouse's zone; absent for no limit. */
    capacity: dailyCapacitySchema.optional(),
    /**
     * The last wall time (warehouse zone) at which an order still ships the same working day.
     * @default no cut-off: an order placed any time of a working day ships that day
     */
    cutoff: z.string().regex(HH_MM, 'Expected a 24-hour wall time "HH:mm" such as "16:00"').optional(),
    /**
     * Which days it ships. A date with no working hours does not ship.
     * @default every day of the week
     */
    calendar: warehouseCalendarSchema.optional(),
    /** Units per SKU kept back from routing (display stock, damage buffer). */
    safetyStock: z.record(z.string(), z.number().int().nonnegative()).default({}),
    /** Safety stock for SKUs not in `safetyStock`. */
    defaultSafetyStock: z.number().int().nonnegative().default(0),
    /** Lower ships first under the `rank` ranker. */
    rank: z.number().int().default(100),
    /** Tariffs per carrier; the cheapest carrier for a parcel is chosen. */
    shipping: z.array(carrierTariffSchema).default([]),
    /** When false, this warehouse ships only whole orders, never one part of a split. */
    partial: z.boolean().default(true),
  })
  .strict();

/** The warehouses, regions and categories a routing policy is checked against. */
export const routingNetworkSchema = z
  .object({
    /** The currency of every tariff; costs are compared in it. */
    currency: currencyCodeSchema,
    warehouses: z.array(warehouseSchema).min(1),
    /** Regions of your own, by id, for countries without built-in regions. */
    regions: z.record(idSchema, regionDefinitionSchema).default({}),
    /**
     * Every product category your lines carry; policies and warehouses naming another are refused.
     * Absent: categories are not checked.
     */
    categories: z.array(z.string().min(1)).optional(),
    /** The weight assumed for a SKU the snapshot gives no weight for; the trace says it was assumed. */
    defaultWeightGrams: z.number().int().nonnegative().default(500),
  })
  .strict();

/** When a rule applies; every given condition must hold. */
export const ruleConditionSchema = z
  .object({
    /** The destination lies in one of these regions. */
    regions: z.array(regionRefSchema).min(1).optional(),
    /** Some line has one of these categories. */
    categories: z.array(z.string().min(1)).min(1).optional(),
    /** The order came from one of these channels. */
    channels: z.array(z.string().min(1)).min(1).optional(),
    /** The order total is at least this. */
    minTotal: nonNegativeMoneySchema.optional(),
  })
  .strict();

/** A filter a rule adds: the warehouse serves the destination, ships soon enough, or is near enough. */
export const routingFilterSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('serves-region') }).strict(),
  z.object({ type: z.literal('ships-within'), workingDays: z.number().int().nonnegative() }).strict(),
  z.object({ type: z.literal('max-distance'), km: z.number().positive() }).strict(),
]);

/** An ordered list of warehouses to prefer for destinations in some regions. */
export const regionPreferenceSchema = z
  .object({
    regions: z.array(regionRefSchema).min(1),
    warehouses: z.array(idSchema).min(1),
  })
  .strict();

/** A ranker: how a rule orders candidate warehouses, the first ranker deciding and the next breaking its ties. */
export const routingRankerSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('region-preference'),
      /** The first entry whose regions contain the destination applies; its warehouses rank in list order, unlisted ones after. */
      preferences: z.array(regionPreferenceSchema).min(1),
    })
    .strict(),
  z
    .object({
      type: z.literal('distance'),
      /** Distances within the same band of this many km tie (so the next ranker decides). */
      bandKm: z.number().positive().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('cost'),
      /** Costs within the same band of this many minor units tie. */
      band: z.number().int().positive().optional(),
    })
    .strict(),
  z.object({ type: z.literal('rank') }).strict(),
  z.object({ type: z.literal('ship-time') }).strict(),
]);

/** Whether and how an order may ship from several warehouses. */
export const splitPolicySchema = z
  .object({
    /** False: one warehouse ships the whole order or the rule finds nothing. */
    allowed: z.boolean().default(false),
    /** Split only orders whose total is at least this (same currency as the order). */
    minTotal: nonNegativeMoneySchema.optional(),
    /** The most shipments one order may become. */
    maxShipments: z.number().int().min(1).max(20).default(3),
    /**
     * Among allocations with the fewest shipments: the best-ranked warehouses first (`rank`, so the
     * rule's rankers decide), or the lowest total shipping cost first (`cost`, rank breaking ties).
     */
    objective: z.enum(SPLIT_OBJECTIVES).default('rank'),
  })
  .strict();

/** What a rule does when it finds no allocation. */
export const routingFallbackSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('next-rule') }).strict(),
  z
    .object({
      type: z.literal('hold'),
      /** An UPPER_SNAKE_CASE reason recorded on the decision, e.g. `NO_STOCK_EAST`. */
      reason: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'Expected an UPPER_SNAKE_CASE reason code'),
    })
    .strict(),
  z.object({ type: z.literal('backorder') }).strict(),
]);

/** One rule: when it applies, which warehouses it may use, how it ranks them, and how it may split. */
export const routingRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'Expected a lower-case rule id such as "east-china"'),
    description: z.string().optional(),
    when: ruleConditionSchema.optional(),
    /** Only these warehouses (when given), never those in `exclude`. */
    warehouses: z
      .object({ include: z.array(idSchema).min(1).optional(), exclude: z.array(idSchema).default([]) })
      .strict()
      .optional(),
    filters: z.array(routingFilterSchema).default([]),
    rankers: z.array(routingRankerSchema).default([{ type: 'rank' }]),
    split: splitPolicySchema.default({ allowed: false, maxShipments: 3, objective: 'rank' }),
    fallback: routingFallbackSchema.default({ type: 'next-rule' }),
  })
  .strict();

/** How hard the split search may work before it settles for the best allocation found so far. */
export const routingSearchSchema = z
  .object({
    /**
     * Warehouse combinations examined per rule at most. At 4,096 or more every order with up to
     * 12 candidate warehouses is searched exhaustively; beyond the budget the decision says
     * `optimal: false`.
     */
    budget: z.number().int().min(4096).default(20_000),
  })
  .strict();

/** The routing policy document. */
export const routingPolicySchema = z
  .object({
    $schema: z.string().optional(),
    id: z.string().min(1),
    /** Recorded in every decision, e.g. `"2026.11-2"`. */
    version: z.string().min(1),
    description: z.string().optional(),
    rules: z.array(routingRuleSchema).min(1),
    search: routingSearchSchema.default({ budget: 20_000 }),
  })
  .strict();

/** A warehouse as written (defaults may be omitted). */
export type WarehouseInput = z.input<typeof warehouseSchema>;
/** A validated warehouse. */
export type Warehouse = z.output<typeof warehouseSchema>;
/** A routing network as written. */
export type RoutingNetworkInput = z.input<typeof routingNetworkSchema>;
/** A validated routing network. */
export type RoutingNetwork = z.output<typeof routingNetworkSchema>;
/** A region of your own. */
export type RegionDefinition = z.output<typeof regionDefinitionSchema>;
/** A carrier's tariff. */
export type CarrierTariff = z.output<typeof carrierTariffSchema>;
/** A weight band. */
export type WeightBand = z.output<typeof weightBandSchema>;
/** A routing policy as written. */
export type RoutingPolicyInput = z.input<typeof routingPolicySchema>;
/** A validated routing policy. */
export type RoutingPolicy = z.output<typeof routingPolicySchema>;
/** One validated rule. */
export type RoutingRule = z.output<typeof routingRuleSchema>;
/** A rule's filter. */
export type RoutingFilter = z.output<typeof routingFilterSchema>;
/** A rule's ranker. */
export type RoutingRanker = z.output<typeof routingRankerSchema>;
/** A rule's split policy. */
export type SplitPolicy = z.output<typeof splitPolicySchema>;
/** A rule's fallback. */
export type RoutingFallback = z.output<typeof routingFallbackSchema>;
/** A rule's applicability condition. */
export type RuleCondition = z.output<typeof ruleConditionSchema>;
