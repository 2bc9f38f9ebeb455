// How Chinese names sound: toneless pinyin readings (pinyin-pro), so an IME's wrong homophone is a typo, not another person.
import { expectString } from '../errors/validation-error.js';
import { pinyin } from 'pinyin-pro';

const readingsCache = new Map<string, readonly string[]>();

/**
 * The toneless pinyin readings of one character, heteronyms included (`长`: `chang`, `zhang`);
 * a character without a reading (Latin, digits, punctuation) reads as itself.
 * @example pinyinReadings('曾') // ['zeng', 'ceng']
 */
export function pinyinReadings(char: string): readonly string[] {
  expectString('pinyinReadings char', char);
  let readings = readingsCache.get(char);
  if (readings === undefined) {
    const found = char.charCodeAt(0) >= 0x2e80 ? pinyin(char, { toneType: 'none', type: 'array', multiple: true, v: true }) : [];
    readings = Object.freeze(found.length > 0 && found[0] !== char ? [...new Set(found)] : [char.toLowerCase()]);
    readingsCache.set(char, readings);
  }
  return readings;
}

const shareReading = (a: string, b: string): boolean => {
  if (a === b) return true;
  const rb = pinyinReadings(b);
  return pinyinReadings(a).some((r) => rb.includes(r));
};

/**
 * True when two strings of CJK characters can sound the same, character by character, tones
 * aside: what a pinyin IME's wrong candidate produces (`王伟` and `王玮` both read `wang wei`).
 * @example soundsAlike('王伟', '王玮') // true
 * @example soundsAlike('王伟', '王芳') // false
 */
export function soundsAlike(a: string, b: string): boolean {
  expectString('soundsAlike a', a);
  expectString('soundsAlike b', b);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (!shareReading(a[i] ?? '', b[i] ?? '')) return false;
  return true;
}

const syllableCodes = new Map<string, string>();
/** Syllables are written as characters of the Private Use Area (6,400 places; Mandarin has about 410 toneless syllables). */
const PRIVATE_USE = 0xe000;
const PRIVATE_USE_SIZE = 0x1900;

/**
 * A string with one character per syllable (the first reading of each character), so edit
 * distance counts sounds: `彭宇珍` and `彭珍寓` are one transposition apart by sound, two by
 * characters.
 */
export function soundString(text: string): string {
  expectString('soundString text', text);
  let out = '';
  for (const char of text) {
    const syllable = pinyinReadings(char)[0] ?? char;
    let code = syllableCodes.get(syllable);
    if (code === undefined) {
      // A one-letter syllable (a, e, o) or a character that reads as itself stays a character.
      code = syllable.length === 1 || syllableCodes.size >= PRIVATE_USE_SIZE ? char : String.fromCharCode(PRIVATE_USE + syllableCodes.size);
      syllableCodes.set(syllable, code);
    }
    out += code;
  }
  return out;
}
