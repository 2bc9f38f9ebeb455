// Text clean-up shared by the normalisers: full-width to half-width, whitespace, punctuation.
import { expectString } from '../errors/validation-error.js';

/**
 * Folds full-width letters, digits, spaces and punctuation to their half-width forms (NFKC),
 * collapses runs of whitespace to one space and trims.
 * @example toHalfWidth('１３８　１２３４') // '138 1234'
 */
export function toHalfWidth(value: string): string {
  expectString('toHalfWidth value', value);
  return value.normalize('NFKC').replace(/[\s\u3000]+/gu, ' ').trim();
}

/** True when the text has at least one CJK ideograph. */
export function hasCjk(value: string): boolean {
  return /\p{Script=Han}/u.test(value);
}
