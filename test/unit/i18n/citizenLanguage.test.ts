/**
 * citizens.csv's optional `language` column (migration 0420): en or zh-CN,
 * anything else refused with file and line and nothing written; a file
 * without the column leaves the languages on record alone, an empty field
 * clears one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { importFolder, type ImportReport } from '../../../electron/services/import.js';
import { dbSnapshot, folder, KINDS_JSON, openTempDb, removeTempDirs } from '../helpers/importFixtures.js';

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;
let db: Db;

beforeEach(async () => {
  db = openTempDb().db;
  const report = await importFolder(db, folder({ 'event_kinds.json': KINDS_JSON, 'citizens.csv': lines('citizen_id,name,district,birth_date,language', 'C1,王芳,历下区,1980-01-01,zh-CN', 'C2,Anna Berg,Nord,,en', 'C3,李强,历下区,,') }), { actor: 'tester' });
  expect(report).toMatchObject({ ok: true });
});
afterEach(() => {
  db.close();
  removeTempDirs();
});

const run = (citizens: string): Promise<ImportReport> => importFolder(db, folder({ 'citizens.csv': citizens }), { actor: 'tester' });
const languages = () => Object.fromEntries((db.prepare('SELECT citizen_id, language FROM citizens ORDER BY citizen_id').raw(true).all() as [string, string | null][]));

describe('citizens.csv language', () => {
  it('stores en and zh-CN, and nothing for an empty field', () => {
    expect(languages()).toEqual({ C1: 'zh-CN', C2: 'en', C3: null });
  });

  it('a file without the column keeps the languages on record; with it, a change is an update and an empty field clears', async () => {
    expect(await run(lines('citizen_id,name,district,birth_date', 'C1,王芳,历下区,1980-01-01', 'C4,赵敏,市中区,'))).toMatchObject({ ok: true, counts: { citizensAdded: 1, citizensUpdated: 0 } });
    expect(languages()).toEqual({ C1: 'zh-CN', C2: 'en', C3: null, C4: null });
    expect(await run(lines('language,citizen_id,name,district,birth_date', 'en,C1,王芳,历下区,1980-01-01', ',C2,Anna Berg,Nord,'))).toMatchObject({ ok: true, counts: { citizensUpdated: 2 } });
    expect(languages()).toMatchObject({ C1: 'en', C2: null });
  });

  it('refuses another language, naming the file, the line and the value; nothing is written', async () => {
    for (const bad of ['fr', 'zh', 'ZH-CN', 'zh-cn', ' en', 'en\u202E']) {
      const before = dbSnapshot(db);
      const report = await run(lines('citizen_id,name,district,birth_date,language', 'C1,王芳,历下区,1980-01-01,en', `C9,周杰,历下区,,"${bad}"`));
      expect(report.ok, bad).toBe(false);
      expect(report.problems, bad).toEqual([
        {
          file: 'citizens.csv',
          line: 3,
          message: expect.stringMatching(/^citizen C9: language '.*' is not one of en, zh-CN \(or empty\)$/) as string,
          key: 'import.language',
          params: { id: 'C9', value: expect.any(String) as string, allowed: 'en, zh-CN' },
        },
      ]);
      expect(report.problems[0].message).not.toContain('\u202E');
      expect(JSON.stringify(report.problems[0].params)).not.toContain('\u202E');
      expect(dbSnapshot(db)).toEqual(before);
    }
  });
});
