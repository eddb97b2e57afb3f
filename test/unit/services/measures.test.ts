/**
 * Tier measures (measures.ts): a benefit applies with the tier; a
 * restriction is never applied by the score alone: it stays 'proposed' until
 * an official confirms it for the citizen with a reason, and a confirmed
 * restriction can be disputed (an upheld dispute withdraws it).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { listDisputes, moveDispute, openDispute } from '../../../electron/services/disputes.js';
import { NotFoundError } from '../../../electron/services/explain.js';
import { decideMeasure, measuresFor, type MeasureView } from '../../../electron/services/measures.js';
import { approveAdjustment, proposeAdjustment } from '../../../electron/services/proposals.js';
import { RejectedInputError } from '../../../electron/services/ruleLab.js';
import { checkRuleset, publishRuleset } from '../../../electron/services/rulesets.js';
import {
  accountabilityDatabases,
  citizenIdx,
  currentRulesetVersion,
  ledgerCount,
  operationCount,
  scoreOf,
  storedScores,
  type AccountabilityDatabases,
} from '../helpers/accountability.js';
import { defaultRuleset } from '../helpers/defaultResources.js';

const RESTRICTION = 'no-fast-track-permits';
const BIKE = 'bike-deposit-free';
const LIBRARY = 'library-deposit-waived';

let dbs: AccountabilityDatabases;
let db: Db;

beforeAll(async () => {
  dbs = await accountabilityDatabases();
});
afterAll(() => dbs?.cleanup());
beforeEach(() => {
  db = dbs.copy();
});

const statusOf = (citizenId: string) => measuresFor(db, citizenId).map((m) => [m.id, m.kind, m.status]);

function restrictionOf(citizenId: string, id = RESTRICTION): MeasureView {
  const m = measuresFor(db, citizenId).find((x) => x.id === id);
  if (!m) throw new Error(`${id} does not concern ${citizenId}`);
  return m;
}

function decisionRows(): { citizen_idx: number; measure_id: string; ruleset_version: number; decision: string; decided_by: string; reason: string }[] {
  return db.prepare('SELECT citizen_idx, measure_id, ruleset_version, decision, decided_by, reason FROM measure_decisions ORDER BY id').all() as ReturnType<typeof decisionRows>;
}

function confirmD1(): void {
  decideMeasure(db, 'D1', RESTRICTION, 'confirmed', 'official', 'five deliberate damages in six months');
}

/** The default ruleset plus a restriction and a benefit on tier C, where C3 (820) is. */
function rulesetWithTierCMeasures(): Record<string, unknown> {
  const spec = defaultRuleset() as { measures: unknown[] };
  spec.measures.push(
    { id: 'extra-permit-checks', name: 'Extra permit checks', kind: 'restriction', tiers: ['C', 'D'] },
    { id: 'budget-advice', name: 'Free budget advice', description: 'A session with the debt counsellor.', kind: 'benefit', tiers: ['C'] },
  );
  return spec as unknown as Record<string, unknown>;
}

describe('benefits', () => {
  it('a citizen in tier A gets the deposit-free bike as applying, and not the AA library benefit', () => {
    expect(scoreOf(db, 'C4').tier).toBe('A');
    expect(measuresFor(db, 'C4')).toEqual([
      {
        id: BIKE,
        name: 'Deposit-free public bike rental',
        description: expect.any(String),
        i18n: { 'zh-CN': { name: '公共自行车免押金租用', description: expect.any(String) as string } },
        kind: 'benefit',
        status: 'applies',
        decidedBy: null,
        decidedAt: null,
        reason: null,
      },
    ]);
  });

  it('follow the tier: in AA the library benefit applies too', () => {
    approveAdjustment(db, proposeAdjustment(db, { citizenId: 'C4', points: 35, justification: 'court order 2024/118' }, 'alice'), 'bob', 'checked');
    expect(scoreOf(db, 'C4').tier).toBe('AA');
    expect(statusOf('C4')).toEqual([
      [BIKE, 'benefit', 'applies'],
      [LIBRARY, 'benefit', 'applies'],
    ]);
  });

  it('a tier without measures has none', () => {
    expect(scoreOf(db, 'C3').tier).toBe('C');
    expect(measuresFor(db, 'C3')).toEqual([]);
  });

  it('refuse decisions: a benefit applies with the tier', () => {
    for (const decision of ['confirmed', 'withdrawn'] as const) {
      expect(() => decideMeasure(db, 'C4', BIKE, decision, 'official', 'trying to take it away')).toThrow(RejectedInputError);
      expect(() => decideMeasure(db, 'C4', BIKE, decision, 'official', 'trying to take it away')).toThrow(/is a benefit/);
    }
    expect(decisionRows()).toEqual([]);
    expect(restrictionOf('C4', BIKE).status).toBe('applies');
  });

  it('an unknown citizen has no measures to show', () => {
    expect(() => measuresFor(db, 'NOBODY')).toThrow(NotFoundError);
  });
});

describe('restrictions', () => {
  it('a citizen in tier D has the restriction proposed, not applied', () => {
    expect(scoreOf(db, 'D1').tier).toBe('D');
    expect(measuresFor(db, 'D1')).toEqual([
      { id: RESTRICTION, name: 'No fast-track permits', description: expect.any(String), i18n: { 'zh-CN': { name: '不适用行政许可绿色通道', description: expect.any(String) as string } }, kind: 'restriction', status: 'proposed', decidedBy: null, decidedAt: null, reason: null },
    ]);
    expect(decisionRows()).toEqual([]);
  });

  it('is confirmed only by an official with a reason, recorded for the current ruleset version', () => {
    const before = { ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db) };
    confirmD1();
    expect(restrictionOf('D1')).toMatchObject({ status: 'confirmed', decidedBy: 'official', reason: 'five deliberate damages in six months' });
    expect(Number.isNaN(Date.parse(restrictionOf('D1').decidedAt!))).toBe(false);
    expect(decisionRows()).toEqual([
      { citizen_idx: citizenIdx(db, 'D1'), measure_id: RESTRICTION, ruleset_version: currentRulesetVersion(db), decision: 'confirmed', decided_by: 'official', reason: 'five deliberate damages in six months' },
    ]);
    // a measure is not a score: nothing in the ledger moves
    expect({ ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db) }).toEqual(before);
  });

  it('refuses a confirmation without a reason', () => {
    expect(() => decideMeasure(db, 'D1', RESTRICTION, 'confirmed', 'official', '')).toThrow(/CHECK constraint/);
    expect(restrictionOf('D1').status).toBe('proposed');
    expect(decisionRows()).toEqual([]);
  });

  it('refuses deciding the same thing twice; a confirmed restriction can be withdrawn', () => {
    expect(() => decideMeasure(db, 'D1', RESTRICTION, 'withdrawn', 'official', 'nothing to withdraw')).not.toThrow(); // proposed -> withdrawn is a decision
    expect(restrictionOf('D1').status).toBe('withdrawn');
    expect(() => decideMeasure(db, 'D1', RESTRICTION, 'withdrawn', 'official', 'again')).toThrow(/already withdrawn/);
    confirmD1();
    expect(() => confirmD1()).toThrow(/already confirmed/);
    decideMeasure(db, 'D1', RESTRICTION, 'withdrawn', 'supervisor', 'the damages were paid for');
    expect(restrictionOf('D1')).toMatchObject({ status: 'withdrawn', decidedBy: 'supervisor', reason: 'the damages were paid for' });
    expect(decisionRows().map((d) => d.decision)).toEqual(['withdrawn', 'confirmed', 'withdrawn']);
  });

  it("refuses a restriction outside the citizen's tier, or an unknown measure", () => {
    expect(() => decideMeasure(db, 'C4', RESTRICTION, 'confirmed', 'official', 'tier A is not D')).toThrow(/does not apply to C4's tier/);
    expect(() => decideMeasure(db, 'D1', 'curfew', 'confirmed', 'official', 'not a measure')).toThrow(RejectedInputError);
    expect(decisionRows()).toEqual([]);
  });

  it('with a small custom ruleset, a restriction on the tier a citizen is in is proposed; the benefit of that tier applies', () => {
    const published = publishRuleset(db, rulesetWithTierCMeasures(), { actor: 'admin', reason: 'measures for tier C' });
    expect(published).toMatchObject({ ok: true, version: 2 });
    expect(statusOf('C3')).toEqual([
      ['extra-permit-checks', 'restriction', 'proposed'],
      ['budget-advice', 'benefit', 'applies'],
    ]);
    expect(statusOf('D1')).toEqual([
      [RESTRICTION, 'restriction', 'proposed'],
      ['extra-permit-checks', 'restriction', 'proposed'],
    ]);
    decideMeasure(db, 'C3', 'extra-permit-checks', 'confirmed', 'official', 'repeated utility theft');
    expect(statusOf('C3')[0]).toEqual(['extra-permit-checks', 'restriction', 'confirmed']);
    expect(statusOf('D1')).toEqual([
      [RESTRICTION, 'restriction', 'proposed'],
      ['extra-permit-checks', 'restriction', 'proposed'],
    ]);
    expect(decisionRows()).toEqual([expect.objectContaining({ citizen_idx: citizenIdx(db, 'C3'), ruleset_version: 2 })]);
  });
});

describe('disputing a restriction', () => {
  it('a proposed restriction cannot be disputed: nothing is applied yet', () => {
    expect(() => openDispute(db, { citizenId: 'D1', measureId: RESTRICTION, statement: 'I object' }, 'clerk')).toThrow(/only a confirmed restriction can be disputed/);
    decideMeasure(db, 'D1', RESTRICTION, 'withdrawn', 'official', 'not needed');
    expect(() => openDispute(db, { citizenId: 'D1', measureId: RESTRICTION, statement: 'I object' }, 'clerk')).toThrow(/only a confirmed restriction can be disputed/);
    expect(listDisputes(db, {})).toEqual([]);
  });

  it('a confirmed restriction can be disputed, once at a time', () => {
    confirmD1();
    const id = openDispute(db, { citizenId: 'D1', measureId: RESTRICTION, statement: 'I paid for the damage and need the permit for work' }, 'clerk');
    expect(listDisputes(db, { citizenId: 'D1' })).toEqual([
      expect.objectContaining({ id, citizenId: 'D1', eventId: null, measureId: RESTRICTION, status: 'open', statement: 'I paid for the damage and need the permit for work' }),
    ]);
    expect(() => openDispute(db, { citizenId: 'D1', measureId: RESTRICTION, statement: 'again' }, 'clerk')).toThrow(/still open/);
  });

  it('an upheld dispute withdraws it, with one dispute_decided operation and no score change', () => {
    confirmD1();
    const id = openDispute(db, { citizenId: 'D1', measureId: RESTRICTION, statement: 'I paid for the damage' }, 'clerk');
    moveDispute(db, id, 'under_review', 'reviewer', 'assigned');
    const before = { ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db) };

    const moved = moveDispute(db, id, 'upheld', 'judge', 'the damage was paid for in full');
    expect(moved.operationId).toBeNull();
    expect(db.prepare('SELECT kind, actor FROM operations WHERE id = ?').get(moved.stepOperationId)).toEqual({ kind: 'dispute_decided', actor: 'judge' });

    expect(restrictionOf('D1')).toMatchObject({ status: 'withdrawn', decidedBy: 'judge' });
    expect(restrictionOf('D1').reason).toMatch(new RegExp(`dispute ${id} upheld: the damage was paid for in full`));
    expect(decisionRows().map((d) => [d.decision, d.decided_by])).toEqual([
      ['confirmed', 'official'],
      ['withdrawn', 'judge'],
    ]);
    expect({ ops: operationCount(db), ledger: ledgerCount(db), scores: storedScores(db) }).toEqual({ ...before, ops: before.ops + 1 });
    expect(listDisputes(db, { citizenId: 'D1' })[0]).toMatchObject({ status: 'upheld', measureId: RESTRICTION });
    // withdrawn by the appeal: there is nothing applied left to dispute
    expect(() => openDispute(db, { citizenId: 'D1', measureId: RESTRICTION, statement: 'again' }, 'clerk')).toThrow(/only a confirmed restriction/);
  });

  // BUG (fails today): measuresFor reads decisions of the current ruleset
  // version only, openDispute the latest decision of any version. After a new
  // version the restriction shows as 'proposed' (not applied), yet a dispute
  // of it "as applied" is accepted.
  it('can be disputed only while measuresFor shows it confirmed, also after a new ruleset version', () => {
    confirmD1();
    expect(publishRuleset(db, defaultRuleset(), { actor: 'admin', reason: 'republished unchanged' })).toMatchObject({ ok: true, version: 2 });
    const shown = restrictionOf('D1').status;
    const open = () => openDispute(db, { citizenId: 'D1', measureId: RESTRICTION, statement: 'I object to the restriction' }, 'clerk');
    if (shown === 'confirmed') {
      expect(open).not.toThrow();
    } else {
      expect(shown).toBe('proposed');
      expect(open).toThrow(/only a confirmed restriction can be disputed/);
      expect(listDisputes(db, {})).toEqual([]);
    }
  });

  it('a rejected dispute leaves it confirmed', () => {
    confirmD1();
    const id = openDispute(db, { citizenId: 'D1', measureId: RESTRICTION, statement: 'I object' }, 'clerk');
    moveDispute(db, id, 'under_review', 'reviewer', 'assigned');
    moveDispute(db, id, 'rejected', 'judge', 'the record stands');
    expect(restrictionOf('D1')).toMatchObject({ status: 'confirmed', decidedBy: 'official' });
    expect(decisionRows()).toHaveLength(1);
  });
});

describe('measures in the ruleset', () => {
  it('a measure naming an unknown tier makes the ruleset invalid, and it is not published', () => {
    const spec = defaultRuleset() as { measures: { id: string; tiers: string[] }[] };
    spec.measures.find((m) => m.id === RESTRICTION)!.tiers = ['D', 'E'];
    const checked = checkRuleset(db, spec);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems).toEqual([{ field: `measures.${RESTRICTION}`, message: `measure ${RESTRICTION} names tier E, which the ruleset does not define`, key: 'ruleset.measureTier', params: { id: RESTRICTION, tier: 'E' } }]);

    const published = publishRuleset(db, spec, { actor: 'admin', reason: 'a tier that does not exist' });
    expect(published.ok).toBe(false);
    expect(currentRulesetVersion(db)).toBe(1);
    expect(db.prepare('SELECT count(*) FROM rulesets').pluck().get()).toBe(1);
  });

  it('two measures with one id make the ruleset invalid', () => {
    const spec = defaultRuleset() as { measures: { id: string }[] };
    spec.measures[1].id = spec.measures[0].id;
    const checked = checkRuleset(db, spec);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problems.map((p) => p.message)).toContain(`measure id ${BIKE} appears twice`);
  });

  it('a measure of another kind than benefit or restriction is refused', () => {
    const spec = defaultRuleset() as { measures: { kind: string }[] };
    spec.measures[2].kind = 'punishment';
    expect(checkRuleset(db, spec).ok).toBe(false);
  });

  it('the default ruleset validates with its measures', () => {
    const checked = checkRuleset(db, defaultRuleset());
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(checked.ruleset.spec.measures?.map((m) => [m.id, m.kind])).toEqual([
      [BIKE, 'benefit'],
      [LIBRARY, 'benefit'],
      [RESTRICTION, 'restriction'],
    ]);
  });
});
