/**
 * 0440: chain seals. Events chained one by one before the migration stay
 * as they are and verify; the new table is empty, chained, append-only, and
 * refuses a seal of another table, whose run is empty or whose digest is not a SHA-256.
 */
import { describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../../../electron/db/chainVerify.js';
import { useVersionedDatabases, userVersion } from '../../helpers/migrationDb.js';

const versioned = useVersionedDatabases('migration-0440');

describe('migration 0440 chain seals', () => {
  it('adds an empty, chained, append-only table; events chained before it still verify', () => {
    const { db, migrateTo } = versioned(430);
    db.exec(`
      INSERT INTO operations (kind, actor, at, reason, details) VALUES ('events_imported', 'wang', '2026-01-01T00:00:00Z', 'first', '{}');
      INSERT INTO event_kinds (kind, fields) VALUES ('k', '{}');
      INSERT INTO citizens (citizen_id, name, district) VALUES ('C1', 'A', 'D');
      INSERT INTO events (event_id, citizen_idx, kind, occurred_at, occurred_ms, data, operation_id) VALUES ('E1', 1, 'k', '2026-01-01T00:00:00Z', 0, '{}', 1);
    `);
    migrateTo(440);
    expect(userVersion(db)).toBe(440);
    expect(db.prepare('SELECT count(*) FROM chain_seals').pluck().get()).toBe(0);
    expect(db.prepare("SELECT tbl FROM chain_tables WHERE tbl = 'chain_seals'").pluck().get()).toBe('chain_seals');
    expect(verifyIntegrity(db, { skipScores: true }).problems).toEqual([]);
    const insert = db.prepare('INSERT INTO chain_seals (tbl, operation_id, first_row, last_row, digest) VALUES (?, ?, ?, ?, ?)');
    expect(() => insert.run('events', 1, 5, 4, 'a'.repeat(64))).toThrow(/CHECK/);
    expect(() => insert.run('events', 1, 0, 4, 'a'.repeat(64))).toThrow(/CHECK/);
    expect(() => insert.run('events', 1, 2, 4, 'abc')).toThrow(/CHECK/);
    expect(() => insert.run('access_log', 1, 2, 4, 'a'.repeat(64))).toThrow(/CHECK/);
    insert.run('ledger', 1, 2, 4, 'a'.repeat(64));
    expect(db.prepare("SELECT count(*) FROM chain WHERE tbl = 'chain_seals'").pluck().get()).toBe(1);
    expect(() => db.prepare('UPDATE chain_seals SET last_row = 9').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM chain_seals').run()).toThrow(/append-only/);
  });
});
