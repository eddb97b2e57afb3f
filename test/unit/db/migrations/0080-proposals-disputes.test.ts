/** Migration 0080: settings, two-person proposals, approved adjustments, measure decisions, disputes and their history. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventKindsFile } from '../../../../shared/domain.js';
import type { Db } from '../../../../electron/db/connection.js';
import { insertKind } from '../../../../electron/db/kinds.js';
import { verifyLedger } from '../../../../electron/db/ledger.js';
import { MIGRATIONS } from '../../../../electron/db/migrations/index.js';
import m0080 from '../../../../electron/db/migrations/0080-proposals-disputes.js';
import { approveAdjustment, proposeAdjustment } from '../../../../electron/services/proposals.js';
import { publishRuleset } from '../../../../electron/services/rulesets.js';
import { DEFAULT_KINDS_FILE, defaultRuleset } from '../../helpers/defaultResources.js';
import { columnsOf, insertOperation, isStrict, schemaObjects, userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0080');
/** The version before this migration (0070 today). */
const PREVIOUS = MIGRATIONS[MIGRATIONS.indexOf(m0080) - 1].version;

const TABLES = ['settings', 'proposals', 'adjustments', 'measure_decisions', 'disputes', 'dispute_history'];

interface Seed {
  op: number;
  c1: number;
  c2: number;
  e1: number;
}

/**
 * Written before the migration with plain SQL: the default kinds, two
 * citizens, C1's utility theft, a stored ruleset version 1, an account and
 * an access log row.
 */
function seedPrevious(db: Db): Seed {
  const op = insertOperation(db, 'import before 0080');
  for (const kind of EventKindsFile.parse(JSON.parse(readFileSync(DEFAULT_KINDS_FILE, 'utf8')))) insertKind(db, kind);
  const insert = db.prepare("INSERT INTO citizens (citizen_id, name, district) VALUES (?, ?, 'Haiyang')");
  const c1 = Number(insert.run('C1', 'Zhang Wei').lastInsertRowid);
  const c2 = Number(insert.run('C2', 'Li Na').lastInsertRowid);
  const e1 = Number(
    db
      .prepare(
        `INSERT INTO events (event_id, citizen_idx, kind, occurred_at, occurred_ms, data, operation_id)
         VALUES ('E1', ?, 'utility_theft', '2026-06-01T10:00:00Z', ?, '{"utility":"power","value":300}', ?)`,
      )
      .run(c1, Date.parse('2026-06-01T10:00:00Z'), op).lastInsertRowid,
  );
  db.prepare('INSERT INTO rulesets (version, spec, operation_id) VALUES (1, ?, ?)').run(JSON.stringify(defaultRuleset()), op);
  db.prepare(
    "INSERT INTO users (username, display_name, role, password_hash, created_at, created_by) VALUES ('admin', 'Admin', 'admin', 'scrypt$x', '2026-01-01T00:00:00.000Z', 'setup')",
  ).run();
  db.prepare("INSERT INTO access_log (at, username, action, detail, outcome) VALUES ('2026-01-01T00:00:00.000Z', 'admin', 'login', '', 'allowed')").run();
  return { op, c1, c2, e1 };
}

function migrated(): { db: Db } & Seed {
  const { db, migrateTo } = atVersion(PREVIOUS);
  const seed = seedPrevious(db);
  migrateTo(80);
  return { db, ...seed };
}

function insertProposal(db: Db, values: Record<string, unknown> = {}) {
  const row = { kind: 'adjustment', payload: '{}', reason: 'court order', proposed_by: 'alice', proposed_at: 'now', status: 'pending', decided_by: null, operation_id: null, ...values };
  return db
    .prepare('INSERT INTO proposals (kind, payload, reason, proposed_by, proposed_at, status, decided_by, operation_id) VALUES (@kind, @payload, @reason, @proposed_by, @proposed_at, @status, @decided_by, @operation_id)')
    .run(row);
}

function insertDecision(db: Db, citizen: number, values: Record<string, unknown> = {}) {
  const row = { citizen_idx: citizen, measure_id: 'no-fast-track-permits', ruleset_version: 1, decision: 'confirmed', decided_by: 'official', decided_at: 'now', reason: 'repeated theft', ...values };
  return db
    .prepare('INSERT INTO measure_decisions (citizen_idx, measure_id, ruleset_version, decision, decided_by, decided_at, reason) VALUES (@citizen_idx, @measure_id, @ruleset_version, @decision, @decided_by, @decided_at, @reason)')
    .run(row);
}

function insertDispute(db: Db, citizen: number, values: Record<string, unknown> = {}) {
  const row = { citizen_idx: citizen, event_idx: null, measure_decision_id: null, statement: 'not me', status: 'open', opened_by: 'clerk', opened_at: 'now', deadline: 'later', ...values };
  return db
    .prepare(
      `INSERT INTO disputes (citizen_idx, event_idx, measure_decision_id, statement, status, opened_by, opened_at, deadline)
       VALUES (@citizen_idx, @event_idx, @measure_decision_id, @statement, @status, @opened_by, @opened_at, @deadline)`,
    )
    .run(row);
}

describe('migration 0080-proposals-disputes', () => {
  it('keeps what was written before it and adds STRICT tables, empty but for the default dispute deadline', () => {
    const { db, migrateTo } = atVersion(PREVIOUS);
    const { op } = seedPrevious(db);

    migrateTo(80);

    expect(userVersion(db)).toBe(80);
    expect(db.prepare('SELECT citizen_id FROM citizens ORDER BY idx').pluck().all()).toEqual(['C1', 'C2']);
    expect(db.prepare('SELECT event_id, operation_id, retracted_by FROM events').all()).toEqual([{ event_id: 'E1', operation_id: op, retracted_by: null }]);
    expect(db.prepare('SELECT version, operation_id FROM rulesets').all()).toEqual([{ version: 1, operation_id: op }]);
    expect(db.prepare('SELECT username, role FROM users').all()).toEqual([{ username: 'admin', role: 'admin' }]);
    expect(db.prepare('SELECT count(*) FROM access_log').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM event_kinds').pluck().get()).toBe(8);
    for (const table of TABLES) {
      expect(schemaObjects(db, 'table')).toContain(table);
      expect(isStrict(db, table)).toBe(true);
    }
    for (const table of TABLES.filter((t) => t !== 'settings')) expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    expect(db.prepare('SELECT key, value FROM settings').all()).toEqual([{ key: 'dispute_deadline_days', value: '30' }]);
    expect(schemaObjects(db, 'index')).toEqual(
      expect.arrayContaining(['proposals_by_status', 'adjustments_by_citizen', 'measure_decisions_by_citizen', 'disputes_by_citizen', 'disputes_by_status']),
    );
    expect(schemaObjects(db, 'trigger')).toEqual(
      expect.arrayContaining(['adjustments_no_update', 'adjustments_no_delete', 'dispute_history_no_update', 'dispute_history_no_delete']),
    );
    expect(columnsOf(db, 'adjustments').find((c) => c.name === 'points')).toMatchObject({ type: 'REAL', notnull: 1 });
  });

  it('is not applied before its turn: the previous version has none of its tables', () => {
    const { db } = atVersion(PREVIOUS);
    for (const table of TABLES) expect(schemaObjects(db, 'table')).not.toContain(table);
  });

  describe('proposals', () => {
    it('refuses an approved proposal decided by its proposer, in any case, or by nobody', () => {
      const { db } = migrated();
      expect(() => insertProposal(db, { status: 'approved', decided_by: 'alice' })).toThrow(/CHECK constraint/);
      expect(() => insertProposal(db, { status: 'approved', decided_by: 'ALICE' })).toThrow(/CHECK constraint/);
      expect(() => insertProposal(db, { status: 'approved', decided_by: null })).toThrow(/CHECK constraint/);
      insertProposal(db, { status: 'approved', decided_by: 'bob' });
      insertProposal(db, { status: 'withdrawn', decided_by: 'alice' });
      insertProposal(db, { status: 'rejected', decided_by: 'bob' });
      const pending = Number(insertProposal(db).lastInsertRowid);
      expect(() => db.prepare("UPDATE proposals SET status = 'approved', decided_by = 'Alice' WHERE id = ?").run(pending)).toThrow(/CHECK constraint/);
      expect(db.prepare('SELECT status FROM proposals ORDER BY id').pluck().all()).toEqual(['approved', 'withdrawn', 'rejected', 'pending']);
    });

    it('refuses an unknown kind or status, an empty reason and an unknown operation', () => {
      const { db } = migrated();
      expect(() => insertProposal(db, { kind: 'citizen_deletion' })).toThrow(/CHECK constraint/);
      expect(() => insertProposal(db, { status: 'done' })).toThrow(/CHECK constraint/);
      expect(() => insertProposal(db, { reason: '' })).toThrow(/CHECK constraint/);
      expect(() => insertProposal(db, { operation_id: 999 })).toThrow(/FOREIGN KEY/);
      expect(db.prepare('SELECT count(*) FROM proposals').pluck().get()).toBe(0);
    });
  });

  describe('adjustments', () => {
    function approvedProposal(db: Db, op: number): number {
      return Number(insertProposal(db, { status: 'approved', decided_by: 'bob', operation_id: op }).lastInsertRowid);
    }

    it('ties an adjustment to a citizen, one approved proposal and an operation', () => {
      const { db, op, c1 } = migrated();
      const p = approvedProposal(db, op);
      const insert = db.prepare('INSERT INTO adjustments (citizen_idx, points, justification, proposal_id, operation_id) VALUES (?, ?, ?, ?, ?)');
      expect(() => insert.run(999, 10, 'x', p, op)).toThrow(/FOREIGN KEY/);
      expect(() => insert.run(c1, 10, 'x', 999, op)).toThrow(/FOREIGN KEY/);
      expect(() => insert.run(c1, 10, 'x', p, 999)).toThrow(/FOREIGN KEY/);
      expect(() => insert.run(c1, 'ten', 'x', p, op)).toThrow(/cannot store TEXT value in REAL column adjustments\.points/);
      insert.run(c1, 12.5, 'court order', p, op);
      expect(() => insert.run(c1, 5, 'again', p, op)).toThrow(/UNIQUE constraint/);
      expect(db.prepare('SELECT citizen_idx, points, proposal_id FROM adjustments').all()).toEqual([{ citizen_idx: c1, points: 12.5, proposal_id: p }]);
    });

    it('makes adjustments immutable, INSERT OR REPLACE included', () => {
      const { db, op, c1 } = migrated();
      const p = approvedProposal(db, op);
      db.prepare('INSERT INTO adjustments (id, citizen_idx, points, justification, proposal_id, operation_id) VALUES (1, ?, 25, ?, ?, ?)').run(c1, 'court order', p, op);
      expect(() => db.prepare('UPDATE adjustments SET points = 2500').run()).toThrow(/approved adjustments are immutable/);
      expect(() => db.prepare('DELETE FROM adjustments').run()).toThrow(/approved adjustments are immutable/);
      expect(() =>
        db.prepare("INSERT OR REPLACE INTO adjustments (id, citizen_idx, points, justification, proposal_id, operation_id) VALUES (1, ?, 2500, 'forged', ?, ?)").run(c1, p, op),
      ).toThrow(/approved adjustments are immutable/);
      expect(db.prepare('SELECT points, justification FROM adjustments').all()).toEqual([{ points: 25, justification: 'court order' }]);
    });
  });

  describe('measure decisions', () => {
    it('refuses an unknown decision, an empty reason, an unknown ruleset version or citizen', () => {
      const { db, c1 } = migrated();
      expect(() => insertDecision(db, c1, { decision: 'applied' })).toThrow(/CHECK constraint/);
      expect(() => insertDecision(db, c1, { reason: '' })).toThrow(/CHECK constraint/);
      expect(() => insertDecision(db, c1, { ruleset_version: 7 })).toThrow(/FOREIGN KEY/);
      expect(() => insertDecision(db, 999)).toThrow(/FOREIGN KEY/);
      insertDecision(db, c1);
      insertDecision(db, c1, { decision: 'withdrawn', reason: 'appeal upheld' });
      expect(db.prepare('SELECT decision FROM measure_decisions ORDER BY id').pluck().all()).toEqual(['confirmed', 'withdrawn']);
    });
  });

  describe('disputes', () => {
    it('is about exactly one event or one measure decision', () => {
      const { db, c1, e1 } = migrated();
      const decision = Number(insertDecision(db, c1).lastInsertRowid);
      expect(() => insertDispute(db, c1)).toThrow(/CHECK constraint/);
      expect(() => insertDispute(db, c1, { event_idx: e1, measure_decision_id: decision })).toThrow(/CHECK constraint/);
      insertDispute(db, c1, { event_idx: e1 });
      insertDispute(db, c1, { measure_decision_id: decision });
      expect(db.prepare('SELECT event_idx, measure_decision_id FROM disputes ORDER BY id').all()).toEqual([
        { event_idx: e1, measure_decision_id: null },
        { event_idx: null, measure_decision_id: decision },
      ]);
    });

    it('refuses an empty statement, an unknown status, an unknown event or citizen', () => {
      const { db, c1, e1 } = migrated();
      expect(() => insertDispute(db, c1, { event_idx: e1, statement: '' })).toThrow(/CHECK constraint/);
      expect(() => insertDispute(db, c1, { event_idx: e1, status: 'closed' })).toThrow(/CHECK constraint/);
      expect(() => insertDispute(db, c1, { event_idx: 999 })).toThrow(/FOREIGN KEY/);
      expect(() => insertDispute(db, 999, { event_idx: e1 })).toThrow(/FOREIGN KEY/);
      expect(() => insertDispute(db, c1, { measure_decision_id: 999 })).toThrow(/FOREIGN KEY/);
      expect(db.prepare('SELECT count(*) FROM disputes').pluck().get()).toBe(0);
    });

    it('keeps the dispute history append-only, INSERT OR REPLACE included', () => {
      const { db, c1, e1 } = migrated();
      const dispute = Number(insertDispute(db, c1, { event_idx: e1 }).lastInsertRowid);
      const insert = db.prepare("INSERT INTO dispute_history (id, dispute_id, status, changed_by, changed_at, reason) VALUES (?, ?, 'open', 'clerk', 'now', 'statement recorded')");
      insert.run(1, dispute);
      expect(() => insert.run(2, 999)).toThrow(/FOREIGN KEY/);
      expect(() => db.prepare("UPDATE dispute_history SET changed_by = 'mallory'").run()).toThrow(/dispute history is append-only/);
      expect(() => db.prepare('DELETE FROM dispute_history').run()).toThrow(/dispute history is append-only/);
      expect(() =>
        db.prepare("INSERT OR REPLACE INTO dispute_history (id, dispute_id, status, changed_by, changed_at, reason) VALUES (1, ?, 'upheld', 'mallory', 'now', 'rewritten')").run(dispute),
      ).toThrow(/dispute history is append-only/);
      expect(db.prepare('SELECT status, changed_by, reason FROM dispute_history').all()).toEqual([{ status: 'open', changed_by: 'clerk', reason: 'statement recorded' }]);
    });
  });

  it('on a database migrated from the previous version, an adjustment approved before the first scoring counts when a ruleset is published', () => {
    // Today's services run on today's schema: the upgrade goes all the way.
    const { db, migrateTo } = atVersion(PREVIOUS);
    seedPrevious(db);
    migrateTo(MIGRATIONS[MIGRATIONS.length - 1].version);
    const proposal = proposeAdjustment(db, { citizenId: 'C2', points: 25, justification: 'court order 2026/7' }, 'alice');
    approveAdjustment(db, proposal, 'bob', 'checked');

    const published = publishRuleset(db, defaultRuleset(), { actor: 'admin', reason: 'first scoring after the upgrade', asOf: '2026-11-01T00:00:00Z' });

    expect(published).toMatchObject({ ok: true, version: 2 });
    expect(db.prepare('SELECT c.citizen_id, s.own, s.cents, s.tier FROM scores s JOIN citizens c ON c.idx = s.citizen_idx ORDER BY c.citizen_id').all()).toEqual([
      { citizen_id: 'C1', own: 940, cents: 94000, tier: 'B' },
      { citizen_id: 'C2', own: 1025, cents: 102500, tier: 'A' },
    ]);
    expect(verifyLedger(db)).toMatchObject({ ok: true, count: 2 });
  });
});
