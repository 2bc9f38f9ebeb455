// Money that cannot be used as given: mixed currencies, fractions of a minor unit, unknown currency.
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';

/** Thrown by money helpers; amounts in messages are never personal data, so they are shown. */
export class MoneyError extends OrdoError<'CURRENCY_MISMATCH' | 'INVALID_MONEY'> {
  constructor(code: 'CURRENCY_MISMATCH' | 'INVALID_MONEY', message: string, options: OrdoErrorOptions = {}) {
    super(code, message, options);
    this.name = 'MoneyError';
  }
}

/** True for a {@link MoneyError}, also across realms. */
export function isMoneyError(value: unknown): value is MoneyError {
  return value instanceof MoneyError || (value as { name?: unknown } | null)?.name === 'MoneyError';
}
