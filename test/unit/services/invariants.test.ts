/**
 * SCORING_MODEL §7 invariants as properties, against an independent
 * reference (test/reference/scorer.ts, written from the model alone) rather
 * than the engine itself. Each run builds a population of hundreds of
 * citizens (5-20 friends each, low scorers clustered so penalties travel
 * several hops, events and friendships on the ttl and `until` boundaries,
 * contributions on micro-point and cent ties), imports it into a real SQLite
 * file, publishes, then plays a history: imports forced onto the incremental
 * path (and some on the full and automatic paths), a hand-recorded event,
 * retractions, friendship date changes, approved adjustments, a retention
 * purge, a new as-of, a new ruleset version, more changes after them. After
 * every operation every stored column of every citizen, the export, and
 * sampled explanations are compared with the reference, to the cent (own in
 * micro-points).
 *
 * Runs are counted: a property that ran fewer than NUM_RUNS scenarios fails
 * (no time limit silently shrinks a run).
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { verifyLedger } from '../../../electron/db/ledger.js';
import { explainCitizen } from '../../../electron/services/explain.js';
import { scoreRows } from '../../../electron/services/exportScores.js';
import { importFolder, type ImportReport } from '../../../electron/services/import.js';
import { approveAdjustment, proposeAdjustment } from '../../../electron/services/proposals.js';
import { recordEvent } from '../../../electron/services/recordEvent.js';
import { recordConsent } from '../../../electron/services/consent.js';
import { writeFileSync } from 'node:fs';
import { retractEvent } from '../../../electron/services/retract.js';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import { purgeExpiredRecords, setRetention } from '../../../electron/services/retention.js';
import { publishRuleset, recomputeScores } from '../../../electron/services/rulesets.js';
import { answeredCommittedReads } from '../../../electron/db/committedRead.js';
import { centsOf, referenceScores, tierOf, type RefInput, type RefScore } from '../../reference/scorer.js';
import {
  buildScenario,
  databaseSnapshot,
  referenceInputAfter,
  scenarioParamsArb,
  storedScores,
  tempDir,
  writeFolder,
  type FolderContent,
  type Scenario,
  type ScenarioParams,
  type ScoringPath,
} from '../helpers/population.js';

const ACTOR = 'invariant-test';
/** Scenarios per property; INVARIANT_RUNS=50 for a longer soak. */
const NUM_RUNS = Number(process.env.INVARIANT_RUNS ?? 8);
/** A whole history takes 1-3 s on an idle machine; the limit leaves room for a loaded one and grows with the runs. */
const PROPERTY_TIMEOUT = 60_000 + NUM_RUNS * 15_000;
/** A failing scenario is reported as drawn: shrinking would replay whole database histories. */
const FC_OPTIONS = { numRuns: NUM_RUNS, endOnFailure: true, markInterruptAsFailure: true } as const;

const workspace = tempDir('credence-invariants-');
afterAll(() => workspace.cleanup());

let dirCounter = 0;
const freshPath = (name: string) => join(workspace.dir, `${name}-${++dirCounter}`);

function openIn(name: string): Db {
  const db = openDatabase(`${freshPath(name)}.sqlite`);
  // Durability is not under test here; fsync per commit would dominate the run time.
  db.pragma('synchronous = OFF');
  return db;
}

async function importOk(db: Db, dir: string, path: ScoringPath = 'auto'): Promise<ImportReport> {
  const report = await importFolder(db, dir, { actor: ACTOR, scoringPath: path });
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  return report;
}

function publish(db: Db, s: Scenario, asOf = s.asOf): void {
  const result = publishRuleset(db, s.ruleset.spec, { actor: ACTOR, reason: 'test ruleset', asOf });
  expect(result.problems).toEqual([]);
  expect(result.ok).toBe(true);
}

const fmt = (cents: number) => `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;

/** What has been exercised over all runs, so each test can show its path really ran. */
const seen = { sealedEvents: 0, besideAnswers: 0, consentSteps: 0, incrementalAsOf: 0, purged: 0, undetermined: 0, runs: 0, incremental: 0, full: 0, comparisons: 0, penaltyHops3: 0, microTies: 0, centTies: 0, explained: 0 };

/**
 * The reference's figures for a citizen, settling the rare figure the model
 * leaves open (s or the penalty within its 1e-10 tolerance of a half
 * micro-point, where the two roundings give different cents) to the engine's
 * value when that is one of the two.
 */
interface Figures {
  cents: number;
  tier: string;
  penaltyCents: number;
}
function settle(r: RefScore, engine: Figures, tiers: { name: string; min: number }[]): Figures {
  const cents = r.centsEither?.includes(engine.cents) ? engine.cents : r.cents;
  if (r.centsEither || r.penaltyCentsEither) seen.undetermined++;
  return { cents, tier: tierOf(cents, tiers), penaltyCents: r.penaltyCentsEither?.includes(engine.penaltyCents) ? engine.penaltyCents : r.penaltyCents };
}

/**
 * Every stored figure against the reference: cents, tier, own (micro-points),
 * penalty (cents), s (1e-6), rule totals (micro-points), the export text.
 */
function expectReferenceFigures(db: Db, input: RefInput, label: string): { ref: Map<string, RefScore>; settled: Map<string, Figures> } {
  const ref = referenceScores(input);
  seen.comparisons++;
  const rows = storedScores(db);
  expect(rows.map((r) => r.citizen_id).sort(), `${label}: scored citizens`).toEqual([...ref.keys()].sort());
  const wrong: string[] = [];
  const settled = new Map<string, Figures>();
  for (const row of rows) {
    const r = ref.get(row.citizen_id)!;
    const totals = JSON.parse(row.totals) as Record<string, number>;
    const engineTotals = Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, Math.round(v * 1e6)]));
    const refTotals = Object.fromEntries(Object.entries(r.totalsMicro).filter(([, v]) => v !== 0));
    const engine = { cents: row.cents, tier: row.tier, penaltyCents: centsOf(row.penalty), ownMicro: Math.round(row.own * 1e6), totals: engineTotals };
    const figures = settle(r, engine, input.ruleset.tiers);
    settled.set(row.citizen_id, figures);
    const expected = { ...figures, ownMicro: r.ownMicro, totals: refTotals };
    if (JSON.stringify(engine) !== JSON.stringify(expected) || !(Math.abs(row.s - r.s) <= 1e-6)) {
      wrong.push(`${row.citizen_id}: engine ${JSON.stringify({ ...engine, s: row.s })} reference ${JSON.stringify({ ...expected, s: r.s })}`);
    }
  }
  expect(wrong.slice(0, 8), `${label}: ${wrong.length} citizens differ from the reference`).toEqual([]);
  // The export shows the same figures (the scores interchange format).
  const exported = [...scoreRows(db)];
  const expectedExport = [
    'citizen_id,score,tier,own,penalty',
    ...[...settled.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, f]) => `${id},${fmt(f.cents)},${f.tier},${fmt(centsOf(ref.get(id)!.own))},${fmt(f.penaltyCents)}`),
  ];
  expect(exported, `${label}: export`).toEqual(expectedExport);
  for (const r of ref.values()) {
    if (Math.abs(r.micro % 10_000) === 5_000 || Math.abs(r.ownMicro % 10_000) === 5_000) seen.centTies++;
  }
  return { ref, settled };
}

/** Explanations of a few citizens (the penalised first): the same figures, shares adding up to the penalty. */
function expectExplanations(db: Db, { ref, settled }: ReturnType<typeof expectReferenceFigures>, label: string, count = 4): void {
  const ids = [...ref.entries()].sort(([, a], [, b]) => b.penalty - a.penalty || a.cents - b.cents).slice(0, count).map(([id]) => id);
  for (const id of ids) {
    const x = explainCitizen(db, id);
    const r = ref.get(id)!;
    const f = settled.get(id)!;
    expect({ id, score: Math.round(x.score * 100), tier: x.tier, own: Math.round(x.own * 1e6), penalty: centsOf(x.friendPenalty) }, label).toEqual({
      id,
      score: f.cents,
      tier: f.tier,
      own: r.ownMicro,
      penalty: f.penaltyCents,
    });
    const shares = x.friends.reduce((acc, fr) => acc + fr.share, 0);
    expect(Math.abs(shares - x.friendPenalty), `${label}: ${id} shares`).toBeLessThanOrEqual(1e-9);
    for (const rule of x.rules) {
      expect(Math.round(rule.total * 1e6), `${label}: ${id} ${rule.ruleId}`).toBe(r.totalsMicro[rule.ruleId]);
      expect(rule.capped, `${label}: ${id} ${rule.ruleId} capped`).toBe(rule.total !== rule.raw);
    }
    seen.explained++;
  }
}

/**
 * The longest chain of friends below the threshold (hops from a citizen to a
 * friend of a friend ...), along which a change travels. Bounded BFS.
 */
function penaltyDepth(input: RefInput, ref: Map<string, RefScore>): number {
  const t = input.ruleset.threshold;
  const low = new Set([...ref].filter(([, r]) => r.s < t).map(([id]) => id));
  const day = new Date(Date.parse(input.asOf)).toISOString().slice(0, 10);
  const adj = new Map<string, string[]>();
  for (const r of input.relationships) {
    if (!(r.since <= day && (!r.until || day < r.until)) || !low.has(r.a) || !low.has(r.b)) continue;
    adj.set(r.a, [...(adj.get(r.a) ?? []), r.b]);
    adj.set(r.b, [...(adj.get(r.b) ?? []), r.a]);
  }
  let best = 0;
  for (const start of adj.keys()) {
    const dist = new Map([[start, 0]]);
    const queue = [start];
    while (queue.length) {
      const c = queue.shift()!;
      for (const f of adj.get(c) ?? []) if (!dist.has(f)) (dist.set(f, dist.get(c)! + 1), queue.push(f));
    }
    best = Math.max(best, ...dist.values());
    if (best >= 3) break;
  }
  return best;
}

function replayLedger(db: Db): void {
  const replayed = new Map<string, { cents: number; tier: string }>();
  const rows = db.prepare('SELECT seq, citizen_id, old_score, new_score, old_tier, new_tier FROM ledger ORDER BY seq').all() as {
    seq: number;
    citizen_id: string;
    old_score: number | null;
    new_score: number | null;
    old_tier: string | null;
    new_tier: string | null;
  }[];
  for (const row of rows) {
    const prior = replayed.get(row.citizen_id);
    expect({ seq: row.seq, old: row.old_score, tier: row.old_tier }).toEqual({ seq: row.seq, old: prior?.cents ?? null, tier: prior?.tier ?? null });
    // A scope entry without a new score: the citizen left scope and has no stored score.
    if (row.new_score === null || row.new_tier === null) replayed.delete(row.citizen_id);
    else replayed.set(row.citizen_id, { cents: row.new_score, tier: row.new_tier });
  }
  expect(new Map(storedScores(db).map((r) => [r.citizen_id, { cents: r.cents, tier: r.tier }]))).toEqual(replayed);
  expect(verifyLedger(db).ok).toBe(true);
}

/** Re-importing a folder just imported changes nothing and writes no operation or ledger entry (invariant 3). */
async function expectReimportNoChange(db: Db, dir: string): Promise<void> {
  const before = databaseSnapshot(db);
  const again = await importFolder(db, dir, { actor: ACTOR });
  expect(again.ok).toBe(true);
  expect(again.operationId).toBeNull();
  expect(databaseSnapshot(db)).toEqual(before);
}

function countPath(report: { scoring?: { iterations?: number } | null }, expected?: ScoringPath): void {
  if (!report.scoring) return;
  // Only a full recompute reports fixed-point iterations.
  const full = report.scoring.iterations !== undefined;
  if (full) seen.full++;
  else seen.incremental++;
  if (expected === 'incremental') expect(full, 'an import forced onto the incremental path ran the full recompute').toBe(false);
  if (expected === 'full') expect(full, 'an import forced onto the full path ran incrementally').toBe(true);
}

/** The whole history of a scenario on one database, comparing with the reference after every operation. */
async function playHistory(s: Scenario, options: { reimport: boolean; explain: boolean }): Promise<void> {
  const db = openIn('history');
  try {
    const initialDir = writeFolder(freshPath('initial'), { kinds: true, ...s.initial });
    await importOk(db, initialDir);
    publish(db, s);
    let checked = expectReferenceFigures(db, referenceInputAfter(s, 0), 'after publishing');
    if (penaltyDepth(referenceInputAfter(s, 0), checked.ref) >= 3) seen.penaltyHops3++;
    // Contributions on a micro-point tie (x * 1e6 ends in exactly .5): round6 must take them away from zero.
    const points = [...s.initial.events.map((e) => (e.kind === 'adjustment_note' ? (e.data.p as number) : e.kind === 'volunteer_service' ? (e.data.hours as number) / 4 : 0))];
    seen.microTies += points.filter((x) => Math.abs((x * 1e6) % 1) === 0.5).length;
    for (const [k, step] of s.steps.entries()) {
      const label = `step ${k + 1} (${step.op}${'path' in step ? ` ${step.path}` : ''})`;
      if (step.op === 'import' || step.op === 'dates') {
        const content: FolderContent = step.op === 'import' ? step : { relationships: [step.relationship] };
        const dir = writeFolder(freshPath('step'), content);
        countPath(await importOk(db, dir, step.path), step.path);
        if (options.reimport) await expectReimportNoChange(db, dir);
      } else if (step.op === 'record') {
        const e = step.event;
        countPath(recordEvent(db, { eventId: e.id, citizenId: e.citizen, kind: e.kind, occurredAt: e.at, data: e.data }, { actor: ACTOR, reason: 'entered by hand' }), 'incremental');
      } else if (step.op === 'retract') {
        countPath(retractEvent(db, step.eventId, { actor: ACTOR, reason: 'appeal upheld' }), 'incremental');
      } else if (step.op === 'adjust') {
        const id = proposeAdjustment(db, { citizenId: step.citizen, points: step.points, justification: 'property test adjustment' }, 'proposer');
        approveAdjustment(db, id, 'approver', 'checked');
      } else if (step.op === 'purge') {
        setRetention(db, step.kind, step.days, { actor: ACTOR, reason: 'property test retention' });
        const purged = purgeExpiredRecords(db, { asOf: step.asOf, actor: ACTOR, reason: 'retention', scoringPath: step.path });
        seen.purged += purged.eventsDeleted;
        countPath(purged, step.path);
      } else if (step.op === 'publish') {
        const result = publishRuleset(db, step.ruleset.spec, { actor: ACTOR, reason: 'a new ruleset version' });
        expect(result.problems).toEqual([]);
        countPath(result, 'full');
      } else {
        // A full recompute shares its rule totals with a worker on a second connection (scoring.ts totalsBeside), and hashes
        // its ledger entries in another when there are enough of them (ledgerAhead; always used in ledgerHasher.test.ts).
        const answered = answeredCommittedReads();
        const moved = recomputeScores(db, { asOf: step.asOf, actor: ACTOR, reason: 'move the scoring instant', path: step.path, totalsBeside: 'always', ledgerAhead: 'always' });
        if (moved.scoring.iterations === undefined) seen.incrementalAsOf++;
        else seen.besideAnswers += answeredCommittedReads() - answered;
        countPath(moved, step.path);
      }
      checked = expectReferenceFigures(db, referenceInputAfter(s, k + 1), label);
      if (options.explain && (step.op === 'recompute' || step.op === 'publish' || k === s.steps.length - 1)) expectExplanations(db, checked, label);
    }
    // A full recompute at the same as-of finds nothing to change, and the figures stay the reference's.
    const answered = answeredCommittedReads();
    const again = recomputeScores(db, { actor: ACTOR, asOf: s.laterAsOf, reason: 'recompute at the same instant', totalsBeside: 'always' });
    seen.besideAnswers += answeredCommittedReads() - answered;
    expect(again.scoring.ledgerEntries).toBe(0);
    expectReferenceFigures(db, referenceInputAfter(s, s.steps.length), 'recompute at the same as-of');
    replayLedger(db);
    // The chain of every record still verifies after the retractions and purges, imported events chained in seals.
    expect(verifyIntegrity(db).problems).toEqual([]);
    seen.sealedEvents += db.prepare("SELECT coalesce(sum(last_row - first_row + 1), 0) FROM chain_seals WHERE tbl = 'events'").pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Counts executions, so a property that ran fewer scenarios than asked fails. */
function counted(body: (p: ScenarioParams) => Promise<void>): { property: fc.IAsyncProperty<[ScenarioParams]>; runs: () => number } {
  let runs = 0;
  return {
    property: fc.asyncProperty(scenarioParamsArb(), async (p) => {
      runs++;
      seen.runs++;
      await body(p);
    }),
    runs: () => runs,
  };
}

/** Replays one reported counterexample: SCENARIO='{"seed":...}' npx vitest run this file -t 'replays'. */
describe.runIf(process.env.SCENARIO)('one scenario from SCENARIO', () => {
  it('replays it', async () => {
    await playHistory(buildScenario(JSON.parse(process.env.SCENARIO!) as ScenarioParams), { reimport: true, explain: true });
  });
});

describe('invariant 1 against the reference scorer', () => {
  it('every operation of a history, on the incremental, full and automatic paths, stores the reference figures', async () => {
    const before = { ...seen };
    const { property, runs } = counted((p) => playHistory(buildScenario(p), { reimport: false, explain: true }));
    await fc.assert(property, FC_OPTIONS);
    expect(runs()).toBe(NUM_RUNS);
    // The paths and the shapes the properties are about were really there.
    expect(seen.incremental - before.incremental).toBeGreaterThanOrEqual(NUM_RUNS * 8);
    expect(seen.full - before.full).toBeGreaterThanOrEqual(NUM_RUNS);
    expect(seen.penaltyHops3 - before.penaltyHops3).toBeGreaterThanOrEqual(Math.ceil(NUM_RUNS / 2));
    expect(seen.centTies - before.centTies).toBeGreaterThan(0);
    expect(seen.microTies - before.microTies).toBeGreaterThan(0);
    expect(seen.explained - before.explained).toBeGreaterThan(0);
    expect(seen.purged - before.purged).toBeGreaterThan(0);
    expect(seen.sealedEvents - before.sealedEvents).toBeGreaterThan(0);
    expect(seen.incrementalAsOf - before.incrementalAsOf).toBeGreaterThan(0);
    expect(seen.besideAnswers - before.besideAnswers).toBeGreaterThan(0);
  }, PROPERTY_TIMEOUT);

  it('a fresh database given all the data at once and published (the full path) stores the reference figures', async () => {
    const { property, runs } = counted(async (p) => {
      const s = buildScenario(p);
      const imports = s.steps.filter((x): x is Extract<typeof x, { op: 'import' }> => x.op === 'import');
      const db = openIn('fresh');
      try {
        const dir = writeFolder(freshPath('all'), {
          kinds: true,
          citizens: [...s.initial.citizens, ...imports.flatMap((x) => x.citizens)],
          relationships: [...s.initial.relationships, ...imports.flatMap((x) => x.relationships)],
          events: [...s.initial.events, ...imports.flatMap((x) => x.events)],
        });
        await importOk(db, dir);
        publish(db, s);
        expectReferenceFigures(db, referenceInputAfter(s, imports.length), 'fresh database');
        await expectReimportNoChange(db, dir);
      } finally {
        db.close();
      }
    });
    await fc.assert(property, FC_OPTIONS);
    expect(runs()).toBe(NUM_RUNS);
  }, PROPERTY_TIMEOUT);
});

/**
 * Consent scope (SCORING_MODEL §3) against the reference: a population where
 * some never consented, some withdrew, and records sit exactly on the as-of
 * and a millisecond after it; a ruleset with consent_required; then consent
 * recorded by hand (withdrawals, re-given consent, a record at the as-of, one
 * after it), a consents.csv import on the incremental path, and a move of
 * the instant on the incremental path. After every step the stored figures
 * are the reference's, and a full recompute at the end finds nothing to repair.
 */
type ConsentRow = { citizen: string; status: 'given' | 'withdrawn' | 'refused'; at: string };
async function playConsentHistory(p: ScenarioParams): Promise<void> {
  const s = buildScenario(p);
  const ids = [...s.initial.citizens.map((c) => c.id)];
  let seed = p.seed;
  const rand = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 2246822519) + 0x9e3779b9) >>> 0) / 2 ** 32);
  const pick = <T,>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const asOfMs = Date.parse(s.asOf);
  const iso = (ms: number) => new Date(ms).toISOString();
  const consents: ConsentRow[] = [];
  for (const id of ids) {
    const r = rand();
    if (r < 0.12) continue; // never consented
    consents.push({ citizen: id, status: r < 0.2 ? 'refused' : 'given', at: iso(asOfMs - Math.floor(rand() * 400) * 86_400_000 - 1000) });
    if (rand() < 0.1) consents.push({ citizen: id, status: 'withdrawn', at: iso(asOfMs - Math.floor(rand() * 30) * 3_600_000 - 1) });
    // Exactly at the as-of counts; a millisecond after does not.
    if (rand() < 0.04) consents.push({ citizen: id, status: rand() < 0.5 ? 'given' : 'withdrawn', at: iso(asOfMs) });
    else if (rand() < 0.04) consents.push({ citizen: id, status: rand() < 0.5 ? 'given' : 'withdrawn', at: iso(asOfMs + 1) });
  }
  const db = openIn('consent');
  const ref = (): RefInput => ({ ...referenceInputAfter(s, 0), ruleset: { ...s.ruleset.reference, consentRequired: true }, consent: consents });
  let asOf = s.asOf;
  const check = (label: string) => expectReferenceFigures(db, { ...ref(), asOf }, label);
  try {
    const dir = writeFolder(freshPath('consent-initial'), { kinds: true, ...s.initial });
    writeFileSync(join(dir, 'consents.csv'), ['citizen_id,status,at,evidence', ...consents.map((c) => `${c.citizen},${c.status},${c.at},form ${c.citizen}`)].join('\n') + '\n');
    await importOk(db, dir);
    const published = publishRuleset(db, { ...s.ruleset.spec, consent_required: true }, { actor: ACTOR, reason: 'consent required', asOf });
    expect(published.problems).toEqual([]);
    check('publish with consent required');
    const record = (c: ConsentRow, label: string) => {
      recordConsent(db, { citizenId: c.citizen, status: c.status, at: c.at, evidence: 'counter' }, { actor: ACTOR, reason: 'recorded at the counter' });
      consents.push(c);
      seen.consentSteps++;
      check(label);
    };
    const scored = () => storedScores(db).map((r) => r.citizen_id);
    const unscored = () => ids.filter((id) => !scored().includes(id));
    // The history is append-only per citizen and instant: never pick someone who already has a record at that instant.
    const free = (from: string[], at: string) => pick(from.filter((id) => !consents.some((c) => c.citizen === id && c.at === at)));
    // Withdrawals of low scorers' friends and of anyone, then the same people give consent again.
    const withdrawn: string[] = [];
    for (let k = 0; k < 4; k++) {
      const at = iso(asOfMs - 60_000 * (k + 1));
      const id = free(scored(), at);
      withdrawn.push(id);
      record({ citizen: id, status: 'withdrawn', at }, `withdrawal ${k + 1}`);
    }
    for (const [k, id] of withdrawn.slice(0, 2).entries()) record({ citizen: id, status: 'given', at: iso(asOfMs - 30_000 + k) }, `consent given again ${k + 1}`);
    record({ citizen: free(unscored(), iso(asOfMs)), status: 'given', at: iso(asOfMs) }, 'consent exactly at the as-of');
    record({ citizen: free(scored(), iso(asOfMs)), status: 'withdrawn', at: iso(asOfMs) }, 'withdrawal exactly at the as-of');
    record({ citizen: free(scored(), iso(asOfMs + 1)), status: 'withdrawn', at: iso(asOfMs + 1) }, 'withdrawal a millisecond after the as-of');
    // An import of consent records on the incremental path.
    const batch: ConsentRow[] = [
      { citizen: free(unscored(), iso(asOfMs - 5000)), status: 'given', at: iso(asOfMs - 5000) },
      { citizen: free(scored(), iso(asOfMs - 4000)), status: 'refused', at: iso(asOfMs - 4000) },
    ];
    const importDir = writeFolder(freshPath('consent-batch'), {});
    writeFileSync(join(importDir, 'consents.csv'), ['citizen_id,status,at,evidence', ...batch.map((c) => `${c.citizen},${c.status},${c.at},letter`)].join('\n') + '\n');
    countPath(await importOk(db, importDir, 'incremental'), 'incremental');
    consents.push(...batch);
    check('consents imported on the incremental path');
    // A withdrawal between the two instants, then the instant moves on the incremental path.
    const laterMs = Date.parse(s.laterAsOf);
    const beforeLater = iso(Math.min(laterMs, Date.now()) - 1000);
    record({ citizen: free(scored(), beforeLater), status: 'withdrawn', at: beforeLater }, 'withdrawal before the later as-of');
    const moved = recomputeScores(db, { asOf: s.laterAsOf, actor: ACTOR, reason: 'move the scoring instant', path: 'incremental' });
    expect(moved.scoring.iterations).toBeUndefined();
    asOf = s.laterAsOf;
    check('instant moved on the incremental path');
    const again = recomputeScores(db, { actor: ACTOR, asOf, reason: 'recompute at the same instant' });
    expect(again.scoring.ledgerEntries).toBe(0);
    expect(again.scoring.rowsRewritten).toBe(0);
    replayLedger(db);
  } finally {
    db.close();
  }
}

describe('invariant 1 with consent scope', () => {
  it('consent recorded, withdrawn, given again, at and after the as-of, imported and crossed by a moved instant: the incremental paths store the reference figures', async () => {
    const before = seen.consentSteps;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(scenarioParamsArb(150, 250), async (p) => {
        runs++;
        await playConsentHistory(p);
      }),
      FC_OPTIONS,
    );
    expect(runs).toBe(NUM_RUNS);
    expect(seen.consentSteps - before).toBeGreaterThanOrEqual(NUM_RUNS * 10);
  }, PROPERTY_TIMEOUT);
});

describe('invariant 1 at the edge of doubles', () => {
  it('a rule sum that overflows a double is capped alike by publishing (full recompute) and by incremental imports', async () => {
    // Six events of 1.7e308 hours: each is worth a finite 4.25e307 points under
    // `event.hours / 4.0`, their sum is not a finite double. The model caps the
    // rule total at 40, so the citizen's own score is 1040 either way.
    const s = buildScenario({ seed: 1, citizens: 12, clusters: 1, asOf: 0, later: 0, incrementalShare: 10, ruleset: { lateTtl: 30, lateCapMin: -400, volunteerTtl: 1096, noteTtl: 10, weight: 0.5, penaltyCap: 100 } });
    const citizens = Array.from({ length: 12 }, (_, i) => ({ id: `V${i}`, name: `Volunteer ${i}`, district: 'North' }));
    const events = Array.from({ length: 6 }, (_, k) => ({ id: `big${k}`, citizen: 'V1', kind: 'volunteer_service', at: '2025-01-01T00:00:00Z', data: { hours: 1.7e308 } }));
    const expected = { citizen_id: 'V1', cents: 104000, tier: 'AA' };
    const pick = (db: Db) => storedScores(db).map(({ citizen_id, cents, tier }) => ({ citizen_id, cents, tier })).find((r) => r.citizen_id === 'V1');

    const incremental = openIn('overflow-incremental');
    try {
      await importOk(incremental, writeFolder(freshPath('overflow'), { kinds: true, citizens }));
      publish(incremental, s);
      for (const e of events) await importOk(incremental, writeFolder(freshPath('overflow'), { events: [e] }), 'incremental');
      expect(pick(incremental)).toEqual(expected);
    } finally {
      incremental.close();
    }

    const full = openIn('overflow-full');
    try {
      await importOk(full, writeFolder(freshPath('overflow'), { kinds: true, citizens, events }));
      expect(() => publish(full, s)).not.toThrow();
      expect(pick(full)).toEqual(expected);
    } finally {
      full.close();
    }
  });
});

describe('invariant 3: re-importing the same folder', () => {
  it('re-importing each folder just imported, on any path, changes nothing and writes no ledger entry or operation', async () => {
    const { property, runs } = counted((p) => playHistory(buildScenario(p), { reimport: true, explain: false }));
    await fc.assert(property, { ...FC_OPTIONS, numRuns: 2 });
    expect(runs()).toBe(2);
  });
});
