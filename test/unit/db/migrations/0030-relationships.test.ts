/** Migration 0030: undirected friendships stored once per pair (a < b), with ISO date bounds. */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../../electron/db/connection.js';
import { isStrict, schemaObjects, userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0030');

/** Three citizens written at version 20; returns their idx. */
function seedCitizens(db: Db): number[] {
  const insert = db.prepare("INSERT INTO citizens (citizen_id, name, district, birth_date) VALUES (?, ?, 'Gangwan', NULL)");
  return [
    ['C1', 'Zhang Wei'],
    ['C2', 'Li Na'],
    ['C3', 'Wang Fang'],
  ].map(([id, name]) => Number(insert.run(id, name).lastInsertRowid));
}

function befriend(db: Db, a: unknown, b: unknown, since: unknown = '2020-01-01', until: unknown = null) {
  return db.prepare('INSERT INTO relationships (a, b, since, until) VALUES (?, ?, ?, ?)').run(a, b, since, until);
}

describe('migration 0030-relationships', () => {
  it('keeps the citizens written at version 20, still searchable, and adds a STRICT relationships table', () => {
    const { db, migrateTo } = atVersion(20);
    seedCitizens(db);

    migrateTo(30);

    expect(userVersion(db)).toBe(30);
    expect(db.prepare('SELECT citizen_id, name FROM citizens ORDER BY idx').all()).toEqual([
      { citizen_id: 'C1', name: 'Zhang Wei' },
      { citizen_id: 'C2', name: 'Li Na' },
      { citizen_id: 'C3', name: 'Wang Fang' },
    ]);
    expect(db.prepare("SELECT citizen_id FROM citizens_fts WHERE citizens_fts MATCH 'wan*'").pluck().all()).toEqual(['C3']);
    expect(schemaObjects(db, 'table')).toContain('relationships');
    expect(isStrict(db, 'relationships')).toBe(true);
    expect(schemaObjects(db, 'index')).toContain('relationships_by_b');
  });

  it('stores a pair once with a < b and refuses the same pair reversed or a self-loop', () => {
    const { db, migrateTo } = atVersion(20);
    const [c1, c2] = seedCitizens(db);
    migrateTo(30);
    befriend(db, c1, c2);
    expect(() => befriend(db, c2, c1)).toThrow(/CHECK constraint/);
    expect(() => befriend(db, c1, c1)).toThrow(/CHECK constraint/);
    expect(() => befriend(db, c1, c2, '2021-01-01')).toThrow(/UNIQUE constraint|PRIMARY KEY/);
    expect(db.prepare('SELECT a, b, since, until FROM relationships').all()).toEqual([{ a: c1, b: c2, since: '2020-01-01', until: null }]);
  });

  it('refuses an end date that is not after the start date', () => {
    const { db, migrateTo } = atVersion(20);
    const [c1, c2, c3] = seedCitizens(db);
    migrateTo(30);
    expect(() => befriend(db, c1, c2, '2020-01-01', '2020-01-01')).toThrow(/CHECK constraint/);
    expect(() => befriend(db, c1, c2, '2020-01-01', '2019-12-31')).toThrow(/CHECK constraint/);
    befriend(db, c1, c3, '2020-01-01', '2020-01-02');
    expect(db.prepare('SELECT count(*) FROM relationships').pluck().get()).toBe(1);
  });

  it('refuses a friendship with a citizen that does not exist', () => {
    const { db, migrateTo } = atVersion(20);
    const [c1] = seedCitizens(db);
    migrateTo(30);
    expect(() => befriend(db, c1, 999)).toThrow(/FOREIGN KEY/);
  });

  it('STRICT typing refuses text in the integer citizen columns', () => {
    const { db, migrateTo } = atVersion(20);
    const [c1] = seedCitizens(db);
    migrateTo(30);
    expect(() => befriend(db, c1, 'C2')).toThrow(/cannot store TEXT value in INTEGER column relationships\.b/);
  });
});
