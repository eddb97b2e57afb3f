/** Migration 0070: local accounts and the append-only access log. */
import { describe, expect, it } from 'vitest';
import { insertOperation, isStrict, schemaObjects, userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0070');

describe('migration 0070-accounts', () => {
  it('keeps the operations and citizens written at version 60 and adds STRICT users and access_log tables', () => {
    const { db, migrateTo } = atVersion(60);
    const op = insertOperation(db, 'import at version 60');
    db.prepare("INSERT INTO citizens (citizen_id, name, district) VALUES ('C1', 'Zhang Wei', 'Yatou')").run();

    migrateTo(70);

    expect(userVersion(db)).toBe(70);
    expect(db.prepare('SELECT id FROM operations').pluck().all()).toEqual([op]);
    expect(db.prepare('SELECT citizen_id FROM citizens').pluck().all()).toEqual(['C1']);
    expect(schemaObjects(db, 'table')).toEqual(expect.arrayContaining(['users', 'access_log']));
    expect(isStrict(db, 'users')).toBe(true);
    expect(isStrict(db, 'access_log')).toBe(true);
  });

  it('refuses a second account with the same name in another case, and an unknown role', () => {
    const { db, migrateTo } = atVersion(60);
    migrateTo(70);
    const add = db.prepare("INSERT INTO users (username, display_name, role, password_hash, created_at, created_by) VALUES (?, 'x', ?, 'scrypt$17$8$1$a$b', '2026-11-26T00:00:00Z', 'test')");
    add.run('ada', 'admin');
    expect(() => add.run('ADA', 'viewer')).toThrow(/UNIQUE/);
    expect(() => add.run('bob', 'superuser')).toThrow(/CHECK/);
  });

  it('keeps the access log append-only', () => {
    const { db, migrateTo } = atVersion(60);
    migrateTo(70);
    db.prepare("INSERT INTO access_log (at, username, action, citizen_id, detail, purpose, outcome) VALUES ('2026-11-26T00:00:00Z', 'ada', 'view_record', 'C1', 'opened', 'case 7', 'allowed')").run();
    expect(() => db.prepare("UPDATE access_log SET username = 'mallory'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM access_log').run()).toThrow(/append-only/);
    expect(() => db.prepare("INSERT OR REPLACE INTO access_log (id, at, username, action, detail, outcome) VALUES (1, 'x', 'mallory', 'view_record', '', 'allowed')").run()).toThrow(/append-only/);
    expect(db.prepare('SELECT username FROM access_log').pluck().all()).toEqual(['ada']);
    expect(() => db.prepare("INSERT INTO access_log (at, username, action, detail, outcome) VALUES ('x', 'ada', 'login', '', 'maybe')").run()).toThrow(/CHECK/);
  });
});
