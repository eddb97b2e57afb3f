/**
 * 0320: citizens gain a Latin form of the name, and the name search is
 * rebuilt so that Chinese names are found by surname, given name or full
 * name; the citizens already stored are indexed by the migration itself.
 */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../../electron/db/connection.js';
import { fencedName, nameMatch, sqlFencedName, sqlHasCjk } from '../../../../electron/db/nameSearch.js';
import { columnsOf, schemaObjects, userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0320');

function insertCitizen(db: Db, id: string, name: string): number {
  return Number(db.prepare("INSERT INTO citizens (citizen_id, name, district, birth_date) VALUES (?, ?, '历下区', '1980-01-01')").run(id, name).lastInsertRowid);
}

/** Citizen ids whose name matches `query`, through the same MATCH expressions as the console's search. */
function byName(db: Db, query: string): string[] {
  const match = nameMatch(query);
  if (!match) return [];
  const sets: string[][] = [];
  if (match.latin) sets.push(db.prepare('SELECT c.citizen_id FROM citizens_fts f JOIN citizens c ON c.idx = f.rowid WHERE citizens_fts MATCH ?').pluck().all(match.latin) as string[]);
  if (match.cjk) sets.push(db.prepare('SELECT c.citizen_id FROM citizens_cjk f JOIN citizens c ON c.idx = f.rowid WHERE citizens_cjk MATCH ?').pluck().all(match.cjk) as string[]);
  return sets.reduce((a, b) => a.filter((id) => b.includes(id))).sort();
}

function integrityChecks(db: Db): void {
  db.prepare("INSERT INTO citizens_fts(citizens_fts, rank) VALUES ('integrity-check', 1)").run();
  db.prepare("INSERT INTO citizens_cjk(citizens_cjk) VALUES ('integrity-check')").run();
}

describe('migration 0320 citizen name search', () => {
  it('keeps every citizen, adds an empty Latin name, and indexes the names already stored', () => {
    const { db, migrateTo } = atVersion(240);
    insertCitizen(db, 'C1', '王芳');
    insertCitizen(db, 'C2', 'Zhang Wei');
    insertCitizen(db, 'C3', '欧阳建国');
    const before = db.prepare('SELECT * FROM citizens ORDER BY idx').all() as Record<string, unknown>[];
    // Before: the given name alone finds nothing, the run of characters is one token.
    expect(db.prepare("SELECT count(*) FROM citizens_fts WHERE citizens_fts MATCH '芳*'").pluck().get()).toBe(0);

    migrateTo(320);

    expect(userVersion(db)).toBe(320);
    expect(db.prepare('SELECT * FROM citizens ORDER BY idx').all()).toEqual(before.map((r) => ({ ...r, name_latin: null })));
    expect(columnsOf(db, 'citizens').find((c) => c.name === 'name_latin')).toEqual({ name: 'name_latin', type: 'TEXT', notnull: 0, pk: 0 });
    expect(schemaObjects(db, 'table')).toEqual(expect.arrayContaining(['citizens_cjk', 'citizens_fts']));
    expect(byName(db, '芳')).toEqual(['C1']);
    expect(byName(db, '王')).toEqual(['C1']);
    expect(byName(db, '王芳')).toEqual(['C1']);
    expect(byName(db, '建国')).toEqual(['C3']);
    expect(byName(db, '欧阳')).toEqual(['C3']);
    expect(byName(db, 'zhang w')).toEqual(['C2']);
    // Only names with CJK characters are in the trigram index.
    expect(db.prepare('SELECT count(*) FROM citizens_cjk').pluck().get()).toBe(2);
    integrityChecks(db);
  });

  it('keeps both indexes in step with inserts, renames, new Latin names and deletions made in SQL', () => {
    const { db, migrateTo } = atVersion(240);
    migrateTo(320);
    const idx = insertCitizen(db, 'C1', '王芳');
    db.prepare("UPDATE citizens SET name = '李娜', name_latin = 'Li Na' WHERE idx = ?").run(idx);
    expect(byName(db, '芳')).toEqual([]);
    expect(byName(db, '王')).toEqual([]);
    expect(byName(db, '娜')).toEqual(['C1']);
    expect(byName(db, 'li n')).toEqual(['C1']);
    // A name that loses its Chinese characters leaves the trigram index.
    db.prepare("UPDATE citizens SET name = 'Li Na' WHERE idx = ?").run(idx);
    expect(byName(db, '娜')).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM citizens_cjk').pluck().get()).toBe(0);
    // A district change does not touch the index.
    db.prepare("UPDATE citizens SET district = '市中区' WHERE idx = ?").run(idx);
    db.prepare("UPDATE citizens SET name = '赵敏' WHERE idx = ?").run(idx);
    expect(byName(db, '敏')).toEqual(['C1']);
    db.prepare('DELETE FROM citizens WHERE idx = ?').run(idx);
    expect(byName(db, '敏')).toEqual([]);
    expect(byName(db, 'li')).toEqual([]);
    integrityChecks(db);
  });

  it('stores exactly the definitions of nameSearch in its triggers, so the query side and the index agree', () => {
    const { db, migrateTo } = atVersion(240);
    migrateTo(320);
    const insert = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'citizens_fts_insert'").pluck().get() as string;
    expect(insert).toContain(sqlFencedName('new.name'));
    expect(insert).toContain(sqlHasCjk('new.name'));
    // The SQL fence and the one the queries assume are the same text.
    const name = '阿依古丽·买买提 Ay・X';
    expect(db.prepare(`SELECT ${sqlFencedName('?')}`).pluck().get(name)).toBe(fencedName(name));
    expect(db.prepare(`SELECT ${sqlHasCjk('?')}`).pluck().get('Ay X')).toBe(0);
    for (const cjk of ['王', 'ひ', 'カ', '한', '𠮷', '々']) expect(db.prepare(`SELECT ${sqlHasCjk('?')}`).pluck().get(`x${cjk}y`)).toBe(1);
  });
});
