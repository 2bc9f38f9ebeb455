// Where an order goes, in routing's terms: its country, division codes and point, and the region tests built from references.
import { cityCentroid } from '../customers/city-centroid.js';
import { normaliseAddress, type AddressOptions } from '../customers/address.js';
import { CN_DIVISION_CODES } from '../customers/data/cn-division-codes.js';
import { chineseDivisionCodes } from '../customers/division-codes.js';
import type { Address, GeoPoint } from '../model/address.js';
import { MACRO_REGIONS, MACRO_REGION_PROVINCES, type MacroRegion, type RegionDefinition } from './routing-schema.js';

/**
 * The destination of an order as routing sees it. Built by {@link resolveDestination} from the
 * shipping address through the customers module's address normaliser and gazetteer.
 */
export interface RoutingDestination {
  /** ISO 3166-1 alpha-2, or undefined when the order has no shipping address. */
  readonly country: string | undefined;
  /** Canonical province name (`浙江省`), or the address's own text outside the gazetteer. */
  readonly province: string | undefined;
  readonly city: string | undefined;
  /** GB/T 2260 province code, e.g. `33`. */
  readonly provinceCode: string | undefined;
  /** GB/T 2260 city code, e.g. `3301`. */
  readonly cityCode: string | undefined;
  /** The address's own point, else its Chinese prefecture's centroid, else undefined. */
  readonly point: GeoPoint | undefined;
}

const NOWHERE: RoutingDestination = Object.freeze({
  country: undefined,
  province: undefined,
  city: undefined,
  provinceCode: undefined,
  cityCode: undefined,
  point: undefined,
});

/**
 * Resolves a shipping address to a {@link RoutingDestination}: canonical province and city (any
 * spelling `normaliseAddress` understands, structured or free text), their GB/T 2260 codes, and
 * a point for distances. No address gives a destination in no region.
 * @example resolveDestination({ country: 'CN', province: '浙江', city: '杭州', street: '文三路 1 号' }).cityCode // '3301'
 */
export function resolveDestination(address: Address | undefined, options: AddressOptions = {}): RoutingDestination {
  if (address === undefined || address === null || typeof address !== 'object') return NOWHERE;
  const normalised = normaliseAddress(address, options);
  if (!normalised.ok) return { ...NOWHERE, country: address.country, point: address.geo };
  const { country, province, city } = normalised.value;
  const codes = country === 'CN' ? chineseDivisionCodes(province, city) : { province: undefined, city: undefined };
  const point = address.geo ?? (country === 'CN' ? cityCentroid(address) : undefined);
  return Object.freeze({ country, province, city, provinceCode: codes.province, cityCode: codes.city, point });
}

/** A compiled region reference: does a destination lie in it. */
export type RegionTest = (destination: RoutingDestination) => boolean;

let knownCodes: Set<string> | undefined;

function divisionCodeSet(): Set<string> {
  if (knownCodes !== undefined) return knownCodes;
  knownCodes = new Set();
  for (const [, code, cities] of CN_DIVISION_CODES) {
    knownCodes.add(code);
    for (const entry of cities.split(' ')) {
      const colon = entry.lastIndexOf(':');
      if (colon > 0) knownCodes.add(entry.slice(colon + 1));
    }
  }
  return knownCodes;
}

function squash(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}

/**
 * Compiles a region reference against the network's own regions: a country code, a known
 * division code, a macro region, or a region id. Returns a message for an unknown reference.
 */
export function compileRegionRef(ref: string, regions: Readonly<Record<string, RegionDefinition>>): RegionTest | string {
  if (/^[A-Z]{2}$/.test(ref)) return (d) => d.country === ref;
  if (/^\d+$/.test(ref)) {
    if (!divisionCodeSet().has(ref)) return `Unknown GB/T 2260 division code "${ref}" (expected a province such as "33" or a city such as "3301")`;
    return ref.length === 2 ? (d) => d.provinceCode === ref : (d) => d.cityCode === ref;
  }
  if ((MACRO_REGIONS as readonly string[]).includes(ref)) {
    const provinces = new Set(MACRO_REGION_PROVINCES[ref as MacroRegion]);
    return (d) => d.country === 'CN' && d.provinceCode !== undefined && provinces.has(d.provinceCode);
  }
  const own = Object.prototype.hasOwnProperty.call(regions, ref) ? regions[ref] : undefined;
  if (own === undefined) {
    return `Unknown region "${ref}": expected a country code ("CN"), a division code ("33", "3301"), a macro region (${MACRO_REGIONS.join(' ')}) or an id from the network's regions`;
  }
  if (own.provinces.length === 0) return (d) => d.country === own.country;
  const provinces = new Set(own.provinces.map(squash));
  return (d) => d.country === own.country && d.province !== undefined && provinces.has(squash(d.province));
}

/** True when a region id would shadow a built-in reference (a country code, a division code or a macro region). */
export function shadowsBuiltInRegion(id: string): boolean {
  return /^[A-Z]{2}$/.test(id) || /^\d+$/.test(id) || (MACRO_REGIONS as readonly string[]).includes(id);
}

/**
 * The pieces of the map a known region reference covers, for telling at compile time whether two
 * regions can share a destination: `CN:*` (a country), `CN:33` (a province), `CN:33:3301` (a
 * city), `US:p:california` (a state of a region of your own).
 */
export function regionGranules(ref: string, regions: Readonly<Record<string, RegionDefinition>>): string[] {
  if (/^[A-Z]{2}$/.test(ref)) return [`${ref}:*`];
  if (/^\d{2}$/.test(ref)) return [`CN:${ref}`];
  if (/^\d+$/.test(ref)) return [`CN:${ref.slice(0, 2)}:${ref}`];
  if ((MACRO_REGIONS as readonly string[]).includes(ref)) return MACRO_REGION_PROVINCES[ref as MacroRegion].map((code) => `CN:${code}`);
  const own = Object.prototype.hasOwnProperty.call(regions, ref) ? regions[ref] : undefined;
  if (own === undefined) return [];
  return own.provinces.length === 0 ? [`${own.country}:*`] : own.provinces.map((name) => `${own.country}:p:${squash(name)}`);
}

/** True when two granules of {@link regionGranules} can hold the same destination. */
export function granulesOverlap(a: string, b: string): boolean {
  const [countryA, provinceA, cityA] = a.split(':');
  const [countryB, provinceB, cityB] = b.split(':');
  if (countryA !== countryB) return false;
  if (provinceA === '*' || provinceB === '*') return true;
  // A user region names provinces by text and cannot be compared with division codes: assume they may meet.
  if ((provinceA === 'p') !== (provinceB === 'p')) return true;
  if (provinceA === 'p') return cityA === cityB;
  if (provinceA !== provinceB) return false;
  return cityA === undefined || cityB === undefined || cityA === cityB;
}

/** A test for "in any of these regions"; every reference must already be known. */
export function anyRegion(tests: readonly RegionTest[]): RegionTest {
  if (tests.length === 1) return tests[0] as RegionTest;
  return (d) => tests.some((test) => test(d));
}
