// Phone numbers to E.164 with libphonenumber-js `max` metadata, mobile and landline told apart.
import { expectString } from '../errors/validation-error.js';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { maskPhone } from '../errors/mask.js';
import { fail, ok, type NormaliseResult } from './normalise-result.js';
import { toHalfWidth } from './text.js';

/** What kind of line a number is. `other` covers toll-free, shared-cost, VoIP and the like. */
export const PHONE_KINDS = ['mobile', 'landline', 'mobile-or-landline', 'other'] as const;
/** What kind of line a number is. */
export type PhoneKind = (typeof PHONE_KINDS)[number];

/** Why a phone could not be normalised. */
export const PHONE_FAILURE_REASONS = ['EMPTY_PHONE', 'UNPARSABLE_PHONE', 'INVALID_PHONE'] as const;
/** Why a phone could not be normalised. */
export type PhoneFailureReason = (typeof PHONE_FAILURE_REASONS)[number];

/** A phone number in E.164 with what libphonenumber knows about it. */
export interface NormalisedPhone {
  /** E.164, e.g. `+8613812345678`. */
  readonly e164: string;
  /** ISO 3166-1 alpha-2 of the number's country, when known. */
  readonly country: string | undefined;
  readonly kind: PhoneKind;
}

/** Options of {@link normalisePhone}. */
export interface PhoneOptions {
  /**
   * Country assumed for numbers written without a country code.
   * @default 'CN'
   */
  readonly defaultCountry?: string;
}

// The max metadata's CN mobile pattern only constrains the first five digits (e.g. 1740[0-5]),
// so a verdict per five-digit prefix is exact and saves ~15 µs of regex work per number on
// million-record batches. A test checks this against the installed metadata for every prefix.
const CN_MOBILE_PREFIX_DIGITS = 5;
const cnMobileSegmentCache = new Map<string, NormalisedPhoneVerdict>();
type NormalisedPhoneVerdict = { readonly valid: true; readonly kind: PhoneKind } | { readonly valid: false };

const CN_PREFIX = /^(?:\+86|0086|86)(?=1\d{10}$)/;

function kindOf(type: string | undefined): PhoneKind {
  switch (type) {
    case 'MOBILE':
      return 'mobile';
    case 'FIXED_LINE':
      return 'landline';
    case 'FIXED_LINE_OR_MOBILE':
      return 'mobile-or-landline';
    default:
      return 'other';
  }
}

/**
 * Normalises a phone number to E.164. Accepts `+86`, `0086` and bare `86` prefixes, spaces,
 * dashes, brackets and full-width digits. Validation uses libphonenumber's `max` metadata,
 * which (unlike its default metadata) rejects fake mobiles such as `12345678901`.
 * @example normalisePhone('０086 138-1234-5678') // { ok: true, value: { e164: '+8613812345678', country: 'CN', kind: 'mobile' } }
 */
export function normalisePhone(input: string, options: PhoneOptions = {}): NormaliseResult<NormalisedPhone, PhoneFailureReason> {
  expectString('normalisePhone input', input);
  const defaultCountry = (options.defaultCountry ?? 'CN') as CountryCode;
  const text = toHalfWidth(input);
  const compact = text.replace(/[\s\-().\u00b7/]/g, '');
  if (compact.length === 0) return fail('phone', 'EMPTY_PHONE', 'Phone is empty');
  // Fast path for the overwhelmingly common case: an 11-digit Chinese mobile, prefixed or not.
  if (defaultCountry === 'CN' || compact.startsWith('+86') || compact.startsWith('0086')) {
    const national = compact.replace(CN_PREFIX, '');
    if (/^1\d{10}$/.test(national)) {
      const segment = national.slice(0, CN_MOBILE_PREFIX_DIGITS);
      let verdict = cnMobileSegmentCache.get(segment);
      if (verdict === undefined) {
        const parsed = parsePhoneNumberFromString(national, 'CN');
        verdict = parsed !== undefined && parsed.isValid() ? { valid: true, kind: kindOf(parsed.getType()) } : { valid: false };
        cnMobileSegmentCache.set(segment, verdict);
      }
      if (!verdict.valid) return fail('phone', 'INVALID_PHONE', `Phone ${maskPhone(compact)} is not a valid number`);
      return ok({ e164: `+86${national}`, country: 'CN', kind: verdict.kind });
    }
  }
  // A bare 86 prefix on a landline (860571...) is read as the country code when the rest is valid.
  const candidates = [compact];
  if (/^86\d{9,12}$/.test(compact)) candidates.unshift(`+${compact}`);
  let parsedAny = false;
  for (const candidate of candidates) {
    let parsed;
    try {
      parsed = parsePhoneNumberFromString(candidate, defaultCountry);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) continue;
    parsedAny = true;
    if (!parsed.isValid()) continue;
    return ok({ e164: parsed.number, country: parsed.country, kind: kindOf(parsed.getType()) });
  }
  return parsedAny
    ? fail('phone', 'INVALID_PHONE', `Phone ${maskPhone(compact)} is not a valid number`)
    : fail('phone', 'UNPARSABLE_PHONE', `Phone ${maskPhone(compact)} could not be read as a number`);
}
