/**
 * Scoring orchestration: feeds the pure engine from the database and writes
 * back scores and ledger entries. Full recompute and incremental update share
 * the own-score assembly and the write step, and reach identical stored
 * scores (SCORING_MODEL §7.1). Callers run these inside a transaction.
 */
import type { Db } from '../db/connection.js';
import { loadKinds } from '../db/kinds.js';
import { appendLedgerEntries, type LedgerEntryInput } from '../db/ledger.js';
import { activeFriendsOf, loadActiveEdges } from '../db/relationships.js';
import { getRuleset } from '../db/rulesets.js';
import { buildGraph, clamp, csrView, rawPenaltyOf, solveFixedPoint, updateFixedPoint, type FriendPenaltyParams, type MutableNetworkView, type NetworkView } from '../engine/network.js';
import { validateRuleset, type CompiledRuleset } from '../engine/rules.js';
import { capTotal, scoreCents, tierFor } from '../engine/scoring.js';
import { AS_OF_FORM, parseAsOf } from '../../shared/instant.js';

export interface ScoringState {
  version: number;
  ruleset: CompiledRuleset;
  asOf: string;
  asOfMs: number;
  params: FriendPenaltyParams;
}

export type Progress = (phase: string, done: number, total: number) => void;

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

export function paramsOf(ruleset: CompiledRuleset): FriendPenaltyParams {
  const s = ruleset.spec;
  return { threshold: s.friend_penalty.threshold, weight: s.friend_penalty.weight, cap: s.friend_penalty.cap, scoreMin: s.score_min, scoreMax: s.score_max };
}

/** Normalise an as-of instant (or a date: its start, UTC); throws a clear error for anything else (shared/instant.ts). */
export function parseInstant(text: string): { iso: string; ms: number } {
  const at = parseAsOf(text);
  if (!at) throw new Error(`'${text.length > 60 ? `${text.slice(0, 60)}...` : text}' is not ${AS_OF_FORM}`);
  return at;
}

/**
 * Compiled rulesets by their text and the kinds' schemas: published versions
 * are immutable, so compiling the CEL of every rule once per process is
 * enough (an incremental update would otherwise spend most of its time here).
 */
const compiledRulesets = new Map<string, CompiledRuleset>();
const COMPILED_KEPT = 8;

function compiledRuleset(spec: unknown, kinds: ReturnType<typeof loadKinds>, version: number): CompiledRuleset {
  const key = JSON.stringify([spec, [...kinds.values()]]);
  const cached = compiledRulesets.get(key);
  if (cached) return cached;
  const checked = validateRuleset(spec, kinds);
  if (!checked.ok) throw new Error(`published ruleset ${version} no longer validates: ${checked.problems[0].message}`);
  if (compiledRulesets.size >= COMPILED_KEPT) compiledRulesets.delete(compiledRulesets.keys().next().value!);
  compiledRulesets.set(key, checked.ruleset);
  return checked.ruleset;
}

export function loadScoringState(db: Db): ScoringState | null {
  const row = db.prepare('SELECT ruleset_version, as_of, as_of_ms FROM scoring_state WHERE id = 1').get() as
    | { ruleset_version: number; as_of: string; as_of_ms: number }
    | undefined;
  if (!row) return null;
  const published = getRuleset(db, row.ruleset_version);
  if (!published) throw new Error(`scoring state refers to missing ruleset version ${row.ruleset_version}`);
  const ruleset = compiledRuleset(published.spec, loadKinds(db), row.ruleset_version);
  return { version: row.ruleset_version, ruleset, asOf: row.as_of, asOfMs: row.as_of_ms, params: paramsOf(ruleset) };
}

export function saveScoringState(db: Db, version: number, asOf: string, asOfMs: number): void {
  db.prepare(
    `INSERT INTO scoring_state (id, ruleset_version, as_of, as_of_ms) VALUES (1, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET ruleset_version = excluded.ruleset_version, as_of = excluded.as_of, as_of_ms = excluded.as_of_ms`,
  ).run(version, asOf, asOfMs);
}

/** A REAL printed by SQLite: its printf spells infinities 'Inf' and '-Inf'. */
function sqliteReal(text: string): number {
  return text === 'Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
}

/** SQL for "this contribution counts at asOf": occurred_ms <= asOf, and inside the rule's ttl window. */
function windowClause(ruleset: CompiledRuleset): string {
  const ttl = ruleset.rules.filter((r) => r.ttlMs !== null);
  if (ttl.length === 0) return 'occurred_ms <= @asOf';
  const cases = ttl.map((r) => `WHEN ${r.index} THEN @asOf - ${r.ttlMs}`).join(' ');
  return `occurred_ms <= @asOf AND occurred_ms > (CASE rule_index ${cases} ELSE -9223372036854775807 END)`;
}

interface OwnScore {
  own: number;
  /** Rule totals that are not zero, as canonical JSON {ruleId: total}. */
  totals: string;
}

/** own(i) from the per-rule sums of one citizen (rows in rule order) and their approved adjustments. */
function assembleOwn(ruleset: CompiledRuleset, sums: [number, number][], adjust = 0): OwnScore {
  const spec = ruleset.spec;
  let sum = 0;
  const totals: Record<string, number> = {};
  for (const [ruleIndex, raw] of sums) {
    const rule = ruleset.rules[ruleIndex];
    if (!rule) continue;
    const total = capTotal(raw, rule.capMin, rule.capMax);
    if (total !== 0) totals[rule.spec.id] = total;
    sum += total;
  }
  return { own: clamp(spec.base_score + sum + adjust, spec.score_min, spec.score_max), totals: JSON.stringify(totals) };
}

/** adjust(i): the sum of a citizen's approved manual adjustments (SCORING_MODEL §3). */
export function adjustmentOf(db: Db, citizenIdx: number): number {
  return (db.prepare('SELECT total(points) FROM adjustments WHERE citizen_idx = ?').pluck().get(citizenIdx) as number) ?? 0;
}

export function ownScoreOf(db: Db, state: Pick<ScoringState, 'ruleset' | 'asOfMs'>, citizenIdx: number): OwnScore {
  const sums = db
    .prepare(`SELECT rule_index, sum(points) FROM contributions WHERE citizen_idx = @c AND error IS NULL AND ${windowClause(state.ruleset)} GROUP BY rule_index ORDER BY rule_index`)
    .raw(true)
    .all({ c: citizenIdx, asOf: state.asOfMs }) as [number, number][];
  return assembleOwn(state.ruleset, sums, adjustmentOf(db, citizenIdx));
}

interface StoredScore {
  cents: number;
  tier: string;
  s: number;
  own: number;
  penalty: number;
  totals: string;
}

export interface ScoreChangeStats {
  citizens: number;
  scoresChanged: number;
  ledgerEntries: number;
  iterations?: number;
  msPerIteration?: number;
}

/** Writes one citizen's new score row; returns the ledger entry if the stored score or tier changed. */
function scoreWriter(db: Db, state: ScoringState, operationId: number) {
  const upsert = db.prepare(
    `INSERT INTO scores (citizen_idx, cents, tier, s, own, penalty, totals) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(citizen_idx) DO UPDATE SET cents = excluded.cents, tier = excluded.tier, s = excluded.s, own = excluded.own,
       penalty = excluded.penalty, totals = excluded.totals`,
  );
  const citizenId = db.prepare('SELECT citizen_id FROM citizens WHERE idx = ?').pluck();
  return (idx: number, old: StoredScore | undefined, own: OwnScore, s: number, penalty: number, friendsThatMoved: () => number[]): LedgerEntryInput | null => {
    const cents = scoreCents(s);
    const tier = tierFor(cents, state.ruleset.spec.tiers);
    if (old && old.cents === cents && old.tier === tier && old.s === s && old.own === own.own && old.totals === own.totals && old.penalty === penalty) {
      return null;
    }
    upsert.run(idx, cents, tier, s, own.own, penalty, own.totals);
    if (old && old.cents === cents && old.tier === tier) return null;
    const ownChanged = !old || old.own !== own.own || old.totals !== own.totals;
    const friendIds = ownChanged ? [] : friendsThatMoved().map((j) => citizenId.get(j) as string).sort();
    return {
      citizenId: citizenId.get(idx) as string,
      operationId,
      oldCents: old?.cents ?? null,
      newCents: cents,
      oldTier: old?.tier ?? null,
      newTier: tier,
      rulesetVersion: state.version,
      cause: ownChanged ? 'own' : 'friends',
      causeFriends: friendIds,
    };
  };
}

function loadStoredScores(db: Db, n: number): (StoredScore | undefined)[] {
  const out: (StoredScore | undefined)[] = new Array(n);
  const rows = db.prepare('SELECT citizen_idx, cents, tier, s, own, penalty, totals FROM scores').raw(true).iterate() as IterableIterator<
    [number, number, string, number, number, number, string]
  >;
  for (const [idx, cents, tier, s, own, penalty, totals] of rows) out[idx] = { cents, tier, s, own, penalty, totals };
  return out;
}

/** A friend moved a citizen's penalty only if its shortfall changed: it was or is below the threshold. */
function shortfallMoved(oldS: number | undefined, newS: number, threshold: number): boolean {
  return oldS !== newS && (oldS === undefined || oldS < threshold || newS < threshold);
}

/**
 * Recompute every citizen's score as of `state.asOf` from the contributions
 * and the active friendships, and write what changed under `operationId`.
 */
export function fullRecompute(db: Db, state: ScoringState, operationId: number, onProgress?: Progress): ScoreChangeStats {
  const n = ((db.prepare('SELECT max(idx) FROM citizens').pluck().get() as number | null) ?? 0) + 1;
  const exists = new Uint8Array(n);
  for (const idx of db.prepare('SELECT idx FROM citizens').pluck().iterate() as IterableIterator<number>) exists[idx] = 1;

  onProgress?.('rule totals', 0, 1);
  const own = new Float64Array(n);
  const totals: string[] = new Array(n);
  const adjust = new Map(db.prepare('SELECT citizen_idx, sum(points) FROM adjustments GROUP BY citizen_idx').raw(true).all() as [number, number][]);
  const base = assembleOwn(state.ruleset, []);
  for (let i = 0; i < n; i++) {
    own[i] = base.own;
    totals[i] = base.totals;
  }
  for (const [i, points] of adjust) {
    if (i < n) own[i] = assembleOwn(state.ruleset, [], points).own;
  }
  // Summed in SQLite and handed over as one packed string (17 significant
  // digits: every double survives the round trip exactly).
  const packed = db
    .prepare(
      `SELECT group_concat(citizen_idx || ' ' || rule_index || ' ' || printf('%!.17g', total), ' ') FROM (
         SELECT citizen_idx, rule_index, sum(points) AS total FROM contributions
         WHERE error IS NULL AND ${windowClause(state.ruleset)} GROUP BY citizen_idx, rule_index ORDER BY citizen_idx, rule_index)`,
    )
    .pluck()
    .get({ asOf: state.asOfMs }) as string | null;
  const parts = packed ? packed.split(' ') : [];
  let current = -1;
  let sums: [number, number][] = [];
  const flush = () => {
    if (current >= 0) {
      const o = assembleOwn(state.ruleset, sums, adjust.get(current) ?? 0);
      own[current] = o.own;
      totals[current] = o.totals;
    }
  };
  for (let k = 0; k < parts.length; k += 3) {
    const c = Number(parts[k]);
    if (c !== current) {
      flush();
      current = c;
      sums = [];
    }
    sums.push([Number(parts[k + 1]), sqliteReal(parts[k + 2])]);
  }
  flush();

  onProgress?.('friend network', 0, 1);
  const edges = loadActiveEdges(db, state.asOf.slice(0, 10));
  const graph = buildGraph(n, edges.a, edges.b, edges.count);
  const fixed = solveFixedPoint(own, graph, state.params, (it, change) => onProgress?.('fixed point', it, Math.max(it, Math.ceil(Math.log10(Math.max(change, 1e-11) / 1e-11)) + it)));

  onProgress?.('writing scores', 0, n);
  const old = loadStoredScores(db, n);
  const write = scoreWriter(db, state, operationId);
  const view = csrView(graph, fixed.s);
  const entries: LedgerEntryInput[] = [];
  let changed = 0;
  let citizens = 0;
  for (let i = 0; i < n; i++) {
    if (!exists[i]) continue;
    citizens++;
    const friendsThatMoved = () => Array.from(graph.neighbors.subarray(graph.offsets[i], graph.offsets[i + 1])).filter((j) => shortfallMoved(old[j]?.s, fixed.s[j], state.params.threshold));
    const penalty = Math.min(state.params.cap, rawPenaltyOf(view, i, state.params));
    const entry = write(i, old[i], { own: own[i], totals: totals[i] }, fixed.s[i], penalty, friendsThatMoved);
    if (entry) {
      entries.push(entry);
      changed++;
    }
    if (i % 100_000 === 0) onProgress?.('writing scores', i, n);
  }
  appendLedgerEntries(db, entries);
  saveScoringState(db, state.version, state.asOf, state.asOfMs);
  return { citizens, scoresChanged: changed, ledgerEntries: entries.length, iterations: fixed.iterations, msPerIteration: fixed.msPerIteration };
}

/**
 * A database-backed view for incremental updates: friends and scores are read
 * on demand, moved scores are held in memory until written.
 */
function databaseView(db: Db, state: ScoringState, ownOverride: Map<number, OwnScore>): MutableNetworkView & { moved: Map<number, number> } {
  const friendsOf = activeFriendsOf(db);
  const date = state.asOf.slice(0, 10);
  const friendCache = new Map<number, number[]>();
  const storedS = db.prepare('SELECT s FROM scores WHERE citizen_idx = ?').pluck();
  const storedOwn = db.prepare('SELECT own FROM scores WHERE citizen_idx = ?').pluck();
  const moved = new Map<number, number>();
  return {
    moved,
    friends(i) {
      let f = friendCache.get(i);
      if (!f) {
        f = friendsOf(i, date);
        friendCache.set(i, f);
      }
      return f;
    },
    score(i) {
      const m = moved.get(i);
      if (m !== undefined) return m;
      const s = storedS.get(i) as number | undefined;
      if (s !== undefined) return s;
      const o = ownOverride.get(i);
      if (o === undefined) throw new Error(`citizen #${i} has no score and is not being scored`);
      return o.own;
    },
    own(i) {
      const o = ownOverride.get(i);
      return o !== undefined ? o.own : (storedOwn.get(i) as number);
    },
    setScore(i, s) {
      moved.set(i, s);
    },
  };
}

/**
 * Update scores after the inputs of `dirty` citizens changed (new or retracted
 * events, new citizens, changed friendships) without touching anyone else,
 * unless the change propagates to them through friends.
 */
export function incrementalUpdate(
  db: Db,
  state: ScoringState,
  dirty: Set<number>,
  operationId: number,
  /** Friendships that began, ended or changed dates, by citizen: they are named as the cause too. */
  friendshipChanges?: Map<number, Set<number>>,
): ScoreChangeStats {
  const ownNow = new Map<number, OwnScore>();
  for (const i of dirty) ownNow.set(i, ownScoreOf(db, state, i));
  const view = databaseView(db, state, ownNow);
  updateFixedPoint(view, state.params, dirty);

  const touched = [...new Set([...dirty, ...view.moved.keys()])].sort((a, b) => a - b);
  const getStored = db.prepare('SELECT cents, tier, s, own, penalty, totals FROM scores WHERE citizen_idx = ?');
  const storedTotals = db.prepare('SELECT own, totals FROM scores WHERE citizen_idx = ?');
  const oldRows = new Map<number, StoredScore | undefined>();
  for (const i of touched) oldRows.set(i, getStored.get(i) as StoredScore | undefined);
  const write = scoreWriter(db, state, operationId);
  const entries: LedgerEntryInput[] = [];
  for (const i of touched) {
    const own = ownNow.get(i) ?? (storedTotals.get(i) as OwnScore);
    const s = view.score(i);
    const friendsThatMoved = () => {
      const moved = Array.from(view.friends(i)).filter((j) => view.moved.has(j) && shortfallMoved(oldRows.get(j)?.s, view.score(j), state.params.threshold));
      return [...new Set([...moved, ...(friendshipChanges?.get(i) ?? [])])];
    };
    const penalty = Math.min(state.params.cap, rawPenaltyOf(view, i, state.params));
    const entry = write(i, oldRows.get(i), own, s, penalty, friendsThatMoved);
    if (entry) entries.push(entry);
  }
  appendLedgerEntries(db, entries);
  return { citizens: touched.length, scoresChanged: entries.length, ledgerEntries: entries.length };
}

/** Helper for explanations: the friends view over stored scores. */
export function storedNetworkView(db: Db, state: ScoringState): NetworkView {
  const friendsOf = activeFriendsOf(db);
  const date = state.asOf.slice(0, 10);
  const storedS = db.prepare('SELECT s FROM scores WHERE citizen_idx = ?').pluck();
  return { friends: (i) => friendsOf(i, date), score: (i) => storedS.get(i) as number };
}
