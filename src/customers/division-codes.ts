// GB/T 2260 codes of a Chinese province and city, by the canonical names the address normaliser returns.
import { CN_DIVISION_CODES } from './data/cn-division-codes.js';

/** The division codes of one place: `33` for 浙江省, `3301` for its 杭州市. */
export interface DivisionCodes {
  /** Two digits, e.g. `33`; undefined when the province is unknown. */
  readonly province: string | undefined;
  /** Four digits (six for a county-level city a province administers directly), e.g. `3301`. */
  readonly city: string | undefined;
}

let provinces: Map<string, { readonly code: string; readonly cities: Map<string, string> }> | undefined;

function table(): NonNullable<typeof provinces> {
  if (provinces !== undefined) return provinces;
  provinces = new Map();
  for (const [name, code, cities] of CN_DIVISION_CODES) {
    const byName = new Map<string, string>();
    for (const entry of cities.split(' ')) {
      const colon = entry.lastIndexOf(':');
      if (colon > 0) byName.set(entry.slice(0, colon), entry.slice(colon + 1));
    }
    provinces.set(name, { code, cities: byName });
  }
  return provinces;
}

const NO_CODES: DivisionCodes = Object.freeze({ province: undefined, city: undefined });

/**
 * The GB/T 2260 codes of a province and city given by their canonical full names, the names
 * `normaliseAddress` returns with the default gazetteer (`浙江省`, `杭州市`). A municipality's
 * city is itself (`北京市` -> `1101`). Names it does not know give `undefined` at that level;
 * it never guesses from a partial name.
 * @example chineseDivisionCodes('浙江省', '杭州市') // { province: '33', city: '3301' }
 */
export function chineseDivisionCodes(province: string | undefined, city: string | undefined): DivisionCodes {
  if (typeof province !== 'string') return NO_CODES;
  const entry = table().get(province);
  if (entry === undefined) return NO_CODES;
  const cityCode = typeof city === 'string' ? entry.cities.get(city) : undefined;
  return { province: entry.code, city: cityCode };
}
