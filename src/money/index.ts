// The money module's face: integer minor units, currency-safe arithmetic, exact decimal parsing.
export {
  money,
  zeroMoney,
  addMoney,
  subtractMoney,
  multiplyMoney,
  sumMoney,
  compareMoney,
  moneyEquals,
  allocateMoney,
  parseMoney,
  formatMoney,
  formatMoneyAmount,
  currencyMinorDigits,
  isCurrencyCode,
} from './money.js';
export type { Money } from './money.js';
export { moneySchema, nonNegativeMoneySchema, currencyCodeSchema } from './money-schema.js';
