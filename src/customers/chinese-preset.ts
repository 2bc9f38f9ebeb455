// The Chinese retail preset: fields, comparators, the seed's evidence weights and blocking keys.
import { expectObject, expectString } from '../errors/validation-error.js';
import type { Customer, CustomerInput } from '../model/customer.js';
import { maskAddress, maskEmail, maskIdNumber, maskName, maskPhone } from '../errors/mask.js';
import type { NormalisedAddress } from './address.js';
import { matchField, type BlockingRule, type CustomerMatcherConfig, type EvidenceRule, type MatchField } from './matcher.js';
import { normaliseCustomer, type NormaliseCustomerOptions, type NormalisedCustomer } from './normalise-customer.js';
import { soundString, soundsAlike } from './pinyin.js';
import { jaroWinkler, levenshteinSimilarity } from './similarity.js';

/**
 * The seed's evidence weights: the probability that two profiles sharing this evidence are one
 * person. The payment real name is the seed's 0.80 lowered to 0.60, under the threshold: a real
 * name is a name, and two strangers paying as the same common name must not merge on it alone
 * (it still adds to any other evidence). `email`, `payment account`, `phone + name` and
 * `device + name` are additions of Ordo, not from the seed: a phone with one mistyped digit is weak alone (0.45) but, with the same
 * name, as telling as the phone itself; a device shared by a household is weak alone (0.40) but
 * with the same name points at one person.
 */
export const CHINESE_RETAIL_EVIDENCE: readonly EvidenceRule[] = Object.freeze([
  { name: 'same phone', fields: ['phone'], probability: 0.9, closeFactor: 0.5 },
  { name: 'same ID number', fields: ['idNumber'], probability: 0.95 },
  { name: 'same address + name', fields: ['address', 'name'], probability: 0.7 },
  { name: 'same payment real name', fields: ['realName'], probability: 0.6 },
  { name: 'same device id', fields: ['deviceId'], probability: 0.4 },
  { name: 'same email', fields: ['email'], probability: 0.9 },
  { name: 'same payment account', fields: ['paymentAccount'], probability: 0.9 },
  { name: 'same phone + name', fields: ['phone', 'name'], probability: 0.97, closeFactor: 0.8 },
  { name: 'same device + name', fields: ['deviceId', 'name'], probability: 0.8 },
]);

/** Similarity of two Chinese names that share the surname and nothing else: a family trait, not a person's. */
const ONLY_SURNAME_SIMILARITY = 0.25;
const sharesSound = (x: string, y: string): boolean => {
  for (const cx of x) for (const cy of y) if (soundsAlike(cx, cy)) return true;
  return false;
};
const isCjkKey = (s: string): boolean => s.length > 0 && s.charCodeAt(0) >= 0x2e80;

/**
 * Name similarity. Chinese names: 1 when they can sound the same character by character (王伟
 * and 王玮: the wrong candidate of a pinyin IME); 0.25 when only the surname agrees (王伟 and
 * 王芳 share a family, not a person); otherwise edit similarity by characters or by sounds,
 * whichever is higher (one edit in a three-character name is 0.67; 彭宇珍 and 彭珍寓 are one
 * transposition apart by sound). Latin names: Jaro-Winkler rescaled so 0.9 maps to 0.6. NaN
 * across scripts (no transliteration).
 * @example nameSimilarity('王伟', '王玮') // 1
 */
export function nameSimilarity(a: string, b: string): number {
  expectString('nameSimilarity a', a);
  expectString('nameSimilarity b', b);
  const cjk = isCjkKey(a);
  if (cjk !== isCjkKey(b)) return Number.NaN;
  if (cjk) {
    if (soundsAlike(a, b)) return 1;
    if (a[0] === b[0] && a.length > 1 && b.length > 1 && !sharesSound(a.slice(1), b.slice(1))) return ONLY_SURNAME_SIMILARITY;
    return Math.max(levenshteinSimilarity(a, b), levenshteinSimilarity(soundString(a), soundString(b)));
  }
  return Math.max(0, (jaroWinkler(a, b) - 0.75) / 0.25);
}

/** Phone similarity: one mistyped or swapped digit in a number of the same length is close. */
export function phoneSimilarity(a: string, b: string): number {
  expectString('phoneSimilarity a', a);
  expectString('phoneSimilarity b', b);
  return a.length === b.length ? levenshteinSimilarity(a, b) : 0;
}

/**
 * ID number similarity of two unequal IDs: 0, except when one of them was upgraded from a
 * 15-digit legacy number and they differ in one digit, which may be a typo no check character
 * caught: NaN, no evidence either way.
 */
export function idNumberSimilarity(a: NormalisedCustomer, b: NormalisedCustomer): number {
  expectObject('idNumberSimilarity a', a, 'a normalised customer');
  expectObject('idNumberSimilarity b', b, 'a normalised customer');
  if (a.idNumberChecked && b.idNumberChecked) return 0;
  const x = a.idNumber ?? '';
  const y = b.idNumber ?? '';
  let differences = 0;
  for (let i = 0; i < 17; i += 1) if (x[i] !== y[i]) differences += 1;
  return differences <= 1 ? Number.NaN : 0;
}

const DOOR_NUMBER = /\d+$/;

/**
 * Address similarity: 0 when cities or districts are both known and differ; otherwise the edit
 * similarity of the road names, by characters or by sounds (文三路 typed as 文山路), halved
 * when door numbers differ (1, equivalent, when only the district is missing on one side).
 */
export function addressSimilarity(a: NormalisedAddress, b: NormalisedAddress): number {
  if (typeof a?.streetKey !== 'string') expectObject('addressSimilarity a', undefined, 'a normalised address');
  if (typeof b?.streetKey !== 'string') expectObject('addressSimilarity b', undefined, 'a normalised address');
  if (a.city !== undefined && b.city !== undefined && a.city !== b.city) return 0;
  if (a.district !== undefined && b.district !== undefined && a.district !== b.district) return 0;
  if (a.streetKey.length === 0 || b.streetKey.length === 0) return Number.NaN;
  const na = DOOR_NUMBER.exec(a.streetKey)?.[0] ?? '';
  const nb = DOOR_NUMBER.exec(b.streetKey)?.[0] ?? '';
  const ra = a.streetKey.slice(0, a.streetKey.length - na.length);
  const rb = b.streetKey.slice(0, b.streetKey.length - nb.length);
  const road = Math.max(levenshteinSimilarity(ra, rb), levenshteinSimilarity(soundString(ra), soundString(rb)));
  return na === nb ? road : road * 0.5;
}

const maskAddressValue = (a: NormalisedAddress): string => maskAddress(`${a.province ?? ''}${a.city ?? ''}${a.district ?? ''}${a.street}`);

/** The preset's fields over {@link NormalisedCustomer}. */
export const CHINESE_RETAIL_FIELDS: readonly MatchField<NormalisedCustomer, unknown>[] = Object.freeze([
  matchField<NormalisedCustomer, string>({ name: 'phone', values: (c) => c.phones, similarity: phoneSimilarity, closeAt: 0.9, mask: maskPhone, block: true, frequencyAdjusted: true }),
  // The record itself is the value, so the comparison knows whether an ID carries its own check character.
  matchField<NormalisedCustomer, NormalisedCustomer>({
    name: 'idNumber',
    values: (c) => (c.idNumber === undefined ? [] : [c]),
    key: (c) => c.idNumber ?? '',
    similarity: idNumberSimilarity,
    mask: (c) => maskIdNumber(c.idNumber ?? ''),
    block: true,
    identity: (c) => c.idNumberChecked,
    disagreement: 3,
  }),
  matchField<NormalisedCustomer, string>({ name: 'name', values: (c) => c.names, similarity: nameSimilarity, closeAt: 0.6, mask: maskName, disagreement: 3 }),
  matchField<NormalisedCustomer, NormalisedAddress>({ name: 'address', values: (c) => c.addresses, key: (a) => a.key, similarity: addressSimilarity, closeAt: 0.75, mask: maskAddressValue }),
  matchField<NormalisedCustomer, string>({ name: 'realName', values: (c) => c.realNames, mask: maskName, frequencyAdjusted: true, frequencyValues: (c) => [...c.names, ...c.realNames] }),
  matchField<NormalisedCustomer, string>({ name: 'deviceId', values: (c) => c.deviceIds, mask: (v) => `${v.slice(0, 4)}****`, block: true, frequencyAdjusted: true }),
  matchField<NormalisedCustomer, string>({ name: 'email', values: (c) => c.emails, mask: maskEmail, block: true, frequencyAdjusted: true }),
  matchField<NormalisedCustomer, string>({ name: 'paymentAccount', values: (c) => c.paymentAccounts, mask: (v) => `${v.slice(0, v.indexOf(':') + 1)}****`, block: true, frequencyAdjusted: true }),
]);

/** A phone key split on each side of one mistyped digit: its first nine characters (+86 and six digits) and its last four. */
const PHONE_HEAD = 9;
const PHONE_TAIL = 4;

/**
 * Blocking keys beyond the per-field ones: name with city, city with road and door number, and
 * name with either half of a phone, so one mistyped digit still meets its twin.
 */
export const CHINESE_RETAIL_BLOCKING: readonly BlockingRule<NormalisedCustomer>[] = Object.freeze([
  {
    name: 'name-city',
    keys: (c: NormalisedCustomer) => {
      const keys: string[] = [];
      for (const name of c.names.length > 0 ? [...c.names, ...c.realNames] : c.realNames) {
        for (const a of c.addresses) if (a.city !== undefined) keys.push(`${name}|${a.city}`);
      }
      return keys;
    },
  },
  {
    name: 'name-phone',
    keys: (c: NormalisedCustomer) => {
      const keys: string[] = [];
      for (const name of c.names) for (const phone of c.phones) keys.push(`${name}|${phone.slice(0, PHONE_HEAD)}`, `${name}|*${phone.slice(-PHONE_TAIL)}`);
      return keys;
    },
  },
  // City and road without the district, which buyers often leave out.
  { name: 'street', keys: (c: NormalisedCustomer) => c.addresses.filter((a) => a.streetKey.length > 0 && a.city !== undefined).map((a) => `${a.city ?? ''}|${a.streetKey}`) },
]);

/** Options of {@link chineseRetailPreset}. */
export interface ChineseRetailPresetOptions {
  /** Options passed to every normaliser. */
  readonly normalise?: NormaliseCustomerOptions;
}

/**
 * The Chinese retail configuration: the seed's evidence (phone 0.90, ID 0.95, address + name
 * 0.70, payment real name 0.60, device 0.40) combined by noisy-or, a different valid ID number
 * as a conflict, a clearly different name as counter-evidence, threshold 0.7 (one strong
 * identifier, or name and address together, suffice; a device needs corroboration).
 * @example const matcher = createCustomerMatcher(chineseRetailPreset());
 */
export function chineseRetailPreset(options: ChineseRetailPresetOptions = {}): CustomerMatcherConfig<Customer | CustomerInput, NormalisedCustomer> {
  expectObject('chineseRetailPreset options', options);
  const normalise = options.normalise ?? {};
  return {
    prepare: (customer) => normaliseCustomer(customer, normalise),
    id: (c) => c.id,
    fields: CHINESE_RETAIL_FIELDS,
    evidence: CHINESE_RETAIL_EVIDENCE,
    blocking: CHINESE_RETAIL_BLOCKING,
    mode: 'evidence',
    threshold: 0.7,
    commonValueAt: 5,
  };
}
