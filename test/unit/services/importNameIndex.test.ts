/**
 * An import's new citizens are name-indexed once, after citizens.csv
 * (nameSearch.ts deferNameIndex), instead of by the insert trigger row by
 * row: both name indexes must hold exactly what the trigger writes, the
 * trigger must be back afterwards (and after a failed import), and updates
 * and later inserts must keep indexing as before.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { deferNameIndex } from '../../../electron/db/nameSearch.js';
import { importFolder } from '../../../electron/services/import.js';
import { search } from '../../../electron/services/queries.js';
import { csvQuote, folder, openTempDb, removeTempDirs } from '../helpers/importFixtures.js';

afterAll(removeTempDirs);

const PEOPLE: [id: string, name: string, latin: string][] = [
  ['N01', '王芳', 'Wang Fang'],
  ['N02', '欧阳 娜娜', 'Ouyang Nana'],
  ['N03', '阿依古丽·买买提', 'Ayguli Memet'],
  ['N04', 'Zoë Müller', ''],
  ['N05', '𠮷田 太郎', 'Yoshida Taro'],
  ['N06', 'Jean-Luc Picard', ''],
  ['N07', '黄', ''],
  ['N08', 'ナカムラ・ユキ', 'Nakamura Yuki'],
];

const citizensCsv = (people: typeof PEOPLE) =>
  ['citizen_id,name,district,birth_date,name_latin', ...people.map(([id, name, latin]) => `${id},${csvQuote(name)},历下区,1980-01-01,${csvQuote(latin)}`)].join('\n') + '\n';

const trigger = (db: Db) => db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'citizens_fts_insert'").pluck().get() as string | undefined;
const QUERIES = ['王', '芳', '王芳', '娜娜', '买买提', '太郎', 'ユキ', '黄'];

/** What both name indexes answer, per query: the citizens found. */
function indexed(db: Db): Record<string, unknown> {
  const fts = db.prepare('SELECT c.citizen_id FROM citizens_fts JOIN citizens c ON c.idx = citizens_fts.rowid WHERE citizens_fts MATCH ? ORDER BY c.citizen_id').pluck();
  const out: Record<string, unknown> = {};
  for (const q of QUERIES) out[`search ${q}`] = search(db, { query: q, sort: 'citizenId', descending: false, offset: 0, limit: 100 }).rows.map((r) => r.citizenId);
  for (const q of ['wang', 'zo*', 'muller', 'jean', 'picard', 'yoshida', 'nakamura', 'ouyang']) out[`fts ${q}`] = fts.all(q);
  out.cjkRows = db.prepare('SELECT c.citizen_id FROM citizens_cjk JOIN citizens c ON c.idx = citizens_cjk.rowid ORDER BY c.citizen_id').pluck().all();
  return out;
}

describe('name index of imported citizens', () => {
  it('holds what the insert trigger writes, and the trigger is back with its SQL', async () => {
    const imported = openTempDb().db;
    const byTrigger = openTempDb().db;
    const sql = trigger(imported);
    expect(sql).toBeDefined();
    const report = await importFolder(imported, folder({ 'citizens.csv': citizensCsv(PEOPLE) }), { actor: 'test' });
    expect(report.ok).toBe(true);
    expect(trigger(imported)).toBe(sql);
    const insert = byTrigger.prepare("INSERT INTO citizens (citizen_id, name, name_latin, district, birth_date) VALUES (?, ?, ?, '历下区', '1980-01-01')");
    for (const [id, name, latin] of PEOPLE) insert.run(id, name, latin === '' ? null : latin);
    expect(indexed(imported)).toEqual(indexed(byTrigger));
    // Not vacuous: the indexes do find people.
    expect(indexed(imported)['search 王芳']).toEqual(['N01']);
    expect(indexed(imported)['search 芳']).toEqual(['N01']);
    expect(indexed(imported)['fts picard']).toEqual(['N06']);
    // The external-content index agrees with the table.
    imported.exec("INSERT INTO citizens_fts(citizens_fts) VALUES ('integrity-check')");
    imported.close();
    byTrigger.close();
  });

  it('a second import indexes its new citizens and re-indexes an updated name, as the triggers do', async () => {
    const db = openTempDb().db;
    const reference = openTempDb().db;
    await importFolder(db, folder({ 'citizens.csv': citizensCsv(PEOPLE.slice(0, 4)) }), { actor: 'test' });
    const renamed: typeof PEOPLE = [['N01', '王芳芳', 'Wang Fangfang'], ...PEOPLE.slice(1)];
    await importFolder(db, folder({ 'citizens.csv': citizensCsv(renamed) }), { actor: 'test' });
    const insert = reference.prepare("INSERT INTO citizens (citizen_id, name, name_latin, district, birth_date) VALUES (?, ?, ?, '历下区', '1980-01-01')");
    for (const [id, name, latin] of PEOPLE.slice(0, 4)) insert.run(id, name, latin === '' ? null : latin);
    reference.prepare("UPDATE citizens SET name = '王芳芳', name_latin = 'Wang Fangfang' WHERE citizen_id = 'N01'").run();
    for (const [id, name, latin] of PEOPLE.slice(4)) insert.run(id, name, latin === '' ? null : latin);
    expect(indexed(db)).toEqual(indexed(reference));
    // A citizen inserted after the import, outside it, is indexed by the trigger.
    db.prepare("INSERT INTO citizens (citizen_id, name, district) VALUES ('N99', '李明哲', '历下区')").run();
    expect(db.prepare("SELECT count(*) FROM citizens_cjk WHERE citizens_cjk MATCH '\"李明哲\"'").pluck().get()).toBe(1);
    db.close();
    reference.close();
  });

  it('a failed import leaves the trigger and both indexes as they were', async () => {
    const db = openTempDb().db;
    await importFolder(db, folder({ 'citizens.csv': citizensCsv(PEOPLE.slice(0, 3)) }), { actor: 'test' });
    const before = indexed(db);
    const sql = trigger(db);
    const bad = citizensCsv(PEOPLE.slice(3)) + 'bad id!,Someone,历下区,1980-01-01,\n';
    const report = await importFolder(db, folder({ 'citizens.csv': bad }), { actor: 'test' });
    expect(report.ok).toBe(false);
    expect(report.problems[0].line).toBe(7);
    expect(trigger(db)).toBe(sql);
    expect(indexed(db)).toEqual(before);
    db.close();
  });

  it('is deferred only inside a write transaction, and not when the live trigger is another one', () => {
    const db = openTempDb().db;
    expect(() => deferNameIndex(db, 1)).toThrow(/inside the write transaction/);
    db.exec('BEGIN');
    const sql = trigger(db)!;
    db.exec('DROP TRIGGER citizens_fts_insert');
    db.exec(sql.replace('VALUES (new.idx, new.name, new.name_latin)', 'VALUES (new.idx, upper(new.name), new.name_latin)'));
    const changed = trigger(db);
    expect(deferNameIndex(db, 1).deferred).toBe(false);
    expect(trigger(db)).toBe(changed);
    db.exec('ROLLBACK');
    db.close();
  });
});
