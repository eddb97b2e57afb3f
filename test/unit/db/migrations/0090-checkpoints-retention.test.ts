/** Migration 0090: installation keys, signed ledger checkpoints, retention per event kind and its log. */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../../electron/db/connection.js';
import { MIGRATIONS } from '../../../../electron/db/migrations/index.js';
import m0090 from '../../../../electron/db/migrations/0090-checkpoints-retention.js';
import { columnsOf, insertOperation, isStrict, schemaObjects, userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0090');
/** The version before this migration (0070 or 0080, whichever is last before it). */
const PREVIOUS = MIGRATIONS[MIGRATIONS.indexOf(m0090) - 1].version;

/** Two kinds, a citizen, an event and a ledger entry, written before the migration. */
function seedPrevious(db: Db): { op: number } {
  const op = insertOperation(db, 'import before 0090');
  db.prepare("INSERT INTO event_kinds (kind, fields) VALUES ('utility_theft', '{\"value\":{\"type\":\"number\"}}'), ('blood_donation', '{}')").run();
  const c1 = Number(db.prepare("INSERT INTO citizens (citizen_id, name, district) VALUES ('C1', 'Zhang Wei', 'Yatou')").run().lastInsertRowid);
  db.prepare(
    `INSERT INTO events (event_id, citizen_idx, kind, occurred_at, occurred_ms, data, operation_id)
     VALUES ('E1', ?, 'utility_theft', '2020-06-01T10:00:00Z', ?, '{"value":120}', ?)`,
  ).run(c1, Date.parse('2020-06-01T10:00:00Z'), op);
  db.prepare(
    `INSERT INTO ledger (seq, citizen_id, operation_id, old_score, new_score, old_tier, new_tier, ruleset_version, cause, cause_friends, prev_hash, hash)
     VALUES (1, 'C1', ?, NULL, 94000, NULL, 'B', 1, 'own', '[]', ?, ?)`,
  ).run(op, '0'.repeat(64), 'a'.repeat(64));
  return { op };
}

function insertKey(db: Db, keyId = '0123456789abcdef') {
  return db.prepare("INSERT INTO installation_keys (key_id, public_key, created_at) VALUES (?, '-----BEGIN PUBLIC KEY-----', '2026-11-01T00:00:00.000Z')").run(keyId);
}

function insertCheckpoint(db: Db, values: Record<string, unknown> = {}) {
  const row = { count: 1, head: 'a'.repeat(64), at: '2026-11-01T00:00:00.000Z', key_id: '0123456789abcdef', signature: 'c2lnbmF0dXJl', actor: 'auditor', ...values };
  return db.prepare('INSERT INTO ledger_checkpoints (count, head, at, key_id, signature, actor) VALUES (@count, @head, @at, @key_id, @signature, @actor)').run(row);
}

describe('migration 0090-checkpoints-retention', () => {
  it('keeps kinds, events and the ledger written before it, adds STRICT tables and a NULL retention per kind', () => {
    const { db, migrateTo } = atVersion(PREVIOUS);
    const { op } = seedPrevious(db);

    migrateTo(90);

    expect(userVersion(db)).toBe(90);
    expect(db.prepare('SELECT kind, retention_days FROM event_kinds ORDER BY kind').all()).toEqual([
      { kind: 'blood_donation', retention_days: null },
      { kind: 'utility_theft', retention_days: null },
    ]);
    expect(db.prepare('SELECT event_id, operation_id FROM events').all()).toEqual([{ event_id: 'E1', operation_id: op }]);
    expect(db.prepare('SELECT seq, hash FROM ledger').all()).toEqual([{ seq: 1, hash: 'a'.repeat(64) }]);
    for (const table of ['installation_keys', 'ledger_checkpoints', 'retention_changes']) {
      expect(schemaObjects(db, 'table')).toContain(table);
      expect(isStrict(db, table)).toBe(true);
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()).toBe(0);
    }
    expect(isStrict(db, 'event_kinds')).toBe(true);
    expect(columnsOf(db, 'event_kinds').find((c) => c.name === 'retention_days')).toMatchObject({ type: 'INTEGER', notnull: 0 });
  });

  it('refuses a retention of zero days, or text, and accepts a whole number or NULL', () => {
    const { db, migrateTo } = atVersion(PREVIOUS);
    seedPrevious(db);
    migrateTo(90);
    const set = db.prepare("UPDATE event_kinds SET retention_days = ? WHERE kind = 'utility_theft'");
    expect(() => set.run(0)).toThrow(/CHECK constraint/);
    expect(() => set.run('five years')).toThrow(/cannot store TEXT value in INTEGER column event_kinds\.retention_days/);
    set.run(365);
    expect(db.prepare("SELECT retention_days FROM event_kinds WHERE kind = 'utility_theft'").pluck().get()).toBe(365);
    set.run(null);
    expect(db.prepare("SELECT retention_days FROM event_kinds WHERE kind = 'utility_theft'").pluck().get()).toBeNull();
  });

  it('makes keys, checkpoints and the retention log append-only', () => {
    const { db, migrateTo } = atVersion(PREVIOUS);
    seedPrevious(db);
    migrateTo(90);
    insertKey(db);
    insertCheckpoint(db);
    db.prepare("INSERT INTO retention_changes (kind, old_days, new_days, actor, at) VALUES ('utility_theft', NULL, 365, 'dpo', '2026-11-01T00:00:00.000Z')").run();

    expect(() => db.prepare("UPDATE installation_keys SET public_key = 'forged'").run()).toThrow(/installation keys are append-only/);
    expect(() => db.prepare('DELETE FROM installation_keys').run()).toThrow(/installation keys are append-only/);
    expect(() => db.prepare("UPDATE ledger_checkpoints SET head = ?").run('b'.repeat(64))).toThrow(/ledger checkpoints are append-only/);
    expect(() => db.prepare('DELETE FROM ledger_checkpoints').run()).toThrow(/ledger checkpoints are append-only/);
    const replace = "INSERT OR REPLACE INTO ledger_checkpoints (id, count, head, at, key_id, signature, actor) VALUES (1, 0, ?, 'then', '0123456789abcdef', 'x', 'mallory')";
    expect(() => db.prepare(replace).run('0'.repeat(64))).toThrow(/ledger checkpoints are append-only/);
    expect(() => db.prepare('UPDATE retention_changes SET new_days = 1').run()).toThrow(/the retention log is append-only/);
    expect(() => db.prepare('DELETE FROM retention_changes').run()).toThrow(/the retention log is append-only/);
    expect(db.prepare('SELECT count, actor FROM ledger_checkpoints').all()).toEqual([{ count: 1, actor: 'auditor' }]);
  });

  it('refuses a checkpoint of an unknown key, a negative count or a head that is not 64 characters', () => {
    const { db, migrateTo } = atVersion(PREVIOUS);
    seedPrevious(db);
    migrateTo(90);
    insertKey(db);
    expect(() => insertCheckpoint(db, { key_id: 'ffffffffffffffff' })).toThrow(/FOREIGN KEY/);
    expect(() => insertCheckpoint(db, { count: -1 })).toThrow(/CHECK constraint/);
    expect(() => insertCheckpoint(db, { head: 'abc' })).toThrow(/CHECK constraint/);
    expect(() => insertCheckpoint(db, { count: '300' })).not.toThrow(); // STRICT converts text that is an integer
    expect(() => insertCheckpoint(db, { count: 'three hundred' })).toThrow(/cannot store TEXT value in INTEGER column ledger_checkpoints\.count/);
    expect(() => insertKey(db, 'short')).toThrow(/CHECK constraint/);
    expect(db.prepare('SELECT count FROM ledger_checkpoints').pluck().all()).toEqual([300]);
  });

  it('refuses a retention change for an unknown kind', () => {
    const { db, migrateTo } = atVersion(PREVIOUS);
    seedPrevious(db);
    migrateTo(90);
    expect(() => db.prepare("INSERT INTO retention_changes (kind, old_days, new_days, actor, at) VALUES ('no_such_kind', NULL, 30, 'dpo', 'now')").run()).toThrow(/FOREIGN KEY/);
  });
});
