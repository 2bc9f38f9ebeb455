// How names sound: pinyin readings, homophones a pinyin IME produces, and the generator's IME typos.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { levenshteinSimilarity, pinyinReadings, soundString, soundsAlike } from '../../src/customers/index.js';
import { generateSyntheticCustomers } from '../../src/testing/index.js';

const NAME_CHARS = [...'王李张刘陈伟玮薇芳方房明铭鸣小晓红宏洪长张曾增单珍真宇雨寓'];

describe('pinyinReadings', () => {
  it('reads characters without tones, heteronyms included', () => {
    expect(pinyinReadings('伟')).toEqual(['wei']);
    expect(pinyinReadings('长')).toEqual(expect.arrayContaining(['chang', 'zhang']));
    expect(pinyinReadings('曾')).toEqual(expect.arrayContaining(['zeng', 'ceng']));
  });
  it('reads a character without pinyin as itself', () => {
    expect(pinyinReadings('A')).toEqual(['a']);
    expect(pinyinReadings('7')).toEqual(['7']);
  });
});

describe('soundsAlike', () => {
  it('hears the wrong candidate of a pinyin IME, tones aside, and tells other names apart', () => {
    expect(soundsAlike('王伟', '王玮')).toBe(true);
    expect(soundsAlike('张小明', '张晓鸣')).toBe(true);
    // 长 is also read zhang, so a surname typed as 长 is 张.
    expect(soundsAlike('长伟', '张伟')).toBe(true);
    expect(soundsAlike('王伟', '王芳')).toBe(false);
    expect(soundsAlike('王伟', '王伟伟')).toBe(false);
  });
  it('is reflexive and symmetric (property)', () => {
    const name = fc.array(fc.constantFrom(...NAME_CHARS), { minLength: 1, maxLength: 4 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(soundsAlike(a, a)).toBe(true);
        expect(soundsAlike(a, b)).toBe(soundsAlike(b, a));
      }),
      { numRuns: 300 },
    );
  });
});

describe('soundString', () => {
  it('writes one character per syllable, so edit distance counts sounds', () => {
    expect(soundString('彭宇珍')).toHaveLength(3);
    expect(soundString('王伟')).toBe(soundString('王玮'));
    expect(levenshteinSimilarity('彭宇珍', '彭珍寓')).toBeCloseTo(1 / 3, 10);
    // By sound it is one transposition: peng yu zhen / peng zhen yu.
    expect(levenshteinSimilarity(soundString('彭宇珍'), soundString('彭珍寓'))).toBeCloseTo(2 / 3, 10);
  });
  it('keeps the length and maps equal sounds to equal characters (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...NAME_CHARS), { minLength: 0, maxLength: 5 }), (chars) => {
        const text = chars.join('');
        const sound = soundString(text);
        expect(sound).toHaveLength(text.length);
        chars.forEach((c, i) => expect(sound[i]).toBe(soundString(c)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('generateSyntheticCustomers name typos', () => {
  /** Share of one person's two-name pairs, same length and one character apart, that sound alike. */
  const homophoneShare = (homophoneTypoShare: number): number => {
    const { customers, entityOf } = generateSyntheticCustomers({ records: 20_000, seed: 5, homophoneTypoShare });
    const byPerson = new Map<string, string[]>();
    for (const c of customers) for (const n of c.names) if (!n.includes(' ')) byPerson.set(entityOf.get(c.id) ?? '', [...(byPerson.get(entityOf.get(c.id) ?? '') ?? []), n]);
    let apart = 0;
    let alike = 0;
    for (const names of byPerson.values()) {
      for (const a of names) {
        for (const b of names) {
          if (a >= b || a.length !== b.length || [...a].filter((ch, i) => ch !== b[i]).length !== 1) continue;
          apart += 1;
          if (soundsAlike(a, b)) alike += 1;
        }
      }
    }
    expect(apart).toBeGreaterThan(50);
    return alike / apart;
  };
  it('makes most substitutions a homophone, as a pinyin IME does, and none when told so', () => {
    expect(homophoneShare(1)).toBeGreaterThan(0.95);
    expect(homophoneShare(0.8)).toBeGreaterThan(0.6);
    expect(homophoneShare(0)).toBeLessThan(0.1);
  });
});
