/**
 * Disputes of events (disputes.ts): open -> under review -> upheld | rejected,
 * each step recorded with its user and reason. An upheld dispute retracts the
 * event (the row stays, SCORING_MODEL §1) under an `appeal_decided`
 * operation, so the ledger entries of the score change point at the appeal.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { verifyLedger } from '../../../electron/db/ledger.js';
import { disputeDeadlineDays, listDisputes, moveDispute, openDispute, type DisputeStatus, type DisputeView } from '../../../electron/services/disputes.js';
import { explainCitizen, NotFoundError } from '../../../electron/services/explain.js';
import { RejectedInputError } from '../../../electron/services/ruleLab.js';
import { recomputeScores } from '../../../electron/services/rulesets.js';
import {
  ACCOUNTABILITY_AS_OF,
  accountabilityDatabases,
  ledgerCount,
  ledgerOf,
  operation,
  operationCount,
  scoreOf,
  storedScores,
  type AccountabilityDatabases,
} from '../helpers/accountability.js';

const DAY_MS = 86_400_000;
const STATEMENT = 'I never took that power: the meter was miswired by the provider.';

let dbs: AccountabilityDatabases;
let db: Db;

beforeAll(async () => {
  dbs = await accountabilityDatabases();
});
afterAll(() => dbs?.cleanup());
beforeEach(() => {
  db = dbs.copy();
});

/** C3's utility theft, -60 under the default ruleset. */
function disputeTheft(by = 'clerk'): number {
  return openDispute(db, { citizenId: 'C3', eventId: 'E4', statement: STATEMENT }, by);
}

function view(id: number): DisputeView {
  const found = listDisputes(db, {}).find((d) => d.id === id);
  if (!found) throw new Error(`dispute ${id} is not listed`);
  return found;
}

function disputeCount(): number {
  return db.prepare('SELECT count(*) FROM disputes').pluck().get() as number;
}

function historyCount(): number {
  return db.prepare('SELECT count(*) FROM dispute_history').pluck().get() as number;
}

function eventRow(eventId: string): { event_id: string; data: string; retracted_by: number | null } {
  return db.prepare('SELECT event_id, data, retracted_by FROM events WHERE event_id = ?').get(eventId) as ReturnType<typeof eventRow>;
}

function setDeadline(id: number, deadline: string): void {
  db.prepare('UPDATE disputes SET deadline = ? WHERE id = ?').run(deadline, id);
}

describe('opening a dispute', () => {
  it("records the citizen's statement, open, with a deadline 30 days after opening by default", () => {
    expect(disputeDeadlineDays(db)).toBe(30);
    const id = disputeTheft();

    const d = view(id);
    expect(d).toMatchObject({ citizenId: 'C3', eventId: 'E4', measureId: null, statement: STATEMENT, status: 'open', openedBy: 'clerk', overdue: false, operationId: null });
    expect(Date.parse(d.deadline) - Date.parse(d.openedAt)).toBe(30 * DAY_MS);
    expect(d.history).toEqual([{ status: 'open', by: 'clerk', at: d.openedAt, reason: "citizen's statement recorded" }]);
  });

  it('takes the deadline from the dispute_deadline_days setting, and 30 days without one', () => {
    db.prepare("UPDATE settings SET value = '10' WHERE key = 'dispute_deadline_days'").run();
    expect(disputeDeadlineDays(db)).toBe(10);
    const ten = view(disputeTheft());
    expect(Date.parse(ten.deadline) - Date.parse(ten.openedAt)).toBe(10 * DAY_MS);

    db.prepare("UPDATE settings SET value = '45' WHERE key = 'dispute_deadline_days'").run();
    const fortyFive = view(openDispute(db, { citizenId: 'D1', eventId: 'E10', statement: 'it was an accident' }, 'clerk'));
    expect(Date.parse(fortyFive.deadline) - Date.parse(fortyFive.openedAt)).toBe(45 * DAY_MS);

    db.prepare("DELETE FROM settings WHERE key = 'dispute_deadline_days'").run();
    expect(disputeDeadlineDays(db)).toBe(30);
    const fallback = view(openDispute(db, { citizenId: 'D1', eventId: 'E11', statement: 'it was an accident' }, 'clerk'));
    expect(Date.parse(fallback.deadline) - Date.parse(fallback.openedAt)).toBe(30 * DAY_MS);
  });

  it('opening changes no score and writes no ledger entry, only a dispute_opened operation', () => {
    const before = { ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db) };
    const id = disputeTheft();
    expect({ ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db) }).toEqual({ ...before, ops: before.ops + 1 });
    const opened = db.prepare("SELECT id FROM operations WHERE kind = 'dispute_opened' ORDER BY id DESC").pluck().get() as number;
    expect(operation(db, opened)).toMatchObject({ kind: 'dispute_opened', actor: 'clerk', details: { dispute_id: id, citizen_id: 'C3', event_id: 'E4' } });
    expect(eventRow('E4').retracted_by).toBeNull();
  });

  it('refuses an unknown citizen, an event of another citizen, an unknown event, and neither or both of event and measure', () => {
    expect(() => openDispute(db, { citizenId: 'NOBODY', eventId: 'E4', statement: STATEMENT }, 'clerk')).toThrow(NotFoundError);
    expect(() => openDispute(db, { citizenId: 'C1', eventId: 'E4', statement: STATEMENT }, 'clerk')).toThrow(/citizen C1 has no event 'E4'/);
    expect(() => openDispute(db, { citizenId: 'C3', eventId: 'E999', statement: STATEMENT }, 'clerk')).toThrow(NotFoundError);
    expect(() => openDispute(db, { citizenId: 'C3', statement: STATEMENT }, 'clerk')).toThrow(RejectedInputError);
    expect(() => openDispute(db, { citizenId: 'C3', eventId: 'E4', measureId: 'no-fast-track-permits', statement: STATEMENT }, 'clerk')).toThrow(/one event or one measure/);
    expect(() => openDispute(db, { citizenId: 'C3', eventId: 'E4', statement: '' }, 'clerk')).toThrow(/CHECK constraint/);
    expect(disputeCount()).toBe(0);
    expect(historyCount()).toBe(0);
  });

  it('refuses a second dispute of the same event while one is open or under review, and allows one after a rejection', () => {
    const first = disputeTheft();
    expect(() => disputeTheft('other-clerk')).toThrow(new RegExp(`dispute ${first} about this is still open`));
    moveDispute(db, first, 'under_review', 'reviewer', 'assigned to the review board');
    expect(() => disputeTheft('other-clerk')).toThrow(/still open/);
    expect(disputeCount()).toBe(1);

    // another event of the same citizen is another matter
    const arrears = openDispute(db, { citizenId: 'C3', eventId: 'E3', statement: 'the loan was restructured' }, 'clerk');
    expect(arrears).not.toBe(first);

    moveDispute(db, first, 'rejected', 'judge', 'the meter was tested and found correct');
    const second = disputeTheft('other-clerk');
    expect(view(second)).toMatchObject({ status: 'open', openedBy: 'other-clerk', eventId: 'E4' });
  });

  it('refuses a dispute of an event already retracted by an upheld dispute', () => {
    const id = disputeTheft();
    moveDispute(db, id, 'under_review', 'reviewer', 'assigned');
    moveDispute(db, id, 'upheld', 'judge', 'the meter was miswired');
    expect(() => disputeTheft()).toThrow(/event E4 is already retracted/);
    expect(disputeCount()).toBe(1);
  });
});

describe('transitions', () => {
  it.each<[DisputeStatus[], DisputeStatus]>([
    [[], 'upheld'],
    [[], 'rejected'],
    [[], 'open'],
    [['under_review'], 'open'],
    [['under_review'], 'under_review'],
    [['under_review', 'upheld'], 'rejected'],
    [['under_review', 'upheld'], 'under_review'],
    [['under_review', 'upheld'], 'open'],
    [['under_review', 'upheld'], 'upheld'],
    [['under_review', 'rejected'], 'upheld'],
    [['under_review', 'rejected'], 'open'],
    [['under_review', 'rejected'], 'under_review'],
  ])('after %j, moving to %s is refused and writes nothing', (path, target) => {
    const id = disputeTheft();
    for (const step of path) moveDispute(db, id, step, 'judge', `step to ${step}`);
    const before = { dispute: view(id), ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db), event: eventRow('E4') };

    expect(() => moveDispute(db, id, target, 'judge', 'try anyway')).toThrow(RejectedInputError);
    expect(() => moveDispute(db, id, target, 'judge', 'try anyway')).toThrow(/cannot become/);

    expect({ dispute: view(id), ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db), event: eventRow('E4') }).toEqual(before);
  });

  it('an unknown dispute is not found', () => {
    expect(() => moveDispute(db, 999, 'under_review', 'judge', 'assigned')).toThrow(NotFoundError);
  });
});

describe('an upheld dispute of an event', () => {
  function uphold(): { id: number; operationId: number } {
    const id = disputeTheft();
    moveDispute(db, id, 'under_review', 'reviewer', 'assigned to the review board');
    const { operationId } = moveDispute(db, id, 'upheld', 'judge', 'the provider confirmed the meter was miswired');
    if (operationId === null) throw new Error('an upheld event dispute must record an operation');
    return { id, operationId };
  }

  it('retracts the event: the row is kept with retracted_by set, its contributions leave scoring', () => {
    const before = eventRow('E4');
    const { operationId } = uphold();
    expect(eventRow('E4')).toEqual({ ...before, retracted_by: operationId });
    expect(db.prepare('SELECT count(*) FROM contributions c JOIN events e ON e.idx = c.event_idx WHERE e.event_id = ?').pluck().get('E4')).toBe(0);
    expect(explainCitizen(db, 'C3').rules.map((r) => r.ruleId)).toEqual(['bank-arrears']);
  });

  it("moves the citizen's score by the event's contribution (-60 taken back)", () => {
    const contribution = explainCitizen(db, 'C3').rules.find((r) => r.ruleId === 'utility-theft')!.total;
    expect(contribution).toBe(-60);
    const before = scoreOf(db, 'C3');
    uphold();
    const after = scoreOf(db, 'C3');
    expect(after.own - before.own).toBe(-contribution);
    expect(after.cents - before.cents).toBe(-contribution * 100);
    expect(after).toMatchObject({ own: 880, cents: 88000, tier: 'B' });
  });

  it('records an appeal_decided operation naming the dispute, and the ledger entries point at it', () => {
    const ops = operationCount(db);
    const { id, operationId } = uphold();
    // opened, under review, decided (the appeal itself)
    expect(operationCount(db)).toBe(ops + 3);
    expect(operation(db, operationId)).toEqual({
      id: operationId,
      kind: 'appeal_decided',
      actor: 'judge',
      reason: 'the provider confirmed the meter was miswired',
      details: { event_id: 'E4', dispute_id: id },
    });
    expect(ledgerOf(db, operationId).map((e) => [e.citizen_id, e.cause, e.cause_friends, e.old_score, e.new_score, e.old_tier, e.new_tier])).toEqual([
      ['C2', 'friends', '["C3"]', 99450, 100200, 'A', 'A'],
      ['C3', 'own', '[]', 82000, 88000, 'C', 'B'],
    ]);
    expect(view(id)).toMatchObject({ status: 'upheld', operationId, overdue: false });
    expect(verifyLedger(db)).toMatchObject({ ok: true });
  });

  it('a full recompute afterwards changes nothing', () => {
    uphold();
    const incremental = storedScores(db);
    const full = recomputeScores(db, { asOf: ACCOUNTABILITY_AS_OF, actor: 'auditor' });
    expect(full.operationId).toBeNull();
    expect(storedScores(db)).toEqual(incremental);
  });

  it('lifts D1 out of tier D when one of the five damages is taken back', () => {
    const id = openDispute(db, { citizenId: 'D1', eventId: 'E12', statement: 'I reported the damage myself' }, 'clerk');
    moveDispute(db, id, 'under_review', 'reviewer', 'assigned');
    const { operationId } = moveDispute(db, id, 'upheld', 'judge', 'the damage was reported the same day');
    expect(scoreOf(db, 'D1')).toMatchObject({ own: 600, cents: 60000, tier: 'C' });
    expect(ledgerOf(db, operationId!)).toEqual([expect.objectContaining({ citizen_id: 'D1', old_score: 50000, new_score: 60000, old_tier: 'D', new_tier: 'C', cause: 'own' })]);
  });
});

describe('a rejected dispute', () => {
  it('keeps the statement, changes no score, writes no ledger entry and one dispute_decided operation', () => {
    const id = disputeTheft();
    moveDispute(db, id, 'under_review', 'reviewer', 'assigned to the review board');
    const before = { ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db), event: eventRow('E4') };

    const moved = moveDispute(db, id, 'rejected', 'judge', 'the meter was tested and found correct');
    expect(moved.operationId).toBeNull();
    expect(operation(db, moved.stepOperationId)).toMatchObject({ kind: 'dispute_decided', actor: 'judge', details: { dispute_id: id, status: 'rejected' } });

    expect({ ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db), event: eventRow('E4') }).toEqual({ ...before, ops: before.ops + 1 });
    expect(view(id)).toMatchObject({ status: 'rejected', statement: STATEMENT, operationId: null, overdue: false });
    expect(listDisputes(db, { status: 'rejected' }).map((d) => d.id)).toEqual([id]);
  });
});

describe('history', () => {
  it('records every change with its user and reason, in order', () => {
    const id = disputeTheft('clerk');
    moveDispute(db, id, 'under_review', 'reviewer', 'assigned to the review board');
    moveDispute(db, id, 'upheld', 'judge', 'the provider confirmed the meter was miswired');
    expect(view(id).history.map(({ status, by, reason }) => ({ status, by, reason }))).toEqual([
      { status: 'open', by: 'clerk', reason: "citizen's statement recorded" },
      { status: 'under_review', by: 'reviewer', reason: 'assigned to the review board' },
      { status: 'upheld', by: 'judge', reason: 'the provider confirmed the meter was miswired' },
    ]);
    for (const h of view(id).history) expect(Number.isNaN(Date.parse(h.at)), h.at).toBe(false);
  });

  it('is append-only: updates, deletes and replacements are refused', () => {
    const id = disputeTheft();
    moveDispute(db, id, 'under_review', 'reviewer', 'assigned');
    const rows = db.prepare('SELECT * FROM dispute_history ORDER BY id').all();
    expect(() => db.prepare("UPDATE dispute_history SET changed_by = 'someone else'").run()).toThrow(/dispute history is append-only/);
    expect(() => db.prepare('DELETE FROM dispute_history WHERE dispute_id = ?').run(id)).toThrow(/dispute history is append-only/);
    const first = rows[0] as { id: number };
    expect(() =>
      db.prepare("INSERT OR REPLACE INTO dispute_history (id, dispute_id, status, changed_by, changed_at, reason) VALUES (?, ?, 'open', 'mallory', 'then', 'rewritten')").run(first.id, id),
    ).toThrow(/dispute history is append-only/);
    expect(db.prepare('SELECT * FROM dispute_history ORDER BY id').all()).toEqual(rows);
  });
});

describe('overdue', () => {
  const PAST = '2000-01-01T00:00:00.000Z';
  const FUTURE = '2999-01-01T00:00:00.000Z';

  it('is the deadline passed while the dispute is open or under review', () => {
    const id = disputeTheft();
    expect(view(id).overdue).toBe(false);
    setDeadline(id, PAST);
    expect(view(id).overdue).toBe(true);
    moveDispute(db, id, 'under_review', 'reviewer', 'assigned');
    expect(view(id).overdue).toBe(true);
    setDeadline(id, FUTURE);
    expect(view(id).overdue).toBe(false);
    setDeadline(id, PAST);
    moveDispute(db, id, 'rejected', 'judge', 'found correct');
    expect(view(id)).toMatchObject({ status: 'rejected', overdue: false });
  });

  it('an upheld dispute past its deadline is not overdue', () => {
    const id = disputeTheft();
    setDeadline(id, PAST);
    moveDispute(db, id, 'under_review', 'reviewer', 'assigned');
    moveDispute(db, id, 'upheld', 'judge', 'miswired');
    expect(view(id)).toMatchObject({ status: 'upheld', overdue: false });
  });

  it('open disputes are listed soonest deadline first; decided ones leave the open list', () => {
    const theft = disputeTheft();
    const damage = openDispute(db, { citizenId: 'D1', eventId: 'E10', statement: 'it was an accident' }, 'clerk');
    const arrears = openDispute(db, { citizenId: 'C3', eventId: 'E3', statement: 'restructured' }, 'clerk');
    setDeadline(theft, '2030-01-01T00:00:00.000Z');
    setDeadline(damage, PAST);
    setDeadline(arrears, FUTURE);
    expect(listDisputes(db, { openOnly: true }).map((d) => [d.id, d.overdue])).toEqual([
      [damage, true],
      [theft, false],
      [arrears, false],
    ]);
    expect(listDisputes(db, { citizenId: 'C3' }).map((d) => d.id)).toEqual([theft, arrears]);

    moveDispute(db, damage, 'under_review', 'reviewer', 'assigned');
    moveDispute(db, damage, 'rejected', 'judge', 'no evidence');
    expect(listDisputes(db, { openOnly: true }).map((d) => d.id)).toEqual([theft, arrears]);
  });
});
