// Personal names, emails, device ids and payment real names: the small normalisers.
import { expectString } from '../errors/validation-error.js';
import { maskEmail, maskName } from '../errors/mask.js';
import { fail, ok, type NormaliseResult } from './normalise-result.js';
import { hasCjk, toHalfWidth } from './text.js';

/** Why a name could not be normalised. */
export const NAME_FAILURE_REASONS = ['EMPTY_NAME'] as const;
/** Why a name could not be normalised. */
export type NameFailureReason = (typeof NAME_FAILURE_REASONS)[number];

/** A name ready for comparison. */
export interface NormalisedName {
  /** Cleaned for display: half-width, single spaces. */
  readonly display: string;
  /**
   * Comparison key: lower-case; CJK names without spaces or middle dots; Latin names with their
   * words sorted, so `Li Lei` and `LEI, Li` share one key.
   */
  readonly key: string;
  readonly script: 'cjk' | 'latin';
}

/**
 * Normalises a personal name (full-width to half-width, whitespace, case, word order).
 * @example normaliseName('ＬＩ  Lei').value.key // 'lei li'
 */
export function normaliseName(input: string): NormaliseResult<NormalisedName, NameFailureReason> {
  expectString('normaliseName input', input);
  const display = toHalfWidth(input);
  if (display.length === 0) return fail('name', 'EMPTY_NAME', 'Name is empty');
  if (hasCjk(display)) {
    const key = display.replace(/[\s·•・.]/g, '').toLowerCase();
    return ok({ display, key, script: 'cjk' });
  }
  const words = display
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .split(/[\s,.\-_]+/)
    .filter((w) => w.length > 0)
    .sort();
  if (words.length === 0) return fail('name', 'EMPTY_NAME', `Name ${maskName(display)} has no letters`);
  return ok({ display, key: words.join(' '), script: 'latin' });
}

/** Why an email could not be normalised. */
export const EMAIL_FAILURE_REASONS = ['EMPTY_EMAIL', 'INVALID_EMAIL'] as const;
/** Why an email could not be normalised. */
export type EmailFailureReason = (typeof EMAIL_FAILURE_REASONS)[number];

/** Options of {@link normaliseEmail}. */
export interface EmailOptions {
  /**
   * Drop a `+tag` from the local part (`li+shop@x.com` is `li@x.com`).
   * @default true
   */
  readonly stripPlusTag?: boolean;
}

/**
 * Normalises an email: half-width, trimmed, lower-case, plus-tag dropped (configurable).
 * @example normaliseEmail('Li.Lei+tmall@Example.COM').value // 'li.lei@example.com'
 */
export function normaliseEmail(input: string, options: EmailOptions = {}): NormaliseResult<string, EmailFailureReason> {
  expectString('normaliseEmail input', input);
  const text = toHalfWidth(input).replace(/\s/g, '').toLowerCase();
  if (text.length === 0) return fail('email', 'EMPTY_EMAIL', 'Email is empty');
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1 || !text.slice(at + 1).includes('.')) return fail('email', 'INVALID_EMAIL', `Email ${maskEmail(text)} is not an address`);
  let local = text.slice(0, at);
  if (options.stripPlusTag ?? true) {
    const plus = local.indexOf('+');
    if (plus > 0) local = local.slice(0, plus);
  }
  return ok(`${local}@${text.slice(at + 1)}`);
}

/** Why a device id could not be normalised. */
export const DEVICE_ID_FAILURE_REASONS = ['EMPTY_DEVICE_ID', 'PLACEHOLDER_DEVICE_ID'] as const;
/** Why a device id could not be normalised. */
export type DeviceIdFailureReason = (typeof DEVICE_ID_FAILURE_REASONS)[number];

/**
 * Normalises a device id (IDFA, OAID, Android id): lower-case, without separators. Placeholders
 * that SDKs report when tracking is off (all zeros, `unknown`, `null`) are refused, because
 * thousands of unrelated buyers share them.
 * @example normaliseDeviceId('6D92078A-8246-4BA4-AE5B-76104861E7DC').value // '6d92078a82464ba4ae5b76104861e7dc'
 */
export function normaliseDeviceId(input: string): NormaliseResult<string, DeviceIdFailureReason> {
  expectString('normaliseDeviceId input', input);
  const text = toHalfWidth(input).replace(/[\s\-:]/g, '').toLowerCase();
  if (text.length === 0) return fail('device id', 'EMPTY_DEVICE_ID', 'Device id is empty');
  if (/^0+$/.test(text) || /^(?:unknown|null|undefined|none|n\/a|na)$/.test(text) || /^(.)\1+$/.test(text)) {
    return fail('device id', 'PLACEHOLDER_DEVICE_ID', 'Device id is a placeholder shared by many devices');
  }
  return ok(text);
}

/**
 * Normalises a payment account's verified real name (the same rules as {@link normaliseName}).
 * @example normaliseRealName('张 三').value.key // '张三'
 */
export function normaliseRealName(input: string): NormaliseResult<NormalisedName, NameFailureReason> {
  expectString('normaliseRealName input', input);
  return normaliseName(input);
}
