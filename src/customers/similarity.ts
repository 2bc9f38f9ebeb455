// String similarity for fuzzy comparison: Levenshtein (fastest-levenshtein) and Jaro-Winkler.
import { expectString } from '../errors/validation-error.js';
import { distance } from 'fastest-levenshtein';

/**
 * Edit distance counting an adjacent transposition (`王明小` vs `王小明`) as one edit.
 * @example editDistance('abc', 'acb') // 1
 */
export function editDistance(a: string, b: string): number {
  expectString('editDistance a', a);
  expectString('editDistance b', b);
  const d = distance(a, b);
  if (d !== 2 || a.length !== b.length) return d;
  let first = -1;
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== b[i]) {
      if (first < 0) first = i;
      else return i === first + 1 && a[first] === b[i] && a[i] === b[first] ? 1 : 2;
    }
  }
  return d;
}

/**
 * 1 - editDistance / longer length: 1 for equal strings, 0 for nothing in common.
 * @example levenshteinSimilarity('王小明', '王晓明') // 0.666...
 */
export function levenshteinSimilarity(a: string, b: string): number {
  expectString('levenshteinSimilarity a', a);
  expectString('levenshteinSimilarity b', b);
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - editDistance(a, b) / longer;
}

/**
 * Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4 characters).
 * @example jaroWinkler('martha', 'marhta') // 0.961...
 */
export function jaroWinkler(a: string, b: string): number {
  expectString('jaroWinkler a', a);
  expectString('jaroWinkler b', b);
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Uint8Array(a.length);
  const bMatched = new Uint8Array(b.length);
  let matches = 0;
  for (let i = 0; i < a.length; i += 1) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(b.length - 1, i + window);
    for (let j = lo; j <= hi; j += 1) {
      if (bMatched[j] === 0 && a[i] === b[j]) {
        aMatched[i] = 1;
        bMatched[j] = 1;
        matches += 1;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i += 1) {
    if (aMatched[i] === 0) continue;
    while (bMatched[k] === 0) k += 1;
    if (a[i] !== b[k]) transpositions += 1;
    k += 1;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix += 1;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** The longest comparison key {@link differencePattern} aligns; longer keys are cut. */
const PATTERN_MAX = 64;

/**
 * Where two strings differ, without either string: one mark per aligned character of a
 * minimal edit script, `=` the same, `x` substituted, `-` only on the left, `+` only on the
 * right. `王伟` and `王玮` give `=x`; `+8613812345678` and `+8613812345687` give
 * `============xx`. Lets an auditor see why one pair is exact and another not when both mask
 * alike. Keys longer than 64 characters are compared on their first 64.
 * @example differencePattern('王伟', '王玮') // '=x'
 */
export function differencePattern(a: string, b: string): string {
  expectString('differencePattern a', a);
  expectString('differencePattern b', b);
  const x = [...a].slice(0, PATTERN_MAX);
  const y = [...b].slice(0, PATTERN_MAX);
  const width = y.length + 1;
  const cost = new Uint16Array((x.length + 1) * width);
  for (let i = 0; i <= x.length; i += 1) cost[i * width] = i;
  for (let j = 0; j <= y.length; j += 1) cost[j] = j;
  for (let i = 1; i <= x.length; i += 1) {
    for (let j = 1; j <= y.length; j += 1) {
      const same = x[i - 1] === y[j - 1] ? 0 : 1;
      cost[i * width + j] = Math.min((cost[(i - 1) * width + j - 1] ?? 0) + same, (cost[(i - 1) * width + j] ?? 0) + 1, (cost[i * width + j - 1] ?? 0) + 1);
    }
  }
  const marks: string[] = [];
  let i = x.length;
  let j = y.length;
  while (i > 0 || j > 0) {
    const here = cost[i * width + j] ?? 0;
    if (i > 0 && j > 0 && here === (cost[(i - 1) * width + j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1)) {
      marks.push(x[i - 1] === y[j - 1] ? '=' : 'x');
      i -= 1;
      j -= 1;
    } else if (i > 0 && here === (cost[(i - 1) * width + j] ?? 0) + 1) {
      marks.push('-');
      i -= 1;
    } else {
      marks.push('+');
      j -= 1;
    }
  }
  return marks.reverse().join('');
}
