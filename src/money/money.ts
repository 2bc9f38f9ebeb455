// Money as integer minor units plus an ISO 4217 currency; arithmetic that refuses to mix currencies.
import { describeInput } from '../errors/mask.js';
import { MoneyError } from '../errors/money-error.js';

/** An amount of money: `amount` in integer minor units (fen, cents), never a float. */
export interface Money {
  /** Integer minor units, e.g. 1990 for CNY 19.90. */
  readonly amount: number;
  /** ISO 4217 code, upper case, e.g. `CNY`. */
  readonly currency: string;
}

const supportedCurrencies: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
const minorDigitsCache = new Map<string, number>();

/** True when `code` is an ISO 4217 currency this runtime knows. */
export function isCurrencyCode(code: string): boolean {
  return supportedCurrencies.has(code);
}

/**
 * How many minor-unit digits a currency has (CNY 2, JPY 0, KWD 3), from the runtime's ISO 4217 data.
 * @throws MoneyError `INVALID_MONEY` for an unknown currency.
 */
export function currencyMinorDigits(currency: string): number {
  const cached = minorDigitsCache.get(currency);
  if (cached !== undefined) return cached;
  if (!isCurrencyCode(currency)) {
    throw new MoneyError('INVALID_MONEY', `Unknown currency "${currency}": expected an ISO 4217 code such as CNY or USD`);
  }
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  minorDigitsCache.set(currency, digits);
  return digits;
}

/**
 * Makes money from integer minor units.
 * @example money(1990, 'CNY') // CNY 19.90
 * @throws MoneyError `INVALID_MONEY` for a non-integer amount or an unknown currency.
 */
export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) {
    throw new MoneyError('INVALID_MONEY', `Money amount must be a safe integer of minor units, got ${String(amount)} ${currency}`);
  }
  currencyMinorDigits(currency);
  return Object.freeze({ amount, currency });
}

/** Zero in a currency. */
export function zeroMoney(currency: string): Money {
  return money(0, currency);
}

/** Money as an argument: an object with an integer amount and a currency code, else `INVALID_MONEY`. */
function assertMoney(operation: string, m: unknown): asserts m is Money {
  const candidate = m as Partial<Money> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.currency !== 'string' || !Number.isSafeInteger(candidate.amount)) {
    throw new MoneyError('INVALID_MONEY', `Cannot ${operation}: expected money { amount: integer minor units, currency }, got ${m === null ? 'null' : typeof m}`);
  }
}

function assertSameCurrency(operation: string, a: Money, b: Money): void {
  assertMoney(operation, a);
  assertMoney(operation, b);
  if (a.currency !== b.currency) {
    throw new MoneyError(
      'CURRENCY_MISMATCH',
      `Cannot ${operation} ${a.currency} and ${b.currency}: convert explicitly before combining amounts`,
      { details: { left: a.currency, right: b.currency } },
    );
  }
}

function checked(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) {
    throw new MoneyError('INVALID_MONEY', `Money amount overflowed the safe integer range in ${currency}`);
  }
  return Object.freeze({ amount, currency });
}

/** `a + b`; both in one currency. */
export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency('add', a, b);
  return checked(a.amount + b.amount, a.currency);
}

/** `a - b`; both in one currency. The result may be negative. */
export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency('subtract', a, b);
  return checked(a.amount - b.amount, a.currency);
}

/** `m * factor` for an integer factor (a quantity). */
export function multiplyMoney(m: Money, factor: number): Money {
  assertMoney('multiply', m);
  if (!Number.isSafeInteger(factor)) {
    throw new MoneyError('INVALID_MONEY', `Money can only be multiplied by an integer quantity, got ${String(factor)}`);
  }
  return checked(m.amount * factor, m.currency);
}

/** Sums amounts of one currency; an empty list sums to zero in `currency`. */
export function sumMoney(items: readonly Money[], currency: string): Money {
  if (!Array.isArray(items)) throw new MoneyError('INVALID_MONEY', 'Cannot sum: expected an array of money');
  let total = 0;
  for (const item of items) {
    assertMoney('sum', item);
    if (item.currency !== currency) {
      assertSameCurrency('sum', { amount: total, currency }, item);
    }
    total += item.amount;
  }
  return checked(total, currency);
}

/** -1, 0 or 1; both in one currency. */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  assertSameCurrency('compare', a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}

/** True when both have the same currency and amount. */
export function moneyEquals(a: Money, b: Money): boolean {
  assertMoney('compare', a);
  assertMoney('compare', b);
  return a.currency === b.currency && a.amount === b.amount;
}

/**
 * Splits money into integer parts proportional to `weights`, distributing the remainder
 * (largest remainder first) so the parts always add up to the whole.
 * @example allocateMoney(money(100, 'CNY'), [1, 1, 1]) // 34, 33, 33 fen
 */
export function allocateMoney(m: Money, weights: readonly number[]): Money[] {
  assertMoney('allocate', m);
  if (!Array.isArray(weights) || weights.length === 0 || weights.some((w) => !Number.isSafeInteger(w) || w < 0)) {
    throw new MoneyError('INVALID_MONEY', 'allocateMoney needs a non-empty list of non-negative integer weights');
  }
  const totalWeight = weights.reduce((sum, w) => sum + w, 0);
  if (totalWeight === 0) {
    throw new MoneyError('INVALID_MONEY', 'allocateMoney needs at least one positive weight');
  }
  const sign = m.amount < 0 ? -1 : 1;
  const whole = Math.abs(m.amount);
  // Integer arithmetic only: floor division and remainders, no fractional amounts.
  const parts = weights.map((w) => Math.floor((whole * w) / totalWeight));
  const remainders = weights.map((w, i) => ({ i, r: (whole * w) % totalWeight }));
  let left = whole - parts.reduce((sum, p) => sum + p, 0);
  remainders.sort((x, y) => y.r - x.r || x.i - y.i);
  for (const { i } of remainders) {
    if (left === 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    left -= 1;
  }
  return parts.map((p) => checked(sign * p, m.currency));
}

/**
 * Parses a decimal string such as `"19.90"` into minor units without floating point.
 * @example parseMoney('19.90', 'CNY') // { amount: 1990, currency: 'CNY' }
 * @throws MoneyError `INVALID_MONEY` for malformed text or more decimals than the currency has.
 */
export function parseMoney(text: string, currency: string): Money {
  if (typeof text !== 'string') throw new MoneyError('INVALID_MONEY', `Not a decimal amount: expected text such as "19.90", got ${text === null ? 'null' : typeof text}`);
  const digits = currencyMinorDigits(currency);
  const match = /^\s*([+-])?(\d+)(?:\.(\d+))?\s*$/.exec(text);
  if (!match) {
    throw new MoneyError('INVALID_MONEY', `Not a decimal amount: ${describeInput(text)} (expected e.g. "19.90")`);
  }
  const [, sign, units = '0', fraction = ''] = match;
  if (fraction.length > digits) {
    const significant = fraction.slice(digits).replace(/0+$/, '');
    if (significant.length > 0) {
      throw new MoneyError(
        'INVALID_MONEY',
        `${describeInput(text)} has ${fraction.length} decimals but ${currency} has ${digits}: refusing to round money`,
      );
    }
  }
  const minor = BigInt(units) * 10n ** BigInt(digits) + BigInt((fraction.slice(0, digits) || '0').padEnd(digits, '0') || '0');
  const signed = sign === '-' ? -minor : minor;
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new MoneyError('INVALID_MONEY', `${describeInput(text)} ${currency} is too large to represent exactly`);
  }
  return Object.freeze({ amount: Number(signed), currency });
}

/**
 * Formats money as a plain decimal string with the currency's digits, e.g. `"19.90"`.
 * Exact: built from integer division, never from a float.
 */
export function formatMoneyAmount(m: Money): string {
  assertMoney('format', m);
  const digits = currencyMinorDigits(m.currency);
  const negative = m.amount < 0;
  const abs = BigInt(Math.abs(m.amount));
  if (digits === 0) return `${negative ? '-' : ''}${abs}`;
  const scale = 10n ** BigInt(digits);
  const fraction = (abs % scale).toString().padStart(digits, '0');
  return `${negative ? '-' : ''}${abs / scale}.${fraction}`;
}

/** Formats money for people, e.g. `CNY 19.90`. */
export function formatMoney(m: Money): string {
  assertMoney('format', m);
  return `${m.currency} ${formatMoneyAmount(m)}`;
}
