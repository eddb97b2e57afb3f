/**
 * The two-person rule (proposals.ts): a ruleset or a manual adjustment is
 * proposed by one user and takes effect only when another approves it; the
 * approved adjustment is part of own(i) (SCORING_MODEL §3) in the
 * incremental update, the full recompute (§7.1) and the explanation (§5).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { verifyLedger } from '../../../electron/db/ledger.js';
import { getRuleset } from '../../../electron/db/rulesets.js';
import { handlers, type Caller, type HandlerContext } from '../../../electron/ipc/handlers.js';
import type { JobManager } from '../../../electron/jobs/manager.js';
import { AuthError } from '../../../electron/services/auth.js';
import { explainCitizen, NotFoundError } from '../../../electron/services/explain.js';
import {
  approveAdjustment,
  approveRuleset,
  attachSimulation,
  getProposal,
  listProposals,
  proposalSimulation,
  proposeAdjustment,
  proposeRuleset,
  rejectProposal,
  TwoPersonRuleError,
} from '../../../electron/services/proposals.js';
import { RejectedInputError, simulateRuleset } from '../../../electron/services/ruleLab.js';
import { recomputeScores } from '../../../electron/services/rulesets.js';
import {
  ACCOUNTABILITY_AS_OF,
  accountabilityDatabases,
  citizenIdx,
  currentRulesetVersion,
  ledgerCount,
  ledgerOf,
  operation,
  operationCount,
  scoreOf,
  storedScores,
  type AccountabilityDatabases,
} from '../helpers/accountability.js';
import { defaultRuleset } from '../helpers/defaultResources.js';

let dbs: AccountabilityDatabases;
let db: Db;

beforeAll(async () => {
  dbs = await accountabilityDatabases();
});
afterAll(() => dbs?.cleanup());
beforeEach(() => {
  db = dbs.copy();
});

const JUSTIFICATION = 'court order 2024/118 set the record straight';

/** Propose a ruleset with the proposer's simulation of it, as the console does. */
function proposeSimulated(ruleset: unknown, reason: string, by: string): number {
  return proposeRuleset(db, ruleset, reason, by, simulateRuleset(db, ruleset));
}

function proposeFor(citizenId: string, points: number, by = 'alice'): number {
  return proposeAdjustment(db, { citizenId, points, justification: JUSTIFICATION }, by);
}

/** The default ruleset with utility theft at -80 instead of -60 (C3: 820 -> 800). */
function harsherRuleset(points = '-80'): Record<string, unknown> {
  const spec = defaultRuleset() as { rules: { id: string; points: string }[] };
  spec.rules.find((r) => r.id === 'utility-theft')!.points = points;
  return spec as unknown as Record<string, unknown>;
}

function adjustmentRows(): { citizen_idx: number; points: number; justification: string; proposal_id: number; operation_id: number }[] {
  return db.prepare('SELECT citizen_idx, points, justification, proposal_id, operation_id FROM adjustments ORDER BY id').all() as ReturnType<typeof adjustmentRows>;
}

function rulesetCount(): number {
  return db.prepare('SELECT count(*) FROM rulesets').pluck().get() as number;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

describe('the proposer cannot approve their own proposal', () => {
  it.each(['alice', 'Alice', 'ALICE'])('an adjustment proposed by alice is refused when %s approves it, and nothing is written', (approver) => {
    const id = proposeFor('C4', 35);
    const before = { ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db) };

    expect(() => approveAdjustment(db, id, approver, 'looks right to me')).toThrow(TwoPersonRuleError);
    expect(() => approveAdjustment(db, id, approver, 'looks right to me')).toThrow(/was made by alice: another user must approve it/);

    expect(getProposal(db, id)).toMatchObject({ status: 'pending', decided_by: null, decided_at: null, operation_id: null });
    expect(adjustmentRows()).toEqual([]);
    expect({ ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db) }).toEqual(before);
  });

  it.each(['bob', 'BOB', 'Bob'])('a ruleset proposed by Bob is refused when %s approves it, and nothing is published', (approver) => {
    const id = proposeSimulated(harsherRuleset(), 'utility theft weighs more from now on', 'Bob');
    const before = { ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db) };

    expect(() => approveRuleset(db, id, approver, 'fine')).toThrow(TwoPersonRuleError);
    expect(() => approveRuleset(db, id, approver, 'fine')).toThrow(/was made by Bob: another user must approve it/);

    expect(getProposal(db, id).status).toBe('pending');
    expect(rulesetCount()).toBe(1);
    expect(currentRulesetVersion(db)).toBe(1);
    expect({ ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db) }).toEqual(before);
  });

  it('a second user can approve an adjustment', () => {
    const id = proposeFor('C4', 35);
    const { operationId } = approveAdjustment(db, id, 'bob', 'checked the court order');
    expect(getProposal(db, id)).toMatchObject({ status: 'approved', proposed_by: 'alice', decided_by: 'bob', decision_reason: 'checked the court order', operation_id: operationId });
    expect(listProposals(db, 'approved').map((p) => p.id)).toEqual([id]);
    expect(listProposals(db, 'pending')).toEqual([]);
  });

  it('a second user can approve a ruleset', () => {
    const id = proposeSimulated(harsherRuleset(), 'utility theft weighs more from now on', 'alice');
    const result = approveRuleset(db, id, 'bob', 'agreed in the board meeting');
    expect(result).toMatchObject({ ok: true, version: 2 });
    expect(getProposal(db, id)).toMatchObject({ status: 'approved', decided_by: 'bob', operation_id: result.operationId });
  });
});

describe('approving an adjustment', () => {
  it('writes a manual_adjustment operation naming proposer and approver, and the adjustment row', () => {
    const ops = operationCount(db);
    const id = proposeFor('C4', 35);
    expect(operationCount(db)).toBe(ops); // a proposal alone is not an operation

    const { operationId } = approveAdjustment(db, id, 'bob', 'checked the court order');

    expect(operationCount(db)).toBe(ops + 1);
    expect(operation(db, operationId)).toEqual({
      id: operationId,
      kind: 'manual_adjustment',
      actor: 'bob',
      reason: JUSTIFICATION,
      details: { proposal_id: id, citizen_id: 'C4', points: 35, proposed_by: 'alice', approved_by: 'bob', approval_note: 'checked the court order' },
    });
    expect(adjustmentRows()).toEqual([{ citizen_idx: citizenIdx(db, 'C4'), points: 35, justification: JUSTIFICATION, proposal_id: id, operation_id: operationId }]);
  });

  it("moves the citizen's own score by exactly the points and writes one ledger entry, cause own, under that operation", () => {
    expect(scoreOf(db, 'C4')).toMatchObject({ own: 1000, cents: 100000, tier: 'A' });
    const { operationId } = approveAdjustment(db, proposeFor('C4', 35), 'bob', 'checked the court order');

    expect(scoreOf(db, 'C4')).toMatchObject({ own: 1035, cents: 103500, tier: 'AA', penalty: 0 });
    expect(ledgerOf(db, operationId)).toEqual([
      expect.objectContaining({ citizen_id: 'C4', operation_id: operationId, old_score: 100000, new_score: 103500, old_tier: 'A', new_tier: 'AA', ruleset_version: 1, cause: 'own', cause_friends: '[]' }),
    ]);
    expect(verifyLedger(db)).toMatchObject({ ok: true });
  });

  it('a negative adjustment lowers the score and the tier', () => {
    const { operationId } = approveAdjustment(db, proposeFor('C4', -50.25), 'bob', 'checked');
    expect(scoreOf(db, 'C4')).toMatchObject({ own: 949.75, cents: 94975, tier: 'B' });
    expect(ledgerOf(db, operationId)).toEqual([expect.objectContaining({ citizen_id: 'C4', old_score: 100000, new_score: 94975, cause: 'own' })]);
  });

  it('adjustments of one citizen add up', () => {
    approveAdjustment(db, proposeFor('C4', 35), 'bob', 'first');
    const { operationId } = approveAdjustment(db, proposeFor('C4', -10, 'carol'), 'alice', 'second');
    expect(scoreOf(db, 'C4')).toMatchObject({ own: 1025, cents: 102500, tier: 'A' });
    expect(ledgerOf(db, operationId)).toEqual([expect.objectContaining({ old_score: 103500, new_score: 102500, old_tier: 'AA', new_tier: 'A' })]);
  });

  it('is clamped to score_max and score_min', () => {
    const up = approveAdjustment(db, proposeFor('C4', 1500), 'bob', 'checked');
    expect(scoreOf(db, 'C4')).toMatchObject({ own: 2000, cents: 200000, tier: 'AAA' });
    expect(ledgerOf(db, up.operationId)).toEqual([expect.objectContaining({ citizen_id: 'C4', old_score: 100000, new_score: 200000, cause: 'own' })]);

    const down = approveAdjustment(db, proposeFor('D1', -600), 'bob', 'checked');
    expect(scoreOf(db, 'D1')).toMatchObject({ own: 0, cents: 0, tier: 'D' });
    expect(ledgerOf(db, down.operationId)).toEqual([expect.objectContaining({ citizen_id: 'D1', old_score: 50000, new_score: 0, cause: 'own' })]);
  });

  it("reaches the friends: C3's rise removes C2's friend penalty, C2's entry names C3 under the same operation", () => {
    expect(scoreOf(db, 'C2')).toMatchObject({ cents: 99450, penalty: 7.5 });
    const { operationId } = approveAdjustment(db, proposeFor('C3', 40), 'bob', 'checked');

    expect(scoreOf(db, 'C3')).toMatchObject({ own: 860, cents: 86000, tier: 'B' });
    expect(scoreOf(db, 'C2')).toMatchObject({ own: 1002, cents: 100200, penalty: 0 });
    const entries = ledgerOf(db, operationId);
    expect(entries.map((e) => [e.citizen_id, e.cause, e.cause_friends, e.old_score, e.new_score])).toEqual([
      ['C2', 'friends', '["C3"]', 99450, 100200],
      ['C3', 'own', '[]', 82000, 86000],
    ]);
    expect(verifyLedger(db)).toMatchObject({ ok: true });
  });

  it('a full recompute at the same asOf afterwards changes nothing (§7.1 with adjustments)', () => {
    approveAdjustment(db, proposeFor('C3', 40), 'bob', 'checked');
    approveAdjustment(db, proposeFor('C4', 1500), 'bob', 'checked');
    approveAdjustment(db, proposeFor('D1', -600), 'bob', 'checked');
    approveAdjustment(db, proposeFor('C1', 12.5), 'bob', 'checked');
    approveAdjustment(db, proposeFor('C1', -3.25, 'carol'), 'bob', 'checked');
    const incremental = storedScores(db);
    const ledger = ledgerCount(db);
    const ops = operationCount(db);

    const full = recomputeScores(db, { asOf: ACCOUNTABILITY_AS_OF, actor: 'auditor' });

    expect(full.operationId).toBeNull();
    expect(full.scoring.ledgerEntries).toBe(0);
    expect(storedScores(db)).toEqual(incremental);
    expect(ledgerCount(db)).toBe(ledger);
    expect(operationCount(db)).toBe(ops);
    expect(incremental.C1).toMatchObject({ own: 1010.25, cents: 101025 });
  });

  it('the explanation lists the adjustments and its parts add up to own (clamped)', () => {
    approveAdjustment(db, proposeFor('C3', 40), 'bob', 'checked');
    approveAdjustment(db, proposeFor('C4', 1500), 'bob', 'checked');
    approveAdjustment(db, proposeFor('D1', -600), 'bob', 'checked');
    approveAdjustment(db, proposeFor('D1', 20, 'carol'), 'bob', 'checked');
    const expected: Record<string, { adjustments: number; own: number }> = {
      C1: { adjustments: 0, own: 1001 },
      C3: { adjustments: 40, own: 860 },
      C4: { adjustments: 1500, own: 2000 },
      D1: { adjustments: -580, own: 0 },
    };
    for (const [citizenId, want] of Object.entries(expected)) {
      const x = explainCitizen(db, citizenId);
      expect(x, citizenId).toMatchObject(want);
      const ruleSum = x.rules.reduce((sum, r) => sum + r.total, 0);
      expect(clamp(x.base + ruleSum + x.adjustments, 0, 2000), citizenId).toBe(x.own);
      expect(x.own, citizenId).toBe(scoreOf(db, citizenId).own);
    }
    expect(explainCitizen(db, 'C3')).toMatchObject({ base: 1000, score: 860, tier: 'B' });
  });

  it('a negative adjustment is a reason code, ordered by size; a positive one is not', () => {
    approveAdjustment(db, proposeFor('D1', -600), 'bob', 'checked');
    approveAdjustment(db, proposeFor('C3', -30), 'bob', 'checked');
    approveAdjustment(db, proposeFor('C4', 35), 'bob', 'checked');

    expect(explainCitizen(db, 'D1').reasonCodes.map((r) => [r.code, r.points])).toEqual([
      ['manual_adjustment', -600],
      ['public-property', -500],
    ]);
    expect(explainCitizen(db, 'C3').reasonCodes.map((r) => [r.code, r.points])).toEqual([
      ['bank-arrears', -120],
      ['utility-theft', -60],
      ['manual_adjustment', -30],
    ]);
    expect(explainCitizen(db, 'C4').reasonCodes).toEqual([]);
  });
});

describe('approving a ruleset', () => {
  it('publishes it: a new version, a ruleset_published operation naming proposed_by and approved_by, scores moved under it', () => {
    const spec = harsherRuleset();
    const id = proposeSimulated(spec, 'utility theft weighs more from now on', 'alice');
    expect(rulesetCount()).toBe(1);

    const result = approveRuleset(db, id, 'bob', 'agreed in the board meeting');

    expect(result).toMatchObject({ ok: true, version: 2 });
    expect(rulesetCount()).toBe(2);
    expect(currentRulesetVersion(db)).toBe(2);
    expect(getRuleset(db, 2)!.spec).toEqual(spec);
    const op = operation(db, result.operationId!);
    expect(op).toMatchObject({ kind: 'ruleset_published', actor: 'bob', reason: 'utility theft weighs more from now on' });
    expect(op.details).toMatchObject({ proposal_id: id, proposed_by: 'alice', approved_by: 'bob', approval_note: 'agreed in the board meeting', previous_version: 1 });
    expect(getProposal(db, id)).toMatchObject({ status: 'approved', decided_by: 'bob', operation_id: result.operationId });

    expect(scoreOf(db, 'C3')).toMatchObject({ own: 800, cents: 80000 });
    expect(ledgerOf(db, result.operationId!).find((e) => e.citizen_id === 'C3')).toMatchObject({ old_score: 82000, new_score: 80000, ruleset_version: 2, cause: 'own' });
    expect(verifyLedger(db)).toMatchObject({ ok: true });
  });

  it('keeps the scoring instant of the published ruleset', () => {
    const result = approveRuleset(db, proposeSimulated(harsherRuleset(), 'utility theft weighs more from now on', 'alice'), 'bob', 'agreed');
    expect(operation(db, result.operationId!).details.as_of).toBe(ACCOUNTABILITY_AS_OF);
  });

  it('an adjustment approved before survives the new ruleset', () => {
    approveAdjustment(db, proposeFor('C3', 40), 'bob', 'checked');
    approveRuleset(db, proposeSimulated(harsherRuleset(), 'utility theft weighs more from now on', 'alice'), 'bob', 'agreed');
    expect(scoreOf(db, 'C3')).toMatchObject({ own: 840, cents: 84000 });
  });
});

describe('a proposal is decided once', () => {
  it('an approved adjustment cannot be approved or rejected again', () => {
    const id = proposeFor('C4', 35);
    approveAdjustment(db, id, 'bob', 'checked');
    const before = { ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db) };

    expect(() => approveAdjustment(db, id, 'carol', 'again')).toThrow(/proposal \d+ is already approved/);
    expect(() => rejectProposal(db, id, 'carol', 'changed my mind')).toThrow(/proposal \d+ is already approved/);

    expect(adjustmentRows()).toHaveLength(1);
    expect(getProposal(db, id)).toMatchObject({ status: 'approved', decided_by: 'bob' });
    expect({ ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db) }).toEqual(before);
  });

  it('a rejected adjustment cannot be approved afterwards', () => {
    const id = proposeFor('C4', 35);
    rejectProposal(db, id, 'bob', 'no court order attached');
    expect(getProposal(db, id)).toMatchObject({ status: 'rejected', decided_by: 'bob', decision_reason: 'no court order attached', operation_id: null });

    expect(() => approveAdjustment(db, id, 'carol', 'I think it is fine')).toThrow(/proposal \d+ is already rejected/);
    expect(() => rejectProposal(db, id, 'carol', 'again')).toThrow(/already rejected/);
    expect(adjustmentRows()).toEqual([]);
    expect(scoreOf(db, 'C4').cents).toBe(100000);
    expect(getProposal(db, id).decided_by).toBe('bob');
  });

  it('an approved ruleset cannot be approved again, nor a rejected one at all', () => {
    const approved = proposeSimulated(harsherRuleset(), 'utility theft weighs more from now on', 'alice');
    approveRuleset(db, approved, 'bob', 'agreed');
    expect(() => approveRuleset(db, approved, 'carol', 'agreed too')).toThrow(/already approved/);

    const rejected = proposeSimulated(defaultRuleset(), 'back to the old weights', 'alice');
    rejectProposal(db, rejected, 'bob', 'not now');
    expect(() => approveRuleset(db, rejected, 'carol', 'yes now')).toThrow(/already rejected/);
    expect(rulesetCount()).toBe(2);
  });

  it('rejecting by the proposer (any case) withdraws it, and it cannot be approved afterwards', () => {
    const id = proposeFor('C4', 35);
    rejectProposal(db, id, 'ALICE', 'typed the wrong citizen');
    expect(getProposal(db, id)).toMatchObject({ status: 'withdrawn', decided_by: 'ALICE', decision_reason: 'typed the wrong citizen' });
    expect(() => approveAdjustment(db, id, 'bob', 'ok')).toThrow(/already withdrawn/);

    const other = proposeFor('C4', 35);
    rejectProposal(db, other, 'bob', 'no');
    expect(getProposal(db, other).status).toBe('rejected');
  });

  it('an adjustment is not approved as a ruleset, nor a ruleset as an adjustment', () => {
    const adjustment = proposeFor('C4', 35);
    const ruleset = proposeSimulated(harsherRuleset(), 'utility theft weighs more from now on', 'alice');
    expect(() => approveRuleset(db, adjustment, 'bob', 'ok')).toThrow(/is not a ruleset/);
    expect(() => approveAdjustment(db, ruleset, 'bob', 'ok')).toThrow(/is not an adjustment/);
    expect(getProposal(db, adjustment).status).toBe('pending');
    expect(getProposal(db, ruleset).status).toBe('pending');
  });

  it('an unknown proposal is not found', () => {
    expect(() => approveAdjustment(db, 999, 'bob', 'ok')).toThrow(NotFoundError);
    expect(() => rejectProposal(db, 999, 'bob', 'ok')).toThrow(NotFoundError);
  });
});

describe('the schema holds the two-person rule too', () => {
  const insert = (status: string, proposedBy: string, decidedBy: string | null) =>
    db
      .prepare("INSERT INTO proposals (kind, payload, reason, proposed_by, proposed_at, status, decided_by, decided_at) VALUES ('adjustment', '{}', 'raw sql', ?, 'now', ?, ?, 'now')")
      .run(proposedBy, status, decidedBy);

  it("refuses an 'approved' row whose approver is the proposer, even by raw SQL and in another case", () => {
    expect(() => insert('approved', 'alice', 'alice')).toThrow(/CHECK constraint/);
    expect(() => insert('approved', 'alice', 'ALICE')).toThrow(/CHECK constraint/);
    expect(() => insert('approved', 'alice', null)).toThrow(/CHECK constraint/);
    expect(() => insert('approved', 'alice', 'bob')).not.toThrow();
    expect(() => insert('withdrawn', 'alice', 'alice')).not.toThrow();
  });

  it('refuses turning a pending proposal into an approval by its proposer', () => {
    const id = proposeFor('C4', 35);
    expect(() => db.prepare("UPDATE proposals SET status = 'approved', decided_by = 'Alice' WHERE id = ?").run(id)).toThrow(/CHECK constraint/);
    expect(getProposal(db, id).status).toBe('pending');
  });

  it('approved adjustments are immutable', () => {
    approveAdjustment(db, proposeFor('C4', 35), 'bob', 'checked');
    expect(() => db.prepare('UPDATE adjustments SET points = 3500').run()).toThrow(/approved adjustments are immutable/);
    expect(() => db.prepare('DELETE FROM adjustments').run()).toThrow(/approved adjustments are immutable/);
    expect(adjustmentRows().map((a) => a.points)).toEqual([35]);
  });
});

describe('proposing', () => {
  it.each([
    { what: 'a condition on a field the kind does not declare', edit: (r: { condition: string }) => (r.condition = 'event.colour == "red"'), message: /rule utility-theft: / },
    { what: 'a protected field', edit: (r: { event_kind: string; condition: string }) => ((r.event_kind = 'court_judgment'), (r.condition = 'event.defendant_ethnicity == "x"')), message: /rule utility-theft: / },
    { what: 'a points expression of the wrong type', edit: (r: { points: string }) => (r.points = '"sixty"'), message: /rule utility-theft: / },
  ])('an invalid ruleset ($what) cannot be proposed', ({ edit, message }) => {
    const spec = defaultRuleset() as { rules: { id: string }[] };
    edit(spec.rules.find((r) => r.id === 'utility-theft') as never);
    expect(() => proposeSimulated(spec, 'this should never be stored', 'alice')).toThrow(RejectedInputError);
    expect(() => proposeSimulated(spec, 'this should never be stored', 'alice')).toThrow(message);
    expect(listProposals(db)).toEqual([]);
  });

  it('a ruleset whose measure names an unknown tier cannot be proposed', () => {
    const spec = defaultRuleset() as { measures: { tiers: string[] }[] };
    spec.measures[0].tiers.push('Z');
    expect(() => proposeSimulated(spec, 'this should never be stored', 'alice')).toThrow(/names tier Z, which the ruleset does not define/);
    expect(listProposals(db)).toEqual([]);
  });

  it('an adjustment needs a known citizen and a finite, non-zero number of points', () => {
    expect(() => proposeFor('NOBODY', 10)).toThrow(NotFoundError);
    for (const points of [0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => proposeFor('C4', points), String(points)).toThrow(RejectedInputError);
    }
    expect(listProposals(db)).toEqual([]);
  });

  it('a proposal is pending, with its proposer and payload', () => {
    const id = proposeFor('C4', -12.5);
    expect(getProposal(db, id)).toMatchObject({ kind: 'adjustment', reason: JUSTIFICATION, proposed_by: 'alice', status: 'pending', decided_by: null, operation_id: null });
    expect(JSON.parse(getProposal(db, id).payload)).toEqual({ citizenId: 'C4', points: -12.5 });
    expect(scoreOf(db, 'C4').cents).toBe(100000);
  });
});

describe('the decideProposal handler', () => {
  function context(): { ctx: HandlerContext; start: ReturnType<typeof vi.fn> } {
    const start = vi.fn(() => 'job-1');
    return { ctx: { db, dbFile: db.name, jobs: { start } as unknown as JobManager, sessions: undefined as never }, start };
  }
  const as = (user: string, role: Caller['role']): Caller => ({ user, role });

  it('refuses a non-admin approving a ruleset, and starts no job', async () => {
    const { ctx, start } = context();
    const id = proposeSimulated(harsherRuleset(), 'utility theft weighs more from now on', 'alice');
    const call = () => handlers.decideProposal({ proposalId: id, approve: true, reason: 'looks fine' }, ctx, as('bob', 'official'));
    await expect(async () => call()).rejects.toThrow(AuthError);
    await expect(async () => call()).rejects.toMatchObject({ code: 'forbidden' });
    expect(start).not.toHaveBeenCalled();
    expect(getProposal(db, id).status).toBe('pending');
  });

  it('refuses the proposing administrator approving their own ruleset (any case), and starts no job', async () => {
    const { ctx, start } = context();
    const id = proposeSimulated(harsherRuleset(), 'utility theft weighs more from now on', 'alice');
    await expect(async () => handlers.decideProposal({ proposalId: id, approve: true, reason: 'looks fine' }, ctx, as('Alice', 'admin'))).rejects.toThrow(TwoPersonRuleError);
    expect(start).not.toHaveBeenCalled();
    expect(getProposal(db, id).status).toBe('pending');
  });

  it('a second administrator approving a ruleset starts the publish job for that proposal', async () => {
    const { ctx, start } = context();
    const id = proposeSimulated(harsherRuleset(), 'utility theft weighs more from now on', 'alice');
    const out = await handlers.decideProposal({ proposalId: id, approve: true, reason: 'looks fine' }, ctx, as('bob', 'admin'));
    expect(out).toEqual({ status: 'publishing', jobId: 'job-1', operationId: null });
    expect(start).toHaveBeenCalledWith('publish', 'bob', { proposalId: id, reason: 'looks fine' });
  });

  it('refuses the proposer approving their own adjustment; another official approves it', async () => {
    const { ctx } = context();
    const id = proposeFor('C4', 35);
    await expect(async () => handlers.decideProposal({ proposalId: id, approve: true, reason: 'looks fine' }, ctx, as('ALICE', 'official'))).rejects.toThrow(TwoPersonRuleError);
    expect(scoreOf(db, 'C4').cents).toBe(100000);

    const out = await handlers.decideProposal({ proposalId: id, approve: true, reason: 'looks fine' }, ctx, as('bob', 'official'));
    expect(out).toMatchObject({ status: 'approved', jobId: null, operationId: expect.any(Number) });
    expect(scoreOf(db, 'C4').cents).toBe(103500);
  });

  it('rejecting by the proposer answers withdrawn', async () => {
    const { ctx } = context();
    const id = proposeFor('C4', 35);
    expect(await handlers.decideProposal({ proposalId: id, approve: false, reason: 'my mistake' }, ctx, as('alice', 'official'))).toEqual({ status: 'withdrawn', jobId: null, operationId: null });
  });
});

describe("a ruleset proposal carries its proposer's simulation", () => {
  const REASON = 'utility theft weighs more from now on';

  it('refuses an unsimulated ruleset, and stores nothing', () => {
    expect(() => proposeRuleset(db, harsherRuleset(), REASON, 'alice', null)).toThrow(RejectedInputError);
    expect(() => proposeRuleset(db, harsherRuleset(), REASON, 'alice', null)).toThrow(/simulate the ruleset first/);
    expect(listProposals(db)).toEqual([]);
  });

  it('refuses the simulation of another ruleset (a different draft, or the published one)', () => {
    const other = harsherRuleset('-81');
    expect(() => proposeRuleset(db, harsherRuleset(), REASON, 'alice', simulateRuleset(db, other))).toThrow(/the simulation is of another ruleset/);
    const published = defaultRuleset();
    expect(() => proposeRuleset(db, harsherRuleset(), REASON, 'alice', simulateRuleset(db, published))).toThrow(/another ruleset/);
    expect(listProposals(db)).toEqual([]);
  });

  it('refuses a simulation that failed, or one without its basis', () => {
    const broken = { ...harsherRuleset(), tiers: [] };
    expect(() => proposeRuleset(db, harsherRuleset(), REASON, 'alice', simulateRuleset(db, broken))).toThrow(/did not run the ruleset/);
    const { basis: _basis, ...bare } = simulateRuleset(db, harsherRuleset());
    expect(() => proposeRuleset(db, harsherRuleset(), REASON, 'alice', bare)).toThrow(/does not say what data it ran on/);
    expect(listProposals(db)).toEqual([]);
  });

  it('refuses a simulation the data has moved past', () => {
    const simulation = simulateRuleset(db, harsherRuleset());
    approveAdjustment(db, proposeFor('C4', 35), 'bob', 'checked the court order');
    expect(() => proposeRuleset(db, harsherRuleset(), REASON, 'alice', simulation)).toThrow(/the data changed since the simulation/);
    expect(listProposals(db, 'pending').filter((p) => p.kind === 'ruleset')).toEqual([]);
  });

  it('stores the result with the data it ran on, and who ran it', () => {
    const simulation = simulateRuleset(db, harsherRuleset());
    const id = proposeRuleset(db, harsherRuleset(), REASON, 'alice', simulation);
    const stored = proposalSimulation(db, getProposal(db, id));
    expect(stored).toMatchObject({ result: simulation, ranBy: 'alice', stale: null });
    expect(simulation.basis).toEqual({ specHash: expect.stringMatching(/^[0-9a-f]{64}$/), lastOperationId: expect.any(Number), rulesetVersion: 1 });
    expect(simulation.changed).toBeGreaterThan(0);
  });

  it('flags the stored simulation stale when the data changes, refuses the approval until a fresh one is attached', async () => {
    const id = proposeSimulated(harsherRuleset(), REASON, 'alice');
    approveAdjustment(db, proposeFor('C4', 35), 'bob', 'checked the court order');
    expect(proposalSimulation(db, getProposal(db, id))?.stale).toMatch(/the data changed since the simulation: 1 operation\(s\)/);
    const before = { ops: operationCount(db), version: currentRulesetVersion(db) };
    expect(() => approveRuleset(db, id, 'bob', 'agreed')).toThrow(/run the simulation again before approving/);
    const start = vi.fn(() => 'job-1');
    const ctx = { db, dbFile: db.name, jobs: { start } as unknown as JobManager, sessions: undefined as never } as HandlerContext;
    await expect(async () => handlers.decideProposal({ proposalId: id, approve: true, reason: 'looks fine' }, ctx, { user: 'bob', role: 'admin' })).rejects.toThrow(/run the simulation again/);
    expect(start).not.toHaveBeenCalled();
    expect({ ops: operationCount(db), version: currentRulesetVersion(db) }).toEqual(before);

    // A simulation of another ruleset does not refresh it; a fresh one of this ruleset does.
    expect(() => attachSimulation(db, id, simulateRuleset(db, defaultRuleset()), 'bob')).toThrow(/another ruleset/);
    attachSimulation(db, id, simulateRuleset(db, harsherRuleset()), 'bob');
    expect(proposalSimulation(db, getProposal(db, id))).toMatchObject({ ranBy: 'bob', stale: null });
    expect(approveRuleset(db, id, 'bob', 'agreed')).toMatchObject({ ok: true, version: 2 });
    expect(() => attachSimulation(db, id, simulateRuleset(db, harsherRuleset()), 'bob')).toThrow(/already approved/);
  });

  it('a newly published ruleset makes the simulation stale too', () => {
    const first = proposeSimulated(harsherRuleset(), REASON, 'alice');
    const other = harsherRuleset('-85');
    const second = proposeSimulated(other, REASON, 'alice');
    approveRuleset(db, first, 'bob', 'agreed');
    expect(proposalSimulation(db, getProposal(db, second))?.stale).toMatch(/published ruleset changed since the simulation \(version 1, now 2\)/);
    expect(() => approveRuleset(db, second, 'bob', 'agreed')).toThrow(TwoPersonRuleError);
  });

  it('the published operation names the proposer and the approver', () => {
    const id = proposeSimulated(harsherRuleset(), REASON, 'alice');
    const result = approveRuleset(db, id, 'bob', 'agreed in the board meeting');
    expect(operation(db, result.operationId!)).toMatchObject({ kind: 'ruleset_published', actor: 'bob', details: { proposal_id: id, proposed_by: 'alice', approved_by: 'bob' } });
    expect(getProposal(db, id)).toMatchObject({ proposed_by: 'alice', decided_by: 'bob' });
  });

  it('the handler takes the simulation from a finished simulate job of the server, never from the client', async () => {
    const simulation = simulateRuleset(db, harsherRuleset());
    const jobs = new Map<string, unknown>([
      ['done', { kind: 'simulate', state: 'done', result: simulation }],
      ['running', { kind: 'simulate', state: 'running', result: null }],
      ['publish', { kind: 'publish', state: 'done', result: { ok: true, problems: [] } }],
    ]);
    const ctx = { db, dbFile: db.name, jobs: { status: (id: string) => jobs.get(id) } as unknown as JobManager, sessions: undefined as never } as HandlerContext;
    const admin: Caller = { user: 'alice', role: 'admin' };
    for (const [jobId, says] of [['nope', /no simulation job 'nope'/], ['running', /is running: wait for it/], ['publish', /no simulation job 'publish'/]] as const) {
      await expect(async () => handlers.proposeRuleset({ ruleset: harsherRuleset(), reason: REASON, simulationJobId: jobId }, ctx, admin)).rejects.toThrow(says);
    }
    expect(listProposals(db)).toEqual([]);
    const { proposalId } = await handlers.proposeRuleset({ ruleset: harsherRuleset(), reason: REASON, simulationJobId: 'done' }, ctx, admin);
    const listed = (await handlers.proposals({}, ctx, admin)).find((p) => p.id === proposalId);
    expect(listed?.simulation).toMatchObject({ ranBy: 'alice', stale: null, result: { changed: simulation.changed } });
  });
});
