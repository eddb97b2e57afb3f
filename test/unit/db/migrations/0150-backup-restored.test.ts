/** Migration 0150: the operation kind backup_restored, with every operation, the chain and its triggers kept. */
import { describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../../../electron/db/chainVerify.js';
import { MIGRATIONS } from '../../../../electron/db/migrations/index.js';
import m0150 from '../../../../electron/db/migrations/0150-backup-restored.js';
import { insertOperation, userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0150');
const PREVIOUS = MIGRATIONS[MIGRATIONS.indexOf(m0150) - 1].version;

describe('migration 0150-backup-restored', () => {
  it('allows backup_restored, keeps the operations, their immutability and their chain', () => {
    const { db, migrateTo } = atVersion(PREVIOUS);
    const op = insertOperation(db, 'before 0150');
    expect(() => db.prepare("INSERT INTO operations (kind, actor, at, reason, details) VALUES ('backup_restored', 'a', 'x', 'r', '{}')").run()).toThrow(/CHECK constraint/);

    migrateTo(m0150.version);

    expect(userVersion(db)).toBe(m0150.version);
    expect(db.prepare('SELECT reason FROM operations WHERE id = ?').pluck().get(op)).toBe('before 0150');
    db.prepare("INSERT INTO operations (kind, actor, at, reason, details) VALUES ('backup_restored', 'admin', '2026-11-30T00:00:00Z', 'disk failure', '{}')").run();
    expect(() => db.prepare("UPDATE operations SET reason = 'x'").run()).toThrow(/immutable/);
    expect(verifyIntegrity(db)).toMatchObject({ ok: true, chain: { count: 2 } });
  });
});
