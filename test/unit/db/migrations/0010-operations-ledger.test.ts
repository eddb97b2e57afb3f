/** Migration 0010: operations and the append-only, hash-chained ledger, on an empty file. */
import { describe, expect, it } from 'vitest';
import { columnsOf, insertOperation, isStrict, schemaObjects, userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0010');

function insertLedgerRow(db: ReturnType<typeof atVersion>['db'], values: Partial<Record<string, unknown>> = {}) {
  const row = {
    seq: 1,
    citizen_id: 'C1',
    operation_id: 1,
    old_score: null,
    new_score: 100000,
    old_tier: null,
    new_tier: 'A',
    ruleset_version: 1,
    cause: 'own',
    cause_friends: '[]',
    prev_hash: '0'.repeat(64),
    hash: 'f'.repeat(64),
    ...values,
  };
  return db
    .prepare(
      `INSERT INTO ledger (seq, citizen_id, operation_id, old_score, new_score, old_tier, new_tier, ruleset_version, cause, cause_friends, prev_hash, hash)
       VALUES (@seq, @citizen_id, @operation_id, @old_score, @new_score, @old_tier, @new_tier, @ruleset_version, @cause, @cause_friends, @prev_hash, @hash)`,
    )
    .run(row);
}

describe('migration 0010-operations-ledger', () => {
  it('turns an empty file into version 10 with STRICT operations and ledger tables only', () => {
    const { db, migrateTo } = atVersion(0);
    expect(userVersion(db)).toBe(0);
    expect(schemaObjects(db, 'table')).toEqual([]);

    migrateTo(10);

    expect(userVersion(db)).toBe(10);
    expect(schemaObjects(db, 'table')).toEqual(['ledger', 'operations']);
    expect(isStrict(db, 'operations')).toBe(true);
    expect(isStrict(db, 'ledger')).toBe(true);
    expect(schemaObjects(db, 'trigger')).toEqual(['ledger_no_delete', 'ledger_no_update', 'operations_no_delete', 'operations_no_update']);
    expect(columnsOf(db, 'ledger').map((c) => c.name)).toEqual([
      'seq', 'citizen_id', 'operation_id', 'old_score', 'new_score', 'old_tier', 'new_tier', 'ruleset_version', 'cause', 'cause_friends', 'prev_hash', 'hash',
    ]);
  });

  it('stores an operation and a ledger entry that refers to it', () => {
    const { db, migrateTo } = atVersion(0);
    migrateTo(10);
    const op = insertOperation(db, 'first');
    insertLedgerRow(db, { operation_id: op });
    expect(db.prepare('SELECT reason FROM operations WHERE id = ?').pluck().get(op)).toBe('first');
    expect(db.prepare('SELECT seq, operation_id, old_score, new_score FROM ledger').get()).toEqual({ seq: 1, operation_id: op, old_score: null, new_score: 100000 });
  });

  it('refuses an operation of an unknown kind, without an actor or without a reason', () => {
    const { db, migrateTo } = atVersion(0);
    migrateTo(10);
    const insert = db.prepare("INSERT INTO operations (kind, actor, at, reason, details) VALUES (?, ?, '2026-01-01T00:00:00Z', ?, '{}')");
    expect(() => insert.run('score_bumped', 'tester', 'why')).toThrow(/CHECK constraint/);
    expect(() => insert.run('events_imported', '', 'why')).toThrow(/CHECK constraint/);
    expect(() => insert.run('events_imported', 'tester', '')).toThrow(/CHECK constraint/);
    expect(() => insert.run('events_imported', 'tester', null)).toThrow(/NOT NULL/);
    expect(db.prepare('SELECT count(*) FROM operations').pluck().get()).toBe(0);
  });

  it('STRICT typing refuses text in an INTEGER column of the ledger', () => {
    const { db, migrateTo } = atVersion(0);
    migrateTo(10);
    const op = insertOperation(db);
    expect(() => insertLedgerRow(db, { operation_id: op, new_score: 'a lot' })).toThrow(/cannot store TEXT value in INTEGER column ledger\.new_score/);
    expect(() => insertLedgerRow(db, { operation_id: op, old_score: 12.5 })).toThrow(/cannot store REAL value in INTEGER column ledger\.old_score/);
  });

  it('refuses a ledger entry whose cause is neither own nor friends', () => {
    const { db, migrateTo } = atVersion(0);
    migrateTo(10);
    const op = insertOperation(db);
    expect(() => insertLedgerRow(db, { operation_id: op, cause: 'admin' })).toThrow(/CHECK constraint/);
  });

  it('refuses a ledger entry that refers to an operation that does not exist', () => {
    const { db, migrateTo } = atVersion(0);
    migrateTo(10);
    expect(() => insertLedgerRow(db, { operation_id: 99 })).toThrow(/FOREIGN KEY/);
  });

  it('makes operations and ledger entries immutable', () => {
    const { db, migrateTo } = atVersion(0);
    migrateTo(10);
    const op = insertOperation(db, 'original');
    insertLedgerRow(db, { operation_id: op });
    expect(() => db.prepare("UPDATE operations SET reason = 'edited'").run()).toThrow(/operations are immutable/);
    expect(() => db.prepare('DELETE FROM ledger').run()).toThrow(/append-only/);
    expect(() => db.prepare('UPDATE ledger SET new_score = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM operations').run()).toThrow(/operations are immutable/);
    expect(db.prepare('SELECT reason FROM operations').pluck().get()).toBe('original');
  });
});
