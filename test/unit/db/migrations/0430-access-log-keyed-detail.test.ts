/**
 * 0430: access-log rows gain a keyed detail (catalog key + JSON parameters)
 * beside the English text. Rows written before keep their content and their
 * chain hashes; the log stays append-only and chained; parameters without a
 * key, or that are not a JSON object, are refused whoever writes the row.
 */
import { describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../../../electron/db/chainVerify.js';
import { userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const versioned = useVersionedDatabases('migration-0430');
const INSERT = 'INSERT INTO access_log (at, username, action, detail, outcome, detail_key, detail_params) VALUES (?, ?, ?, ?, ?, ?, ?)';

describe('migration 0430 access-log keyed detail', () => {
  it('keeps the rows and their chain hashes, chains keyed rows, and stays append-only', () => {
    const { db, migrateTo } = versioned(420);
    db.prepare("INSERT INTO access_log (at, username, action, detail, outcome) VALUES ('2026-11-01T00:00:00Z', 'wang', 'login', 'role official', 'allowed')").run();
    const before = db.prepare('SELECT * FROM access_log').all() as Record<string, unknown>[];
    const hashBefore = db.prepare("SELECT content_hash FROM chain WHERE tbl = 'access_log'").pluck().all();
    expect(hashBefore).toHaveLength(1);
    migrateTo(430);
    expect(userVersion(db)).toBe(430);
    expect(db.prepare('SELECT * FROM access_log').all()).toEqual(before.map((r) => ({ ...r, detail_key: null, detail_params: null })));
    expect(db.prepare("SELECT content_hash FROM chain WHERE tbl = 'access_log'").pluck().all()).toEqual(hashBefore);

    db.prepare(INSERT).run('2026-11-02T00:00:00Z', 'wang', 'login', 'role official', 'allowed', 'access.loginAs', '{"role":"official"}');
    expect(verifyIntegrity(db)).toMatchObject({ ok: true });
    // The key is part of the chained content: changing it afterwards is refused, and would be detected.
    expect(() => db.prepare("UPDATE access_log SET detail_key = 'access.wrongPassword' WHERE id = 2").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM access_log WHERE id = 2').run()).toThrow(/append-only/);

    // Even with the append-only trigger dropped, a rewritten key is found by the verifier.
    db.exec('DROP TRIGGER access_log_no_update');
    db.prepare("UPDATE access_log SET detail_key = 'access.wrongPassword' WHERE id = 2").run();
    expect(verifyIntegrity(db).ok).toBe(false);

    for (const [key, params] of [
      [null, '{"role":"official"}'],
      ['access.loginAs', 'not json'],
      ['access.loginAs', '["official"]'],
      ['', null],
    ] as const) {
      expect(() => db.prepare(INSERT).run('2026-11-03T00:00:00Z', 'wang', 'login', 'x', 'allowed', key, params), `${key} ${params}`).toThrow(/CHECK/);
    }
  });
});
