/** Migration 0050: published rulesets, immutable and tied to the operation that published them. */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../../electron/db/connection.js';
import { insertOperation, isStrict, schemaObjects, userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0050');

/** A citizen, a kind, an event and its operation, written at version 40. */
function seedVersion40(db: Db): { op: number } {
  const op = insertOperation(db, 'import at version 40');
  const c = Number(db.prepare("INSERT INTO citizens (citizen_id, name, district) VALUES ('C1', 'Zhang Wei', 'Yatou')").run().lastInsertRowid);
  db.prepare("INSERT INTO event_kinds (kind, fields) VALUES ('blood_donation', '{\"ml\":{\"type\":\"number\"}}')").run();
  db.prepare("INSERT INTO events (event_id, citizen_idx, kind, occurred_at, occurred_ms, data, operation_id) VALUES ('E1', ?, 'blood_donation', '2026-01-01T00:00:00Z', 1767225600000, '{\"ml\":400}', ?)").run(c, op);
  return { op };
}

const SPEC = '{"base_score":1000}';

describe('migration 0050-rulesets', () => {
  it('keeps the events written at version 40 and adds a STRICT rulesets table', () => {
    const { db, migrateTo } = atVersion(40);
    const { op } = seedVersion40(db);

    migrateTo(50);

    expect(userVersion(db)).toBe(50);
    expect(db.prepare('SELECT event_id, kind, data, operation_id FROM events').all()).toEqual([{ event_id: 'E1', kind: 'blood_donation', data: '{"ml":400}', operation_id: op }]);
    expect(schemaObjects(db, 'table')).toContain('rulesets');
    expect(isStrict(db, 'rulesets')).toBe(true);
    expect(schemaObjects(db, 'trigger')).toEqual(expect.arrayContaining(['rulesets_no_delete', 'rulesets_no_update']));
  });

  it('stores a published version and refuses changing or deleting it', () => {
    const { db, migrateTo } = atVersion(40);
    const { op } = seedVersion40(db);
    migrateTo(50);
    db.prepare('INSERT INTO rulesets (version, spec, operation_id) VALUES (1, ?, ?)').run(SPEC, op);
    expect(() => db.prepare(`UPDATE rulesets SET spec = '{"base_score":0}'`).run()).toThrow(/published rulesets are immutable/);
    expect(() => db.prepare('DELETE FROM rulesets').run()).toThrow(/published rulesets are immutable/);
    expect(db.prepare('SELECT version, spec, operation_id FROM rulesets').all()).toEqual([{ version: 1, spec: SPEC, operation_id: op }]);
  });

  it('refuses overwriting a published version with INSERT OR REPLACE', () => {
    const { db, migrateTo } = atVersion(40);
    const { op } = seedVersion40(db);
    migrateTo(50);
    db.prepare('INSERT INTO rulesets (version, spec, operation_id) VALUES (1, ?, ?)').run(SPEC, op);
    expect(() => db.prepare(`INSERT OR REPLACE INTO rulesets (version, spec, operation_id) VALUES (1, '{"base_score":0}', ?)`).run(op)).toThrow(
      /published rulesets are immutable/,
    );
    expect(db.prepare('SELECT spec FROM rulesets WHERE version = 1').pluck().get()).toBe(SPEC);
  });

  it('refuses a version without a publishing operation and a version number given twice', () => {
    const { db, migrateTo } = atVersion(40);
    const { op } = seedVersion40(db);
    migrateTo(50);
    expect(() => db.prepare('INSERT INTO rulesets (version, spec, operation_id) VALUES (1, ?, 999)').run(SPEC)).toThrow(/FOREIGN KEY/);
    db.prepare('INSERT INTO rulesets (version, spec, operation_id) VALUES (1, ?, ?)').run(SPEC, op);
    expect(() => db.prepare('INSERT INTO rulesets (version, spec, operation_id) VALUES (1, ?, ?)').run(SPEC, op)).toThrow(/UNIQUE constraint|PRIMARY KEY/);
  });

  it('STRICT typing refuses text as a version number', () => {
    const { db, migrateTo } = atVersion(40);
    const { op } = seedVersion40(db);
    migrateTo(50);
    expect(() => db.prepare("INSERT INTO rulesets (version, spec, operation_id) VALUES ('v2', ?, ?)").run(SPEC, op)).toThrow(/datatype mismatch|cannot store TEXT/);
  });
});
