/**
 * Names and districts for the synthetic demo population: Chinese names in
 * characters with their pinyin, surnames drawn with their published
 * frequencies and given names as they changed with the generations, and the
 * districts of one real prefecture-level city (Jinan, Shandong).
 */

/**
 * Surnames with their share of the population, in percent. The first 22 are
 * the Ministry of Public Security's national household-registration survey
 * (April 2007; 王 7.25%, 李 7.19%, 张 6.83%, then 刘 陈 杨 黄 赵 吴 周 above 20
 * million people each, 徐 ... 梁 between 10 and 20 million). The next ones
 * follow the published top-100 rank order with shares tapering to about 0.2%
 * (万, rank ~100 in 2019 with 2.75 million people), and a few compound
 * surnames close the list.
 */
const SURNAMES_TOP: readonly (readonly [string, string, number])[] = [
  ['王', 'Wang', 7.25], ['李', 'Li', 7.19], ['张', 'Zhang', 6.83], ['刘', 'Liu', 5.38], ['陈', 'Chen', 4.53],
  ['杨', 'Yang', 3.08], ['黄', 'Huang', 2.23], ['赵', 'Zhao', 2.23], ['吴', 'Wu', 2.1], ['周', 'Zhou', 2.06],
  ['徐', 'Xu', 1.55], ['孙', 'Sun', 1.52], ['马', 'Ma', 1.47], ['朱', 'Zhu', 1.42], ['胡', 'Hu', 1.29],
  ['郭', 'Guo', 1.23], ['何', 'He', 1.19], ['高', 'Gao', 1.17], ['林', 'Lin', 1.11], ['罗', 'Luo', 1.09],
  ['郑', 'Zheng', 1.06], ['梁', 'Liang', 0.99],
];
const SURNAMES_TAIL: readonly (readonly [string, string])[] = [
  ['宋', 'Song'], ['谢', 'Xie'], ['唐', 'Tang'], ['韩', 'Han'], ['曹', 'Cao'], ['许', 'Xu'], ['邓', 'Deng'], ['肖', 'Xiao'],
  ['冯', 'Feng'], ['曾', 'Zeng'], ['程', 'Cheng'], ['蔡', 'Cai'], ['彭', 'Peng'], ['潘', 'Pan'], ['袁', 'Yuan'], ['于', 'Yu'],
  ['董', 'Dong'], ['余', 'Yu'], ['苏', 'Su'], ['叶', 'Ye'], ['吕', 'Lü'], ['魏', 'Wei'], ['蒋', 'Jiang'], ['田', 'Tian'],
  ['杜', 'Du'], ['丁', 'Ding'], ['沈', 'Shen'], ['姜', 'Jiang'], ['范', 'Fan'], ['江', 'Jiang'], ['傅', 'Fu'], ['钟', 'Zhong'],
  ['卢', 'Lu'], ['汪', 'Wang'], ['戴', 'Dai'], ['崔', 'Cui'], ['任', 'Ren'], ['陆', 'Lu'], ['廖', 'Liao'], ['姚', 'Yao'],
  ['方', 'Fang'], ['金', 'Jin'], ['邱', 'Qiu'], ['夏', 'Xia'], ['谭', 'Tan'], ['韦', 'Wei'], ['贾', 'Jia'], ['邹', 'Zou'],
  ['石', 'Shi'], ['熊', 'Xiong'], ['孟', 'Meng'], ['秦', 'Qin'], ['阎', 'Yan'], ['薛', 'Xue'], ['侯', 'Hou'], ['雷', 'Lei'],
  ['白', 'Bai'], ['龙', 'Long'], ['段', 'Duan'], ['郝', 'Hao'], ['孔', 'Kong'], ['邵', 'Shao'], ['史', 'Shi'], ['毛', 'Mao'],
  ['常', 'Chang'], ['万', 'Wan'], ['顾', 'Gu'], ['赖', 'Lai'], ['武', 'Wu'], ['康', 'Kang'], ['贺', 'He'], ['严', 'Yan'],
  ['尹', 'Yin'], ['钱', 'Qian'], ['施', 'Shi'], ['牛', 'Niu'], ['洪', 'Hong'], ['龚', 'Gong'],
];
const SURNAMES_COMPOUND: readonly (readonly [string, string, number])[] = [
  ['欧阳', 'Ouyang', 0.06], ['司马', 'Sima', 0.01], ['上官', 'Shangguan', 0.01], ['诸葛', 'Zhuge', 0.01],
];

/** [characters, pinyin, share in percent]: the whole surname list, each share as published or tapered. */
export const DEMO_SURNAMES: readonly (readonly [string, string, number])[] = [
  ...SURNAMES_TOP,
  // 0.78% (just under the 10-million line) tapering geometrically to 0.2% at the end of the top 100.
  ...SURNAMES_TAIL.map(([han, pinyin], k): [string, string, number] => [han, pinyin, 0.78 * (0.2 / 0.78) ** (k / (SURNAMES_TAIL.length - 1))]),
  ...SURNAMES_COMPOUND,
];

type Given = readonly (readonly [string, string])[];

/** Given names by sex and generation; earlier entries are drawn more often. */
const GIVEN_ONE: { male: Given; female: Given } = {
  male: [
    ['伟', 'Wei'], ['强', 'Qiang'], ['磊', 'Lei'], ['军', 'Jun'], ['勇', 'Yong'], ['杰', 'Jie'], ['涛', 'Tao'], ['明', 'Ming'],
    ['超', 'Chao'], ['刚', 'Gang'], ['平', 'Ping'], ['辉', 'Hui'], ['鹏', 'Peng'], ['华', 'Hua'], ['飞', 'Fei'], ['斌', 'Bin'],
    ['宇', 'Yu'], ['浩', 'Hao'], ['凯', 'Kai'], ['健', 'Jian'], ['波', 'Bo'], ['亮', 'Liang'], ['峰', 'Feng'], ['东', 'Dong'],
  ],
  female: [
    ['芳', 'Fang'], ['娜', 'Na'], ['敏', 'Min'], ['静', 'Jing'], ['丽', 'Li'], ['艳', 'Yan'], ['娟', 'Juan'], ['霞', 'Xia'],
    ['燕', 'Yan'], ['玲', 'Ling'], ['婷', 'Ting'], ['雪', 'Xue'], ['琳', 'Lin'], ['洁', 'Jie'], ['颖', 'Ying'], ['倩', 'Qian'],
    ['丹', 'Dan'], ['萍', 'Ping'], ['红', 'Hong'], ['梅', 'Mei'], ['慧', 'Hui'], ['莉', 'Li'], ['欣', 'Xin'], ['晶', 'Jing'],
  ],
};

const GIVEN_TWO: { born: number; male: Given; female: Given }[] = [
  {
    born: 0,
    male: [['建国', 'Jianguo'], ['建华', 'Jianhua'], ['国强', 'Guoqiang'], ['志强', 'Zhiqiang'], ['建军', 'Jianjun'], ['国华', 'Guohua'], ['永刚', 'Yonggang'], ['志明', 'Zhiming'], ['海涛', 'Haitao'], ['建平', 'Jianping'], ['卫东', 'Weidong'], ['德明', 'Deming']],
    female: [['秀英', 'Xiuying'], ['桂英', 'Guiying'], ['秀兰', 'Xiulan'], ['玉兰', 'Yulan'], ['桂兰', 'Guilan'], ['秀珍', 'Xiuzhen'], ['凤英', 'Fengying'], ['玉珍', 'Yuzhen'], ['淑珍', 'Shuzhen'], ['丽华', 'Lihua'], ['春梅', 'Chunmei'], ['红梅', 'Hongmei']],
  },
  {
    born: 1975,
    male: [['晓东', 'Xiaodong'], ['海波', 'Haibo'], ['俊杰', 'Junjie'], ['志刚', 'Zhigang'], ['文杰', 'Wenjie'], ['建伟', 'Jianwei'], ['晓明', 'Xiaoming'], ['鹏飞', 'Pengfei'], ['振宇', 'Zhenyu'], ['家豪', 'Jiahao'], ['子健', 'Zijian'], ['明辉', 'Minghui']],
    female: [['晓燕', 'Xiaoyan'], ['丽娟', 'Lijuan'], ['雪梅', 'Xuemei'], ['婷婷', 'Tingting'], ['丹丹', 'Dandan'], ['静怡', 'Jingyi'], ['晓丽', 'Xiaoli'], ['佳慧', 'Jiahui'], ['文静', 'Wenjing'], ['思琪', 'Siqi'], ['欣然', 'Xinran'], ['美玲', 'Meiling']],
  },
  {
    born: 1995,
    male: [['浩然', 'Haoran'], ['宇轩', 'Yuxuan'], ['浩宇', 'Haoyu'], ['宇航', 'Yuhang'], ['子轩', 'Zixuan'], ['梓豪', 'Zihao'], ['俊熙', 'Junxi'], ['博文', 'Bowen'], ['泽宇', 'Zeyu'], ['一鸣', 'Yiming'], ['皓轩', 'Haoxuan'], ['明哲', 'Mingzhe']],
    female: [['子涵', 'Zihan'], ['梓涵', 'Zihan'], ['一诺', 'Yinuo'], ['欣怡', 'Xinyi'], ['诗涵', 'Shihan'], ['雨涵', 'Yuhan'], ['可馨', 'Kexin'], ['佳怡', 'Jiayi'], ['语嫣', 'Yuyan'], ['思雨', 'Siyu'], ['雨桐', 'Yutong'], ['梦琪', 'Mengqi']],
  },
];

/**
 * The share of one-character given names by year of birth: common among
 * the older generations, 4.6% of the names given in 2018 (Ministry of
 * Public Security name report, 2019).
 */
function oneCharacterShare(bornYear: number): number {
  return bornYear < 1975 ? 0.45 : bornYear < 1995 ? 0.3 : 0.06;
}

/** The districts of Jinan (济南市), Shandong, a prefecture-level city. */
export const DEMO_DISTRICTS = ['历下区', '市中区', '槐荫区', '天桥区', '历城区', '长清区', '章丘区', '济阳区'];

/** Cumulative weights, to draw an index with one random number. */
function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (out[i] = sum += w));
  return out.map((c) => c / sum);
}

function drawIndex(cdf: Float64Array, r: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Earlier names of a list drawn more often (a gentle Zipf slope); one table per list length. */
const ZIPF = new Map<number, Float64Array>();
function zipf(n: number): Float64Array {
  let cdf = ZIPF.get(n);
  if (!cdf) ZIPF.set(n, (cdf = cumulative(Array.from({ length: n }, (_, k) => 1 / (k + 1) ** 0.7))));
  return cdf;
}

const SURNAME_CDF = cumulative(DEMO_SURNAMES.map(([, , share]) => share));

export interface DemoName {
  /** In characters: surname then given name, no space (王芳). */
  name: string;
  /** Pinyin, surname first (Wang Fang). */
  latin: string;
}

/** A name for a citizen born in `bornYear`, from four numbers of `random`. */
export function demoName(random: () => number, bornYear: number): DemoName {
  const [surname, surnameLatin] = DEMO_SURNAMES[drawIndex(SURNAME_CDF, random())];
  const sex = random() < 0.5 ? 'male' : 'female';
  const one = random() < oneCharacterShare(bornYear);
  const generation = GIVEN_TWO.filter((g) => g.born <= bornYear).at(-1)!;
  const list = one ? GIVEN_ONE[sex] : generation[sex];
  const [given, givenLatin] = list[drawIndex(zipf(list.length), random())];
  return { name: surname + given, latin: `${surnameLatin} ${givenLatin}` };
}
