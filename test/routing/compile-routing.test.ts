// compileRouting: every problem of a network and policy at once, with paths; warnings for dead rules and idle rankers.
import { describe, expect, it } from 'vitest';
import { isValidationError } from '../../src/errors/index.js';
import { CN_GAZETTEER, chineseDivisionCodes } from '../../src/customers/index.js';
import { compileRouting, safeCompileRouting, SEED_ROUTING_NETWORK, SEED_ROUTING_POLICY } from '../../src/routing/index.js';

const warehouse = (id: string, extra: object = {}) => ({ id, name: id, zone: 'Asia/Shanghai', ...extra });

function problems(network: unknown, policy: unknown): string[] {
  const result = safeCompileRouting({ network, policy });
  if (result.ok) throw new Error('expected the config to be refused');
  expect(result.error.code).toBe('VALIDATION_FAILED');
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.code}`);
}

describe('compileRouting', () => {
  it('compiles the seed network and policy without warnings', () => {
    const router = compileRouting({ network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY }, { strict: true });
    expect(router.warnings).toEqual([]);
    expect(router.policy.version).toBe('2026.11-1');
  });

  it('lists unknown warehouses, regions and categories, duplicates and bad calendars all at once', () => {
    const network = {
      currency: 'CNY',
      categories: ['apparel'],
      regions: { CN: { country: 'CN' } },
      warehouses: [
        warehouse('A', { serves: ['华东', '99', 'mars'], categories: { deny: ['fresh'] }, calendar: { holidays: ['2026-02-30'] } }),
        warehouse('A'),
        warehouse('B', { shipping: [{ carrier: 'c', zones: [{ regions: ['CN'], bands: [{ maxGrams: 2000, amount: 1 }, { maxGrams: 1000, amount: 2 }] }] }] }),
      ],
    };
    const policy = {
      id: 'p',
      version: '1',
      rules: [
        { id: 'r', when: { categories: ['food'], regions: ['华南'], channels: ['wechat-mini', 'wechat'] }, warehouses: { include: ['A', 'Z'] } },
        { id: 'r', rankers: [{ type: 'region-preference', preferences: [{ regions: ['3301'], warehouses: ['Y'] }] }] },
      ],
    };
    expect(problems(network, policy)).toEqual(
      expect.arrayContaining([
        'network.regions.CN: shadowed_region',
        'network.warehouses.1.id: duplicate_warehouse',
        'network.warehouses.0.serves.1: unknown_region',
        'network.warehouses.0.serves.2: unknown_region',
        'network.warehouses.0.categories.deny.0: unknown_category',
        'network.warehouses.0.calendar.holidays.0: custom',
        'network.warehouses.2.shipping.0.zones.0.bands.1: unsorted_bands',
        'policy.rules.1.id: duplicate_rule',
        'policy.rules.0.warehouses.include.1: unknown_warehouse',
        'policy.rules.0.when.categories.0: unknown_category',
        'policy.rules.0.when.channels.1: unknown_channel',
        'policy.rules.1.rankers.0.preferences.0.warehouses.0: unknown_warehouse',
      ]),
    );
  });

  it('knows the channels it is told of: a rule for your own channel compiles once the channel is declared', () => {
    const network = { currency: 'CNY', warehouses: [warehouse('A')] };
    const policy = { id: 'p', version: '1', rules: [{ id: 'r', when: { channels: ['shopify'] } }] };
    expect(problems(network, policy)).toEqual(['policy.rules.0.when.channels.0: unknown_channel']);
    expect(safeCompileRouting({ network, policy }, { channels: ['shopify'] }).ok).toBe(true);
    expect(() => compileRouting({ network, policy }, { channels: 'shopify' as never })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('reports schema problems of both documents with their paths', () => {
    const list = problems({ currency: 'cny', warehouses: [{ id: 'A', name: 'A', zone: 'Mars/Base' }] }, { id: 'p', version: '1', rules: [{ id: 'r', filters: [{ type: 'teleport' }] }] });
    expect(list).toEqual(expect.arrayContaining(['network.currency: invalid_format', 'network.warehouses.0.zone: custom', 'policy.rules.0.filters.0.type: invalid_union']));
  });

  it('warns of rules that can never match or be reached and rankers without effect; strict refuses them', () => {
    const network = { currency: 'CNY', warehouses: [warehouse('A', { rank: 1 }), warehouse('B', { rank: 2 })] };
    const policy = {
      id: 'p',
      version: '1',
      rules: [
        { id: 'nothing-left', warehouses: { include: ['A'], exclude: ['A'] } },
        { id: 'catch-all', rankers: [{ type: 'rank' }, { type: 'distance' }, { type: 'cost' }], fallback: { type: 'backorder' } },
        { id: 'after', filters: [{ type: 'serves-region' }] },
      ],
    };
    const router = compileRouting({ network, policy });
    expect(router.warnings.map((w) => `${w.path.join('.')}: ${w.code}`)).toEqual([
      'policy.rules.0.warehouses: rule_never_matches',
      'policy.rules.1.rankers.1: ranker_without_effect',
      'policy.rules.1.rankers.2: ranker_without_effect',
      'policy.rules.2: unreachable_rule',
      'policy.rules.2.filters: rule_never_matches',
    ]);
    const strict = safeCompileRouting({ network, policy }, { strict: true });
    expect(strict.ok).toBe(false);
  });

  it('warns of a rule for regions none of its warehouses serves when it filters by served region', () => {
    const network = {
      currency: 'CNY',
      regions: { 'us-west': { country: 'US', provinces: ['CA'] } },
      warehouses: [warehouse('HZ', { serves: ['华东'] }), warehouse('BJ', { serves: ['11', '12'] }), warehouse('RENO', { serves: ['us-west'] })],
    };
    const rule = (id: string, regions: string[]) => ({ id, when: { regions }, filters: [{ type: 'serves-region' }] });
    const policy = { id: 'p', version: '1', rules: [rule('south', ['华南']), rule('hangzhou', ['3301']), rule('beijing-city', ['1101']), rule('west', ['US']), rule('tianjin', ['12'])] };
    const router = compileRouting({ network, policy });
    expect(router.warnings.filter((w) => w.code === 'rule_never_matches').map((w) => w.path.join('.'))).toEqual(['policy.rules.0.when.regions']);
  });

  it('never throws a TypeError for a bad argument', () => {
    for (const bad of [null, 42, { network: null, policy: null }]) {
      let caught: unknown;
      try {
        compileRouting(bad as never);
      } catch (error) {
        caught = error;
      }
      expect(isValidationError(caught)).toBe(true);
    }
  });
});

describe('division codes', () => {
  it('has a GB/T 2260 code for every province and city of the gazetteer', () => {
    const missing: string[] = [];
    for (const province of CN_GAZETTEER.provinces) {
      const codes = chineseDivisionCodes(province.name, undefined);
      if (codes.province === undefined) missing.push(province.name);
      for (const city of province.cities) if (chineseDivisionCodes(province.name, city.name).city === undefined) missing.push(`${province.name} ${city.name}`);
    }
    expect(missing).toEqual([]);
    expect(chineseDivisionCodes('浙江省', '杭州市')).toEqual({ province: '33', city: '3301' });
    expect(chineseDivisionCodes('湖北省', '仙桃市')).toEqual({ province: '42', city: '429004' });
    expect(chineseDivisionCodes('火星', '杭州市')).toEqual({ province: undefined, city: undefined });
  });
});
