// Chinese resident ID numbers: GB 11643 (ISO 7064 MOD 11-2) check, birth date, region, 15-digit upgrade.
import { expectString } from '../errors/validation-error.js';
import { maskIdNumber } from '../errors/mask.js';
import { CN_ID_REGION_PREFIXES } from './data/id-regions.js';
import { fail, ok, type NormaliseResult } from './normalise-result.js';
import { toHalfWidth } from './text.js';

/** Why an ID number could not be normalised. An invalid ID is missing evidence, never a disagreement. */
export const ID_NUMBER_FAILURE_REASONS = ['EMPTY_ID', 'MALFORMED_ID', 'UNKNOWN_REGION', 'INVALID_BIRTH_DATE', 'BAD_CHECK_CHARACTER'] as const;
/** Why an ID number could not be normalised. */
export type IdNumberFailureReason = (typeof ID_NUMBER_FAILURE_REASONS)[number];

/** A valid 18-character resident ID and what it says about its holder. */
export interface NormalisedIdNumber {
  /** 18 characters, upper-case `X` check character. */
  readonly value: string;
  /** The six-digit administrative division code. */
  readonly region: string;
  /** Birth date as `YYYY-MM-DD` (a calendar date, not an instant). */
  readonly birthDate: string;
  readonly gender: 'male' | 'female';
  /** True when the input was a 15-digit legacy number that was upgraded. */
  readonly upgradedFrom15: boolean;
}

/** Options of {@link normaliseChineseIdNumber}. */
export interface IdNumberOptions {
  /**
   * Accepted two-digit region prefixes.
   * @default CN_ID_REGION_PREFIXES
   */
  readonly regionPrefixes?: readonly string[];
  /**
   * Latest acceptable birth date, `YYYY-MM-DD` (pass today's date from your clock to refuse
   * future births; normalisers read no clock).
   * @default '9999-12-31'
   */
  readonly maxBirthDate?: string;
  /**
   * Earliest acceptable birth date.
   * @default '1890-01-01'
   */
  readonly minBirthDate?: string;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';
const DEFAULT_REGIONS = new Set(CN_ID_REGION_PREFIXES);

/**
 * The GB 11643 check character for the first 17 digits.
 * @example gb11643CheckCharacter('11010519491231002') // 'X'
 */
export function gb11643CheckCharacter(first17: string): string {
  expectString('gb11643CheckCharacter first17', first17);
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARACTERS[sum % 11] ?? '?';
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

/**
 * Validates and normalises a Chinese resident ID. 15-digit legacy numbers (births 1900-1999)
 * are upgraded to 18 characters with a computed check character.
 * @example normaliseChineseIdNumber('11010519491231002x').ok // true
 */
export function normaliseChineseIdNumber(input: string, options: IdNumberOptions = {}): NormaliseResult<NormalisedIdNumber, IdNumberFailureReason> {
  expectString('normaliseChineseIdNumber input', input);
  const regions = options.regionPrefixes === undefined ? DEFAULT_REGIONS : new Set(options.regionPrefixes);
  const text = toHalfWidth(input).replace(/[\s-]/g, '').toUpperCase();
  if (text.length === 0) return fail('ID number', 'EMPTY_ID', 'ID number is empty');
  let value: string;
  let upgradedFrom15 = false;
  if (/^\d{15}$/.test(text)) {
    const first17 = `${text.slice(0, 6)}19${text.slice(6)}`;
    value = first17 + gb11643CheckCharacter(first17);
    upgradedFrom15 = true;
  } else if (/^\d{17}[\dX]$/.test(text)) {
    value = text;
  } else {
    return fail('ID number', 'MALFORMED_ID', `ID number ${maskIdNumber(text)} is neither 18 characters nor 15 digits`);
  }
  if (!regions.has(value.slice(0, 2))) return fail('ID number', 'UNKNOWN_REGION', `ID number ${maskIdNumber(value)} has an unknown region prefix`);
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isCalendarDate(year, month, day) || birthDate < (options.minBirthDate ?? '1890-01-01') || birthDate > (options.maxBirthDate ?? '9999-12-31')) {
    return fail('ID number', 'INVALID_BIRTH_DATE', `ID number ${maskIdNumber(value)} has an impossible birth date`);
  }
  if (!upgradedFrom15 && gb11643CheckCharacter(value) !== value[17]) {
    return fail('ID number', 'BAD_CHECK_CHARACTER', `ID number ${maskIdNumber(value)} fails the GB 11643 check`);
  }
  const gender = (value.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female';
  return ok({ value, region: value.slice(0, 6), birthDate, gender, upgradedFrom15 });
}
