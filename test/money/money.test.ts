import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMoney,
  allocateMoney,
  compareMoney,
  currencyMinorDigits,
  formatMoney,
  formatMoneyAmount,
  money,
  moneySchema,
  multiplyMoney,
  parseMoney,
  subtractMoney,
  sumMoney,
} from '../../src/money/index.js';
import { isMoneyError } from '../../src/errors/index.js';

const thrownCode = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (error) {
    return isMoneyError(error) ? error.code : 'not a MoneyError';
  }
  return undefined;
};

describe('money', () => {
  it('knows each currency minor unit from ISO 4217 data', () => {
    expect(currencyMinorDigits('CNY')).toBe(2);
    expect(currencyMinorDigits('JPY')).toBe(0);
    expect(currencyMinorDigits('KWD')).toBe(3);
    expect(thrownCode(() => currencyMinorDigits('XYZ'))).toBe('INVALID_MONEY');
  });

  it('refuses non-integer amounts', () => {
    expect(thrownCode(() => money(19.9, 'CNY'))).toBe('INVALID_MONEY');
    expect(thrownCode(() => money(Number.MAX_SAFE_INTEGER + 1, 'CNY'))).toBe('INVALID_MONEY');
  });

  it('refuses to mix currencies', () => {
    expect(thrownCode(() => addMoney(money(1, 'CNY'), money(1, 'USD')))).toBe('CURRENCY_MISMATCH');
    expect(thrownCode(() => compareMoney(money(1, 'CNY'), money(1, 'USD')))).toBe('CURRENCY_MISMATCH');
    expect(thrownCode(() => sumMoney([money(1, 'CNY'), money(1, 'USD')], 'CNY'))).toBe('CURRENCY_MISMATCH');
  });

  it('adds, subtracts, multiplies by integer quantities', () => {
    expect(addMoney(money(1990, 'CNY'), money(10, 'CNY'))).toEqual({ amount: 2000, currency: 'CNY' });
    expect(subtractMoney(money(100, 'CNY'), money(250, 'CNY')).amount).toBe(-150);
    expect(multiplyMoney(money(1990, 'CNY'), 3).amount).toBe(5970);
    expect(thrownCode(() => multiplyMoney(money(1990, 'CNY'), 1.5))).toBe('INVALID_MONEY');
    expect(sumMoney([], 'CNY')).toEqual({ amount: 0, currency: 'CNY' });
  });

  it('parses decimal strings exactly, without floating point', () => {
    expect(parseMoney('19.90', 'CNY').amount).toBe(1990);
    expect(parseMoney('0.1', 'CNY').amount).toBe(10);
    expect(parseMoney('1234567.89', 'CNY').amount).toBe(123456789);
    expect(parseMoney('-0.01', 'CNY').amount).toBe(-1);
    expect(parseMoney('500', 'JPY').amount).toBe(500);
    expect(parseMoney('1.230', 'CNY').amount).toBe(123); // trailing zeros are not extra precision
    expect(thrownCode(() => parseMoney('19.999', 'CNY'))).toBe('INVALID_MONEY');
    expect(thrownCode(() => parseMoney('1.5', 'JPY'))).toBe('INVALID_MONEY');
    expect(thrownCode(() => parseMoney('1e3', 'CNY'))).toBe('INVALID_MONEY');
    expect(thrownCode(() => parseMoney('', 'CNY'))).toBe('INVALID_MONEY');
  });

  it('formats exactly', () => {
    expect(formatMoney(money(1990, 'CNY'))).toBe('CNY 19.90');
    expect(formatMoneyAmount(money(-5, 'CNY'))).toBe('-0.05');
    expect(formatMoneyAmount(money(1500, 'JPY'))).toBe('1500');
    expect(formatMoneyAmount(money(1001, 'KWD'))).toBe('1.001');
  });

  it('format and parse are inverse for every amount (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('CNY', 'JPY', 'KWD', 'USD'), (amount, currency) => {
        const m = money(amount, currency);
        expect(parseMoney(formatMoneyAmount(m), currency)).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });

  it('allocation always adds up to the whole (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 8 }).filter((w) => w.some((x) => x > 0)),
        (amount, weights) => {
          const parts = allocateMoney(money(amount, 'CNY'), weights);
          expect(parts.reduce((s, p) => s + p.amount, 0)).toBe(amount);
          parts.forEach((p) => expect(Number.isInteger(p.amount)).toBe(true));
        },
      ),
      { numRuns: 300 },
    );
    expect(allocateMoney(money(100, 'CNY'), [1, 1, 1]).map((p) => p.amount)).toEqual([34, 33, 33]);
  });

  it('the schema refuses decimals and unknown currencies with paths', () => {
    const bad = moneySchema.safeParse({ amount: 19.9, currency: 'RMB' });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.issues.map((i) => i.path[0]).sort()).toEqual(['amount', 'currency']);
    expect(moneySchema.safeParse({ amount: 1990, currency: 'CNY' }).success).toBe(true);
  });
});
