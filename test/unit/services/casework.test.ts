/**
 * Casework guarantees (issue 10): a dispute is decided by someone other than
 * the official who opened it; every step is an operation and an access-log
 * row; assignment goes only to someone who may decide; an upheld dispute that
 * moves no score says why; an event recorded by hand is checked like an
 * imported one and cannot be recorded twice by a second click.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { verifyLedger } from '../../../electron/db/ledger.js';
import { createUser } from '../../../electron/services/auth.js';
import { assignDispute, listDisputes, moveDispute, openDispute } from '../../../electron/services/disputes.js';
import { TwoPersonRuleError } from '../../../electron/services/proposals.js';
import { InvalidEventError, recordEvent } from '../../../electron/services/recordEvent.js';
import { RejectedInputError } from '../../../electron/services/ruleLab.js';
import { accessMark, accessSince } from '../helpers/apiContext.js';
import { accountabilityDatabases, operation, operationCount, scoreOf, storedScores, type AccountabilityDatabases } from '../helpers/accountability.js';

let dbs: AccountabilityDatabases;
let db: Db;

beforeAll(async () => {
  dbs = await accountabilityDatabases();
});
afterAll(() => dbs?.cleanup());
beforeEach(() => {
  db = dbs.copy();
});

const STATEMENT = 'I never took that power: the meter was miswired.';
const openTheft = (by = 'clerk') => openDispute(db, { citizenId: 'C3', eventId: 'E4', statement: STATEMENT }, by);
const view = (id: number) => listDisputes(db, {}).find((d) => d.id === id)!;

describe('separation of duties', () => {
  it.each(['upheld', 'rejected'] as const)('the opener cannot decide %s, in any letter case; the refusal is logged and nothing changes', (decision) => {
    const id = openTheft('clerk');
    moveDispute(db, id, 'under_review', 'clerk', 'the opener may start the review');
    const before = { ops: operationCount(db), scores: storedScores(db), dispute: view(id) };
    const mark = accessMark(db);
    for (const who of ['clerk', 'CLERK', 'Clerk']) {
      expect(() => moveDispute(db, id, decision, who, 'deciding my own case')).toThrow(TwoPersonRuleError);
    }
    expect({ ops: operationCount(db), scores: storedScores(db), dispute: view(id) }).toEqual(before);
    const refusals = accessSince(db, mark);
    expect(refusals).toHaveLength(3);
    for (const r of refusals) expect(r).toMatchObject({ action: 'decide_dispute', citizenId: 'C3', outcome: 'refused' });
    // A second official decides.
    moveDispute(db, id, decision, 'judge', 'decided by a second official');
    expect(view(id).status).toBe(decision);
  });

  it('every step is an operation and an access-log row naming the citizen', () => {
    const mark = accessMark(db);
    const ops = operationCount(db);
    const id = openTheft('clerk');
    expect(operationCount(db)).toBe(ops + 1);
    expect(() => assignDispute(db, id, null, 'clerk', 'nobody')).toThrow(/not assigned/);
    moveDispute(db, id, 'under_review', 'reviewer', 'review started');
    moveDispute(db, id, 'rejected', 'judge', 'the meter was tested');
    const kinds = db.prepare('SELECT kind FROM operations WHERE id > ? ORDER BY id').pluck().all(ops);
    expect(kinds).toEqual(['dispute_opened', 'dispute_reviewed', 'dispute_decided']);
    expect(accessSince(db, mark).map((r) => [r.action, r.username, r.citizenId, r.outcome])).toEqual([
      ['open_dispute', 'clerk', 'C3', 'allowed'],
      ['review_dispute', 'reviewer', 'C3', 'allowed'],
      ['decide_dispute', 'judge', 'C3', 'allowed'],
    ]);
    expect(verifyLedger(db)).toMatchObject({ ok: true });
  });
});

describe('assignment', () => {
  beforeEach(async () => {
    await createUser(db, { username: 'rev-official', displayName: 'Reviewer', role: 'official', password: 'a long enough password' }, 'test');
    await createUser(db, { username: 'just-viewer', displayName: 'Viewer', role: 'viewer', password: 'a long enough password' }, 'test');
  });

  it('goes to an enabled official or administrator only, as an operation with the reason', () => {
    const id = openTheft();
    expect(() => assignDispute(db, id, 'just-viewer', 'clerk', 'a viewer cannot decide')).toThrow(RejectedInputError);
    expect(() => assignDispute(db, id, 'nobody-at-all', 'clerk', 'no such account')).toThrow(/not an enabled official or administrator/);
    db.prepare("UPDATE users SET disabled_at = '2026-01-01' WHERE username = 'rev-official'").run();
    expect(() => assignDispute(db, id, 'rev-official', 'clerk', 'disabled account')).toThrow(RejectedInputError);
    db.prepare("UPDATE users SET disabled_at = NULL WHERE username = 'rev-official'").run();
    const { operationId } = assignDispute(db, id, 'REV-OFFICIAL', 'clerk', 'she handles Dongshan');
    expect(operation(db, operationId)).toMatchObject({ kind: 'dispute_assigned', actor: 'clerk', reason: 'she handles Dongshan', details: { dispute_id: id, assigned_to: 'rev-official', previously: null } });
    expect(view(id).assignedTo).toBe('rev-official');
    expect(listDisputes(db, { assignedTo: 'rev-official' }).map((d) => d.id)).toEqual([id]);
    moveDispute(db, id, 'under_review', 'rev-official', 'started');
    moveDispute(db, id, 'rejected', 'rev-official', 'found correct');
    expect(() => assignDispute(db, id, null, 'clerk', 'too late')).toThrow(/only an open dispute/);
  });
});

describe('filters of the worklist', () => {
  it('by district, opener and overdue; soonest deadline first', () => {
    const theft = openTheft('clerk');
    const damage = openDispute(db, { citizenId: 'D1', eventId: 'E10', statement: 'it was an accident' }, 'other-clerk');
    db.prepare("UPDATE disputes SET deadline = '2000-01-01T00:00:00.000Z' WHERE id = ?").run(damage);
    expect(listDisputes(db, { openOnly: true }).map((d) => d.id)).toEqual([damage, theft]);
    expect(listDisputes(db, { district: 'Dongshan' }).map((d) => d.id)).toEqual([theft]);
    expect(listDisputes(db, { openedBy: 'OTHER-CLERK' }).map((d) => d.id)).toEqual([damage]);
    expect(listDisputes(db, { overdueOnly: true }).map((d) => d.id)).toEqual([damage]);
    expect(view(damage)).toMatchObject({ citizenName: 'Fu Dan', district: 'Yatou', overdue: true });
  });
});

describe('an upheld dispute that moves no score says why', () => {
  function upheldNote(eventId: string, citizenId: string): string | null {
    const id = openDispute(db, { citizenId, eventId, statement: 'not mine' }, 'clerk');
    moveDispute(db, id, 'under_review', 'reviewer', 'started');
    moveDispute(db, id, 'upheld', 'judge', 'the citizen is right');
    return view(id).outcomeNote;
  }

  it('when the rule is capped', () => {
    // C3's arrears already sit at the -120 floor: five more months change nothing.
    recordEvent(db, { eventId: 'E-more-arrears', citizenId: 'C3', kind: 'bank_arrears', occurredAt: '2024-09-01T00:00:00Z', data: { months_overdue: 5, amount: 100 } }, { actor: 'clerk', reason: 'entered from the bank letter' });
    const before = scoreOf(db, 'C3');
    const note = upheldNote('E-more-arrears', 'C3');
    expect(scoreOf(db, 'C3').cents).toBe(before.cents);
    expect(note).toMatch(/rule 'bank-arrears' is capped: its events add up to -170 with this one and -120 without, both held at its floor of -120/);
  });

  it('when the event is outside the ttl window', () => {
    recordEvent(db, { eventId: 'E-old-theft', citizenId: 'C4', kind: 'utility_theft', occurredAt: '2015-01-01T00:00:00Z', data: { value: 10, utility: 'water' } }, { actor: 'clerk', reason: 'entered from an old file' });
    const note = upheldNote('E-old-theft', 'C4');
    expect(note).toMatch(/older than the 1826-day window of rule 'utility-theft' as of 2025-01-01, so its -60 no longer counted/);
  });

  it('but an upheld dispute that moves the score has no note', () => {
    expect(upheldNote('E4', 'C3')).toBeNull();
  });
});

describe('recording one event by hand', () => {
  it('is checked like an imported row: the same messages', () => {
    const entry = { eventId: 'E-bad', citizenId: 'C1', kind: 'bill_payment', occurredAt: '2024-10-01T00:00:00Z' };
    const as = { actor: 'clerk', reason: 'entered at the counter' };
    const ops = operationCount(db);
    expect(() => recordEvent(db, { ...entry, data: { on_time: 'yes' } }, as)).toThrow("field 'on_time' must be true or false, got \"yes\"");
    expect(() => recordEvent(db, { ...entry, data: { colour: 'red' } }, as)).toThrow("field 'colour' is not declared by event kind 'bill_payment'");
    expect(() => recordEvent(db, { ...entry, occurredAt: '2024-10-01', data: {} }, as)).toThrow(/occurred_at .*2024-10-01.* is not an/);
    expect(() => recordEvent(db, { ...entry, kind: 'parking', data: {} }, as)).toThrow(InvalidEventError);
    expect(() => recordEvent(db, { ...entry, citizenId: 'NOBODY', data: {} }, as)).toThrow(/unknown citizen/);
    expect(operationCount(db)).toBe(ops);
  });

  it('moves the score under an event_recorded operation, and a second click with the same id records nothing', () => {
    const before = scoreOf(db, 'C1');
    const entry = { eventId: 'E-late', citizenId: 'C1', kind: 'bill_payment', occurredAt: '2024-10-01T00:00:00Z', data: { on_time: false, amount: 30, provider: 'gas' } };
    const { operationId } = recordEvent(db, entry, { actor: 'clerk', reason: 'entered at the counter' });
    expect(operation(db, operationId)).toMatchObject({ kind: 'event_recorded', actor: 'clerk', details: { event_id: 'E-late', citizen_id: 'C1', kind: 'bill_payment' } });
    expect(scoreOf(db, 'C1').cents).toBe(before.cents - 200);
    const ops = operationCount(db);
    expect(() => recordEvent(db, entry, { actor: 'clerk', reason: 'entered at the counter' })).toThrow(/already exists/);
    expect(operationCount(db)).toBe(ops);
    expect(db.prepare("SELECT count(*) FROM events WHERE event_id = 'E-late'").pluck().get()).toBe(1);
    expect(verifyLedger(db)).toMatchObject({ ok: true });
  });
});
