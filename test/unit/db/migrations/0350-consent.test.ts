/**
 * 0350: consent records (append-only, chained), the `consent_changed`
 * operation kind, and a ledger that takes `scope` entries with a null old or
 * new score: the rebuilt ledger keeps every entry, its hash chain and its
 * place in the chain of records, and stays append-only.
 */
import { describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../../../electron/db/chainVerify.js';
import { appendLedgerEntries, verifyLedger } from '../../../../electron/db/ledger.js';
import { operationKindsAllowed } from '../../../../electron/db/migrations/operationKinds.js';
import { useVersionedDatabases, userVersion } from '../../helpers/migrationDb.js';

const versioned = useVersionedDatabases('migration-0350');

const insertEntry = (seq: number, newScore: number | null, newTier: string | null, cause: string, oldScore: number | null = null, oldTier: string | null = null) =>
  `INSERT INTO ledger (seq, citizen_id, operation_id, old_score, new_score, old_tier, new_tier, ruleset_version, cause, cause_friends, prev_hash, hash)
   VALUES (${seq}, 'C1', 1, ${oldScore ?? 'NULL'}, ${newScore ?? 'NULL'}, ${oldTier ? `'${oldTier}'` : 'NULL'}, ${newTier ? `'${newTier}'` : 'NULL'}, 1, '${cause}', '[]', '${'0'.repeat(64)}', '${'1'.repeat(64)}')`;

describe('migration 0350 consent', () => {
  it('keeps every ledger entry and its chain, and lets a scope entry have no new score', () => {
    const { db, migrateTo } = versioned(240);
    db.prepare("INSERT INTO operations (id, kind, actor, at, reason, details) VALUES (1, 'events_imported', 'clerk', '2026-01-01T00:00:00Z', 'first file', '{}')").run();
    db.prepare("INSERT INTO citizens (citizen_id, name, district, birth_date) VALUES ('C1', 'Ann Lee', 'Chengxi', NULL)").run();
    const entry = { citizenId: 'C1', operationId: 1, oldCents: null, newCents: 100000, oldTier: null, newTier: 'A', rulesetVersion: 1, cause: 'own' as const, causeFriends: [] };
    appendLedgerEntries(db, [entry, { ...entry, oldCents: 100000, oldTier: 'A', newCents: 99000, newTier: 'A' }]);
    expect(() => db.prepare(insertEntry(3, null, null, 'scope', 100000, 'A')).run()).toThrow(/NOT NULL|CHECK/);
    const before = db.prepare('SELECT * FROM ledger ORDER BY seq').all();
    const chainBefore = db.prepare("SELECT * FROM chain WHERE tbl = 'ledger' ORDER BY seq").all();

    migrateTo(350);
    expect(userVersion(db)).toBe(350);
    expect(db.prepare('SELECT * FROM ledger ORDER BY seq').all()).toEqual(before);
    expect(db.prepare("SELECT * FROM chain WHERE tbl = 'ledger' ORDER BY seq").all()).toEqual(chainBefore);
    expect(verifyIntegrity(db, { skipScores: true }).problems).toEqual([]);
    expect(operationKindsAllowed(db)).toContain('consent_changed');

    appendLedgerEntries(db, [{ ...entry, oldCents: 99000, oldTier: 'A', newCents: null, newTier: null, cause: 'scope' }]);
    expect(verifyLedger(db).ok).toBe(true);
    // The new entry is chained like any other.
    expect(db.prepare("SELECT count(*) FROM chain WHERE tbl = 'ledger'").pluck().get()).toBe(chainBefore.length + 1);
    // Only a scope entry may lack a new score; an entry has some score.
    expect(() => db.prepare(insertEntry(4, null, null, 'own', 100000, 'A')).run()).toThrow(/CHECK/);
    expect(() => db.prepare(insertEntry(4, null, null, 'scope')).run()).toThrow(/CHECK/);
    expect(() => db.prepare(insertEntry(4, 100000, 'A', 'mood')).run()).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE ledger SET new_score = 1 WHERE seq = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ledger WHERE seq = 1').run()).toThrow(/append-only/);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'ledger' ORDER BY name").pluck().all()).toEqual(['ledger_by_citizen', 'ledger_by_operation']);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('creates an append-only, chained consent history that refuses unknown statuses and citizens', () => {
    const { db, migrateTo } = versioned(240);
    migrateTo(350);
    db.prepare("INSERT INTO operations (id, kind, actor, at, reason, details) VALUES (1, 'consent_changed', 'official', '2026-01-01T00:00:00Z', 'form', '{}')").run();
    db.prepare("INSERT INTO citizens (citizen_id, name, district, birth_date) VALUES ('C1', 'Ann Lee', 'Chengxi', NULL)").run();
    const add = (status: string, citizen = 1) => db.prepare("INSERT INTO consents (citizen_idx, status, at, at_ms, evidence, operation_id) VALUES (?, ?, '2026-01-01T00:00:00Z', 0, 'form 1', 1)").run(citizen, status);
    add('given');
    expect(() => add('maybe')).toThrow(/CHECK/);
    expect(() => add('given', 99)).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("UPDATE consents SET status = 'withdrawn'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM consents').run()).toThrow(/append-only/);
    expect(db.prepare("SELECT count(*) FROM chain WHERE tbl = 'consents'").pluck().get()).toBe(1);
    expect(verifyIntegrity(db, { skipScores: true })).toMatchObject({ ok: true });
    expect(verifyLedger(db).ok).toBe(true);
  });
});
