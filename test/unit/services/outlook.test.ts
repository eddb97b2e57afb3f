/**
 * Score outlook and network reach (issue 13 parts 1 and 2) on populations
 * small enough to compute by hand (T = 850, w = 0.5, P = 100, default tiers).
 *
 * Chain A - B - C. A has a record of -300 that counts 365 days, B one of
 * -150 that counts 730 days, C none. As of 2025-01-01 (A and B below T):
 *   s_A = 700 - 0.5 (850 - s_B),  s_B = 850 - 0.25 (850 - s_A)
 *   => s_B = 5650/7 = 807.14 (C), s_A = 4750/7 = 678.57 (C),
 *      s_C = 1000 - 0.5 (850 - s_B) = 6850/7 = 978.57 (A).
 * 2025-03-14 (A's record of 2024-03-14 expires): A 1000.00 (A), B 850.00 (B:
 * its friends' shortfall is gone), C 1000.00 (A).
 * 2026-06-01 (B's record of 2024-06-01 expires): B 1000.00 (A).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { renderDisclosure } from '../../../electron/services/disclosure.js';
import { openDispute } from '../../../electron/services/disputes.js';
import { explainCitizen } from '../../../electron/services/explain.js';
import { importFolder } from '../../../electron/services/import.js';
import { friendPenaltyByDistrict, networkView } from '../../../electron/services/network.js';
import { scoreOutlook } from '../../../electron/services/outlook.js';
import { whatIf } from '../../../electron/services/networkReach.js';
import { previewEvent } from '../../../electron/services/eventPreview.js';
import { recordEvent } from '../../../electron/services/recordEvent.js';
import { loadScoringState } from '../../../electron/services/scoring.js';
import { simulateRuleset } from '../../../electron/services/ruleLab.js';
import { publishRuleset } from '../../../electron/services/rulesets.js';
import { eventRow, folder, openTempDb, removeTempDirs } from '../helpers/importFixtures.js';
import { readPdf } from '../helpers/pdfReader.js';

const KINDS = JSON.stringify([{ kind: 'record', fields: { p: { type: 'number' } } }]);
export const SMALL_RULESET = {
  base_score: 1000,
  score_min: 0,
  score_max: 2000,
  friend_penalty: { threshold: 850, weight: 0.5, cap: 100 },
  tiers: [
    { name: 'AAA', min: 1050 },
    { name: 'AA', min: 1030 },
    { name: 'A', min: 960 },
    { name: 'B', min: 850 },
    { name: 'C', min: 600 },
    { name: 'D', min: 0 },
  ],
  rules: [
    { id: 'short', name: 'Severe record', description: 'counts a year', dimension: 'legal', event_kind: 'record', condition: 'event.p <= -300.0', points: 'event.p', ttl_days: 365 },
    { id: 'long', name: 'Minor record', description: 'counts two years', dimension: 'legal', event_kind: 'record', condition: 'event.p > -300.0', points: 'event.p', ttl_days: 730 },
  ],
};

/** A small population: citizens (id, district), friendships, events (id, citizen, instant, points). */
export async function smallWorld(citizens: [string, string][], friendships: [string, string][], events: [string, string, string, number][], asOf: string): Promise<Db> {
  const { db } = openTempDb();
  const files = {
    'event_kinds.json': KINDS,
    'citizens.csv': ['citizen_id,name,district,birth_date', ...citizens.map(([id, d]) => `${id},Citizen ${id},${d},`), ''].join('\n'),
    'relationships.csv': ['a,b,since,until', ...friendships.map(([a, b]) => `${a},${b},2020-01-01,`), ''].join('\n'),
    'events.csv': ['event_id,citizen_id,kind,occurred_at,data', ...events.map(([id, c, at, p]) => eventRow(id, c, 'record', at, { p })), ''].join('\n'),
  };
  const report = await importFolder(db, folder(files), { actor: 'test', reason: 'small world' });
  if (!report.ok) throw new Error(JSON.stringify(report.problems));
  const published = publishRuleset(db, SMALL_RULESET, { actor: 'test', reason: 'small ruleset', asOf });
  if (!published.ok) throw new Error(JSON.stringify(published.problems));
  return db;
}

afterAll(() => removeTempDirs());

describe('outlook of a chain A - B - C where A\'s record expires', () => {
  let db: Db;
  beforeAll(async () => {
    db = await smallWorld(
      [['A', 'North'], ['B', 'North'], ['C', 'South']],
      [['A', 'B'], ['B', 'C']],
      [['A1', 'A', '2024-03-14T00:00:00Z', -300], ['B1', 'B', '2024-06-01T00:00:00Z', -150]],
      '2025-01-01T00:00:00Z',
    );
  });

  it('today: A 678.57 (C), B 807.14 (C), C 978.57 (A)', () => {
    expect(scoreOutlook(db, 'A').now).toMatchObject({ score: 678.57, tier: 'C' });
    expect(scoreOutlook(db, 'B').now).toMatchObject({ score: 807.14, tier: 'C' });
    expect(scoreOutlook(db, 'C').now).toMatchObject({ score: 978.57, tier: 'A' });
  });

  it("A rises to 1000.00 (A) on 2025-03-14, when its record of 2024-03-14 expires, and that is its next tier", () => {
    const o = scoreOutlook(db, 'A');
    expect(o.points.map((p) => [p.at, p.score, p.tier, p.records.map((r) => `${r.eventId} ${r.change} ${r.points}`)])).toEqual([
      ['2025-03-14T00:00:00.000Z', 1000, 'A', ['A1 expires -300']],
    ]);
    expect(o.nextTier).toMatchObject({ tier: 'A', at: '2025-03-14T00:00:00.000Z', score: 1000, recordsTotal: 1 });
    expect(o.nextTier!.records.map((r) => r.eventId)).toEqual(['A1']);
  });

  it("B's friend penalty is recomputed with A's outlook: 850.00 (B) on 2025-03-14 without a record of its own, 1000.00 (A) on 2026-06-01", () => {
    const o = scoreOutlook(db, 'B');
    expect(o.points.map((p) => [p.at, p.score, p.tier, p.penalty, p.friendsMoved, p.records.map((r) => r.eventId)])).toEqual([
      ['2025-03-14T00:00:00.000Z', 850, 'B', 0, true, []],
      ['2026-06-01T00:00:00.000Z', 1000, 'A', 0, false, ['B1']],
    ]);
    // The next tier (B) comes through A's expiry: no record of B's own is needed.
    expect(o.nextTier).toMatchObject({ tier: 'B', at: '2025-03-14T00:00:00.000Z', recordsTotal: 0 });
  });

  it('C, two hops from A, loses its penalty on 2025-03-14 and has no next tier known', () => {
    const o = scoreOutlook(db, 'C');
    expect(o.points.map((p) => [p.at, p.score, p.tier, p.penalty])).toEqual([['2025-03-14T00:00:00.000Z', 1000, 'A', 0]]);
    expect(o.nextTier).toBeNull();
  });

  it("the disclosure says when A's score is expected to rise, labelled a projection", async () => {
    const { text } = await readPdf(renderDisclosure(db, 'A', { generatedBy: 'official-1', now: new Date('2025-01-02T00:00:00Z') }));
    expect(text).toContain('Score outlook (projection)');
    expect(text).toContain('A projection under the current ruleset (version 1)');
    expect(text).toContain('Your score is expected to rise to 1000.00 (A) on 2025-03-14, when the record of 2024-03-14 expires.');
    expect(text).toContain('You are expected to reach tier A (960 or more) on 2025-03-14');
  });

  it("B's disclosure gives no date on which only a friend's record changes: that would disclose the friend's record", async () => {
    const { text } = await readPdf(renderDisclosure(db, 'B', { generatedBy: 'official-1', now: new Date('2025-01-02T00:00:00Z') }));
    expect(text).not.toContain('2025-03-14');
    expect(text).toContain('Your score is expected to rise to 1000.00 (A) on 2026-06-01, when the record of 2024-06-01 expires.');
  });

  it("network view: A's shortfall costs B 42.86, all of B's penalty; B's costs A and C 21.43 each", () => {
    const a = networkView(db, 'A');
    expect(a.shortfall).toBeCloseTo(850 - 4750 / 7, 9);
    expect(a.friends.map((f) => [f.citizenId, f.lost.toFixed(6), f.penalty.toFixed(6)])).toEqual([['B', (300 / 7).toFixed(6), (300 / 7).toFixed(6)]]);
    const b = networkView(db, 'B');
    expect(b.friends.map((f) => [f.citizenId, f.lost.toFixed(6)])).toEqual([['A', (150 / 7).toFixed(6)], ['C', (150 / 7).toFixed(6)]]);
    // Shares of the stored penalties, which are whole micro-points.
    expect(b.total).toBeCloseTo(300 / 7, 5);
  });

  it("the reverse attribution adds up to the friends' shares attributed to this citizen in their own explanations", () => {
    for (const id of ['A', 'B', 'C']) {
      const v = networkView(db, id);
      let fromExplanations = 0;
      for (const f of v.friends) {
        const share = explainCitizen(db, f.citizenId).friends.find((x) => x.citizenId === id)!.share;
        expect(f.lost).toBeCloseTo(share, 9);
        fromExplanations += share;
      }
      expect(v.total).toBeCloseTo(fromExplanations, 9);
    }
  });

  it("upholding a dispute of A's record would give A 1000.00 (A) now and move B and C, one and two hops away", () => {
    openDispute(db, { citizenId: 'A', eventId: 'A1', statement: 'the record is wrong' }, 'official-1');
    const o = scoreOutlook(db, 'A');
    expect(o.disputes).toHaveLength(1);
    expect(o.disputes[0]).toMatchObject({ eventId: 'A1', score: 1000, tier: 'A', noChange: null, reach: { citizens: 2, maxHops: 2, byHop: [{ hops: 1, citizens: 1 }, { hops: 2, citizens: 1 }] } });
  });

  it('the friend penalty share by district: North loses 450 own points and 64.29 to friends, South 21.43 to friends (figures of districts this small shown, for the arithmetic)', () => {
    const rows = friendPenaltyByDistrict(db, 0).rows;
    const north = rows.find((r) => r.district === 'North')!;
    const south = rows.find((r) => r.district === 'South')!;
    const all = rows.find((r) => r.district === null)!;
    expect(north.friendLoss).toBeCloseTo(300 / 7 + 150 / 7, 5);
    expect(north.loss).toBeCloseTo(450 + 450 / 7, 5);
    expect(south.friendLoss).toBeCloseTo(150 / 7, 5);
    expect(south.share).toBeCloseTo(1, 9);
    expect(all.friendLoss).toBeCloseTo(600 / 7, 5);
    expect(all.share).toBeCloseTo(600 / 7 / (450 + 600 / 7), 8);
  });

  it("as anyone reads it, North (2 citizens) and South (1) show their sizes only: South's figures would be C's own friend penalty; the population's total stays", () => {
    const rows = friendPenaltyByDistrict(db).rows;
    expect(rows.filter((r) => r.district !== null)).toEqual([
      { district: 'North', citizens: 2, loss: null, friendLoss: null, share: null, withheld: true },
      { district: 'South', citizens: 1, loss: null, friendLoss: null, share: null, withheld: true },
    ]);
    expect(rows.find((r) => r.district === null)!.friendLoss).toBeCloseTo(600 / 7, 5);
  });
});

describe('how far a change travels on a path graph', () => {
  it('upholding a dispute at one end of a path of five citizens below the threshold moves the four others, 1 to 4 hops away', async () => {
    const ids = ['P1', 'P2', 'P3', 'P4', 'P5'];
    const db = await smallWorld(
      ids.map((id) => [id, 'Path'] as [string, string]),
      ids.slice(1).map((id, k) => [ids[k], id] as [string, string]),
      ids.map((id) => [`${id}-r`, id, '2024-12-01T00:00:00Z', -200] as [string, string, string, number]),
      '2025-01-01T00:00:00Z',
    );
    openDispute(db, { citizenId: 'P1', eventId: 'P1-r', statement: 'not mine' }, 'official-1');
    const reach = scoreOutlook(db, 'P1').disputes[0].reach;
    expect(reach).toEqual({ citizens: 4, maxHops: 4, byHop: [1, 2, 3, 4].map((hops) => ({ hops, citizens: 1 })) });
    // Every citizen of the path is below the threshold: all five are projected.
    expect(scoreOutlook(db, 'P1').projected).toBe(5);
  });
});

describe('the projected set is as small as the model allows', () => {
  /*
   * X (own 500 until its record of 2024-06-01 expires on 2025-06-01) has one
   * friend F (own 900 until 2026-06-01), whose other friends G1..G5 have no
   * records. The crude bound on F (lowest own 900 less the largest penalty
   * 100 = 800) does not keep F above T = 850, but F's friends do: at worst
   * X is at 400, so raw(F) <= 0.5/6 * 450 = 37.5 and s_F >= 862.5 at every
   * instant (in fact s_F = 900 - 0.5/6 * 350 = 870.83). F is certified: only
   * X is projected; F and G1..G5 are read, nothing further.
   */
  it('a friend certified to stay at or above the threshold is read but not projected, and the walk stops there', async () => {
    const gs = ['G1', 'G2', 'G3', 'G4', 'G5'];
    const db = await smallWorld(
      ['X', 'F', 'H', ...gs].map((id) => [id, 'North'] as [string, string]),
      [['F', 'X'], ...gs.map((g) => ['F', g] as [string, string]), ['G1', 'H']],
      [
        ['X-r', 'X', '2024-06-01T00:00:00Z', -500],
        ['F-r', 'F', '2024-06-01T00:00:00Z', -100],
      ],
      '2025-01-01T00:00:00Z',
    );
    const o = scoreOutlook(db, 'X');
    expect(o.projected).toBe(1);
    // X, F and F's five other friends; G1's friend H is never read.
    expect(o.considered).toBe(7);
    expect(o.now.score).toBe(500);
    expect(o.points.map((p) => [p.at, p.score, p.tier])).toEqual([['2025-06-01T00:00:00.000Z', 1000, 'A']]);
    expect(explainCitizen(db, 'F').score).toBeCloseTo(900 - (0.5 / 6) * 350, 2);
  });
});

const idxOf = (db: Db, id: string) => db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(id) as number;

describe('consent scope in the outlook (SCORING_MODEL §3)', () => {
  /*
   * Consent required. X (no records) is friends with M and L. M (own 500:
   * -300 until 2025-09-01, -200 until 2026-09-01) consented in 2020 and
   * withdraws on 2025-03-01; L (own 500 until 2025-06-01) never consented.
   * As of 2025-01-01: N(X) = {M}, s_M = 500 (X is above T),
   * s_X = 1000 - min(100, 0.5 (850 - 500)) = 900.00 (B).
   * On 2025-03-01 M leaves scope: N(X) is empty, s_X = 1000.00 (A). L's
   * expiry (2025-06-01) and M's (2025-09-01) move nothing: neither is in
   * anyone's friend list then.
   */
  let db: Db;
  beforeAll(async () => {
    const opened = openTempDb();
    db = opened.db;
    const files = {
      'event_kinds.json': KINDS,
      'citizens.csv': ['citizen_id,name,district,birth_date', 'X,Citizen X,North,', 'M,Citizen M,North,', 'L,Citizen L,North,', ''].join('\n'),
      'consents.csv': [
        'citizen_id,status,at,evidence',
        'X,given,2020-01-01T00:00:00Z,form 1',
        'M,given,2020-01-01T00:00:00Z,form 2',
        'M,withdrawn,2025-03-01T00:00:00Z,letter',
        '',
      ].join('\n'),
      'relationships.csv': ['a,b,since,until', 'M,X,2020-01-01,', 'L,X,2020-01-01,', ''].join('\n'),
      'events.csv': [
        'event_id,citizen_id,kind,occurred_at,data',
        eventRow('M-r', 'M', 'record', '2024-09-01T00:00:00Z', { p: -300 }),
        eventRow('M-r2', 'M', 'record', '2024-09-01T00:00:00Z', { p: -200 }),
        eventRow('L-r', 'L', 'record', '2024-06-01T00:00:00Z', { p: -500 }),
        '',
      ].join('\n'),
    };
    const report = await importFolder(db, folder(files), { actor: 'test', reason: 'consent world' });
    if (!report.ok) throw new Error(JSON.stringify(report.problems));
    const published = publishRuleset(db, { ...SMALL_RULESET, consent_required: true }, { actor: 'test', reason: 'consent required', asOf: '2025-01-01T00:00:00Z' });
    if (!published.ok) throw new Error(JSON.stringify(published.problems));
  });

  it('a citizen out of scope has no outlook, and the refusal says why', () => {
    expect(() => scoreOutlook(db, 'L')).toThrow(/'L' is not scored: the current ruleset scores only citizens who gave their consent/);
  });

  it('friends out of scope take no part: L never, M from the day it withdraws', () => {
    const o = scoreOutlook(db, 'X');
    expect(o.now).toMatchObject({ score: 900, tier: 'B', penalty: 100 });
    expect(o.points.map((p) => [p.at, p.score, p.tier, p.penalty, p.friendsMoved])).toEqual([['2025-03-01T00:00:00.000Z', 1000, 'A', 0, true]]);
    // M is projected until it leaves scope; L, never in scope, is in no one's list and is not.
    expect(o.projected).toBe(2);
  });

  it("a dispute's reach counts friends in scope only: upholding M's -300 moves X (N(X) = {M}, L out of scope) from 900.00 to 1000 - 0.5 (850 - 800) = 975.00", () => {
    openDispute(db, { citizenId: 'M', eventId: 'M-r', statement: 'not mine' }, 'official-1');
    const d = scoreOutlook(db, 'M').disputes[0];
    expect(d).toMatchObject({ score: 800, tier: 'C', reach: { citizens: 1, maxHops: 1, byHop: [{ hops: 1, citizens: 1 }] } });
    const w = whatIf(db, loadScoringState(db)!, new Map([[idxOf(db, 'M'), 800]]));
    expect(w.after.get(idxOf(db, 'X'))).toBeCloseTo(975, 9);
  });
});

describe('how far a draft ruleset travels (the simulation)', () => {
  it("a draft that drops P1's record alone moves the four others on the path through friendships, 1 to 4 hops away; their own scores do not change", async () => {
    const ids = ['P1', 'P2', 'P3', 'P4', 'P5'];
    const db = await smallWorld(
      ids.map((id) => [id, 'Path'] as [string, string]),
      ids.slice(1).map((id, k) => [ids[k], id] as [string, string]),
      ids.map((id) => [`${id}-r`, id, '2024-12-01T00:00:00Z', id === 'P1' ? -250 : -200] as [string, string, string, number]),
      '2025-01-01T00:00:00Z',
    );
    const draft = structuredClone(SMALL_RULESET);
    draft.rules[1].condition = 'event.p > -300.0 && event.p != -250.0';
    const result = simulateRuleset(db, draft);
    expect(result.problems).toEqual([]);
    expect(result.changed).toBe(5);
    expect(result.reach).toEqual({ citizens: 4, maxHops: 4, byHop: [1, 2, 3, 4].map((hops) => ({ hops, citizens: 1 })) });
    // The published ruleset again: nothing moves, nothing travels.
    expect(simulateRuleset(db, SMALL_RULESET).reach).toEqual({ citizens: 0, maxHops: 0, byHop: [] });
  });

  /*
   * Chain A - B - C - D; own scores A 700, B 850, C 880, D 1000 (records of
   * -300, -150, -120). Published (T = 850, w = 0.5, P = 100), C and D above T:
   *   s_B = 5650/7 = 807.14, s_A = 4750/7 = 678.57 (the chain of the first
   *   block), s_C = 880 - 0.25 (850 - s_B) = 869.29, s_D = 1000.
   * Draft w = 0.9: s_B = 850 - min(100, 0.45 (240 + 15)) = 750, s_A = 700 -
   *   0.9 (850 - 750) = 610, s_C = 880 - 0.45 (850 - 750) = 835, s_D = 1000 -
   *   0.9 (850 - 835) = 986.5.
   * On the published scores the new w changes the penalty of A, B and C (each
   * has a friend below T): 1 friendship. D's only friend C is above T until C
   * falls: 2 friendships. No own score changes, so before this walk knew the
   * settings the draft showed no reach at all.
   */
  it('a draft that changes only the friend-penalty weight moves A, B and C through their friends (1 friendship) and D through C (2)', async () => {
    const db = await smallWorld(
      ['A', 'B', 'C', 'D'].map((id) => [id, 'Path'] as [string, string]),
      [['A', 'B'], ['B', 'C'], ['C', 'D']],
      [['A1', 'A', '2024-03-14T00:00:00Z', -300], ['B1', 'B', '2024-06-01T00:00:00Z', -150], ['C1', 'C', '2024-06-01T00:00:00Z', -120]],
      '2025-01-01T00:00:00Z',
    );
    const scores = () => Object.fromEntries(['A', 'B', 'C', 'D'].map((id) => [id, explainCitizen(db, id).score]));
    expect(scores()).toEqual({ A: 678.57, B: 807.14, C: 869.29, D: 1000 });
    const draft = structuredClone(SMALL_RULESET);
    draft.friend_penalty.weight = 0.9;
    const result = simulateRuleset(db, draft);
    expect(result.problems).toEqual([]);
    expect(result.changed).toBe(4);
    expect(result.reach).toEqual({ citizens: 4, maxHops: 2, byHop: [{ hops: 1, citizens: 3 }, { hops: 2, citizens: 1 }], viaSettings: true });
    // What the draft would store, by hand above.
    publishRuleset(db, draft, { actor: 'test', reason: 'weight 0.9' });
    expect(scores()).toEqual({ A: 610, B: 750, C: 835, D: 986.5 });
  });

  /*
   * The same chain, draft score_min = 700: A's unclamped 678.57 is clamped to
   * 700 (a source, like a change of its own score, not counted); then
   * s_B = 850 - 0.25 (850 - 700) = 812.5 (1 friendship from A),
   * s_C = 880 - 0.25 (850 - 812.5) = 870.625 (2), D stays 1000.
   */
  it('a draft that raises the score floor clamps A directly (a source) and moves B and C through friendships; once published, the same draft shows none', async () => {
    const db = await smallWorld(
      ['A', 'B', 'C', 'D'].map((id) => [id, 'Path'] as [string, string]),
      [['A', 'B'], ['B', 'C'], ['C', 'D']],
      [['A1', 'A', '2024-03-14T00:00:00Z', -300], ['B1', 'B', '2024-06-01T00:00:00Z', -150], ['C1', 'C', '2024-06-01T00:00:00Z', -120]],
      '2025-01-01T00:00:00Z',
    );
    const floor = structuredClone(SMALL_RULESET);
    floor.score_min = 700;
    const clamped = simulateRuleset(db, floor);
    expect(clamped.problems).toEqual([]);
    expect(clamped.changed).toBe(3);
    expect(clamped.reach).toEqual({ citizens: 2, maxHops: 2, byHop: [{ hops: 1, citizens: 1 }, { hops: 2, citizens: 1 }], viaSettings: true });
    publishRuleset(db, floor, { actor: 'test', reason: 'floor 700' });
    expect(Object.fromEntries(['A', 'B', 'C', 'D'].map((id) => [id, explainCitizen(db, id).score]))).toEqual({ A: 700, B: 812.5, C: 870.63, D: 1000 });
    // Published now: the same draft again changes no setting and moves no one.
    expect(simulateRuleset(db, floor).reach).toEqual({ citizens: 0, maxHops: 0, byHop: [] });
  });
});

describe('what recording an event would do, before it is recorded', () => {
  it('a +200 record for P1 at one end of the path: the four others moved 1 to 4 hops away; nothing written; recording it then gives what the preview said', async () => {
    const ids = ['P1', 'P2', 'P3', 'P4', 'P5'];
    const db = await smallWorld(
      ids.map((id) => [id, 'Path'] as [string, string]),
      ids.slice(1).map((id, k) => [ids[k], id] as [string, string]),
      ids.map((id) => [`${id}-r`, id, '2024-12-01T00:00:00Z', -200] as [string, string, string, number]),
      '2025-01-01T00:00:00Z',
    );
    const rows = () => db.prepare('SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM contributions), (SELECT count(*) FROM ledger), (SELECT count(*) FROM operations), (SELECT total(s) FROM scores)').raw(true).get();
    const before = rows();
    const p = previewEvent(db, { citizenId: 'P1', kind: 'record', occurredAt: '2024-12-20T00:00:00Z', data: { p: 200 } });
    expect(p.counts).toBe(true);
    expect(p.before!.score).toBe(explainCitizen(db, 'P1').score);
    expect(p.after!.score).toBeGreaterThan(p.before!.score);
    expect(p.reach).toEqual({ citizens: 4, maxHops: 4, byHop: [1, 2, 3, 4].map((hops) => ({ hops, citizens: 1 })) });
    expect(rows()).toEqual(before);
    // Dated after the scoring instant: it does not count yet and moves nothing now.
    const later = previewEvent(db, { citizenId: 'P1', kind: 'record', occurredAt: '2025-02-01T00:00:00Z', data: { p: 200 } });
    expect(later).toMatchObject({ counts: false, after: p.before, reach: { citizens: 0, maxHops: 0, byHop: [] } });
    // Checked as the record form checks it: a field the kind does not declare is refused, naming it.
    expect(() => previewEvent(db, { citizenId: 'P1', kind: 'record', occurredAt: '2024-12-20T00:00:00Z', data: { q: 1 } })).toThrow(/q/);
    expect(() => previewEvent(db, { citizenId: 'NOBODY', kind: 'record', occurredAt: '2024-12-20T00:00:00Z', data: { p: 1 } })).toThrow(/unknown citizen 'NOBODY'/);
    // Recorded for real: the stored scores are what the preview said.
    const others = ids.slice(1).map((id) => explainCitizen(db, id).score);
    const recorded = recordEvent(db, { eventId: 'P1-new', citizenId: 'P1', kind: 'record', occurredAt: '2024-12-20T00:00:00Z', data: { p: 200 } }, { actor: 'test', reason: 'preview then record' });
    expect(explainCitizen(db, 'P1')).toMatchObject({ score: p.after!.score, tier: p.after!.tier });
    const moved = ids.slice(1).filter((id, k) => explainCitizen(db, id).score !== others[k]);
    expect(moved.length).toBe(p.reach.citizens);
    expect(recorded.scoring!.scoresChanged).toBe(1 + p.reach.citizens);
  });
});
