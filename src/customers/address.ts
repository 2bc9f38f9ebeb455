// Addresses: province, city and district recognised with abbreviations; building and room set aside.
import { expectObject } from '../errors/validation-error.js';
import type { Address } from '../model/address.js';
import { CN_GAZETTEER, type Gazetteer } from './data/cn-gazetteer.js';
import { fail, ok, type NormaliseResult } from './normalise-result.js';
import { toHalfWidth } from './text.js';

/** Why an address could not be normalised. */
export const ADDRESS_FAILURE_REASONS = ['EMPTY_ADDRESS'] as const;
/** Why an address could not be normalised. */
export type AddressFailureReason = (typeof ADDRESS_FAILURE_REASONS)[number];

/** An address with canonical division names and a comparison key. The structured parts are kept. */
export interface NormalisedAddress {
  readonly country: string;
  /** Canonical full name when recognised (`浙江省`), else the cleaned input, else undefined. */
  readonly province: string | undefined;
  readonly city: string | undefined;
  readonly district: string | undefined;
  /** The street as written, cleaned, with the division names taken out. */
  readonly street: string;
  /** Road and door number only: what two spellings of one address share. */
  readonly streetKey: string;
  /** Building, unit, floor and room: kept, but set aside for comparison. */
  readonly detail: string;
  /** `province|city|district|streetKey`, for exact comparison and blocking. */
  readonly key: string;
}

/** Options of {@link normaliseAddress}. */
export interface AddressOptions {
  /**
   * Where province, city and district names are looked up.
   * @default CN_GAZETTEER (every GB/T 2260 province, city, district and county)
   */
  readonly gazetteer?: Gazetteer;
  /**
   * Country assumed for free-text addresses.
   * @default 'CN'
   */
  readonly defaultCountry?: string;
}

type EntryKind = 'province' | 'city' | 'district';
interface Entry {
  readonly text: string;
  readonly kind: EntryKind;
  readonly province: string;
  readonly city: string | undefined;
  readonly district: string | undefined;
}
interface Lookup {
  /** Entries by their first two characters, longest first. */
  readonly byHead: Map<string, Entry[]>;
}

const lookups = new WeakMap<Gazetteer, Lookup>();
const ROAD_SUFFIX = /^(?:路|街|道|大道|巷|弄|胡同|大街)/;

function stem(name: string): string | undefined {
  const trimmed = name.replace(/(?:新区|区|县|市)$/, '');
  return trimmed.length >= 2 && trimmed !== name ? trimmed : undefined;
}

function buildLookup(gazetteer: Gazetteer): Lookup {
  const byHead = new Map<string, Entry[]>();
  const add = (entry: Entry): void => {
    const head = entry.text.slice(0, 2);
    const list = byHead.get(head) ?? [];
    list.push(entry);
    byHead.set(head, list);
  };
  for (const province of gazetteer.provinces) {
    for (const text of [province.name, ...province.short]) add({ text, kind: 'province', province: province.name, city: province.municipality === true ? province.name : undefined, district: undefined });
    for (const city of province.cities) {
      if (province.municipality !== true) {
        for (const text of [city.name, stem(city.name)]) if (text !== undefined) add({ text, kind: 'city', province: province.name, city: city.name, district: undefined });
      }
      for (const district of city.districts) {
        for (const text of [district, stem(district)]) if (text !== undefined) add({ text, kind: 'district', province: province.name, city: city.name, district });
      }
    }
  }
  for (const list of byHead.values()) list.sort((a, b) => b.text.length - a.text.length);
  return { byHead };
}

function lookupFor(gazetteer: Gazetteer): Lookup {
  let lookup = lookups.get(gazetteer);
  if (lookup === undefined) {
    lookup = buildLookup(gazetteer);
    lookups.set(gazetteer, lookup);
  }
  return lookup;
}

/** A road suffix (路, 街, 道 ...) at `at` that does not begin a division's full name. */
function followedByRoad(text: string, at: number, lookup: Lookup): boolean {
  if (!ROAD_SUFFIX.test(text.slice(at))) return false;
  const names = lookup.byHead.get(text.slice(at, at + 2));
  return names === undefined || !names.some((entry) => /[省市区县州盟旗]$/.test(entry.text) && text.startsWith(entry.text, at));
}

interface Found {
  readonly entries: Entry[];
  /** Per entry, where it was read: entries read from the same characters share a span. */
  readonly spans: number[];
  readonly rest: string;
}

/** Finds division names anywhere in the text (so reordered addresses work) and returns the rest. */
function scan(text: string, lookup: Lookup, spans: { next: number }): Found {
  const entries: Entry[] = [];
  const entrySpans: number[] = [];
  let rest = '';
  let i = 0;
  while (i < text.length) {
    const candidates = lookup.byHead.get(text.slice(i, i + 2));
    let matched: Entry | undefined;
    if (candidates !== undefined) {
      for (const entry of candidates) {
        // 杭州路 in Qingdao is a road, not the city of Hangzhou; but 甘孜藏族自治州道孚县 is a
        // prefecture followed by a county whose name starts like a road.
        if (text.startsWith(entry.text, i) && !followedByRoad(text, i + entry.text.length, lookup)) {
          matched = entry;
          break;
        }
      }
    }
    if (matched === undefined) {
      rest += text[i] ?? '';
      i += 1;
      continue;
    }
    let length = matched.text.length;
    // 青岛市南区 is 青岛 + 市南区: a city's 市 may begin one of its own districts.
    if (matched.kind === 'city' && matched.text.endsWith('市')) {
      const cityName = matched.city;
      const overlap = lookup.byHead.get(text.slice(i + length - 1, i + length + 1))?.find((e) => e.kind === 'district' && e.city === cityName && text.startsWith(e.text, i + length - 1));
      if (overlap !== undefined) length -= 1;
    }
    // Homonyms (鼓楼区 in Nanjing and in Fuzhou; 长沙 the city and 长沙 the county) are all kept; resolve() picks by context.
    const span = spans.next;
    spans.next += 1;
    for (const entry of candidates ?? []) {
      if (entry.text.length === matched.text.length && text.startsWith(entry.text, i)) {
        entries.push(entry);
        entrySpans.push(span);
      }
    }
    i += length;
  }
  return { entries, spans: entrySpans, rest };
}

interface Resolved {
  province: string | undefined;
  city: string | undefined;
  district: string | undefined;
}

function resolve(entries: readonly Entry[], spans: readonly number[]): Resolved {
  const provinces = entries.filter((e) => e.kind === 'province');
  const cities = entries.filter((e) => e.kind === 'city');
  let province = provinces[0]?.province;
  let city = provinces.find((e) => e.city !== undefined)?.city;
  const cityEntry = cities.find((e) => province === undefined || e.province === province);
  if (cityEntry !== undefined) {
    city ??= cityEntry.city;
    province ??= cityEntry.province;
  }
  // 湖南长沙芙蓉区: the 长沙 read as the city is not also 长沙县.
  const citySpans = new Set<number | undefined>();
  entries.forEach((e, i) => {
    if (e.kind === 'city' && e.city === city) citySpans.add(spans[i]);
  });
  const districts = entries.filter((e, i) => e.kind === 'district' && !citySpans.has(spans[i]));
  // District names repeat across cities (鼓楼区, 朝阳区): prefer one inside the known city or province.
  const districtEntry =
    districts.find((e) => city !== undefined && e.city === city) ??
    districts.find((e) => city === undefined && province !== undefined && e.province === province) ??
    (city === undefined && province === undefined && new Set(districts.map((e) => e.city)).size === 1 ? districts[0] : undefined);
  if (districtEntry !== undefined) {
    province ??= districtEntry.province;
    city ??= districtEntry.city;
  }
  // An ambiguous district alone keeps its name without guessing the city.
  const district = districtEntry?.district ?? (city === undefined && new Set(districts.map((e) => e.district)).size === 1 ? districts[0]?.district : undefined);
  return { province, city, district };
}

const DETAIL_START = /[0-9A-Za-z]+(?:号楼|栋|幢|座|单元|层|楼|室)|\d+-\d+/;

function clean(text: string): string {
  return toHalfWidth(text).replace(/^中国/, '').replace(/[\s,，、;；]+/g, '');
}

/**
 * Normalises an address (structured or free text). Recognises provinces with or without their
 * suffix (浙江省/浙江), cities (杭州市/杭州) and districts or counties (西湖区/西湖, 桐庐县),
 * wherever they appear in the text. Building, unit and room go to `detail`, outside the key.
 * @example normaliseAddress('浙江杭州西湖区文三路100号3栋2单元501室') // key '浙江省|杭州市|西湖区|文三路100'
 */
export function normaliseAddress(input: Address | string, options: AddressOptions = {}): NormaliseResult<NormalisedAddress, AddressFailureReason> {
  if (typeof input !== 'string') expectObject('normaliseAddress input', input, 'an address object or text');
  expectObject('normaliseAddress options', options);
  const lookup = lookupFor(options.gazetteer ?? CN_GAZETTEER);
  const parts = typeof input === 'string' ? { country: options.defaultCountry ?? 'CN', province: undefined, city: undefined, district: undefined, street: input } : input;
  const fields = [parts.province, parts.city, parts.district].map((f) => (f === undefined ? '' : clean(f)));
  const street = clean(parts.street);
  if (street.length === 0 && fields.every((f) => f.length === 0)) return fail('address', 'EMPTY_ADDRESS', 'Address is empty');
  const spans = { next: 0 };
  const fromFields = fields.map((f) => scan(f, lookup, spans));
  const fromStreet = scan(street, lookup, spans);
  const resolved = resolve([...fromFields.flatMap((f) => f.entries), ...fromStreet.entries], [...fromFields.flatMap((f) => f.spans), ...fromStreet.spans]);
  // Unrecognised divisions stay as written so that foreign or missing gazetteer entries still compare.
  const province = resolved.province ?? (fields[0] === '' ? undefined : fields[0]);
  const city = resolved.city ?? (fields[1] === '' ? undefined : fields[1]);
  const district = resolved.district ?? (fields[2] === '' ? undefined : fields[2]);
  const rest = fromStreet.rest.replace(/^[省市区县]+/, '');
  const detailAt = rest.search(DETAIL_START);
  const road = detailAt < 0 ? rest : rest.slice(0, detailAt);
  const detail = detailAt < 0 ? '' : rest.slice(detailAt);
  const streetKey = road.replace(/[^\p{L}\p{N}]/gu, '').replace(/号$/, '').toLowerCase();
  const key = `${province ?? ''}|${city ?? ''}|${district ?? ''}|${streetKey}`;
  return ok({ country: parts.country, province, city, district, street: rest, streetKey, detail, key });
}
