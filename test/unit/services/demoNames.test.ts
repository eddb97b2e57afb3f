/**
 * The demo population's names: Chinese characters with their pinyin,
 * surnames drawn with their published frequencies, given names of one or two
 * characters by generation, and every demo citizen found by surname, given
 * name, full name and pinyin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { CJK_CHAR } from '../../../electron/db/nameSearch.js';
import { DEMO_DISTRICTS, DEMO_SURNAMES, demoName } from '../../../electron/services/demoNames.js';
import { search } from '../../../electron/services/queries.js';
import { buildDemoDatabase } from '../helpers/demoDatabase.js';
import { tempDir } from '../helpers/tempDirs.js';

/** The same small PRNG as the demo (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const surnameOf = (name: string) => DEMO_SURNAMES.filter(([han]) => name.startsWith(han)).sort((a, b) => b[0].length - a[0].length)[0];

describe('demo names', () => {
  const random = rng(5);
  const names = Array.from({ length: 60_000 }, (_, i) => demoName(random, 1940 + (i % 70)));

  it('are characters with their pinyin: surname then given name, each syllable group capitalised', () => {
    for (const { name, latin } of names) {
      expect(name).toMatch(/^\p{Script=Han}{2,4}$/u);
      expect(latin).toMatch(/^[A-Z][a-zü]+ [A-Z][a-z]+$/u);
      expect(CJK_CHAR.test(latin)).toBe(false);
      const [han, pinyin] = surnameOf(name);
      expect(latin.startsWith(`${pinyin} `)).toBe(true);
      expect(name.length - han.length).toBeGreaterThanOrEqual(1);
    }
  });

  it('draw surnames in proportion to the published shares (王 7.25%, 李 7.19%, 张 6.83%, ...)', () => {
    const total = DEMO_SURNAMES.reduce((s, [, , share]) => s + share, 0);
    const counts = new Map<string, number>();
    for (const { name } of names) {
      const [han] = surnameOf(name);
      counts.set(han, (counts.get(han) ?? 0) + 1);
    }
    for (const [han, , share] of DEMO_SURNAMES.slice(0, 10)) {
      const expected = (share / total) * names.length;
      // Within 10% of the expected count (about five standard deviations at these sizes).
      expect(Math.abs((counts.get(han) ?? 0) - expected) / expected, han).toBeLessThan(0.1);
    }
    expect(DEMO_SURNAMES.slice(0, 5).map(([han]) => han)).toEqual(['王', '李', '张', '刘', '陈']);
    expect(counts.get('王')! + counts.get('李')! + counts.get('张')!).toBeGreaterThan(counts.get('刘')! * 3);
  });

  it('give one-character given names mostly to older generations', () => {
    const oneChar = (born: number) => {
      const r = rng(born);
      const sample = Array.from({ length: 4000 }, () => demoName(r, born));
      return sample.filter(({ name }) => name.length - surnameOf(name)[0].length === 1).length / sample.length;
    };
    expect(oneChar(1950)).toBeGreaterThan(0.4);
    expect(oneChar(2005)).toBeLessThan(0.1);
  });

  it('are the same for the same seed', () => {
    const a = rng(9);
    const b = rng(9);
    expect(Array.from({ length: 50 }, () => demoName(a, 1980))).toEqual(Array.from({ length: 50 }, () => demoName(b, 1980)));
  });

  it('live in the districts of one city, named in Chinese', () => {
    expect(DEMO_DISTRICTS).toHaveLength(8);
    for (const d of DEMO_DISTRICTS) expect(d).toMatch(/^\p{Script=Han}+区$/u);
  });
});

describe('the demo population in the search', () => {
  let db: Db;
  let cleanup: () => void;

  beforeAll(async () => {
    const dir = tempDir('demo-names');
    cleanup = dir.cleanup;
    db = await buildDemoDatabase(`${dir.dir}/credence.sqlite`, { citizens: 200, seed: 21 });
  });

  afterAll(() => {
    db.close();
    cleanup();
  });

  it('finds every citizen by surname, given name, full name and pinyin', () => {
    const citizens = db.prepare('SELECT citizen_id, name, name_latin, district FROM citizens').all() as { citizen_id: string; name: string; name_latin: string; district: string }[];
    expect(citizens).toHaveLength(200);
    const finds = (query: string, id: string) => search(db, { query, sort: 'citizenId', descending: false, offset: 0, limit: 500 }).rows.some((r) => r.citizenId === id);
    for (const c of citizens) {
      const [surname] = surnameOf(c.name);
      expect(DEMO_DISTRICTS).toContain(c.district);
      expect(finds(c.name, c.citizen_id), `${c.name} by full name`).toBe(true);
      expect(finds(surname, c.citizen_id), `${c.name} by surname`).toBe(true);
      expect(finds(c.name.slice(surname.length), c.citizen_id), `${c.name} by given name`).toBe(true);
      expect(finds(c.name_latin, c.citizen_id), `${c.name} by pinyin`).toBe(true);
      expect(finds(c.name_latin.toLowerCase().slice(0, c.name_latin.indexOf(' ') + 2), c.citizen_id), `${c.name} by a pinyin prefix`).toBe(true);
    }
  });
});
