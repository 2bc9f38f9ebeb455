// Coordinates where an address names a city but carries none: the prefecture's centroid.
import { expectObject } from '../errors/validation-error.js';
import type { Address, GeoPoint } from '../model/address.js';
import { normaliseAddress } from './address.js';
import { CN_PREFECTURE_CENTROIDS } from './data/cn-prefecture-centroids.js';

let byProvince: Map<string, { readonly name: string; readonly point: GeoPoint }[]> | undefined;

function table(): Map<string, { readonly name: string; readonly point: GeoPoint }[]> {
  if (byProvince !== undefined) return byProvince;
  byProvince = new Map();
  for (const [province, name, lat, lng] of CN_PREFECTURE_CENTROIDS) {
    const list = byProvince.get(province) ?? [];
    list.push({ name, point: Object.freeze({ lat, lng }) });
    byProvince.set(province, list);
  }
  // Longest name first, so a city is never taken for a shorter name it starts with.
  for (const list of byProvince.values()) list.sort((a, b) => b.name.length - a.name.length);
  return byProvince;
}

/**
 * The centroid of the Chinese prefecture-level division (or municipality) an address is in,
 * from {@link CN_PREFECTURE_CENTROIDS}; `undefined` outside China or when the province and city
 * cannot be read. Coarse by design (a division's middle, not a street): for distance facts
 * such as "500 km from every usual address", where no channel sends coordinates.
 * @example cityCentroid({ country: 'CN', province: '浙江省', city: '杭州市', street: '文三路 478 号' }) // { lat: 29.96, lng: 119.49 }
 */
export function cityCentroid(address: Address): GeoPoint | undefined {
  expectObject('cityCentroid address', address, 'an address');
  if (address.country !== 'CN') return undefined;
  const normalised = normaliseAddress(address);
  if (!normalised.ok || normalised.value.province === undefined) return undefined;
  const divisions = table().get(normalised.value.province);
  if (divisions === undefined) return undefined;
  const city = normalised.value.city;
  // A municipality is its own only division: Beijing's address needs no city.
  if (city === undefined) return divisions.length === 1 ? divisions[0]?.point : undefined;
  return divisions.find((division) => city.startsWith(division.name))?.point;
}
