/** The name searches of the search benchmarks (search.ts, and run.ts on a reused 1M database). */

/** Each query typed letter by letter as far as its words go: "li wei" is searched as "li", "li w", "li we", "li wei". */
function asTyped(queries: string[]): string[] {
  return queries.flatMap((q) => Array.from({ length: q.length - 1 }, (_, i) => q.slice(0, i + 2)).filter((p) => !p.endsWith(' ')));
}

export const QUERIES: { label: string; queries: string[] }[] = [
  { label: 'pinyin / Latin multi-word prefixes', queries: asTyped(['wang fang', 'li wei', 'zhang xiuy', 'chen yan', 'liu jing', 'zhao min', 'ma ping', 'ouyang n', 'huang zih']) },
  { label: 'Chinese surname only', queries: ['王', '李', '张', '刘', '陈', '黄', '欧阳', '诸葛', '吕', '万'] },
  { label: 'Chinese given name only', queries: ['伟', '芳', '娜', '建国', '秀英', '子涵', '浩然', '婷婷', '明哲', '晶'] },
  { label: 'Chinese full name', queries: ['王芳', '张伟', '李建国', '陈子涵', '刘秀英', '欧阳娜', '黄浩然', '周晓燕', '孙丽', '马一鸣'] },
];
