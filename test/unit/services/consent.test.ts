/**
 * Consent (SCORING_MODEL §1 consent record, §3 scope, §6 `consent_changed`
 * and the `scope` cause): consents.csv imported all or nothing with
 * line-numbered problems, re-imports changing nothing; a ruleset with
 * `consent_required` scores only citizens whose consent at the as-of is
 * `given`, and out-of-scope citizens neither cause nor receive a friend
 * penalty; a consent recorded by hand rescores the citizen and their friends,
 * with `scope` ledger entries; a full recompute afterwards finds nothing to
 * repair; the chain and the stored-score check still verify.
 *
 * Baseline (importFixtures): C1 own 1001, C2 own 1002, C3 own 820; C1-C2 and
 * C2-C3 are friends; C4, C5 1000 without friends.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import { verifyLedger } from '../../../electron/db/ledger.js';
import { consentOf, recordConsent } from '../../../electron/services/consent.js';
import { renderDisclosure } from '../../../electron/services/disclosure.js';
import { explainCitizen } from '../../../electron/services/explain.js';
import { subjectAccessExport } from '../../../electron/services/subjectAccess.js';
import { readPdf } from '../helpers/pdfReader.js';
import { importFolder, type ImportReport } from '../../../electron/services/import.js';
import { publishRuleset, recomputeScores } from '../../../electron/services/rulesets.js';
import { BASELINE_AS_OF, centsOf, dbSnapshot, DEFAULT_RULESET, folder, openTempDb, removeTempDirs, seedBaseline } from '../helpers/importFixtures.js';

const HEADER = 'citizen_id,status,at,evidence';
const lines = (...rows: string[]) => rows.join('\n') + '\n';
const CONSENT_RULESET = { ...(DEFAULT_RULESET as Record<string, unknown>), consent_required: true };
const OFFICIAL = { actor: 'official-1', reason: 'form received at the district office' };

let db: Db;
beforeEach(async () => {
  db = openTempDb().db;
  await seedBaseline(db);
});
afterEach(() => {
  db.close();
  removeTempDirs();
});

const importConsents = (text: string, scoringPath?: 'incremental'): Promise<ImportReport> =>
  importFolder(db, folder({ 'consents.csv': text }), { actor: 'tester', provider: 'District office', scoringPath });

async function expectRejected(text: string, line: number, message: RegExp): Promise<void> {
  const before = dbSnapshot(db);
  const report = await importConsents(text);
  expect(report.ok).toBe(false);
  expect(report.problems[0]).toMatchObject({ file: 'consents.csv', line, message: expect.stringMatching(message) });
  expect(dbSnapshot(db)).toEqual(before);
}

function publishConsentRequired(asOf = BASELINE_AS_OF): void {
  const r = publishRuleset(db, CONSENT_RULESET, { actor: 'admin', reason: 'score only citizens who consented', asOf });
  expect(r.problems).toEqual([]);
}

const ledgerOf = (citizen: string) =>
  db.prepare('SELECT l.old_score, l.new_score, l.old_tier, l.new_tier, l.cause, l.cause_friends, o.kind FROM ledger l JOIN operations o ON o.id = l.operation_id WHERE citizen_id = ? ORDER BY seq').all(citizen) as {
    old_score: number | null;
    new_score: number | null;
    old_tier: string | null;
    new_tier: string | null;
    cause: string;
    cause_friends: string;
    kind: string;
  }[];
const lastEntry = (citizen: string) => ledgerOf(citizen).at(-1)!;
const penaltyOf = (citizen: string) => db.prepare('SELECT s.penalty FROM scores s JOIN citizens c ON c.idx = s.citizen_idx WHERE c.citizen_id = ?').pluck().get(citizen) as number | undefined;

/** A full recompute at the same as-of changes nothing: the incremental paths left the model's figures. */
function expectFullRecomputeAgrees(): void {
  const state = db.prepare('SELECT as_of FROM scoring_state').pluck().get() as string;
  const again = recomputeScores(db, { asOf: state, actor: 'auditor', reason: 'check' });
  expect(again.scoring).toMatchObject({ ledgerEntries: 0, rowsRewritten: 0 });
  expect(verifyLedger(db).ok).toBe(true);
  expect(verifyIntegrity(db)).toMatchObject({ ok: true });
}

describe('consents.csv', () => {
  it('imports a consent history as a consent_changed operation, and re-importing it changes nothing', async () => {
    const text = lines(HEADER, 'C1,given,2024-01-01T00:00:00Z,form 17/2024', 'C1,withdrawn,2024-06-01T08:00:00+08:00,"letter, registered post"', 'C2,refused,2024-02-02T10:00:00.250Z,counter');
    const report = await importConsents(text);
    expect(report.problems).toEqual([]);
    expect(report.counts).toMatchObject({ consentsAdded: 3, consentsUnchanged: 0 });
    expect(db.prepare('SELECT kind FROM operations WHERE id = ?').pluck().get(report.operationId)).toBe('consent_changed');
    const before = dbSnapshot(db);
    const again = await importConsents(text);
    expect(again).toMatchObject({ ok: true, operationId: null });
    expect(again.counts).toMatchObject({ consentsAdded: 0, consentsUnchanged: 3 });
    expect(dbSnapshot(db)).toEqual(before);
  });

  it('reads consents.csv after citizens.csv, so a new citizen and their consent come in one folder', async () => {
    const report = await importFolder(db, folder({ 'consents.csv': lines(HEADER, 'C9,given,2024-01-01T00:00:00Z,form 1'), 'citizens.csv': lines('citizen_id,name,district,birth_date', 'C9,Iris Qi,Yatou,') }), { actor: 'tester' });
    expect(report.problems).toEqual([]);
    expect(report.counts).toMatchObject({ citizensAdded: 1, consentsAdded: 1 });
    expect(db.prepare('SELECT kind FROM operations WHERE id = ?').pluck().get(report.operationId)).toBe('events_imported');
  });

  it.each([
    ['an unknown citizen', 'C99,given,2024-01-01T00:00:00Z,form 1', /unknown citizen 'C99'/],
    ['a status outside the model', 'C1,maybe,2024-01-01T00:00:00Z,form 1', /status "maybe" must be one of given, withdrawn, refused/],
    ['a status in capitals', 'C1,GIVEN,2024-01-01T00:00:00Z,form 1', /status "GIVEN"/],
    ['an instant without seconds', 'C1,given,2024-01-01T00:00Z,form 1', /at "2024-01-01T00:00Z" is not an RFC 3339 instant/],
    ['a fraction finer than milliseconds', 'C1,given,2024-01-01T00:00:00.0004Z,form 1', /at "2024-01-01T00:00:00.0004Z" is not/],
    ['a date alone', 'C1,given,2024-01-01,form 1', /at "2024-01-01" is not/],
    ['no evidence', 'C1,given,2024-01-01T00:00:00Z,  ', /has no evidence/],
    ['evidence with a control character', 'C1,given,2024-01-01T00:00:00Z,"form\u0007 1"', /evidence contains the control character U\+0007/],
    ['evidence with a bidi override', 'C1,given,2024-01-01T00:00:00Z,form \u202E1', /bidirectional/],
    ['evidence of 501 characters', `C1,given,2024-01-01T00:00:00Z,${'x'.repeat(501)}`, /evidence is 501 characters long; at most 500/],
    ['a missing column', 'C1,given,2024-01-01T00:00:00Z', /./],
  ])('refuses %s, naming the line, and writes nothing', async (_what, row, message) => {
    await expectRejected(lines(HEADER, 'C2,given,2024-01-01T00:00:00Z,form 2', row), 3, message);
  });

  it('refuses the same citizen and instant twice in one file (the order would be a guess), in another spelling too', async () => {
    await expectRejected(lines(HEADER, 'C1,given,2024-01-01T08:00:00+08:00,form 1', 'C1,withdrawn,2024-01-01T00:00:00Z,form 2'), 3, /appears twice in the file/);
  });

  it('refuses a stored record rewritten with another status: the history is append-only', async () => {
    expect((await importConsents(lines(HEADER, 'C1,given,2024-01-01T00:00:00Z,form 1'))).ok).toBe(true);
    await expectRejected(lines(HEADER, 'C1,withdrawn,2024-01-01T00:00:00Z,form 1'), 2, /already recorded as given.*append-only/);
  });

  it('refuses a wrong header', async () => {
    const before = dbSnapshot(db);
    const report = await importConsents(lines('citizen,status,at,evidence', 'C1,given,2024-01-01T00:00:00Z,form 1'));
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ file: 'consents.csv', line: 1 });
    expect(dbSnapshot(db)).toEqual(before);
  });
});

describe('scope in scoring', () => {
  beforeEach(async () => {
    // C1 and C2 consented; C3 never did; C4 refused; C5 gave and withdrew before the as-of.
    const report = await importConsents(
      lines(HEADER, 'C1,given,2024-01-01T00:00:00Z,form 1', 'C2,given,2024-01-01T00:00:00Z,form 2', 'C4,refused,2024-01-01T00:00:00Z,form 4', 'C5,given,2024-01-01T00:00:00Z,form 5', 'C5,withdrawn,2024-12-31T23:59:59.999Z,form 5b'),
    );
    expect(report.ok).toBe(true);
    expect(report.scoring).toBeNull();
  });

  it('a ruleset without consent_required scores everyone, consent or not', () => {
    expect([centsOf(db, 'C3'), centsOf(db, 'C4'), centsOf(db, 'C5')].every((c) => c !== undefined)).toBe(true);
    expect(penaltyOf('C2')).toBe(7.5);
  });

  it('with consent_required, only citizens whose consent at the as-of is given are scored, and friends out of scope cause no penalty', () => {
    publishConsentRequired();
    expect(['C1', 'C2', 'C3', 'C4', 'C5'].map((c) => centsOf(db, c))).toEqual([100100, 100200, undefined, undefined, undefined]);
    // C3 (own 820) is out of scope: C2's only in-scope friend is C1, above the threshold.
    expect(penaltyOf('C2')).toBe(0);
    expect(explainCitizen(db, 'C2')).toMatchObject({ friendPenalty: 0, activeFriendCount: 1, friends: [expect.objectContaining({ citizenId: 'C1' })] });
    expect(() => explainCitizen(db, 'C3')).toThrow(/not scored: the ruleset requires consent/);
    for (const c of ['C3', 'C4', 'C5']) expect(lastEntry(c)).toMatchObject({ new_score: null, new_tier: null, cause: 'scope', kind: 'ruleset_published' });
    expect(consentOf(db, 5)).toMatchObject({ required: true, atScoringInstant: 'withdrawn', latest: 'withdrawn', inScope: false });
    expectFullRecomputeAgrees();
  });

  it('a withdrawal recorded by an official takes the citizen out of scope and moves a friend whose penalty depended on them', () => {
    publishConsentRequired();
    // C3 gives consent: C2 is penalised by C3 (0.5/2 * 30 = 7.5).
    const gave = recordConsent(db, { citizenId: 'C3', status: 'given', at: '2024-12-01T00:00:00Z', evidence: 'form 3' }, OFFICIAL);
    expect(gave).toMatchObject({ inScopeBefore: false, inScopeAfter: true, afterScoringInstant: false });
    expect(lastEntry('C3')).toMatchObject({ old_score: null, new_score: 82000, cause: 'scope', kind: 'consent_changed' });
    expect(penaltyOf('C2')).toBe(7.5);
    expect(lastEntry('C2')).toMatchObject({ cause: 'friends', cause_friends: '["C3"]' });
    // C1 withdraws: C2's in-scope friends are C3 alone, so the penalty doubles (0.5/1 * 30 = 15).
    const withdrew = recordConsent(db, { citizenId: 'C1', status: 'withdrawn', at: '2024-12-15T09:30:00Z', evidence: 'letter 88' }, OFFICIAL);
    expect(withdrew).toMatchObject({ inScopeBefore: true, inScopeAfter: false });
    expect(centsOf(db, 'C1')).toBeUndefined();
    expect(lastEntry('C1')).toMatchObject({ old_score: 100100, new_score: null, old_tier: 'A', new_tier: null, cause: 'scope', kind: 'consent_changed' });
    expect(penaltyOf('C2')).toBe(15);
    expect(lastEntry('C2')).toMatchObject({ old_score: 99450, new_score: 98700, cause: 'friends', cause_friends: '["C1"]', kind: 'consent_changed' });
    expectFullRecomputeAgrees();
    // And C1 gives it again: back in scope, C2's penalty back to 7.5.
    recordConsent(db, { citizenId: 'C1', status: 'given', at: '2024-12-20T00:00:00Z', evidence: 'form 1b' }, OFFICIAL);
    expect(lastEntry('C1')).toMatchObject({ old_score: null, new_score: 100100, cause: 'scope' });
    expect(penaltyOf('C2')).toBe(7.5);
    expectFullRecomputeAgrees();
    expect(consentOf(db, 1).history.map((h) => [h.status, h.recordedBy, h.reason])).toEqual([
      ['given', 'official-1', OFFICIAL.reason],
      ['withdrawn', 'official-1', OFFICIAL.reason],
      ['given', 'tester', 'import of ' + (db.prepare("SELECT details FROM operations WHERE kind = 'consent_changed' ORDER BY id LIMIT 1").pluck().get() as string).match(/"folder":"([^"]+)"/)![1]],
    ]);
  });

  it('a record exactly at the as-of counts; one a millisecond later does not until the instant moves', () => {
    publishConsentRequired('2025-01-01T00:00:00Z');
    recordConsent(db, { citizenId: 'C3', status: 'given', at: '2025-01-01T00:00:00Z', evidence: 'form 3' }, OFFICIAL);
    expect(centsOf(db, 'C3')).toBe(82000);
    const late = recordConsent(db, { citizenId: 'C4', status: 'given', at: '2025-01-01T00:00:00.001Z', evidence: 'form 4b' }, OFFICIAL);
    expect(late).toMatchObject({ inScopeBefore: false, inScopeAfter: false, afterScoringInstant: true });
    expect(centsOf(db, 'C4')).toBeUndefined();
    // Moving the instant incrementally brings C4 in (and a withdrawal between the instants takes C2 out).
    recordConsent(db, { citizenId: 'C2', status: 'withdrawn', at: '2025-01-01T12:00:00Z', evidence: 'letter 2' }, OFFICIAL);
    expect(centsOf(db, 'C2')).toBe(100200 - 750);
    const moved = recomputeScores(db, { asOf: '2025-01-02T00:00:00Z', actor: 'admin', reason: 'new day', path: 'incremental' });
    expect(moved.scoring.iterations).toBeUndefined();
    expect([centsOf(db, 'C2'), centsOf(db, 'C4')]).toEqual([undefined, 100000]);
    expect(lastEntry('C4')).toMatchObject({ old_score: null, cause: 'scope', kind: 'records_expired' });
    expectFullRecomputeAgrees();
  });

  it('a full recompute moving the instant past a consent names the friend who entered scope, and only them, as the cause', () => {
    publishConsentRequired('2025-01-01T00:00:00Z');
    // C3's consent comes after the as-of: out of scope until the instant moves past it.
    recordConsent(db, { citizenId: 'C3', status: 'given', at: '2025-01-01T12:00:00Z', evidence: 'form 3' }, OFFICIAL);
    expect(centsOf(db, 'C3')).toBeUndefined();
    recomputeScores(db, { asOf: '2025-01-02T00:00:00Z', actor: 'admin', reason: 'new day', path: 'full' });
    expect(lastEntry('C3')).toMatchObject({ old_score: null, new_score: 82000, cause: 'scope', kind: 'records_expired' });
    // C2's friends in scope are now C1 (above the threshold, unchanged) and C3 (own 820): C3 alone moved the penalty.
    expect(penaltyOf('C2')).toBe(7.5);
    expect(lastEntry('C2')).toMatchObject({ cause: 'friends', cause_friends: '["C3"]', kind: 'records_expired' });
    expectFullRecomputeAgrees();
  });

  it('turning consent_required off brings everyone back in scope, with scope entries', () => {
    publishConsentRequired();
    const r = publishRuleset(db, DEFAULT_RULESET, { actor: 'admin', reason: 'score everyone again' });
    expect(r.ok).toBe(true);
    for (const c of ['C3', 'C4', 'C5']) expect(lastEntry(c)).toMatchObject({ old_score: null, cause: 'scope' });
    expect(penaltyOf('C2')).toBe(7.5);
    expectFullRecomputeAgrees();
  });

  it('an import of consents under consent_required rescores on the incremental path', async () => {
    publishConsentRequired();
    const report = await importConsents(lines(HEADER, 'C3,given,2024-12-01T00:00:00Z,form 3'), 'incremental');
    expect(report.scoring).not.toBeNull();
    expect(report.scoring!.iterations).toBeUndefined();
    expect(penaltyOf('C2')).toBe(7.5);
    expectFullRecomputeAgrees();
  });
});

describe('recording consent by hand: careless and hostile input', () => {
  const good = { citizenId: 'C1', status: 'withdrawn', at: '2024-12-01T00:00:00Z', evidence: 'letter 1' };
  it.each([
    ['an unknown citizen', { ...good, citizenId: 'C404' }, OFFICIAL, /no citizen with id 'C404'/],
    ['a status outside the model', { ...good, status: 'revoked' }, OFFICIAL, /status "revoked" must be one of/],
    ['an instant without seconds', { ...good, at: '2024-12-01T00:00Z' }, OFFICIAL, /is not an RFC 3339 instant/],
    ['an instant in the future', { ...good, at: '2099-01-01T00:00:00Z' }, OFFICIAL, /in the future/],
    ['no evidence', { ...good, evidence: ' ' }, OFFICIAL, /needs evidence/],
    ['evidence with a line break', { ...good, evidence: 'a\nb' }, OFFICIAL, /control character/],
    ['no reason', good, { actor: 'official-1', reason: '  ' }, /written reason/],
  ])('refuses %s and changes nothing', (_what, input, options, message) => {
    const before = dbSnapshot(db);
    expect(() => recordConsent(db, input, options)).toThrow(message);
    expect(dbSnapshot(db)).toEqual(before);
  });

  it('refuses a second record of the same citizen at the same instant', () => {
    recordConsent(db, good, OFFICIAL);
    const before = dbSnapshot(db);
    expect(() => recordConsent(db, { ...good, status: 'given' }, OFFICIAL)).toThrow(/already exists; the history is append-only/);
    expect(dbSnapshot(db)).toEqual(before);
  });

  it('consent records cannot be edited or deleted, and a forged one is found by the chain verifier', () => {
    recordConsent(db, good, OFFICIAL);
    expect(() => db.prepare("UPDATE consents SET status = 'given'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM consents').run()).toThrow(/append-only/);
    db.exec('DROP TRIGGER consents_no_update');
    db.prepare("UPDATE consents SET status = 'given'").run();
    expect(verifyIntegrity(db)).toMatchObject({ ok: false });
  });

  it('with consent not required, a withdrawal is recorded and scores stay', () => {
    const before = centsOf(db, 'C1');
    const r = recordConsent(db, good, OFFICIAL);
    expect(r).toMatchObject({ inScopeBefore: true, inScopeAfter: true, scoring: null });
    expect(centsOf(db, 'C1')).toBe(before);
  });
});

describe('what the citizen is told', () => {
  beforeEach(async () => {
    expect((await importConsents(lines(HEADER, 'C1,given,2024-01-01T00:00:00Z,form 1/2024', 'C2,given,2024-01-01T00:00:00Z,form 2/2024'))).ok).toBe(true);
    publishConsentRequired();
  });

  it('the disclosure of a scored citizen states their consent, its evidence and how to withdraw', async () => {
    const { text } = await readPdf(renderDisclosure(db, 'C1', { generatedBy: 'Officer Test', now: new Date('2026-11-02T09:00:00Z') }));
    expect(text).toContain('Your consent to being scored is given on the scoring date');
    expect(text).toContain('so you are scored');
    expect(text).toContain('form 1/2024');
    expect(text).toContain('How to withdraw your consent');
    expect(text).toContain('You may withdraw your consent at any time');
  });

  it('the disclosure of an out-of-scope citizen says plainly they are not scored and why, and names no one else', async () => {
    const { text } = await readPdf(renderDisclosure(db, 'C3', { generatedBy: 'Officer Test', now: new Date('2026-11-02T09:00:00Z') }));
    expect(text).toContain('You are not scored');
    expect(text).toContain('This office scores only people who have given their consent');
    expect(text).toContain('No consent of yours to being scored is on record');
    expect(text).not.toMatch(/Bo Wang|Ann Lee|C1\b|C2\b/);
  });

  it('in Chinese, the out-of-scope disclosure says the same in Chinese, consent section included', async () => {
    const { text } = await readPdf(renderDisclosure(db, 'C3', { generatedBy: 'Officer Test', now: new Date('2026-11-02T09:00:00Z'), language: 'zh-CN' }));
    expect(text).toContain('您不纳入评分');
    expect(text).toContain('本机关只对已作出授权同意的人员评分');
    expect(text).toContain('没有您对信用评分的授权同意记录');
    expect(text).toContain('如何撤回授权同意');
    expect(text).not.toMatch(/You are not scored|Your consent/);
  });

  it('the subject-access export carries the consent history, the status that counts and how to withdraw', () => {
    recordConsent(db, { citizenId: 'C1', status: 'withdrawn', at: '2024-12-15T09:30:00Z', evidence: 'letter 88' }, OFFICIAL);
    const x = subjectAccessExport(db, 'C1');
    expect(x.score).toBeNull();
    expect(x.consent).toMatchObject({ required: true, atScoringInstant: 'withdrawn', inScope: false });
    expect(x.consent.history.map((h) => [h.status, h.evidence, h.recordedBy])).toEqual([
      ['withdrawn', 'letter 88', 'official-1'],
      ['given', 'form 1/2024', 'tester'],
    ]);
    expect(x.consent.status).toMatch(/withdrawn.*so you are not scored/);
    expect(x.consent.howToWithdraw.join(' ')).toMatch(/withdraw your consent at any time/);
    expect(x.ledger.at(-1)).toMatchObject({ newScore: null, newTier: null, cause: 'scope' });
    expect(x.otherTables.consents).toBeUndefined();
  });
});
