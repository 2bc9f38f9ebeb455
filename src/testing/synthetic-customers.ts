// A seeded generator of realistic Chinese customer records with known duplicates, for tests and benchmarks.
import { mulberry32 } from '../customers/seeded-random.js';
import { expectObject } from '../errors/validation-error.js';
import type { Customer } from '../model/customer.js';
import { CN_GAZETTEER_SAMPLE } from '../customers/data/cn-gazetteer.js';
import { gb11643CheckCharacter } from '../customers/id-number.js';
import { pinyinReadings } from '../customers/pinyin.js';

/** Options of {@link generateSyntheticCustomers}. */
export interface SyntheticCustomerOptions {
  /** How many records to produce (people x their duplicates). */
  readonly records: number;
  /**
   * Seed of the deterministic PRNG (mulberry32): the same seed gives the same records.
   * @default 1
   */
  readonly seed?: number;
  /**
   * Share of people who live in a household with others (shared address, often a shared phone
   * or device): the hard negatives.
   * @default 0.2
   */
  readonly householdRate?: number;
  /**
   * Share of name typos that are a wrong homophone picked from a pinyin IME's candidates (伟 for
   * 玮); the others are a character that sounds different, substituted or inserted.
   * @default 0.8
   */
  readonly homophoneTypoShare?: number;
}

/** Generated records and the truth: which person each record belongs to. */
export interface SyntheticCustomers {
  readonly customers: Customer[];
  /** Record id to person id. */
  readonly entityOf: ReadonlyMap<string, string>;
  readonly people: number;
}


const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鑫斌宇浩凯健俊帆帅旭宁龙林欣悦子涵梓轩一诺佳怡雨桐思远博文嘉怡晨阳若曦梦琪天佑皓然晓东建国志强海燕春梅秋菊冬雪国庆红霞丽娟雪梅小红小明晓明新华卫东振华淑珍凤英桂兰玉兰秀珍德明永强建华';
const ROADS = ['文三路', '中山路', '人民路', '解放路', '建设路', '和平路', '新华路', '胜利路', '学院路', '青年路', '长江路', '黄河路', '延安路', '南京路', '北京路', '上海路', '东风路', '朝阳路', '滨江大道', '湖滨路', '教工路', '天目山路', '莫干山路', '凤起路', '庆春路', '体育场路', '科技园路', '深南大道', '华强北路', '天府大道', '人民南路', '珞喻路', '中南路', '汉口路', '香港中路', '长安街', '建国路', '望京街', '中关村大街', '学府路', '工业园路', '创业路', '幸福路', '团结路', '光明路', '红旗路', '友谊路', '前进路', '复兴路', '五一路'];
const SOURCES = ['tmall', 'jd', 'douyin', 'pdd', 'wechat', 'pos', 'crm'];
const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157', '158', '159', '176', '177', '178', '180', '181', '182', '183', '185', '186', '187', '188', '189', '191', '198', '199'];
const ID_REGIONS = ['110101', '110105', '110108', '120101', '130102', '310101', '310104', '310115', '320102', '320506', '330102', '330106', '330108', '330205', '330302', '340104', '350102', '350203', '360102', '370102', '370202', '410105', '420106', '430104', '440104', '440106', '440305', '440306', '450103', '500103', '510104', '510107', '520102', '530102', '610113', '620102', '640104', '650102'];

/** GB 2312 level 1 (rows 0xB0-0xD7): the 3,755 most common characters, the first page of an IME's candidates. */
function commonCharacters(): string {
  const bytes: number[] = [];
  for (let hi = 0xb0; hi <= 0xd7; hi += 1) for (let lo = 0xa1; lo <= (hi === 0xd7 ? 0xf9 : 0xfe); lo += 1) bytes.push(hi, lo);
  return new TextDecoder('gbk').decode(new Uint8Array(bytes));
}

let commonByReading: Map<string, string[]> | undefined;
const homophoneCache = new Map<string, readonly string[]>();
/** Common characters that share a toneless reading with `char`: the wrong candidates a pinyin IME offers. */
function homophonesOf(char: string): readonly string[] {
  let homophones = homophoneCache.get(char);
  if (homophones === undefined) {
    if (commonByReading === undefined) {
      commonByReading = new Map();
      for (const c of commonCharacters()) for (const r of pinyinReadings(c)) (commonByReading.get(r) ?? commonByReading.set(r, []).get(r))?.push(c);
    }
    const byReading = commonByReading;
    homophones = [...new Set(pinyinReadings(char).flatMap((r) => byReading.get(r) ?? []))].filter((c) => c !== char);
    homophoneCache.set(char, homophones);
  }
  return homophones;
}

interface Place {
  readonly province: string;
  readonly provinceShort: string;
  readonly city: string;
  readonly district: string;
  readonly municipality: boolean;
}
const PLACES: readonly Place[] = CN_GAZETTEER_SAMPLE.provinces.flatMap((p) =>
  p.cities.flatMap((c) => c.districts.map((d) => ({ province: p.name, provinceShort: p.short[0] ?? p.name, city: c.name, district: d, municipality: p.municipality === true }))),
);

interface Person {
  readonly id: string;
  readonly surname: string;
  readonly given: string;
  readonly phones: string[];
  readonly idNumber: string;
  readonly born: number;
  readonly place: Place;
  readonly road: string;
  readonly door: number;
  readonly room: string;
  readonly devices: string[];
  readonly email: string | undefined;
  readonly alipay: string | undefined;
}

/**
 * Generates customer records for `people` people with 1 to 5 records each and realistic
 * corruption: typos, swapped and missing characters, missing fields, phone prefixes and
 * full-width digits, 15-digit legacy IDs, mistyped IDs, abbreviated, partial and reordered
 * addresses, building and room noise, and households sharing an address, a phone or a device.
 * @example const { customers, entityOf } = generateSyntheticCustomers({ records: 10_000, seed: 7 });
 */
export function generateSyntheticCustomers(options: SyntheticCustomerOptions): SyntheticCustomers {
  expectObject('generateSyntheticCustomers options', options, '{ records, seed?, ... }');
  const random = mulberry32(options.seed ?? 1);
  const householdRate = options.householdRate ?? 0.2;
  const homophoneTypoShare = options.homophoneTypoShare ?? 0.8;
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;
  const chance = (p: number): boolean => random() < p;
  const digits = (n: number): string => Array.from({ length: n }, () => String(int(10))).join('');
  const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
  const givenChar = (): string => GIVEN[int(GIVEN.length)] ?? '明';
  const mobile = (): string => pick(MOBILE_PREFIXES) + digits(8);

  const newPerson = (index: number, household?: Person): Person => {
    const surname = household !== undefined && chance(0.5) ? household.surname : (SURNAMES[Math.min(int(SURNAMES.length), int(SURNAMES.length))] ?? '王');
    const given = chance(0.3) ? givenChar() : givenChar() + givenChar();
    const born = 1955 + int(50);
    const region = pick(ID_REGIONS);
    const month = 1 + int(12);
    const day = 1 + int(28);
    const first17 = `${region}${born}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${digits(3)}`;
    const phones = [mobile()];
    if (household !== undefined && chance(0.5)) phones.push(household.phones[0] ?? mobile());
    else if (chance(0.15)) phones.push(mobile());
    const devices = [hex(32)];
    if (household !== undefined && chance(0.3)) devices.unshift(household.devices[0] ?? hex(32));
    return {
      id: `P${index}`,
      surname,
      given,
      phones,
      idNumber: first17 + gb11643CheckCharacter(first17),
      born,
      place: household?.place ?? pick(PLACES),
      road: household?.road ?? pick(ROADS),
      door: household?.door ?? 1 + int(400),
      room: household?.room ?? `${1 + int(20)}栋${1 + int(4)}单元${1 + int(30)}0${1 + int(4)}室`,
      devices,
      email: chance(0.3) ? `${hex(6)}${int(1000)}@${pick(['qq.com', '163.com', '126.com', 'gmail.com'])}` : undefined,
      alipay: chance(0.5) ? `2088${digits(12)}` : undefined,
    };
  };

  const fullWidth = (s: string): string => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
  const formatPhone = (p: string): string => {
    if (chance(0.03)) {
      const at = 3 + int(8);
      p = p.slice(0, at) + String((Number(p[at]) + 1 + int(8)) % 10) + p.slice(at + 1);
    }
    switch (int(8)) {
      case 0:
        return `+86 ${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}`;
      case 1:
        return `0086-${p}`;
      case 2:
        return `86${p}`;
      case 3:
        return `${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}`;
      case 4:
        return fullWidth(p);
      default:
        return p;
    }
  };
  const formatName = (person: Person): string => {
    let given = person.given;
    const roll = random();
    if (roll < 0.05) {
      // A wrong IME candidate: mostly a homophone; sometimes a character that sounds different.
      const at = int(given.length);
      const was = given[at] ?? '';
      const homophones = homophonesOf(was);
      if (homophones.length > 0 && chance(homophoneTypoShare)) given = given.slice(0, at) + pick(homophones) + given.slice(at + 1);
      else given = given.slice(0, at) + givenChar() + given.slice(chance(0.5) ? at + 1 : at);
    } else if (roll < 0.07 && given.length === 2) given = (given[1] ?? '') + (given[0] ?? '');
    else if (roll < 0.09 && given.length === 2) given = given[int(2)] ?? given;
    const name = person.surname + given;
    return chance(0.05) ? `${person.surname} ${given}` : name;
  };
  const formatId = (person: Person): string => {
    let id = person.idNumber;
    if (person.born < 2000 && chance(0.15)) id = id.slice(0, 6) + id.slice(8, 17);
    if (chance(0.03)) {
      const at = 6 + int(8);
      id = id.slice(0, at) + String((Number(id[at]) + 1) % 10) + id.slice(at + 1);
    }
    return chance(0.3) ? id.toLowerCase() : id;
  };
  const formatAddress = (person: Person): Customer['addresses'][number] => {
    const { place } = person;
    let road = person.road;
    if (chance(0.03)) {
      // The character before 路: a wrong IME candidate, as in names.
      const homophones = homophonesOf(road.slice(-2, -1));
      road = road.slice(0, -2) + (homophones.length > 0 && chance(homophoneTypoShare) ? pick(homophones) : givenChar()) + road.slice(-1);
    }
    const street = `${road}${person.door}号${chance(0.6) ? person.room : ''}`;
    const province = chance(0.5) ? place.province : place.provinceShort;
    const city = place.municipality ? province : chance(0.5) ? place.city : place.city.replace(/市$/, '');
    const district = chance(0.12) ? undefined : chance(0.7) ? place.district : place.district.replace(/(区|县|市)$/, '') || place.district;
    const roll = random();
    if (roll < 0.15) return { country: 'CN', street: `${place.municipality ? '' : province}${city}${district ?? ''}${street}` };
    if (roll < 0.25) return { country: 'CN', street: `${street}，${district ?? ''}，${city}` };
    return district === undefined ? { country: 'CN', province, city, street } : { country: 'CN', province, city, district, street };
  };

  const customers: Customer[] = [];
  const entityOf = new Map<string, string>();
  let people = 0;
  let household: Person | undefined;
  while (customers.length < options.records) {
    const person = newPerson(people, household !== undefined && chance(0.6) ? household : undefined);
    household = chance(householdRate) ? person : undefined;
    people += 1;
    const roll = random();
    const copies = roll < 0.5 ? 1 : roll < 0.75 ? 2 : roll < 0.9 ? 3 : roll < 0.97 ? 4 : 5;
    for (let k = 0; k < copies && customers.length < options.records; k += 1) {
      const id = `C${customers.length}`;
      // Online orders carry a recipient name, phone and address (delivery needs them); a few channels do not.
      const phones = person.phones.filter((_, i) => (i === 0 ? chance(0.95) : chance(0.5))).map(formatPhone);
      const paymentAccounts = person.alipay !== undefined && chance(0.4) ? [{ provider: 'alipay', accountId: person.alipay, realName: person.surname + person.given }] : [];
      const customer: Customer = {
        id,
        names: chance(0.97) ? [formatName(person)] : [],
        phones,
        emails: person.email !== undefined && chance(0.5) ? [chance(0.3) ? person.email.toUpperCase() : person.email] : [],
        addresses: chance(0.9) ? [formatAddress(person)] : [],
        paymentAccounts,
        deviceIds: person.devices.filter(() => chance(0.45)),
        source: pick(SOURCES),
        attributes: {},
      };
      if (chance(0.3)) customer.idNumber = formatId(person);
      customers.push(customer);
      entityOf.set(id, person.id);
    }
  }
  return { customers, entityOf, people };
}
