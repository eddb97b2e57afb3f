/**
 * 0190: the operation kinds of dispute steps are allowed, every operation,
 * ledger entry and foreign key survives the rebuild of `operations`, the
 * table stays immutable, and disputes gain an assignee and an outcome note.
 */
import { describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../../../electron/db/chainVerify.js';
import { operationKindsAllowed } from '../../../../electron/db/migrations/operationKinds.js';
import { useVersionedDatabases, userVersion } from '../../helpers/migrationDb.js';

const versioned = useVersionedDatabases('migration-0190');

describe('migration 0190 casework', () => {
  it('widens the operation kinds and keeps every operation, its references and its triggers', () => {
    const { db, migrateTo } = versioned(90);
    db.prepare("INSERT INTO operations (id, kind, actor, at, reason, details) VALUES (1, 'events_imported', 'clerk', '2026-01-01T00:00:00Z', 'first file', '{}')").run();
    db.prepare("INSERT INTO operations (id, kind, actor, at, reason, details) VALUES (2, 'appeal_decided', 'judge', '2026-01-02T00:00:00Z', 'upheld', '{\"dispute_id\":1}')").run();
    db.prepare("INSERT INTO citizens (citizen_id, name, district, birth_date) VALUES ('C1', 'Ann Lee', 'Chengxi', NULL)").run();
    db.prepare("INSERT INTO event_kinds (kind, fields) VALUES ('k', '{}')").run();
    db.prepare("INSERT INTO events (event_id, citizen_idx, kind, occurred_at, occurred_ms, data, operation_id) SELECT 'E1', idx, 'k', '2026-01-01T00:00:00Z', 0, '{}', 1 FROM citizens").run();
    const before = db.prepare('SELECT * FROM operations ORDER BY id').all();
    expect(() => db.prepare("INSERT INTO operations (kind, actor, at, reason, details) VALUES ('dispute_opened', 'x', 'now', 'r', '{}')").run()).toThrow(/CHECK constraint/);

    migrateTo(190);
    expect(userVersion(db)).toBe(190);
    expect(db.prepare('SELECT * FROM operations ORDER BY id').all()).toEqual(before);
    expect(operationKindsAllowed(db)).toEqual(expect.arrayContaining(['events_imported', 'appeal_decided', 'dispute_opened', 'dispute_assigned', 'dispute_reviewed', 'dispute_decided']));
    db.prepare("INSERT INTO operations (kind, actor, at, reason, details) VALUES ('dispute_opened', 'x', 'now', 'r', '{}')").run();
    expect(() => db.prepare("INSERT INTO operations (kind, actor, at, reason, details) VALUES ('score_deleted', 'x', 'now', 'r', '{}')").run()).toThrow(/CHECK constraint/);
    expect(() => db.prepare("UPDATE operations SET actor = 'mallory' WHERE id = 1").run()).toThrow(/operations are immutable/);
    expect(() => db.prepare('DELETE FROM operations WHERE id = 2').run()).toThrow(/operations are immutable/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    // The events still point at operation 1, and a reference to a missing operation is still refused.
    expect(() => db.prepare("INSERT INTO events (event_id, citizen_idx, kind, occurred_at, occurred_ms, data, operation_id) SELECT 'E2', idx, 'k', 'now', 0, '{}', 999 FROM citizens").run()).toThrow(/FOREIGN KEY/);
    expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'events'").pluck().get()).toMatch(/REFERENCES operations\(id\)/);
    // The rebuilt table is the same chained table: the chain still verifies, and a new operation is chained.
    expect(verifyIntegrity(db, { skipScores: true })).toMatchObject({ ok: true });
    const chained = db.prepare("SELECT count(*) FROM chain WHERE tbl = 'operations'").pluck().get() as number;
    db.prepare("INSERT INTO operations (kind, actor, at, reason, details) VALUES ('dispute_assigned', 'x', 'now', 'r', '{}')").run();
    expect(db.prepare("SELECT count(*) FROM chain WHERE tbl = 'operations'").pluck().get()).toBe(chained + 1);
    expect(verifyIntegrity(db, { skipScores: true })).toMatchObject({ ok: true });
  });

  it('gives disputes an assignee and an outcome note', () => {
    const { db, migrateTo } = versioned(90);
    migrateTo(190);
    const columns = (db.prepare("SELECT name FROM pragma_table_info('disputes')").pluck().all() as string[]);
    expect(columns).toEqual(expect.arrayContaining(['assigned_to', 'outcome_note']));
  });
});
