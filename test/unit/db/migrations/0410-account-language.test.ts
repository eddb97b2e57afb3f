/**
 * 0410: accounts gain a language preference, empty for the accounts already
 * there (they follow the login screen's choice until they pick one); only the
 * console's two languages can be stored.
 */
import { describe, expect, it } from 'vitest';
import { useVersionedDatabases, userVersion } from '../../helpers/migrationDb.js';

const versioned = useVersionedDatabases('migration-0410');

describe('migration 0410 account language', () => {
  it('keeps every account, without a language, and accepts only en and zh-CN', () => {
    const { db, migrateTo } = versioned(240);
    db.prepare("INSERT INTO users (username, display_name, role, password_hash, created_at, created_by) VALUES ('wang', 'Wang Fang', 'official', 'x', '2026-01-01T00:00:00Z', 'setup')").run();
    const before = db.prepare('SELECT * FROM users').all() as Record<string, unknown>[];
    migrateTo(410);
    expect(userVersion(db)).toBe(410);
    expect(db.prepare('SELECT * FROM users').all()).toEqual(before.map((r) => ({ ...r, language: null })));
    db.prepare("UPDATE users SET language = 'zh-CN' WHERE username = 'wang'").run();
    expect(() => db.prepare("UPDATE users SET language = 'fr' WHERE username = 'wang'").run()).toThrow(/CHECK/);
  });
});
