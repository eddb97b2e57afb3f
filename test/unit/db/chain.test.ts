/**
 * The chain of every append-only record (electron/db/chain.ts): each write to
 * a chained table appends its chain entry in the same statement, so no record
 * exists without one — rolled back together, refused together — and the
 * verifier recomputes all of it.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHAINED_TABLES, chainHead, chainTriggerNames } from '../../../electron/db/chain.js';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { logAccess } from '../../../electron/services/accessLog.js';
import { tempDir } from '../helpers/tempDirs.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function fresh(): { db: Db; file: string } {
  const { dir, cleanup } = tempDir('chain');
  const file = join(dir, 'credence.sqlite');
  const db = openDatabase(file);
  cleanups.push(() => {
    if (db.open) db.close();
    cleanup();
  });
  return { db, file };
}

const insertOperation = (db: Db) =>
  db.prepare("INSERT INTO operations (kind, actor, at, reason, details) VALUES ('events_imported', 'tester', '2026-11-01T00:00:00Z', 'test', '{}')").run();

describe('the chain', () => {
  it('every existing chained table has its three triggers and is registered', () => {
    const { db } = fresh();
    const triggers = new Set(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'").pluck().all() as string[]);
    const registered = db.prepare('SELECT tbl FROM chain_tables').pluck().all() as string[];
    const existing = CHAINED_TABLES.map((t) => t.table).filter((t) => db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(t));
    expect(existing).toEqual(expect.arrayContaining(['operations', 'ledger', 'access_log', 'events', 'rulesets', 'ledger_checkpoints']));
    for (const t of existing) for (const name of chainTriggerNames(t)) expect(triggers.has(name), name).toBe(true);
    expect(registered.sort()).toEqual([...existing].sort());
  });

  it('a write appends exactly one entry, in the same transaction: rolled back, both are gone', () => {
    const { db } = fresh();
    expect(chainHead(db).count).toBe(0);
    insertOperation(db);
    logAccess(db, { username: 'viewer', action: 'search', detail: 'x', outcome: 'allowed' });
    expect(db.prepare('SELECT seq, tbl, row_id, action FROM chain ORDER BY seq').all()).toEqual([
      { seq: 1, tbl: 'operations', row_id: 1, action: 'insert' },
      { seq: 2, tbl: 'access_log', row_id: 1, action: 'insert' },
    ]);
    expect(() =>
      db.transaction(() => {
        insertOperation(db);
        logAccess(db, { username: 'viewer', action: 'search', detail: 'y', outcome: 'allowed' });
        throw new Error('abort');
      })(),
    ).toThrow('abort');
    expect(chainHead(db).count).toBe(2);
    expect(db.prepare('SELECT count(*) FROM operations').pluck().get()).toBe(1);
    expect(verifyIntegrity(db)).toMatchObject({ ok: true, chain: { count: 2 } });
  });

  it('a connection without the chain function cannot write a chained record at all', () => {
    const { db, file } = fresh();
    db.close();
    const raw = new Database(file);
    try {
      expect(() => insertOperation(raw as unknown as Db)).toThrow(/no such function: credence_sha256/);
      expect(raw.prepare('SELECT count(*) FROM operations').pluck().get()).toBe(0);
      expect(raw.prepare('SELECT count(*) FROM chain').pluck().get()).toBe(0);
    } finally {
      raw.close();
    }
  });

  it('a row written while its chain trigger was dropped is named, and the trigger comes back at the next open', () => {
    const { db, file } = fresh();
    insertOperation(db);
    db.exec('DROP TRIGGER chain_operations_insert');
    insertOperation(db);
    expect(verifyIntegrity(db).problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/chain trigger chain_operations_insert is missing/), 'row 2 has no chain entry (written while the chain trigger was off)']),
    );
    db.close();
    const again = openDatabase(file);
    try {
      expect(again.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'chain_operations_insert'").pluck().get()).toBe(1);
      // never back-filled: the unchained row stays named
      expect(verifyIntegrity(again).problems.map((p) => p.message)).toEqual(['row 2 has no chain entry (written while the chain trigger was off)']);
    } finally {
      again.close();
    }
  });

  it('a nullable column added to a chained table later keeps older rows verifiable and is covered from then on', () => {
    const { db, file } = fresh();
    insertOperation(db);
    db.exec('ALTER TABLE access_log ADD COLUMN note TEXT');
    logAccess(db, { username: 'viewer', action: 'search', detail: 'before the triggers are regenerated', outcome: 'allowed' });
    db.close();
    const again = openDatabase(file);
    cleanups.push(() => again.open && again.close());
    logAccess(again, { username: 'viewer', action: 'search', detail: 'after', outcome: 'allowed' });
    again.exec('DROP TRIGGER access_log_no_update');
    again.prepare("UPDATE access_log SET note = 'x' WHERE id = 2").run(); // an edit of the new column
    const report = verifyIntegrity(again);
    expect(report.problems.map((p) => [p.where, p.at])).toEqual([['access_log', '2']]);
  });

  it('the chain table itself refuses updates and deletes', () => {
    const { db } = fresh();
    insertOperation(db);
    expect(() => db.exec("UPDATE chain SET tbl = 'x'")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM chain')).toThrow(/append-only/);
  });
});
