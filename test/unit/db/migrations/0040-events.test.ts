/** Migration 0040: event kinds with their schemas, and events (retraction keeps the row). */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../../electron/db/connection.js';
import { insertOperation, isStrict, schemaObjects, userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0040');

/** Citizens, a friendship and an operation, written at version 30. */
function seedVersion30(db: Db): { c1: number; c2: number; op: number } {
  const insert = db.prepare("INSERT INTO citizens (citizen_id, name, district) VALUES (?, ?, 'Yatou')");
  const c1 = Number(insert.run('C1', 'Zhang Wei').lastInsertRowid);
  const c2 = Number(insert.run('C2', 'Li Na').lastInsertRowid);
  db.prepare("INSERT INTO relationships (a, b, since, until) VALUES (?, ?, '2019-05-01', '2024-05-01')").run(c1, c2);
  const op = insertOperation(db, 'import at version 30');
  return { c1, c2, op };
}

function insertEvent(db: Db, values: Record<string, unknown>) {
  const row = { event_id: 'E1', citizen_idx: 1, kind: 'utility_theft', occurred_at: '2026-06-01T10:00:00Z', occurred_ms: Date.parse('2026-06-01T10:00:00Z'), data: '{"value":120}', operation_id: 1, retracted_by: null, ...values };
  return db
    .prepare(
      `INSERT INTO events (event_id, citizen_idx, kind, occurred_at, occurred_ms, data, operation_id, retracted_by)
       VALUES (@event_id, @citizen_idx, @kind, @occurred_at, @occurred_ms, @data, @operation_id, @retracted_by)`,
    )
    .run(row);
}

function withKind(db: Db): void {
  db.prepare("INSERT INTO event_kinds (kind, fields) VALUES ('utility_theft', '{\"value\":{\"type\":\"number\"}}')").run();
}

describe('migration 0040-events', () => {
  it('keeps citizens, friendships and operations written at version 30 and adds STRICT event tables', () => {
    const { db, migrateTo } = atVersion(30);
    const { c1, c2, op } = seedVersion30(db);

    migrateTo(40);

    expect(userVersion(db)).toBe(40);
    expect(db.prepare('SELECT count(*) FROM citizens').pluck().get()).toBe(2);
    expect(db.prepare('SELECT a, b, since, until FROM relationships').all()).toEqual([{ a: c1, b: c2, since: '2019-05-01', until: '2024-05-01' }]);
    expect(db.prepare('SELECT reason FROM operations WHERE id = ?').pluck().get(op)).toBe('import at version 30');
    expect(schemaObjects(db, 'table')).toEqual(expect.arrayContaining(['event_kinds', 'events']));
    expect(isStrict(db, 'event_kinds')).toBe(true);
    expect(isStrict(db, 'events')).toBe(true);
    expect(schemaObjects(db, 'index')).toContain('events_by_citizen');
  });

  it('stores an event of a registered kind for a known citizen, not retracted', () => {
    const { db, migrateTo } = atVersion(30);
    const { c1, op } = seedVersion30(db);
    migrateTo(40);
    withKind(db);
    insertEvent(db, { citizen_idx: c1, operation_id: op });
    expect(db.prepare('SELECT event_id, citizen_idx, kind, data, retracted_by FROM events').get()).toEqual({
      event_id: 'E1',
      citizen_idx: c1,
      kind: 'utility_theft',
      data: '{"value":120}',
      retracted_by: null,
    });
  });

  it('refuses an event of an unregistered kind, of an unknown citizen, or with an unknown operation', () => {
    const { db, migrateTo } = atVersion(30);
    const { c1, op } = seedVersion30(db);
    migrateTo(40);
    withKind(db);
    expect(() => insertEvent(db, { citizen_idx: c1, operation_id: op, kind: 'jaywalking' })).toThrow(/FOREIGN KEY/);
    expect(() => insertEvent(db, { citizen_idx: 999, operation_id: op })).toThrow(/FOREIGN KEY/);
    expect(() => insertEvent(db, { citizen_idx: c1, operation_id: 999 })).toThrow(/FOREIGN KEY/);
    expect(() => insertEvent(db, { citizen_idx: c1, operation_id: op, retracted_by: 999 })).toThrow(/FOREIGN KEY/);
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
  });

  it('refuses a second event with the same event id', () => {
    const { db, migrateTo } = atVersion(30);
    const { c1, c2, op } = seedVersion30(db);
    migrateTo(40);
    withKind(db);
    insertEvent(db, { citizen_idx: c1, operation_id: op });
    expect(() => insertEvent(db, { citizen_idx: c2, operation_id: op })).toThrow(/UNIQUE constraint failed: events\.event_id/);
  });

  it('STRICT typing refuses text in the instant in milliseconds', () => {
    const { db, migrateTo } = atVersion(30);
    const { c1, op } = seedVersion30(db);
    migrateTo(40);
    withKind(db);
    expect(() => insertEvent(db, { citizen_idx: c1, operation_id: op, occurred_ms: 'June 1st' })).toThrow(/cannot store TEXT value in INTEGER column events\.occurred_ms/);
  });

  it('refuses registering the same event kind twice', () => {
    const { db, migrateTo } = atVersion(30);
    seedVersion30(db);
    migrateTo(40);
    withKind(db);
    expect(() => withKind(db)).toThrow(/UNIQUE constraint|PRIMARY KEY/);
  });
});
