// Normalisers: phones, Chinese IDs, names, emails, device ids and addresses, with property tests.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CN_GAZETTEER,
  CN_PREFECTURE_CENTROIDS,
  cityCentroid,
  gb11643CheckCharacter,
  normaliseAddress,
  normaliseChineseIdNumber,
  normaliseDeviceId,
  normaliseEmail,
  normaliseName,
  normalisePhone,
} from '../../src/customers/index.js';

const e164 = (input: string): string | undefined => {
  const r = normalisePhone(input);
  return r.ok ? r.value.e164 : undefined;
};

describe('normalisePhone', () => {
  it('accepts +86, 0086 and 86 prefixes, spaces, dashes and full-width digits', () => {
    for (const input of ['13812345678', '+86 138 1234 5678', '0086-138-1234-5678', '8613812345678', '１３８１２３４５６７８', '(+86)138.1234.5678']) {
      expect(e164(input)).toBe('+8613812345678');
    }
  });
  it('rejects fake mobiles that the default metadata would accept', () => {
    expect(normalisePhone('12345678901')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', reason: 'INVALID_PHONE', issues: [{ code: 'INVALID_PHONE', path: [] }] } });
  });
  it('tells mobiles and landlines apart', () => {
    expect(normalisePhone('13812345678')).toMatchObject({ ok: true, value: { kind: 'mobile' } });
    expect(normalisePhone('0571-87654321')).toMatchObject({ ok: true, value: { e164: '+8657187654321', kind: 'landline' } });
    expect(normalisePhone('860571-87654321')).toMatchObject({ ok: true, value: { e164: '+8657187654321', kind: 'landline' } });
  });
  it('reads foreign numbers with their country code', () => {
    expect(normalisePhone('+1 202-555-0123')).toMatchObject({ ok: true, value: { e164: '+12025550123', country: 'US' } });
  });
  it('gives a stable reason and a masked message on failure', () => {
    const r = normalisePhone('138123456789999');
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.message, r.error.issues[0]?.message, JSON.stringify(r.error)].join(' ')).not.toContain('138123456789999');
    expect(normalisePhone('  ')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', reason: 'EMPTY_PHONE', issues: [{ code: 'EMPTY_PHONE', path: [] }] } });
    expect(normalisePhone('call me')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', reason: 'UNPARSABLE_PHONE', issues: [{ code: 'UNPARSABLE_PHONE', path: [] }] } });
  });
  it('caches verdicts per five-digit prefix only where the installed metadata makes that exact', async () => {
    const { parsePhoneNumberFromString } = await import('libphonenumber-js/max');
    const verdict = (n: string): string => {
      const p = parsePhoneNumberFromString(n, 'CN');
      return p?.isValid() === true ? String(p.getType()) : 'invalid';
    };
    for (let prefix = 10_000; prefix < 20_000; prefix += 1) {
      const head = String(prefix);
      const expected = verdict(`${head}000000`);
      expect(verdict(`${head}999999`), head).toBe(expected);
      expect(verdict(`${head}504172`), head).toBe(expected);
      expect(normalisePhone(`${head}381726`).ok, head).toBe(verdict(`${head}381726`) !== 'invalid');
    }
  });
  it('normalises every format of the same mobile to one E.164, idempotently (property)', () => {
    const prefix = fc.constantFrom('138', '139', '150', '186', '199', '177');
    fc.assert(
      fc.property(prefix, fc.stringMatching(/^\d{8}$/), fc.constantFrom('', '+86 ', '0086', '86', '+86-'), fc.boolean(), fc.boolean(), (p, rest, cc, dashes, wide) => {
        const national = p + rest;
        let text = dashes ? `${national.slice(0, 3)}-${national.slice(3, 7)}-${national.slice(7)}` : national;
        text = cc + text;
        if (wide) text = text.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
        const once = e164(text);
        expect(once).toBe(`+86${national}`);
        expect(e164(once ?? '')).toBe(once);
      }),
      { numRuns: 200 },
    );
  });
});

describe('normaliseChineseIdNumber', () => {
  it('accepts a valid ID with an X check character, in any case', () => {
    expect(normaliseChineseIdNumber('11010519491231002x')).toMatchObject({
      ok: true,
      value: { value: '11010519491231002X', birthDate: '1949-12-31', gender: 'female', region: '110105', upgradedFrom15: false },
    });
  });
  it('upgrades a 15-digit legacy ID and derives birth date and gender', () => {
    const r = normaliseChineseIdNumber('110105491231002');
    expect(r).toMatchObject({ ok: true, value: { value: '11010519491231002X', birthDate: '1949-12-31', upgradedFrom15: true } });
  });
  it('refuses a wrong check character, an impossible date and an unknown region', () => {
    expect(normaliseChineseIdNumber('110105194912310021')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', reason: 'BAD_CHECK_CHARACTER', issues: [{ code: 'BAD_CHECK_CHARACTER', path: [] }] } });
    const feb30 = '11010519490230002';
    expect(normaliseChineseIdNumber(feb30 + gb11643CheckCharacter(feb30))).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', reason: 'INVALID_BIRTH_DATE', issues: [{ code: 'INVALID_BIRTH_DATE', path: [] }] } });
    const region99 = '99010519491231002';
    expect(normaliseChineseIdNumber(region99 + gb11643CheckCharacter(region99))).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', reason: 'UNKNOWN_REGION', issues: [{ code: 'UNKNOWN_REGION', path: [] }] } });
    expect(normaliseChineseIdNumber('1234')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', reason: 'MALFORMED_ID', issues: [{ code: 'MALFORMED_ID', path: [] }] } });
  });
  it('refuses births after maxBirthDate (today from your clock)', () => {
    const future = '11010520300101001';
    expect(normaliseChineseIdNumber(future + gb11643CheckCharacter(future), { maxBirthDate: '2026-01-01' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', reason: 'INVALID_BIRTH_DATE', issues: [{ code: 'INVALID_BIRTH_DATE', path: [] }] } });
  });
  it('accepts every well-formed ID, derives its gender, and catches any single mistyped digit (property)', () => {
    const date = fc.date({ min: new Date('1920-01-01T00:00:00Z'), max: new Date('2020-12-31T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(fc.constantFrom('110105', '330106', '440305', '510107'), date, fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 16 }), (region, d, seq, at) => {
        const ymd = d.toISOString().slice(0, 10).replace(/-/g, '');
        const first17 = `${region}${ymd}${String(seq).padStart(3, '0')}`;
        const id = first17 + gb11643CheckCharacter(first17);
        const r = normaliseChineseIdNumber(id);
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value.gender).toBe(seq % 2 === 1 ? 'male' : 'female');
        const typo = id.slice(0, at) + String((Number(id[at]) + 1) % 10) + id.slice(at + 1);
        expect(normaliseChineseIdNumber(typo).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('normaliseName', () => {
  it('folds full-width letters, spacing and case, and sorts Latin name words', () => {
    expect(normaliseName('ＬＩ  Lei')).toMatchObject({ ok: true, value: { key: 'lei li', script: 'latin' } });
    expect(normaliseName('Lei, LI')).toMatchObject({ ok: true, value: { key: 'lei li' } });
    expect(normaliseName(' 张 三 ')).toMatchObject({ ok: true, value: { key: '张三', script: 'cjk' } });
    expect(normaliseName('阿依古丽·买买提')).toMatchObject({ ok: true, value: { key: '阿依古丽买买提' } });
    expect(normaliseName('   ')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', reason: 'EMPTY_NAME', issues: [{ code: 'EMPTY_NAME', path: [] }] } });
  });
  it('is idempotent on its key (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (s) => {
        const once = normaliseName(s);
        if (!once.ok) return;
        const twice = normaliseName(once.value.key);
        expect(twice.ok && twice.value.key).toBe(once.value.key);
      }),
      { numRuns: 300 },
    );
  });
});

describe('normaliseEmail and normaliseDeviceId', () => {
  it('lower-cases emails and drops plus-tags unless told not to', () => {
    expect(normaliseEmail(' Li.Lei+tmall@Example.COM ')).toEqual({ ok: true, value: 'li.lei@example.com' });
    expect(normaliseEmail('li+x@example.com', { stripPlusTag: false })).toEqual({ ok: true, value: 'li+x@example.com' });
    expect(normaliseEmail('not-an-email')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', reason: 'INVALID_EMAIL', issues: [{ code: 'INVALID_EMAIL', path: [] }] } });
  });
  it('normalises device ids and refuses placeholders', () => {
    expect(normaliseDeviceId('6D92078A-8246-4BA4-AE5B-76104861E7DC')).toEqual({ ok: true, value: '6d92078a82464ba4ae5b76104861e7dc' });
    expect(normaliseDeviceId('00000000-0000-0000-0000-000000000000')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', reason: 'PLACEHOLDER_DEVICE_ID', issues: [{ code: 'PLACEHOLDER_DEVICE_ID', path: [] }] } });
    expect(normaliseDeviceId('unknown')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', reason: 'PLACEHOLDER_DEVICE_ID', issues: [{ code: 'PLACEHOLDER_DEVICE_ID', path: [] }] } });
  });
});

describe('normaliseAddress', () => {
  const key = (input: Parameters<typeof normaliseAddress>[0]): string | undefined => {
    const r = normaliseAddress(input);
    return r.ok ? r.value.key : undefined;
  };
  it('recognises provinces, cities and districts with or without suffixes and sets building and room aside', () => {
    const full = normaliseAddress('浙江省杭州市西湖区文三路100号3栋2单元501室');
    expect(full).toMatchObject({ ok: true, value: { province: '浙江省', city: '杭州市', district: '西湖区', streetKey: '文三路100', detail: '3栋2单元501室' } });
    expect(key('浙江杭州西湖文三路100号')).toBe('浙江省|杭州市|西湖区|文三路100');
    expect(key({ country: 'CN', province: '浙江', city: '杭州', district: '西湖', street: '文三路 100号 5-301' })).toBe('浙江省|杭州市|西湖区|文三路100');
  });
  it('reads reordered addresses and municipalities', () => {
    expect(key('文三路100号，西湖区，杭州，浙江')).toBe('浙江省|杭州市|西湖区|文三路100');
    expect(key('北京朝阳区建国路88号')).toBe('北京市|北京市|朝阳区|建国路88');
  });
  it('does not mistake a road named after a city for the city', () => {
    expect(normaliseAddress('山东青岛市南区杭州路10号')).toMatchObject({ ok: true, value: { city: '青岛市', district: '市南区', streetKey: '杭州路10' } });
  });
  it('resolves a district name shared by two cities from context only', () => {
    expect(normaliseAddress('福州鼓楼区中山路1号')).toMatchObject({ ok: true, value: { city: '福州市', district: '鼓楼区' } });
    expect(normaliseAddress('鼓楼区中山路1号')).toMatchObject({ ok: true, value: { city: undefined, district: '鼓楼区' } });
  });
  it('does not read the city 长沙 as also the county 长沙县', () => {
    expect(normaliseAddress({ country: 'CN', province: '湖南', city: '长沙', district: '芙蓉区', street: '光明路394号' })).toMatchObject({ ok: true, value: { city: '长沙市', district: '芙蓉区' } });
    expect(normaliseAddress('滨江大道173号19栋，天心区，长沙')).toMatchObject({ ok: true, value: { city: '长沙市', district: '天心区', streetKey: '滨江大道173' } });
    expect(normaliseAddress('湖南长沙五一大道1号')).toMatchObject({ ok: true, value: { city: '长沙市', district: undefined } });
    expect(normaliseAddress('湖南省长沙县星沙大道1号')).toMatchObject({ ok: true, value: { city: '长沙市', district: '长沙县' } });
  });
  it('keeps unknown divisions as written and refuses an empty address', () => {
    expect(normaliseAddress({ country: 'US', province: 'CA', city: 'San Jose', street: '1 Main St' })).toMatchObject({ ok: true, value: { province: 'CA', city: 'SanJose' } });
    expect(normaliseAddress({ country: 'CN', street: ' ' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', reason: 'EMPTY_ADDRESS', issues: [{ code: 'EMPTY_ADDRESS', path: [] }] } });
  });
  it('is idempotent on its key parts (property)', () => {
    const place = fc.constantFrom('浙江省杭州市西湖区', '浙江杭州', '广东深圳南山区', '上海市浦东新区', '江苏省南京市鼓楼区');
    fc.assert(
      fc.property(place, fc.constantFrom('文三路', '中山路', '人民路'), fc.integer({ min: 1, max: 999 }), fc.boolean(), (p, road, n, room) => {
        const first = normaliseAddress(`${p}${road}${n}号${room ? '2栋301室' : ''}`);
        expect(first.ok).toBe(true);
        if (!first.ok) return;
        const v = first.value;
        const again = normaliseAddress({ country: 'CN', ...(v.province ? { province: v.province } : {}), ...(v.city ? { city: v.city } : {}), ...(v.district ? { district: v.district } : {}), street: v.street });
        expect(again.ok && again.value.key).toBe(v.key);
      }),
      { numRuns: 100 },
    );
  });
});

describe('cityCentroid', () => {
  it('places an address by its prefecture when it has no coordinates: structured, short or free text', () => {
    const hangzhou = cityCentroid({ country: 'CN', province: '浙江省', city: '杭州市', street: '文三路 478 号' });
    expect(hangzhou).toEqual({ lat: 29.96, lng: 119.49 });
    expect(cityCentroid({ country: 'CN', province: '浙江', city: '杭州', street: '文三路 478 号' })).toEqual(hangzhou);
    expect(cityCentroid({ country: 'CN', street: '浙江省杭州市西湖区文三路 478 号' })).toEqual(hangzhou);
    // A municipality needs no city; a city outside the gazetteer's subset still resolves by its written name.
    expect(cityCentroid({ country: 'CN', province: '北京市', street: '长安街 1 号' })).toEqual({ lat: 40.19, lng: 116.42 });
    expect(cityCentroid({ country: 'CN', province: '浙江省', city: '衢州市', street: '1 号' })?.lat).toBeCloseTo(28.9, 0);
  });
  it('knows nothing outside China or without a readable province and city', () => {
    expect(cityCentroid({ country: 'US', province: 'NY', city: 'New York', street: '5th Avenue 1' })).toBeUndefined();
    expect(cityCentroid({ country: 'CN', street: '某某路 1 号' })).toBeUndefined();
    expect(cityCentroid({ country: 'CN', province: '浙江省', city: '不存在市', street: '1 号' })).toBeUndefined();
  });
  it('ships a centroid for every province-level division, each inside China', () => {
    const provinces = new Set(CN_PREFECTURE_CENTROIDS.map(([province]) => province));
    expect(provinces.size).toBe(34);
    for (const [, , lat, lng] of CN_PREFECTURE_CENTROIDS) {
      // Sansha's outline reaches the Spratly Islands: its centroid lies near 10°N.
      expect(lat).toBeGreaterThan(3);
      expect(lat).toBeLessThan(54);
      expect(lng).toBeGreaterThan(73);
      expect(lng).toBeLessThan(135);
    }
  });
});

describe('the GB/T 2260 gazetteer', () => {
  it('resolves city and district for every district it lists, written as one line of free text', () => {
    let total = 0;
    const missed: string[] = [];
    for (const province of CN_GAZETTEER.provinces) {
      for (const city of province.cities) {
        for (const district of city.districts) {
          total += 1;
          const text = `${province.name}${city.name === province.name ? '' : city.name}${district}文化路1号`;
          const r = normaliseAddress(text);
          if (!r.ok || r.value.city !== city.name || r.value.district !== district) missed.push(text);
        }
      }
    }
    expect(total).toBeGreaterThan(2_800);
    expect(missed).toEqual([]);
  });
  it('reads a city the hand-written sample never had', () => {
    const r = normaliseAddress('甘肃天水秦州区民主西路 8 号');
    expect(r.ok && [r.value.province, r.value.city, r.value.district]).toEqual(['甘肃省', '天水市', '秦州区']);
  });
});
