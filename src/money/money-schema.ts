// The zod schema for money at boundaries: integer minor units and a known ISO 4217 code.
import { z } from 'zod';
import { isCurrencyCode } from './money.js';

/** ISO 4217 currency code known to the runtime. */
export const currencyCodeSchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'Expected an upper-case ISO 4217 currency code such as "CNY"')
  .refine(isCurrencyCode, 'Unknown ISO 4217 currency code');

/** `{ amount, currency }` with `amount` a safe integer of minor units. */
export const moneySchema = z
  .object({
    amount: z
      .number()
      .int('Expected an integer amount of minor units (fen, cents), not a decimal')
      .refine(Number.isSafeInteger, 'Amount is outside the safe integer range'),
    currency: currencyCodeSchema,
  })
  .strict();

/** Money that must not be negative (prices, payments). */
export const nonNegativeMoneySchema = moneySchema.refine((m) => m.amount >= 0, {
  message: 'Amount must not be negative',
  path: ['amount'],
});
