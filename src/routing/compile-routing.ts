// compileRouting: validates a network and a policy together and compiles them into a router, every problem listed at once.
import { businessCalendarConfigSchema, createBusinessCalendar, WEEKDAYS, type BusinessCalendar } from '../clock/business-calendar.js';
import { failure, success, type Result } from '../errors/result.js';
import { ValidationError, expectObject, type ValidationIssue } from '../errors/validation-error.js';
import { BUILT_IN_CHANNEL_IDS } from '../intake/channel-ids.js';
import { compileRegionRef, granulesOverlap, regionGranules, shadowsBuiltInRegion, anyRegion, type RegionTest } from './regions.js';
import { REJECT_EXCLUDE, REJECT_INCLUDE, Router, type CompiledRule, type CompiledWarehouse, type RoutingWarning } from './router.js';
import {
  routingNetworkSchema,
  routingPolicySchema,
  type RoutingNetwork,
  type RoutingPolicy,
  type RoutingRule,
  type Warehouse,
} from './routing-schema.js';

/** Options of {@link compileRouting}. */
export interface CompileRoutingOptions {
  /**
   * Turn warnings (rules that can never match, rankers with no effect) into errors.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * The channels a rule's `when.channels` may name; another name is an `unknown_channel` issue,
   * since a rule on a channel nothing carries never matches. Add your own channels' ids.
   * @default BUILT_IN_CHANNEL_IDS
   */
  readonly channels?: readonly string[];
}

/** What {@link compileRouting} compiles: the warehouses and regions, and the policy that routes over them. */
export interface RoutingConfig {
  /** Warehouses, regions, categories and currency (see `routingNetworkSchema`). */
  readonly network: unknown;
  /** The rules (see `routingPolicySchema`). */
  readonly policy: unknown;
}

type Path = (string | number)[];

const EVERY_DAY = Object.fromEntries(WEEKDAYS.map((day) => [day, [['00:00', '24:00']]]));

function regionTest(refs: readonly string[], network: RoutingNetwork, path: Path, issues: ValidationIssue[]): RegionTest {
  const tests: RegionTest[] = [];
  refs.forEach((ref, index) => {
    const compiled = compileRegionRef(ref, network.regions);
    if (typeof compiled === 'string') issues.push({ code: 'unknown_region', path: [...path, index], message: compiled });
    else tests.push(compiled);
  });
  return tests.length === 0 ? () => false : anyRegion(tests);
}

function checkCategories(names: readonly string[] | undefined, known: ReadonlySet<string> | undefined, path: Path, issues: ValidationIssue[]): void {
  if (names === undefined || known === undefined) return;
  names.forEach((name, index) => {
    if (!known.has(name)) issues.push({ code: 'unknown_category', path: [...path, index], message: `Unknown category "${name}": not in the network's categories` });
  });
}

function compileWarehouse(warehouse: Warehouse, index: number, network: RoutingNetwork, known: ReadonlySet<string> | undefined, issues: ValidationIssue[]): CompiledWarehouse {
  const path: Path = ['network', 'warehouses', index];
  const serves = regionTest(warehouse.serves, network, [...path, 'serves'], issues);
  checkCategories(warehouse.categories?.allow, known, [...path, 'categories', 'allow'], issues);
  checkCategories(warehouse.categories?.deny, known, [...path, 'categories', 'deny'], issues);
  let calendar: BusinessCalendar | undefined;
  const calendarInput = { zone: warehouse.zone, workingHours: EVERY_DAY, ...warehouse.calendar };
  const parsed = businessCalendarConfigSchema.safeParse(calendarInput);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ code: issue.code, path: [...path, 'calendar', ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: issue.message });
    }
  } else {
    try {
      calendar = createBusinessCalendar(calendarInput as Parameters<typeof createBusinessCalendar>[0]);
    } catch (error) {
      issues.push({ code: 'invalid_calendar', path: [...path, 'calendar'], message: (error as Error).message });
    }
  }
  const tariffs = warehouse.shipping.map((tariff, t) => ({
    carrier: tariff.carrier,
    zones: tariff.zones.map((zone, z) => {
      const zonePath: Path = [...path, 'shipping', t, 'zones', z];
      zone.bands.forEach((band, b) => {
        const previous = zone.bands[b - 1];
        if (previous !== undefined && (previous.maxGrams === null || (band.maxGrams !== null && band.maxGrams <= previous.maxGrams))) {
          issues.push({ code: 'unsorted_bands', path: [...zonePath, 'bands', b], message: 'Weight bands must ascend by maxGrams, and only the last may be unlimited (null)' });
        }
      });
      return { test: regionTest(zone.regions, network, [...zonePath, 'regions'], issues), bands: zone.bands };
    }),
  }));
  return {
    index,
    id: warehouse.id,
    name: warehouse.name,
    zone: warehouse.zone,
    location: warehouse.location,
    serves,
    servesSomething: warehouse.serves.length > 0,
    servesText: warehouse.serves.join(' '),
    allow: warehouse.categories?.allow === undefined ? null : new Set(warehouse.categories.allow),
    deny: new Set(warehouse.categories?.deny ?? []),
    capacityOrders: warehouse.capacity?.orders,
    capacityUnits: warehouse.capacity?.units,
    cutoff: warehouse.cutoff,
    calendar: calendar as BusinessCalendar,
    safety: new Map(Object.entries(warehouse.safetyStock)),
    defaultSafety: warehouse.defaultSafetyStock,
    rank: warehouse.rank,
    tariffs,
    partial: warehouse.partial,
    priced: new Map(),
  };
}

function compileRule(
  rule: RoutingRule,
  index: number,
  network: RoutingNetwork,
  byId: ReadonlyMap<string, number>,
  known: ReadonlySet<string> | undefined,
  channels: readonly string[],
  issues: ValidationIssue[],
): CompiledRule {
  const path: Path = ['policy', 'rules', index];
  rule.when?.channels?.forEach((channel, i) => {
    if (!channels.includes(channel)) {
      issues.push({ code: 'unknown_channel', path: [...path, 'when', 'channels', i], message: `Unknown channel "${channel}" (known: ${channels.join(', ')}); pass the channels option to add your own` });
    }
  });
  const warehouseIndex = (id: string, at: Path): number | undefined => {
    const found = byId.get(id);
    if (found === undefined) issues.push({ code: 'unknown_warehouse', path: at, message: `Unknown warehouse "${id}": not in the network` });
    return found;
  };
  const include = rule.warehouses?.include?.map((id, i) => warehouseIndex(id, [...path, 'warehouses', 'include', i]));
  const exclude = (rule.warehouses?.exclude ?? []).map((id, i) => warehouseIndex(id, [...path, 'warehouses', 'exclude', i]));
  checkCategories(rule.when?.categories, known, [...path, 'when', 'categories'], issues);
  const whenRegions = rule.when?.regions === undefined ? undefined : regionTest(rule.when.regions, network, [...path, 'when', 'regions'], issues);
  const rankers = rule.rankers.map((ranker, r) => {
    if (ranker.type !== 'region-preference') return ranker;
    return {
      ...ranker,
      compiled: ranker.preferences.map((preference, p) => {
        const at: Path = [...path, 'rankers', r, 'preferences', p];
        const positions = new Map<number, number>();
        preference.warehouses.forEach((id, position) => {
          const found = warehouseIndex(id, [...at, 'warehouses', position]);
          if (found !== undefined && !positions.has(found)) positions.set(found, position);
        });
        return { test: regionTest(preference.regions, network, [...at, 'regions'], issues), positions, size: preference.warehouses.length };
      }),
    };
  });
  const included = include === undefined ? null : new Set(include.filter((i): i is number => i !== undefined));
  const excluded = new Set(exclude.filter((i): i is number => i !== undefined));
  return {
    id: rule.id,
    source: rule,
    whenRegions,
    include: included,
    exclude: excluded,
    pool: Uint8Array.from(network.warehouses, (_, i) => (included !== null && !included.has(i) ? REJECT_INCLUDE : excluded.has(i) ? REJECT_EXCLUDE : 0)),
    rankers,
    rankerNames: Object.freeze(rule.rankers.map((ranker) => ranker.type)),
  };
}

/** Warnings: rules that can never match and rankers that can never change an order. */
function analyse(policy: RoutingPolicy, network: RoutingNetwork, rules: readonly CompiledRule[], warehouses: readonly CompiledWarehouse[]): RoutingWarning[] {
  const warnings: RoutingWarning[] = [];
  let terminalCatchAll: string | undefined;
  rules.forEach((rule, index) => {
    const path: Path = ['policy', 'rules', index];
    const source = policy.rules[index] as RoutingRule;
    if (terminalCatchAll !== undefined) {
      warnings.push({ code: 'unreachable_rule', path, message: `Rule "${rule.id}" can never be reached: rule "${terminalCatchAll}" applies to every order and never passes one on` });
    }
    const pool = warehouses.filter((w) => (rule.include === null || rule.include.has(w.index)) && !rule.exclude.has(w.index));
    if (pool.length === 0) {
      warnings.push({ code: 'rule_never_matches', path: [...path, 'warehouses'], message: `Rule "${rule.id}" can never allocate: its include and exclude lists leave no warehouse` });
    }
    const categories = source.when?.categories;
    if (categories !== undefined && pool.length > 0 && pool.every((w) => categories.every((c) => w.deny.has(c) || (w.allow !== null && !w.allow.has(c))))) {
      warnings.push({
        code: 'rule_never_matches',
        path: [...path, 'when', 'categories'],
        message: `Rule "${rule.id}" applies only to orders with ${categories.join(', ')} lines, which none of its warehouses may ship`,
      });
    }
    const servesFilter = source.filters.some((f) => f.type === 'serves-region');
    if (servesFilter && pool.length > 0 && pool.every((w) => !w.servesSomething)) {
      warnings.push({ code: 'rule_never_matches', path: [...path, 'filters'], message: `Rule "${rule.id}" filters by served region, but none of its warehouses lists any region in "serves"` });
    } else if (servesFilter && source.when?.regions !== undefined && pool.length > 0) {
      const wanted = source.when.regions.flatMap((ref) => regionGranules(ref, network.regions));
      const served = pool.flatMap((w) => (network.warehouses[w.index] as Warehouse).serves.flatMap((ref) => regionGranules(ref, network.regions)));
      if (!wanted.some((a) => served.some((b) => granulesOverlap(a, b)))) {
        warnings.push({
          code: 'rule_never_matches',
          path: [...path, 'when', 'regions'],
          message: `Rule "${rule.id}" applies only to destinations in ${source.when.regions.join(', ')}, which none of its warehouses serves, and it filters by served region`,
        });
      }
    }
    const seen = new Set<string>();
    let decisive: string | undefined;
    source.rankers.forEach((ranker, r) => {
      const at: Path = [...path, 'rankers', r];
      const effect = (message: string): void => void warnings.push({ code: 'ranker_without_effect', path: at, message: `Ranker "${ranker.type}" of rule "${rule.id}" has no effect: ${message}` });
      if (decisive !== undefined) effect(`"${decisive}" before it already orders every warehouse of the rule`);
      else if (seen.has(ranker.type)) effect('the same ranker comes earlier in the list');
      else if (ranker.type === 'rank') {
        const ranks = new Set(pool.map((w) => w.rank));
        if (pool.length > 1 && ranks.size === 1) effect('every warehouse of the rule has the same rank');
        else if (ranks.size === pool.length && pool.length > 1) decisive = 'rank';
      } else if (ranker.type === 'distance' && pool.filter((w) => w.location !== undefined).length === 0) effect('no warehouse of the rule has a location');
      else if (ranker.type === 'cost' && pool.every((w) => w.tariffs.length === 0)) effect('no warehouse of the rule has a shipping tariff');
      else if (ranker.type === 'region-preference') {
        const compiled = (rule.rankers[r] as { readonly compiled: readonly { readonly positions: ReadonlyMap<number, number> }[] }).compiled;
        if (!compiled.some((preference) => pool.some((w) => preference.positions.has(w.index)))) effect('its preference lists name none of the rule\'s warehouses');
      }
      seen.add(ranker.type);
    });
    const unconditional = source.when === undefined || Object.values(source.when).every((v) => v === undefined);
    if (terminalCatchAll === undefined && unconditional && source.fallback.type !== 'next-rule') terminalCatchAll = rule.id;
  });
  return warnings;
}

/**
 * Validates a routing network and policy and compiles them into a {@link Router}. Errors, every
 * one at once in one `ValidationError` with a path per issue (`network.warehouses.2.serves.0`,
 * `policy.rules.1.rankers.0.preferences.0.warehouses.1`): schema violations, duplicate warehouse
 * or rule ids, unknown warehouses, regions and categories, invalid calendars, unsorted weight
 * bands. Warnings (in `router.warnings`, or errors with `strict`): rules that can never match or
 * never be reached, rankers with no effect.
 * @example
 * const router = compileRouting({ network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY });
 * const decision = router.route(order, router.snapshot({ at, stock }));
 * @throws ValidationError `VALIDATION_FAILED`.
 */
export function compileRouting(config: RoutingConfig, options: CompileRoutingOptions = {}): Router {
  expectObject('compileRouting config', config, 'a config { network, policy }');
  expectObject('compileRouting options', options);
  const issues: ValidationIssue[] = [];
  const networkParsed = routingNetworkSchema.safeParse(config.network);
  const policyParsed = routingPolicySchema.safeParse(config.policy);
  for (const [name, parsed] of [['network', networkParsed], ['policy', policyParsed]] as const) {
    if (!parsed.success) issues.push(...ValidationError.fromZod(name, parsed.error).issues.map((issue) => ({ ...issue, path: [name, ...issue.path] })));
  }
  if (!networkParsed.success || !policyParsed.success) throw new ValidationError('routing config', issues);
  const network = networkParsed.data;
  const policy = policyParsed.data;
  const known = network.categories === undefined ? undefined : new Set(network.categories);
  for (const id of Object.keys(network.regions)) {
    if (shadowsBuiltInRegion(id)) issues.push({ code: 'shadowed_region', path: ['network', 'regions', id], message: `Region id "${id}" looks like a country code, a division code or a macro region; choose another id` });
  }
  const byId = new Map<string, number>();
  network.warehouses.forEach((w, i) => {
    if (byId.has(w.id)) issues.push({ code: 'duplicate_warehouse', path: ['network', 'warehouses', i, 'id'], message: `Warehouse id "${w.id}" appears twice` });
    else byId.set(w.id, i);
  });
  const warehouses = network.warehouses.map((w, i) => compileWarehouse(w, i, network, known, issues));
  const ruleIds = new Set<string>();
  policy.rules.forEach((rule, i) => {
    if (ruleIds.has(rule.id)) issues.push({ code: 'duplicate_rule', path: ['policy', 'rules', i, 'id'], message: `Rule id "${rule.id}" appears twice` });
    ruleIds.add(rule.id);
  });
  const channels = options.channels ?? BUILT_IN_CHANNEL_IDS;
  if (!Array.isArray(channels) || channels.some((channel) => typeof channel !== 'string')) {
    throw new ValidationError('compileRouting options', [{ code: 'invalid_type', path: ['channels'], message: 'Expected a list of channel ids' }]);
  }
  const rules = policy.rules.map((rule, i) => compileRule(rule, i, network, byId, known, channels, issues));
  if (issues.length > 0) throw new ValidationError('routing config', issues);
  const warnings = analyse(policy, network, rules, warehouses);
  if (options.strict === true && warnings.length > 0) {
    throw new ValidationError('routing config (strict)', warnings.map((w) => ({ code: w.code, path: w.path, message: w.message })));
  }
  return new Router(network, policy, warehouses, rules, warnings);
}

/**
 * {@link compileRouting} without the throw: `{ ok: true, value: router }` or `{ ok: false, error }`
 * with every issue.
 */
export function safeCompileRouting(config: RoutingConfig, options: CompileRoutingOptions = {}): Result<Router> {
  try {
    return success(compileRouting(config, options));
  } catch (error) {
    if (error instanceof ValidationError) return failure(error);
    throw error;
  }
}
