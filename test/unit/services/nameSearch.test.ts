/**
 * Finding citizens by name: Chinese names by surname, given name or full
 * name, by the pinyin the data gives, Latin names by multi-word prefixes;
 * never by characters that are not in the name; every search still logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import { JobManager } from '../../../electron/jobs/manager.js';
import { RESOURCES_DIR } from '../../../electron/paths.js';
import { SessionStore } from '../../../electron/services/auth.js';
import { importFolder } from '../../../electron/services/import.js';
import { search, SEARCH_MATCH_LIMIT } from '../../../electron/services/queries.js';
import { accessMark, accessSince } from '../helpers/apiContext.js';
import { csvQuote, folder, KINDS_JSON, openTempDb, removeTempDirs } from '../helpers/importFixtures.js';

const POPULATION: [id: string, name: string, latin: string][] = [
  ['C01', '王芳', 'Wang Fang'],
  ['C02', '王伟', 'Wang Wei'],
  ['C03', '李芳', 'Li Fang'],
  ['C04', '张建国', 'Zhang Jianguo'],
  ['C05', '欧阳娜娜', 'Ouyang Nana'],
  ['C06', '王芳芳', 'Wang Fangfang'],
  ['C07', '阿依古丽·买买提', 'Ayguli Memet'],
  ['C08', 'Zhang Weimin', ''],
  ['C09', 'Zoë Müller', ''],
  ['C10', '黄', ''],
  ['C11', '𠮷田 太郎', 'Yoshida Taro'],
  ['C12', '阿卜杜拉·艾力·买买提', 'Abdulla Eli Memet'],
];

let db: Db;

function found(query: string): string[] {
  return search(db, { query, sort: 'citizenId', descending: false, offset: 0, limit: 100 }).rows.map((r) => r.citizenId);
}

beforeAll(async () => {
  db = openTempDb().db;
  const citizens = ['citizen_id,name,district,birth_date,name_latin', ...POPULATION.map(([id, name, latin]) => `${id},${csvQuote(name)},历下区,1980-01-01,${csvQuote(latin)}`)].join('\n');
  const report = await importFolder(db, folder({ 'event_kinds.json': KINDS_JSON, 'citizens.csv': `${citizens}\n` }), { actor: 'test' });
  expect(report.ok).toBe(true);
});

afterAll(() => {
  db.close();
  removeTempDirs();
});

describe('search by a Chinese name', () => {
  it('finds 王芳 by the surname, the given name and the full name', () => {
    expect(found('王')).toEqual(['C01', 'C02', 'C06']);
    expect(found('芳')).toEqual(['C01', 'C03', 'C06']);
    expect(found('王芳')).toEqual(['C01', 'C06']);
  });

  it('finds a two-character given name and a compound surname alone', () => {
    expect(found('建国')).toEqual(['C04']);
    expect(found('张建')).toEqual(['C04']);
    expect(found('欧阳')).toEqual(['C05']);
    expect(found('娜娜')).toEqual(['C05']);
    expect(found('欧阳娜娜')).toEqual(['C05']);
  });

  it('finds each part of a name written with a middle dot or a space, and a character outside the BMP', () => {
    expect(found('阿依古丽')).toEqual(['C07']);
    expect(found('买买提')).toEqual(['C07', 'C12']);
    // A part in the middle of the name is fenced on both sides too.
    expect(found('艾力')).toEqual(['C12']);
    expect(found('阿卜杜拉 艾力')).toEqual(['C12']);
    expect(found('𠮷田')).toEqual(['C11']);
    expect(found('太郎')).toEqual(['C11']);
    expect(found('黄')).toEqual(['C10']);
  });

  it('finds surname and given name typed apart, in either order', () => {
    expect(found('王 芳')).toEqual(['C01', 'C06']);
    expect(found('芳 王')).toEqual(['C01', 'C06']);
  });

  it('finds nobody for characters that are not in the name, nor for a name part taken from its middle', () => {
    expect(found('赵')).toEqual([]);
    expect(found('王丽')).toEqual([]);
    expect(found('芳王')).toEqual([]);
    expect(found('建')).toEqual([]);
    expect(found('王 赵')).toEqual([]);
    // A query made to look like the index's fence finds nothing extra.
    expect(found('\u0001\u0001王')).toEqual(['C01', 'C02', 'C06']);
  });
});

describe('search by pinyin and Latin names', () => {
  it('finds 王芳 by the pinyin the data gives, whole and as prefixes', () => {
    expect(found('wang fang')).toEqual(['C01', 'C06']);
    expect(found('wang f')).toEqual(['C01', 'C06']);
    expect(found('Wang Fangf')).toEqual(['C06']);
    expect(found('fang')).toEqual(['C01', 'C03', 'C06']);
  });

  it('finds a Latin name by a multi-word prefix and without its diacritics', () => {
    expect(found('zhang wei')).toEqual(['C08']);
    expect(found('zh w')).toEqual(['C08']);
    expect(found('zhang')).toEqual(['C04', 'C08']);
    expect(found('muller zo')).toEqual(['C09']);
  });

  it('finds by Chinese characters and pinyin together, each matching its own form', () => {
    expect(found('王 fang')).toEqual(['C01', 'C06']);
    expect(found('王fang')).toEqual(['C01', 'C06']);
    expect(found('李 wang')).toEqual([]);
  });

  it('finds nobody for a prefix no name or pinyin has', () => {
    expect(found('wang z')).toEqual([]);
    expect(found('zzyzx')).toEqual([]);
  });
});

describe('the search index follows the citizens table', () => {
  it('re-importing a new name and pinyin moves the citizen from the old name to the new one', async () => {
    const citizens = 'citizen_id,name,district,birth_date,name_latin\nC03,赵敏,历下区,1980-01-01,Zhao Min\n';
    expect((await importFolder(db, folder({ 'citizens.csv': citizens }), { actor: 'test' })).ok).toBe(true);
    expect(found('李')).toEqual([]);
    expect(found('li fang')).toEqual([]);
    expect(found('赵敏')).toEqual(['C03']);
    expect(found('敏')).toEqual(['C03']);
    expect(found('zhao m')).toEqual(['C03']);
    // Back to the first name, so the other tests keep their population.
    const back = 'citizen_id,name,district,birth_date,name_latin\nC03,李芳,历下区,1980-01-01,Li Fang\n';
    expect((await importFolder(db, folder({ 'citizens.csv': back }), { actor: 'test' })).ok).toBe(true);
    expect(found('李芳')).toEqual(['C03']);
    expect(() => db.prepare("INSERT INTO citizens_fts(citizens_fts, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
    expect(() => db.prepare("INSERT INTO citizens_cjk(citizens_cjk) VALUES ('integrity-check')").run()).not.toThrow();
  });
});

describe('search through the console API', () => {
  it('returns the pinyin with each row and logs the search with the citizens it named', async () => {
    const ctx = { db, dbFile: db.name, jobs: new JobManager(db.name, RESOURCES_DIR), sessions: new SessionStore(db) };
    const mark = accessMark(db);
    const reply = await dispatch('search', { query: '王芳', purpose: 'case 12' }, ctx, { user: 'clerk', role: 'viewer' });
    expect(reply.ok).toBe(true);
    const rows = reply.ok ? (reply.value as { rows: { citizenId: string; name: string; nameLatin: string | null }[] }).rows : [];
    expect(rows.map((r) => [r.citizenId, r.name, r.nameLatin])).toEqual([
      ['C01', '王芳', 'Wang Fang'],
      ['C06', '王芳芳', 'Wang Fangfang'],
    ]);
    const logged = accessSince(db, mark);
    expect(logged).toEqual([expect.objectContaining({ username: 'clerk', action: 'search', purpose: 'case 12', outcome: 'allowed' })]);
    expect(logged[0].detail).toContain('"query":"王芳"');
    const named = db.prepare('SELECT citizen_id FROM access_reads WHERE access_id = ? ORDER BY citizen_id').pluck().all(logged[0].id);
    expect(named).toEqual(['C01', 'C06']);
  });
});

describe('a broad search', () => {
  it('considers the first SEARCH_MATCH_LIMIT matches, says so, and pages through them in order', async () => {
    const { db: big } = openTempDb();
    try {
      const n = SEARCH_MATCH_LIMIT + 50;
      // Ids in the reverse of the import order, so the order shown is not the index order.
      const rows = Array.from({ length: n }, (_, i) => `Z${String(n - i).padStart(5, '0')},王${i % 2 ? '伟' : '芳'},${i % 3 ? '历下区' : '市中区'},,Wang ${i % 2 ? 'Wei' : 'Fang'}`);
      const report = await importFolder(big, folder({ 'citizens.csv': ['citizen_id,name,district,birth_date,name_latin', ...rows].join('\n') }), { actor: 'test' });
      expect(report.ok).toBe(true);
      const page = (query: string, offset: number, extra: { district?: string } = {}) => search(big, { query, sort: 'citizenId', descending: false, offset, limit: 100, ...extra });
      for (const query of ['王', 'wang']) {
        const first = page(query, 0);
        expect(first).toMatchObject({ total: SEARCH_MATCH_LIMIT, capped: true });
        // The first SEARCH_MATCH_LIMIT in index order are the highest ids; shown lowest first.
        expect(first.rows[0].citizenId).toBe(`Z${String(n - SEARCH_MATCH_LIMIT + 1).padStart(5, '0')}`);
        const ids = [0, 100, 200].flatMap((offset) => page(query, offset).rows.map((r) => r.citizenId));
        expect(ids).toEqual([...ids].sort());
        expect(new Set(ids).size).toBe(300);
        expect(page(query, SEARCH_MATCH_LIMIT).rows).toEqual([]);
        expect(page(query, SEARCH_MATCH_LIMIT)).toMatchObject({ total: SEARCH_MATCH_LIMIT, capped: true });
      }
      // Narrowed below the cap, the count is exact.
      const fang = page('王芳', 0);
      expect(fang).toMatchObject({ total: n / 2, capped: false });
      const inDistrict = page('wang fang', 0, { district: '市中区' });
      expect(inDistrict.capped).toBe(false);
      expect(inDistrict.total).toBe(rows.filter((r) => r.includes('王芳,市中区')).length);
      // A filter over a capped name search counts what it keeps of the matches considered, and says the search was capped.
      const broad = page('王', 0, { district: '市中区' });
      expect(broad).toMatchObject({ capped: true, total: rows.slice(0, SEARCH_MATCH_LIMIT).filter((r) => r.includes(',市中区,')).length });
      expect(broad.rows.every((r) => r.district === '市中区')).toBe(true);
    } finally {
      big.close();
    }
  });
});
