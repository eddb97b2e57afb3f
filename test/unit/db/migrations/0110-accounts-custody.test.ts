/** Migration 0110: account changes and history, command-line tokens, traced reads and bulk-read alerts. */
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../electron/db/migrations/index.js';
import m0110 from '../../../../electron/db/migrations/0110-accounts-custody.js';
import { isStrict, userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0110');
const PREVIOUS = MIGRATIONS[MIGRATIONS.indexOf(m0110) - 1].version;

describe('migration 0110-accounts-custody', () => {
  it('keeps the accounts written before it and records their creation in the append-only account history', () => {
    const { db, migrateTo } = atVersion(PREVIOUS);
    db.prepare("INSERT INTO users (username, display_name, role, password_hash, created_at, created_by) VALUES ('alice', 'Alice', 'admin', 'scrypt$x', '2026-01-01T00:00:00Z', 'first start')").run();
    db.prepare("INSERT INTO users (username, display_name, role, password_hash, created_at, created_by) VALUES ('bob', 'Bob', 'viewer', 'scrypt$y', '2026-01-02T00:00:00Z', 'alice')").run();
    migrateTo(m0110.version);
    expect(userVersion(db)).toBe(m0110.version);
    expect(db.prepare('SELECT username, must_change_password FROM users ORDER BY id').all()).toEqual([
      { username: 'alice', must_change_password: 0 },
      { username: 'bob', must_change_password: 0 },
    ]);
    expect(db.prepare('SELECT username, action, actor, detail FROM account_events ORDER BY id').all()).toEqual([
      { username: 'alice', action: 'created', actor: 'first start', detail: 'role admin' },
      { username: 'bob', action: 'created', actor: 'alice', detail: 'role viewer' },
    ]);
    for (const t of ['account_changes', 'account_events', 'cli_tokens', 'access_reads', 'access_alerts']) expect(isStrict(db, t), t).toBe(true);
    expect(() => db.prepare("UPDATE account_events SET actor = 'mallory'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM account_events').run()).toThrow(/append-only/);
    expect(db.prepare("SELECT value FROM settings WHERE key = 'bulk_read_per_hour'").pluck().get()).toBe('300');
  });

  it('refuses an approved account change decided by its proposer or by the account it concerns', () => {
    const { db, migrateTo } = atVersion(PREVIOUS);
    migrateTo(m0110.version);
    const insert = (decidedBy: string) =>
      db
        .prepare(
          "INSERT INTO account_changes (kind, username, role, password_hash, reason, proposed_by, proposed_at, status, decided_by) VALUES ('create', 'carol', 'admin', 'h', 'why', 'alice', 'now', 'approved', ?)",
        )
        .run(decidedBy);
    expect(() => insert('ALICE')).toThrow(/CHECK/);
    expect(() => insert('carol')).toThrow(/CHECK/);
    expect(() => insert('bob')).not.toThrow();
  });

  it('allows one pending change per account', () => {
    const { db, migrateTo } = atVersion(PREVIOUS);
    migrateTo(m0110.version);
    const pending = () => db.prepare("INSERT INTO account_changes (kind, username, role, reason, proposed_by, proposed_at, status) VALUES ('role', 'bob', 'admin', 'why', 'alice', 'now', 'pending')").run();
    pending();
    expect(pending).toThrow(/UNIQUE/);
  });
});
