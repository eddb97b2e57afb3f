/** Migration 0020: citizens with an FTS5 index on name and id, kept in step by triggers. */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../../electron/db/connection.js';
import { insertOperation, isStrict, schemaObjects, userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0020');

function insertCitizen(db: Db, id: string, name: string, district = 'Chengxi', birth: string | null = '1980-01-01'): number {
  return Number(db.prepare('INSERT INTO citizens (citizen_id, name, district, birth_date) VALUES (?, ?, ?, ?)').run(id, name, district, birth).lastInsertRowid);
}

function search(db: Db, query: string): string[] {
  return db.prepare('SELECT citizen_id FROM citizens_fts WHERE citizens_fts MATCH ? ORDER BY citizen_id').pluck().all(query) as string[];
}

describe('migration 0020-citizens', () => {
  it('keeps the operations written at version 10 and adds a STRICT citizens table with its search index', () => {
    const { db, migrateTo } = atVersion(10);
    const op = insertOperation(db, 'written at version 10');

    migrateTo(20);

    expect(userVersion(db)).toBe(20);
    expect(db.prepare('SELECT id, reason FROM operations').all()).toEqual([{ id: op, reason: 'written at version 10' }]);
    expect(schemaObjects(db, 'table')).toEqual(['citizens', 'citizens_fts', 'ledger', 'operations']);
    expect(isStrict(db, 'citizens')).toBe(true);
    expect(schemaObjects(db, 'trigger')).toEqual(expect.arrayContaining(['citizens_fts_delete', 'citizens_fts_insert', 'citizens_fts_update']));
  });

  it('finds an inserted citizen by a prefix of the name, of any word, in any case', () => {
    const { db, migrateTo } = atVersion(10);
    migrateTo(20);
    insertCitizen(db, 'C0000001', 'Zhang Wei');
    insertCitizen(db, 'C0000002', 'Zhao Minjing');
    insertCitizen(db, 'C0000003', 'Li Na');
    expect(search(db, 'zh*')).toEqual(['C0000001', 'C0000002']);
    expect(search(db, 'Zhan*')).toEqual(['C0000001']);
    expect(search(db, 'minj*')).toEqual(['C0000002']);
    expect(search(db, 'na')).toEqual(['C0000003']);
    expect(search(db, 'wang*')).toEqual([]);
  });

  it('finds a citizen by id prefix and by a name without its diacritics', () => {
    const { db, migrateTo } = atVersion(10);
    migrateTo(20);
    insertCitizen(db, 'X-77', 'Zoë Müller');
    insertCitizen(db, 'C0000002', 'Lü Bu');
    expect(search(db, 'muller')).toEqual(['X-77']);
    expect(search(db, 'zoe')).toEqual(['X-77']);
    expect(search(db, 'lu')).toEqual(['C0000002']);
    expect(search(db, 'citizen_id: C000*')).toEqual(['C0000002']);
  });

  it('keeps the search index in step when a citizen is renamed or deleted', () => {
    const { db, migrateTo } = atVersion(10);
    migrateTo(20);
    const idx = insertCitizen(db, 'C0000001', 'Zhang Wei');
    db.prepare("UPDATE citizens SET name = 'Huang Lei' WHERE idx = ?").run(idx);
    expect(search(db, 'zhang*')).toEqual([]);
    expect(search(db, 'huan*')).toEqual(['C0000001']);
    db.prepare('DELETE FROM citizens WHERE idx = ?').run(idx);
    expect(search(db, 'huan*')).toEqual([]);
    // FTS5 compares the index with the citizens table and throws if they disagree.
    expect(() => db.prepare("INSERT INTO citizens_fts(citizens_fts, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
  });

  it('refuses a duplicate citizen id, a missing name and text in the integer key', () => {
    const { db, migrateTo } = atVersion(10);
    migrateTo(20);
    insertCitizen(db, 'C0000001', 'Zhang Wei');
    expect(() => insertCitizen(db, 'C0000001', 'Someone Else')).toThrow(/UNIQUE constraint failed: citizens\.citizen_id/);
    expect(() => db.prepare("INSERT INTO citizens (citizen_id, name, district) VALUES ('C2', NULL, 'Yatou')").run()).toThrow(/NOT NULL/);
    expect(() => db.prepare("INSERT INTO citizens (idx, citizen_id, name, district) VALUES ('first', 'C3', 'Li Na', 'Yatou')").run()).toThrow(/datatype mismatch|cannot store TEXT/);
    expect(db.prepare('SELECT count(*) FROM citizens').pluck().get()).toBe(1);
  });

  it('accepts a citizen without a birth date', () => {
    const { db, migrateTo } = atVersion(10);
    migrateTo(20);
    insertCitizen(db, 'C0000001', 'Zhang Wei', 'Yatou', null);
    expect(db.prepare('SELECT birth_date FROM citizens').pluck().get()).toBeNull();
  });
});
