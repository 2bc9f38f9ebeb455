// Masks personal data before it reaches an error message, a log line or audit text.
import { expectString } from './validation-error.js';

/** Kinds of personal data Ordo knows how to mask. */
export type PersonalDataKind = 'phone' | 'idNumber' | 'name' | 'address' | 'email' | 'generic';

/**
 * Masks a phone number, keeping the first three and last four digits.
 * @example maskPhone('+8613812345678') // '+86138****5678'
 */
export function maskPhone(value: string): string {
  expectString('maskPhone value', value);
  const digits = [...value].filter((c) => c >= '0' && c <= '9').length;
  if (digits <= 4) return '*'.repeat(value.length);
  let seen = 0;
  const keepHead = digits >= 11 ? (value.startsWith('+') ? 5 : 3) : 2;
  return [...value]
    .map((c) => {
      if (c < '0' || c > '9') return c;
      seen += 1;
      return seen <= keepHead || seen > digits - 4 ? c : '*';
    })
    .join('');
}

/**
 * Masks an identity number, keeping the first and last two characters.
 * @example maskIdNumber('11010519491231002X') // '11**************2X'
 */
export function maskIdNumber(value: string): string {
  expectString('maskIdNumber value', value);
  if (value.length <= 4) return '*'.repeat(value.length);
  return value.slice(0, 2) + '*'.repeat(value.length - 4) + value.slice(-2);
}

/**
 * Masks a personal name, keeping the first character.
 * @example maskName('张三丰') // '张**'
 */
export function maskName(value: string): string {
  expectString('maskName value', value);
  const chars = [...value.trim()];
  if (chars.length === 0) return '';
  return chars[0] + chars.slice(1).map((c) => (c === ' ' ? ' ' : '*')).join('');
}

/**
 * Masks a street address, keeping its first four characters (usually the province or city).
 * @example maskAddress('浙江省杭州市西湖区文三路 100 号') // '浙江省杭*************'
 */
export function maskAddress(value: string): string {
  expectString('maskAddress value', value);
  const chars = [...value];
  if (chars.length <= 4) return '*'.repeat(chars.length);
  return chars.slice(0, 4).join('') + '*'.repeat(Math.min(chars.length - 4, 12));
}

/**
 * Masks an email's local part, keeping its first character and the domain.
 * @example maskEmail('li.lei@example.com') // 'l*****@example.com'
 */
export function maskEmail(value: string): string {
  expectString('maskEmail value', value);
  const at = value.lastIndexOf('@');
  if (at <= 0) return maskIdNumber(value);
  return value[0] + '*'.repeat(Math.max(at - 1, 1)) + value.slice(at);
}

/** Masks a value of the given kind; `generic` keeps only the length visible. */
export function maskPersonalData(value: string, kind: PersonalDataKind): string {
  switch (kind) {
    case 'phone':
      return maskPhone(value);
    case 'idNumber':
      return maskIdNumber(value);
    case 'name':
      return maskName(value);
    case 'address':
      return maskAddress(value);
    case 'email':
      return maskEmail(value);
    case 'generic':
      return '*'.repeat(Math.min([...value].length, 8));
  }
}

const CODE_LIKE = /^[A-Za-z0-9_.:-]{1,40}$/;
const SQL_NAME = /^[a-z_][a-z0-9_$.]{0,62}$/;

/**
 * The shape of an input value, safe for a message whatever field it came from: digits become
 * `9`, Latin letters `a` or `A`, other letters `*`; punctuation and spaces stay; at most 40
 * characters, with the full length said when longer. `"19,90"` reads `"99,99"`, so the decimal
 * comma shows; `"13912345678"` reads `"99999999999"`, so nobody reads the phone.
 * @example describeInput('2026-13-01 25:00') // '"9999-99-99 99:99"'
 */
export function describeInput(value: unknown): string {
  if (typeof value !== 'string') {
    if (value === null) return 'null';
    if (value === undefined) return 'nothing (undefined)';
    if (Array.isArray(value)) return 'an array';
    return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  }
  const chars = [...value];
  const shape = chars
    .slice(0, 40)
    .map((c) => (c >= '0' && c <= '9' ? '9' : c >= 'a' && c <= 'z' ? 'a' : c >= 'A' && c <= 'Z' ? 'A' : /\p{L}|\p{N}/u.test(c) ? '*' : c))
    .join('');
  return chars.length > 40 ? `"${shape}…" (${chars.length} characters)` : `"${shape}"`;
}

/** A run of 11 or more digits, single spaces or dashes between them: the length of a mobile phone, an ID number, a card number. */
const PERSONAL_DIGIT_RUN = /\d(?:[\s-]?\d){10,}/g;

/**
 * True when text holds a digit run as long as a phone, ID or card number (11 or more digits,
 * spaces and dashes allowed between them). Dates, times and amounts of ordinary size do not.
 */
export function hasPersonalDigitRun(text: string): boolean {
  expectString('hasPersonalDigitRun text', text);
  PERSONAL_DIGIT_RUN.lastIndex = 0;
  return PERSONAL_DIGIT_RUN.test(text);
}

/**
 * Text with every digit run as long as a phone, ID or card number shown by its shape
 * ({@link describeInput}); the rest as it is.
 * @example maskLongDigitRuns('differ by 13987654321') // 'differ by "99999999999"'
 */
export function maskLongDigitRuns(text: string): string {
  expectString('maskLongDigitRuns text', text);
  return text.replace(PERSONAL_DIGIT_RUN, (run) => describeInput(run));
}

/**
 * A code from input (a channel status code, a channel id) quoted as sent when it looks like a
 * code (letters, digits, `_ . : -`, at most 40 characters, at most 6 digits), else by its shape
 * ({@link describeInput}): a phone or a name typed into a code field is never quoted.
 */
export function quoteCode(value: unknown): string {
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1_000_000) return `"${value}"`;
  if (typeof value === 'string' && CODE_LIKE.test(value) && (value.match(/\d/g)?.length ?? 0) <= 6) return `"${value}"`;
  return describeInput(typeof value === 'number' ? String(value) : value);
}

/**
 * A database's own error text with the values it quotes replaced by their shapes: `"…"`, `'…'`
 * (unless it is a lower-case SQL name, as tables and constraints are) and the `(…)=(…)` of a
 * key detail. What remains names tables, columns and constraints.
 * @example maskDriverText('Key (phone)=(13912345678) already exists.') // 'Key (phone)=("99999999999") already exists.'
 */
export function maskDriverText(text: string): string {
  expectString('maskDriverText text', text);
  return text
    .replace(/\)=\((.*?)\)(?=[ .,;]|$)/g, (_, inner: string) => `)=(${describeInput(inner)})`)
    // Double quotes hold identifiers (a table, a constraint) more often than values: keep those.
    .replace(/"([^"]*)"/g, (_, inner: string) => (SQL_NAME.test(inner) && (inner.match(/\d/g)?.length ?? 0) <= 6 ? `"${inner}"` : describeInput(inner)))
    .replace(/'([^']*)'/g, (_, inner: string) => describeInput(inner));
}
