/**
 * citizens.csv may carry the name in Latin letters (`name_latin`, e.g.
 * pinyin): optional, anywhere in the header, checked like the name (length,
 * control and bidirectional characters) and refused when it holds CJK
 * characters; a bad one rejects the file whole with its line.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { importFolder, type ImportReport } from '../../../electron/services/import.js';
import { csvQuote, dbSnapshot, folder, KINDS_JSON, openTempDb, removeTempDirs } from '../helpers/importFixtures.js';

const HEADER = 'citizen_id,name,district,birth_date,name_latin';
const lines = (...rows: string[]) => `${rows.join('\n')}\n`;

let db: Db;

beforeEach(async () => {
  db = openTempDb().db;
  const report = await importFolder(db, folder({ 'event_kinds.json': KINDS_JSON, 'citizens.csv': lines(HEADER, 'C1,王芳,历下区,1980-01-01,Wang Fang') }), { actor: 'tester' });
  expect(report.ok).toBe(true);
});

afterEach(() => {
  db.close();
  removeTempDirs();
});

const run = (citizens: string): Promise<ImportReport> => importFolder(db, folder({ 'citizens.csv': citizens }), { actor: 'tester' });
const latinOf = (id: string) => db.prepare('SELECT name_latin FROM citizens WHERE citizen_id = ?').pluck().get(id);

async function expectRefused(citizens: string, line: number, message: RegExp): Promise<void> {
  const before = dbSnapshot(db);
  const report = await run(citizens);
  expect(report.ok).toBe(false);
  expect(report.problems[0]).toMatchObject({ file: 'citizens.csv', line, message: expect.stringMatching(message) });
  expect(report.problemCount).toBe(1);
  expect(dbSnapshot(db)).toEqual(before);
}

describe('citizens.csv name_latin', () => {
  it('is stored when given, in any column, and left empty when the header lacks it or the field is blank', async () => {
    expect(latinOf('C1')).toBe('Wang Fang');
    const report = await run(lines('name_latin,citizen_id,district,name,birth_date', 'Li Na,C2,市中区,李娜,', ',C3,市中区,张伟,', '  ,C4,市中区,陈静,'));
    expect(report.ok).toBe(true);
    expect(report.counts.citizensAdded).toBe(3);
    expect([latinOf('C2'), latinOf('C3'), latinOf('C4')]).toEqual(['Li Na', null, null]);
    expect((await run(lines('citizen_id,name,district,birth_date', 'C5,Ada Lovelace,市中区,'))).ok).toBe(true);
    expect(latinOf('C5')).toBeNull();
  });

  it('counts a changed Latin name as an update, and re-importing it as no change', async () => {
    const changed = await run(lines(HEADER, 'C1,王芳,历下区,1980-01-01,Wang Fang (Wong Fong)'));
    expect(changed.counts.citizensUpdated).toBe(1);
    expect(latinOf('C1')).toBe('Wang Fang (Wong Fong)');
    const again = await run(lines(HEADER, 'C1,王芳,历下区,1980-01-01,Wang Fang (Wong Fong)'));
    expect(again.ok).toBe(true);
    expect(again.operationId).toBeNull();
  });

  it('refuses a Latin name over 200 characters, naming the line', async () => {
    await expectRefused(lines(HEADER, 'C2,李娜,市中区,,Li Na', `C3,张伟,市中区,,${'Zhang '.repeat(34)}`), 3, /citizen C3: name_latin is 204 characters long; at most 200/);
  });

  it('refuses control characters, line breaks and bidirectional overrides in the Latin name', async () => {
    await expectRefused(lines(HEADER, 'C2,李娜,市中区,,Li\u0007Na'), 2, /name_latin contains the control character U\+0007/);
    await expectRefused(lines(HEADER, `C2,李娜,市中区,,${csvQuote('Li\nNa')}`), 2, /name_latin contains the control character U\+000A/);
    await expectRefused(lines(HEADER, 'C2,李娜,市中区,,Li \u202eaN'), 2, /name_latin contains the bidirectional formatting or separator character U\+202E/);
  });

  it('refuses Chinese characters in the Latin column (the name put in the wrong column)', async () => {
    await expectRefused(lines(HEADER, 'C2,Li Na,市中区,,李娜'), 2, /citizen C2: name_latin '李娜' holds Chinese, Japanese or Korean characters/);
  });

  it('still refuses an unknown column, naming the optional one among those expected', async () => {
    await expectRefused(lines(`${HEADER},pinyin`, 'C2,李娜,市中区,,Li Na,Li Na'), 1, /unknown column pinyin in the header \(expected citizen_id,name,district,birth_date, and optionally name_latin,language\)/);
  });
});
