/**
 * The rule editor's tools: check one expression as it is typed, test a rule
 * on sample events or one citizen, and simulate a draft ruleset over the whole
 * population. Checks and tests run in the rule sandbox (a worker thread with a
 * time and memory budget: jobs/ruleSandbox.ts); simulation runs as a job, the
 * real publish inside a transaction that is always rolled back: the same
 * engine, nothing written.
 */
import { keyed, type Said } from '../../shared/englishText.js';
import type { Keyed } from '../../shared/messages.js';
import { createHash } from 'node:crypto';
import type { Output, ParsedInput, SimulationResult } from '../../shared/contract.js';
import type { Reach } from '../../shared/recourse.js';
import type { Db } from '../db/connection.js';
import { loadKinds } from '../db/kinds.js';
import { loadActiveEdges } from '../db/relationships.js';
import { withheldGroups } from '../engine/fairness.js';
import { buildGraph, clamp, type FriendPenaltyParams } from '../engine/network.js';
import { centsToScore } from '../engine/scoring.js';
import { ruleSandbox, RuleSandboxError } from '../jobs/ruleSandbox.js';
import { NotFoundError } from './explain.js';
import { reachThrough } from './networkReach.js';
import type { RuleTestRequest } from './ruleTest.js';
import { checkRuleset, publishRuleset } from './rulesets.js';
import { loadScoringState, type Progress } from './scoring.js';

export class RejectedInputError extends Error {
  /** The message keyed, for the reader's language (its parameters are plain values). */
  readonly keyed?: Keyed;
  constructor(text: string | Said) {
    super(typeof text === 'string' ? text : text.message);
    if (typeof text !== 'string') this.keyed = { key: text.key, ...(text.params && { params: text.params }) };
  }
}

/** Runs a rule-tester request in the sandbox; what the rule did wrong comes back as a RejectedInputError. */
async function sandboxed<T>(run: () => Promise<unknown>): Promise<T> {
  try {
    return (await run()) as T;
  } catch (err) {
    if (err instanceof RuleSandboxError) throw err.rejected ? new RejectedInputError(err.said ?? err.message) : err;
    throw err;
  }
}

export function checkExpression(db: Db, q: ParsedInput<'checkExpression'>): Promise<Output<'checkExpression'>> {
  const kind = loadKinds(db).get(q.eventKind) ?? null;
  return sandboxed(() => ruleSandbox().run('checkExpression', { kind, eventKind: q.eventKind, expression: q.expression, expect: q.expect }));
}

/** What a rule test needs from the database: the published parameters, the kinds, the citizen's events. */
export function prepareRuleTest(db: Db, q: ParsedInput<'testRule'>): RuleTestRequest {
  const state = loadScoringState(db);
  const spec = state?.ruleset.spec;
  const draft = {
    base_score: spec?.base_score ?? 1000,
    score_min: spec?.score_min ?? 0,
    score_max: spec?.score_max ?? 2000,
    friend_penalty: spec?.friend_penalty ?? { threshold: 850, weight: 0.5, cap: 100 },
    tiers: spec?.tiers ?? [{ name: 'D', min: 0 }],
    rules: [q.rule],
  };
  const events: RuleTestRequest['events'] = [];
  if (q.citizenId) {
    const idx = db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(q.citizenId) as number | undefined;
    if (idx === undefined) throw new NotFoundError(keyed('notFound.citizen', { id: q.citizenId }));
    const rows = db
      .prepare('SELECT event_id, occurred_at, occurred_ms, data FROM events WHERE citizen_idx = ? AND kind = ? AND retracted_by IS NULL ORDER BY occurred_ms')
      .all(idx, q.rule.event_kind) as { event_id: string; occurred_at: string; occurred_ms: number; data: string }[];
    for (const e of rows) events.push({ eventId: e.event_id, occurredAt: e.occurred_at, occurredMs: e.occurred_ms, data: JSON.parse(e.data) as Record<string, unknown> });
  }
  return { draft, kinds: [...loadKinds(db).values()], asOfMs: state?.asOfMs ?? Date.now(), events, samples: q.samples ?? [] };
}

/** Run one rule on samples or one citizen's events, in the rule sandbox (time and memory budget). */
export function testRule(db: Db, q: ParsedInput<'testRule'>): Promise<Output<'testRule'>> {
  const request = prepareRuleTest(db, q);
  return sandboxed(() => ruleSandbox().run('testRule', request));
}

class SimulationDone extends Error {
  constructor(readonly result: SimulationResult) {
    super('simulation finished');
  }
}

interface Snapshot {
  cents: Map<number, number>;
  tier: Map<number, string>;
  /** The friend penalty in micro-points. */
  penalty: Map<number, number>;
  /** own(i) in micro-points. */
  own: Map<number, number>;
  /** s(i), points. */
  s: Map<number, number>;
}

function snapshot(db: Db): Snapshot {
  const cents = new Map<number, number>();
  const tier = new Map<number, string>();
  const penalty = new Map<number, number>();
  const own = new Map<number, number>();
  const s = new Map<number, number>();
  for (const [idx, c, t, p, o, x] of db.prepare('SELECT citizen_idx, cents, tier, penalty, own, s FROM scores').raw(true).iterate() as IterableIterator<[number, number, string, number, number, number]>) {
    cents.set(idx, c);
    tier.set(idx, t);
    penalty.set(idx, Math.round(p * 1e6));
    own.set(idx, Math.round(o * 1e6));
    s.set(idx, x);
  }
  return { cents, tier, penalty, own, s };
}

/**
 * How far the draft's changes travel through friendships (issue 13, part 2):
 * the sources are the citizens whose own score changes or who enter or leave
 * scope; the walk (networkReach.reachThrough, the one a dispute's and a
 * simulated event's reach use) goes through the friendships active at the
 * as-of among citizens whose score moves, and counts the others whose stored
 * score changes by their distance from the nearest source. Run inside the
 * simulation's transaction, on the draft's scores.
 *
 * A draft that changes the friend-penalty settings (T, w, P) moves citizens
 * without any source: each citizen whose penalty term min(raw, P) under the
 * draft's settings, on the stored scores of their friends, differs from the
 * one under the published settings is reached through those friends, one
 * friendship away, and the change travels on from them. A change of the
 * score bounds clamps citizens directly: those whose score the new bounds
 * clamp differently are sources, like a change of their own score.
 */
function simulationReach(db: Db, before: Snapshot, after: Snapshot, published: FriendPenaltyParams | null): Reach {
  const state = loadScoringState(db);
  if (!state) return { citizens: 0, maxHops: 0, byHop: [] };
  const edges = loadActiveEdges(db, state.asOf.slice(0, 10));
  const n = ((db.prepare('SELECT max(idx) FROM citizens').pluck().get() as number | null) ?? -1) + 1;
  const g = buildGraph(n, edges.a, edges.b, edges.count);
  const friends = (i: number) => g.neighbors.subarray(g.offsets[i], g.offsets[i + 1]);
  const flipped = (i: number) => before.cents.has(i) !== after.cents.has(i);
  const sources: number[] = [];
  const moved = new Set<number>();
  for (const i of new Set([...before.cents.keys(), ...after.cents.keys()])) {
    if (flipped(i)) {
      sources.push(i);
      moved.add(i);
      continue;
    }
    if (before.own.get(i) !== after.own.get(i)) sources.push(i);
    if (before.s.get(i) !== after.s.get(i)) moved.add(i);
  }
  const settings = published && settingsChanged(published, state.params);
  const direct = settings ? settingsReach(before, friends, published, state.params) : { clamped: [], throughFriends: [] };
  sources.push(...direct.clamped);
  const reach = reachThrough(friends, moved, (i) => flipped(i) || before.cents.get(i) !== after.cents.get(i), sources, direct.throughFriends);
  return settings ? { ...reach, viaSettings: true } : reach;
}

function settingsChanged(a: FriendPenaltyParams, b: FriendPenaltyParams): boolean {
  return a.threshold !== b.threshold || a.weight !== b.weight || a.cap !== b.cap || a.scoreMin !== b.scoreMin || a.scoreMax !== b.scoreMax;
}

/** A difference of points that is not the engine's own numerical noise (its fixed point stops within 1e-11). */
const SETTINGS_EPSILON = 1e-9;

/**
 * The citizens scored both before and after whom new friend-penalty settings
 * move by themselves, on the published scores: through their friends (the
 * penalty term changes) or by the score bounds (the clamp changes).
 */
function settingsReach(
  before: Snapshot,
  friends: (i: number) => Int32Array,
  old: FriendPenaltyParams,
  draft: FriendPenaltyParams,
): { clamped: number[]; throughFriends: number[] } {
  const clamped: number[] = [];
  const throughFriends: number[] = [];
  const term = (i: number, p: FriendPenaltyParams): number => {
    // N(i): friends active at the as-of and scored (in scope), as the engine has it (SCORING_MODEL §3, §4).
    const list = friends(i);
    let inScope = 0;
    let shortfall = 0;
    for (let k = 0; k < list.length; k++) {
      const s = before.s.get(list[k]);
      if (s === undefined) continue;
      inScope++;
      if (p.threshold - s > 0) shortfall += p.threshold - s;
    }
    const raw = inScope === 0 ? 0 : (p.weight / inScope) * shortfall;
    return raw < p.cap ? raw : p.cap;
  };
  for (const i of before.cents.keys()) {
    const termNew = term(i, draft);
    if (Math.abs(termNew - term(i, old)) > SETTINGS_EPSILON) throughFriends.push(i);
    const unclamped = before.own.get(i)! / 1e6 - termNew;
    if (clamp(unclamped, draft.scoreMin, draft.scoreMax) !== clamp(unclamped, old.scoreMin, old.scoreMax)) clamped.push(i);
  }
  return { clamped, throughFriends };
}

/** Who leaves and enters scope (loses or gains a score), and how the friend penalties of those scored both times move. */
function scopeChange(before: Snapshot, after: Snapshot): NonNullable<SimulationResult['scope']> {
  let leaving = 0;
  let entering = 0;
  let penaltiesUp = 0;
  let penaltiesDown = 0;
  let sumBefore = 0;
  let sumAfter = 0;
  for (const idx of before.cents.keys()) if (!after.cents.has(idx)) leaving++;
  for (const [idx, p] of after.penalty) {
    const old = before.penalty.get(idx);
    sumAfter += p;
    if (old === undefined) {
      entering++;
      continue;
    }
    if (p > old) penaltiesUp++;
    else if (p < old) penaltiesDown++;
  }
  for (const p of before.penalty.values()) sumBefore += p;
  return {
    leaving,
    entering,
    penaltiesUp,
    penaltiesDown,
    meanPenaltyBefore: before.penalty.size ? sumBefore / before.penalty.size / 1e6 : 0,
    meanPenaltyAfter: after.penalty.size ? sumAfter / after.penalty.size / 1e6 : 0,
  };
}

/** sha256 of a validated spec's canonical JSON (the validator fixes the key order): two drafts with the same hash are the same ruleset. */
export function specHash(spec: unknown): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex');
}

/** What a simulation of `spec` runs on now: the spec, the last operation (any change to the data is one) and the published version. */
export function simulationBasis(db: Db, spec: unknown): NonNullable<SimulationResult['basis']> {
  const lastOperationId = (db.prepare('SELECT max(id) FROM operations').pluck().get() as number | null) ?? null;
  return { specHash: specHash(spec), lastOperationId, rulesetVersion: (db.prepare('SELECT ruleset_version FROM scoring_state WHERE id = 1').pluck().get() as number | undefined) ?? null };
}

/** Simulate publishing `draft`: the real publish in a transaction that is rolled back. */
export function simulateRuleset(db: Db, draft: unknown, onProgress?: Progress): SimulationResult {
  const checked = checkRuleset(db, draft);
  const empty: SimulationResult = { ok: false, problems: [], citizens: 0, changed: 0, histogram: [], tiers: [], transitions: [], districts: [], topUp: [], topDown: [], evaluationErrors: [] };
  if (!checked.ok) return { ...empty, problems: checked.problems };
  const tx = db.transaction(() => {
    const basis = simulationBasis(db, checked.ruleset.spec);
    const before = snapshot(db);
    const settings = loadScoringState(db)?.params ?? null;
    const published = publishRuleset(db, draft, { actor: 'simulation', reason: 'simulation (rolled back)', onProgress });
    if (!published.ok) throw new SimulationDone({ ...empty, problems: published.problems });
    const after = snapshot(db);
    throw new SimulationDone({
      ...summarise(db, checked.ruleset.spec.tiers.map((t) => t.name), before, after, published.evaluationErrors ?? []),
      scope: scopeChange(before, after),
      reach: simulationReach(db, before, after, settings),
      basis,
      fairness: published.fairness,
    });
  });
  try {
    tx();
  } catch (err) {
    if (err instanceof SimulationDone) return err.result;
    throw err;
  }
  throw new Error('simulation did not finish');
}

function summarise(db: Db, tiers: string[], before: Snapshot, after: Snapshot, evaluationErrors: SimulationResult['evaluationErrors']): SimulationResult {
  const info = new Map<number, { id: string; name: string; district: string }>();
  for (const [idx, id, name, district] of db.prepare('SELECT idx, citizen_id, name, district FROM citizens').raw(true).iterate() as IterableIterator<[number, string, string, string]>) {
    info.set(idx, { id, name, district });
  }
  let min = 0;
  let max = 100;
  for (const m of [before.cents, after.cents]) {
    for (const c of m.values()) {
      if (c < min) min = c;
      if (c > max) max = c;
    }
  }
  const lo = Math.floor(min / 2500) * 25;
  const hi = Math.ceil(max / 2500) * 25;
  const width = Math.max(25, Math.ceil((hi - lo) / 40 / 25) * 25);
  const bins = Math.max(1, Math.ceil((hi - lo) / width));
  const histogram = Array.from({ length: bins }, (_, i) => ({ from: lo + i * width, to: lo + (i + 1) * width, before: 0, after: 0 }));
  const bin = (cents: number) => Math.min(bins - 1, Math.max(0, Math.floor((cents / 100 - lo) / width)));
  for (const c of before.cents.values()) histogram[bin(c)].before++;
  for (const c of after.cents.values()) histogram[bin(c)].after++;
  const tierIndex = new Map(tiers.map((t, i) => [t, i]));
  const transitions = Array.from({ length: tiers.length + 1 }, () => new Array(tiers.length).fill(0));
  const byDistrict = new Map<string, { citizens: number; changed: number; before: number; after: number; beforeN: number }>();
  const movers: { idx: number; delta: number }[] = [];
  let changed = 0;
  for (const [idx, cents] of after.cents) {
    const old = before.cents.get(idx);
    const oldTier = before.tier.get(idx);
    const row = oldTier !== undefined && tierIndex.has(oldTier) ? tierIndex.get(oldTier)! : tiers.length;
    transitions[row][tierIndex.get(after.tier.get(idx)!) ?? tiers.length - 1]++;
    const district = info.get(idx)?.district ?? '';
    const d = byDistrict.get(district) ?? { citizens: 0, changed: 0, before: 0, after: 0, beforeN: 0 };
    d.citizens++;
    d.after += cents;
    if (old !== undefined) {
      d.before += old;
      d.beforeN++;
    }
    if (old !== cents) {
      d.changed++;
      changed++;
      movers.push({ idx, delta: cents - (old ?? 0) });
    }
    byDistrict.set(district, d);
  }
  const mover = (m: { idx: number }) => {
    const c = info.get(m.idx)!;
    const old = before.cents.get(m.idx);
    return { citizenId: c.id, name: c.name, district: c.district, before: old === undefined ? null : centsToScore(old), after: centsToScore(after.cents.get(m.idx)!), beforeTier: before.tier.get(m.idx) ?? null, afterTier: after.tier.get(m.idx)! };
  };
  const sorted = movers.filter((m) => before.cents.has(m.idx)).sort((a, b) => b.delta - a.delta);
  return {
    ok: true,
    problems: [],
    citizens: after.cents.size,
    changed,
    histogram,
    tiers,
    transitions,
    districts: withholdSmallDistricts(
      [...byDistrict.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([district, d]) => ({ district, citizens: d.citizens, changed: d.changed, meanBefore: d.beforeN ? d.before / d.beforeN / 100 : 0, meanAfter: d.after / d.citizens / 100, withheld: false })),
    ),
    topUp: sorted.filter((m) => m.delta > 0).slice(0, 15).map(mover),
    topDown: sorted.filter((m) => m.delta < 0).reverse().slice(0, 15).map(mover),
    evaluationErrors,
  };
}

type DistrictRow = SimulationResult['districts'][number];

/**
 * The simulation's districts with small ones withheld, as the fairness report
 * does (engine/fairness.ts, withheldGroups): a district of one citizen would
 * otherwise show that citizen's score before and after, and whether the
 * draft moves it, to whoever simulates, with no record opened and nothing
 * logged. Its size stays; the rest is null. Applied to a simulation kept
 * with a proposal before this rule too (proposals.ts, proposalSimulation).
 */
export function withholdSmallDistricts(rows: readonly (Omit<DistrictRow, 'withheld'> & { withheld?: boolean })[]): DistrictRow[] {
  const withheld = withheldGroups(rows.map((r) => r.citizens));
  return rows.map((r, i) =>
    withheld.has(i) ? { district: r.district, citizens: r.citizens, changed: null, meanBefore: null, meanAfter: null, withheld: true } : { ...r, withheld: false },
  );
}
