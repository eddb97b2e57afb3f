/**
 * Scoring orchestration: feeds the pure engine from the database and writes
 * back scores and ledger entries. Full recompute and incremental update share
 * the own-score assembly and the write step, and reach identical stored
 * scores (SCORING_MODEL §7.1). Callers run these inside a transaction.
 */
import type { Db } from '../db/connection.js';
import { loadKinds } from '../db/kinds.js';
import { startCommittedRead } from '../db/committedRead.js';
import { deferIndexes, type DeferredIndexes } from '../db/deferredIndexes.js';
import { appendLedgerEntries, type LedgerEntryInput } from '../db/ledger.js';
import { startLedgerHasher, type LedgerHashes } from '../db/ledgerHasher.js';
import { activeFriendsOf, loadActiveEdges } from '../db/relationships.js';
import { getRuleset } from '../db/rulesets.js';
import { buildGraph, clamp, rawPenalty, rawPenaltyOf, solveFixedPoint, updateFixedPoint, type FriendPenaltyParams, type MutableNetworkView, type NetworkView } from '../engine/network.js';
import { validateRuleset, type CompiledRuleset } from '../engine/rules.js';
import { capTotal, fromMicro, microOf, scoreCents, tierFor, toMicro } from '../engine/scoring.js';
import type { JobResult } from '../../shared/contract.js';
import { AS_OF_FORM, parseAsOf } from '../../shared/instant.js';
import { consentChangedBetween, consentRequired, scopeMask, scopeReader } from './consentScope.js';

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

export interface OwnScore {
  /** own(i) in whole micro-points (SCORING_MODEL §3): exact, whatever the path or the order of the sums. */
  ownMicro: number;
  /** Rule totals that are not zero, as canonical JSON {ruleId: total in points}. */
  totals: string;
}

/** The ruleset's parameters of own(i) in micro-points, once per compiled ruleset. */
export interface MicroParams {
  base: number;
  min: number;
  max: number;
  capMin: number[];
  capMax: number[];
}
const microParamsCache = new WeakMap<CompiledRuleset, MicroParams>();

/** The ruleset's own(i) parameters in micro-points (cached per compiled ruleset): for every caller that assembles own(i). */
export function microParams(ruleset: CompiledRuleset): MicroParams {
  let p = microParamsCache.get(ruleset);
  if (!p) {
    const spec = ruleset.spec;
    p = {
      base: toMicro(spec.base_score),
      min: toMicro(spec.score_min),
      max: toMicro(spec.score_max),
      capMin: ruleset.rules.map((r) => toMicro(r.capMin)),
      capMax: ruleset.rules.map((r) => toMicro(r.capMax)),
    };
    microParamsCache.set(ruleset, p);
  }
  return p;
}

/**
 * SQL sum of the micro-points of the contributions in a group. Each stored
 * `points` is already round6(c) (nearest double to m / 10^6), so
 * round(points * 10^6) gives m back exactly; total() adds the whole numbers
 * exactly (as long as the partial sums stay within 2^53 micro-points,
 * 9 billion points) and never fails on overflow.
 */
const MICRO_SUM = 'total(round(points * 1000000))';

/**
 * own(i) in micro-points from per-rule micro-point sums, in any order (every
 * term is a whole number of micro-points), without the totals' text: the
 * same arithmetic as assembleOwn, for callers that evaluate own(i) at many
 * instants (the outlook).
 */
export function ownMicroFromSums(ruleset: CompiledRuleset, sums: Iterable<[number, number]>, adjustMicro = 0): number {
  const p = microParams(ruleset);
  let sum = 0;
  for (const [ruleIndex, raw] of sums) {
    if (!ruleset.rules[ruleIndex]) continue;
    sum += capTotal(raw, p.capMin[ruleIndex], p.capMax[ruleIndex]);
  }
  return clamp(p.base + sum + adjustMicro, p.min, p.max);
}

/**
 * own(i) of one citizen built from its per-rule micro-point sums, added one
 * rule at a time in rule order: the one arithmetic of assembleOwn and of a
 * full recompute's load (which adds sums as it reads them, without building
 * a list per citizen).
 */
class OwnAccumulator {
  private sum = 0;
  private totals: Record<string, number> = {};
  private readonly p: MicroParams;

  constructor(private readonly ruleset: CompiledRuleset) {
    this.p = microParams(ruleset);
  }

  /** Starts a citizen. */
  reset(): void {
    this.sum = 0;
    this.totals = {};
  }

  /** Adds one rule's sum of micro-points before its cap (rules in order). */
  add(ruleIndex: number, raw: number): void {
    const rule = this.ruleset.rules[ruleIndex];
    if (!rule) return;
    const total = capTotal(raw, this.p.capMin[ruleIndex], this.p.capMax[ruleIndex]);
    if (total !== 0) this.totals[rule.spec.id] = fromMicro(total);
    this.sum += total;
  }

  result(adjustMicro: number): OwnScore {
    return { ownMicro: clamp(this.p.base + this.sum + adjustMicro, this.p.min, this.p.max), totals: JSON.stringify(this.totals) };
  }
}

/** own(i) from the per-rule micro-point sums of one citizen (rows in rule order) and their approved adjustments in micro-points. */
export function assembleOwn(ruleset: CompiledRuleset, sums: [number, number][], adjustMicro = 0): OwnScore {
  const acc = new OwnAccumulator(ruleset);
  for (const [ruleIndex, raw] of sums) acc.add(ruleIndex, raw);
  return acc.result(adjustMicro);
}

/**
 * Reads the text of "citizen rule total" triples separated by single spaces
 * (the rule totals of a full recompute, packed by SQLite) and calls `visit`
 * for each, without splitting the text into millions of strings. Citizen and
 * rule are whole numbers; a total is printf('%!.17g') of a whole number of
 * micro-points ("-2000000.0"): read digit by digit while that is exact (up
 * to 15 digits), anything else ('Inf', an exponent, more digits) by
 * sqliteReal from its text.
 */
export function forEachPackedSum(text: string, visit: (citizen: number, rule: number, total: number) => void): void {
  const end = text.length;
  let k = 0;
  const int = (): number => {
    let v = 0;
    const from = k;
    for (; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c === 32) break;
      if (c < 48 || c > 57) throw new Error(`rule totals: '${text.slice(from, from + 20)}' at ${from} is not a whole number`);
      v = v * 10 + (c - 48);
    }
    if (k === from) throw new Error(`rule totals: empty field at ${from}`);
    if (k < end) k++;
    return v;
  };
  while (k < end) {
    const citizen = int();
    const rule = int();
    const from = k;
    let stop = text.indexOf(' ', k);
    if (stop < 0) stop = end;
    if (stop === from) throw new Error(`rule totals: empty field at ${from}`);
    let i = from;
    const negative = text.charCodeAt(i) === 45;
    if (negative) i++;
    let v = 0;
    let digits = 0;
    for (; i < stop; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
      digits++;
    }
    // The only form read by hand: digits, then '.' and zeros only (or nothing).
    let plain = digits > 0 && digits <= 15;
    if (plain && i < stop) {
      plain = text.charCodeAt(i) === 46 && i + 1 < stop;
      for (let j = i + 1; plain && j < stop; j++) if (text.charCodeAt(j) !== 48) plain = false;
    }
    const total = plain ? (negative ? -v : v) : sqliteReal(text.slice(from, stop));
    if (Number.isNaN(total)) throw new Error(`rule totals: '${text.slice(from, stop)}' at ${from} is not a number`);
    visit(citizen, rule, total);
    k = stop + 1;
  }
}

/** adjust(i) in micro-points: each approved manual adjustment rounded to micro-points, then added (SCORING_MODEL §3). */
export function adjustmentMicroOf(db: Db, citizenIdx: number): number {
  const points = db.prepare('SELECT points FROM adjustments WHERE citizen_idx = ? ORDER BY rowid').pluck().all(citizenIdx) as number[];
  return points.reduce((sum, x) => sum + toMicro(x), 0);
}

/** adjust(i) in points. */
export function adjustmentOf(db: Db, citizenIdx: number): number {
  return fromMicro(adjustmentMicroOf(db, citizenIdx));
}

function allAdjustmentsMicro(db: Db): Map<number, number> {
  const out = new Map<number, number>();
  for (const [idx, points] of db.prepare('SELECT citizen_idx, points FROM adjustments').raw(true).iterate() as IterableIterator<[number, number]>) {
    out.set(idx, (out.get(idx) ?? 0) + toMicro(points));
  }
  return out;
}

/** A citizen's per-rule sums (micro-points, before caps) of the contributions that count at the state's instant, in rule order. */
export function ruleSumsOf(db: Db, state: Pick<ScoringState, 'ruleset' | 'asOfMs'>, citizenIdx: number): [number, number][] {
  return db
    .prepare(`SELECT rule_index, ${MICRO_SUM} FROM contributions WHERE citizen_idx = @c AND error IS NULL AND ${windowClause(state.ruleset)} GROUP BY rule_index ORDER BY rule_index`)
    .raw(true)
    .all({ c: citizenIdx, asOf: state.asOfMs }) as [number, number][];
}

export function ownScoreOf(db: Db, state: Pick<ScoringState, 'ruleset' | 'asOfMs'>, citizenIdx: number): OwnScore {
  return assembleOwn(state.ruleset, ruleSumsOf(db, state, citizenIdx), adjustmentMicroOf(db, citizenIdx));
}

interface StoredScore {
  cents: number;
  tier: string;
  s: number;
  own: number;
  penalty: number;
  totals: string;
}

/**
 * What a scoring pass changed: the contract's figures (shared/contract.ts,
 * returned by jobs and channels), with `rowsRewritten` always given here:
 * score rows whose stored figures were written with a new value (score,
 * tier, own, penalty, rule totals, or s in micro-points; a change of s below
 * a micro-point, from the solver's summation order, is not counted).
 */
export type ScoreChangeStats = NonNullable<JobResult<'import'>['scoring']> & { rowsRewritten: number };

/** A citizen's stored figures as the model gives them (SCORING_MODEL §5). */
interface Figures {
  cents: number;
  tier: string;
  own: number;
  /** The friend penalty rounded to micro-points: both paths store the same figure. */
  penalty: number;
  totals: string;
}

function sameFigures(old: StoredScore, f: Figures, s: number): boolean {
  return old.cents === f.cents && old.tier === f.tier && old.own === f.own && old.penalty === f.penalty && old.totals === f.totals && microOf(old.s) === microOf(s);
}

/** Score rows per upsert statement (7 parameters each). */
const SCORE_ROWS_PER_STATEMENT = 128;

/**
 * Writes one citizen's score row whenever any stored figure differs from the
 * model (not only when the score moved: a citizen clamped at score_min keeps
 * its score while its penalty changes); returns the ledger entry when the
 * stored score or tier changed.
 */
interface ScoreWriterOptions {
  /** A citizen's id by index (a full recompute reads them all at once); default: one lookup per id. */
  idOf?: (idx: number) => string;
  /**
   * From this many rows written on, the scores' secondary indexes are dropped
   * and built again by flush() (deferredIndexes.ts): cheaper when a large
   * share of the table is rewritten. Default: never.
   */
  deferIndexesFrom?: number;
}

function scoreWriter(db: Db, state: ScoringState, operationId: number, options: ScoreWriterOptions = {}) {
  // Rows are written in multi-row statements: call flush() before anything reads scores again.
  const sql = 'INSERT INTO scores (citizen_idx, cents, tier, s, own, penalty, totals) VALUES ';
  const upsertSet = `ON CONFLICT(citizen_idx) DO UPDATE SET cents = excluded.cents, tier = excluded.tier, s = excluded.s, own = excluded.own,
       penalty = excluded.penalty, totals = excluded.totals`;
  const upsertOne = db.prepare(`${sql}(?, ?, ?, ?, ?, ?, ?) ${upsertSet}`);
  const upsertMany = db.prepare(`${sql}${Array(SCORE_ROWS_PER_STATEMENT).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')} ${upsertSet}`);
  let pending: (number | string)[] = [];
  let pendingRows = 0;
  let written = 0;
  let deferred: DeferredIndexes | null = null;
  const writePending = () => {
    if (!deferred && options.deferIndexesFrom !== undefined && written + pendingRows >= options.deferIndexesFrom) deferred = deferIndexes(db, 'scores');
    if (pendingRows === SCORE_ROWS_PER_STATEMENT) upsertMany.run(pending);
    else for (let k = 0; k < pendingRows; k++) upsertOne.run(pending.slice(k * 7, k * 7 + 7));
    written += pendingRows;
    pending = [];
    pendingRows = 0;
  };
  const flush = () => {
    writePending();
    deferred?.restore();
  };
  const upsert = {
    run(...row: (number | string)[]) {
      pending.push(...row);
      if (++pendingRows === SCORE_ROWS_PER_STATEMENT) writePending();
    },
  };
  const lookupId = db.prepare('SELECT citizen_id FROM citizens WHERE idx = ?').pluck();
  const citizenId = { get: options.idOf ?? ((idx: number) => lookupId.get(idx) as string) };
  const drop = db.prepare('DELETE FROM scores WHERE citizen_idx = ?');
  let rewritten = 0;
  /**
   * A citizen out of scope (SCORING_MODEL §3) has no score: a stored one is
   * removed, with a ledger entry of cause `scope` and no new score or tier.
   */
  const remove = (idx: number, old: StoredScore | undefined): LedgerEntryInput | null => {
    if (!old) return null;
    drop.run(idx);
    rewritten++;
    return {
      citizenId: citizenId.get(idx),
      operationId,
      oldCents: old.cents,
      newCents: null,
      oldTier: old.tier,
      newTier: null,
      rulesetVersion: state.version,
      cause: 'scope',
      causeFriends: [],
    };
  };
  /** `enteredScope`: a citizen without a stored score who existed and was out of scope gets one (cause `scope`, no old score). */
  const write = (
    idx: number,
    old: StoredScore | undefined,
    own: OwnScore,
    s: number,
    penalty: number,
    friendsThatMoved: () => number[],
    enteredScope = false,
  ): LedgerEntryInput | null => {
    const cents = scoreCents(s);
    const f: Figures = { cents, tier: tierFor(cents, state.ruleset.spec.tiers), own: fromMicro(own.ownMicro), penalty: fromMicro(microOf(penalty)), totals: own.totals };
    const same = old !== undefined && sameFigures(old, f, s);
    if (same && old.s === s) return null;
    upsert.run(idx, f.cents, f.tier, s, f.own, f.penalty, f.totals);
    if (!same) rewritten++;
    if (old && old.cents === f.cents && old.tier === f.tier) return null;
    const ownChanged = !old || old.own !== f.own || old.totals !== f.totals;
    const friendIds = ownChanged ? [] : friendsThatMoved().map((j) => citizenId.get(j)).sort();
    return {
      citizenId: citizenId.get(idx),
      operationId,
      oldCents: old?.cents ?? null,
      newCents: f.cents,
      oldTier: old?.tier ?? null,
      newTier: f.tier,
      rulesetVersion: state.version,
      cause: !old && enteredScope ? 'scope' : ownChanged ? 'own' : 'friends',
      causeFriends: friendIds,
    };
  };
  return { write, remove, flush, rewritten: () => rewritten };
}

/**
 * Citizen ids by index, all read on first use in one pass: for a full
 * recompute, whose ledger entries name many citizens (one lookup each costs
 * more than reading them all).
 */
function citizenIdReader(db: Db, n: number): (idx: number) => string {
  let ids: (string | undefined)[] | null = null;
  return (idx) => {
    ids ??= readCitizenIds(db, n);
    const id = ids[idx];
    if (id === undefined) throw new Error(`citizen #${idx} does not exist`);
    return id;
  };
}

/**
 * Every citizen id by index. An id is 1-64 characters without a space
 * (SCORING_MODEL §1), so SQLite packs "idx id" pairs into one text split
 * here: several times cheaper than a row per citizen. Should a stored id
 * hold a space after all, the pieces do not pair up and the ids are read
 * row by row instead.
 */
export function readCitizenIds(db: Db, n: number): (string | undefined)[] {
  const ids = new Array<string | undefined>(n);
  const [count, packed] = db.prepare("SELECT count(*), group_concat(idx || ' ' || citizen_id, ' ') FROM citizens").raw(true).get() as [number, string | null];
  const parts = packed === null ? [] : packed.split(' ');
  if (parts.length === 2 * count) {
    for (let k = 0; k < parts.length; k += 2) ids[Number(parts[k])] = parts[k + 1];
    return ids;
  }
  for (const [i, id] of db.prepare('SELECT idx, citizen_id FROM citizens').raw(true).iterate() as IterableIterator<[number, string]>) ids[i] = id;
  return ids;
}

/**
 * Every stored score row by citizen index, as columns: a full recompute
 * holds all of them to the end, and a million objects cost more to read and
 * to keep (the collector copies and marks each) than a few arrays.
 */
interface StoredScores {
  /** 1 where the citizen has a stored score. */
  present: Uint8Array;
  cents: Float64Array;
  s: Float64Array;
  own: Float64Array;
  penalty: Float64Array;
  tier: string[];
  totals: string[];
}

function loadStoredScores(db: Db, n: number): StoredScores {
  const out: StoredScores = {
    present: new Uint8Array(n),
    cents: new Float64Array(n),
    s: new Float64Array(n),
    own: new Float64Array(n),
    penalty: new Float64Array(n),
    tier: new Array<string>(n),
    totals: new Array<string>(n),
  };
  const rows = db.prepare('SELECT citizen_idx, cents, tier, s, own, penalty, totals FROM scores').raw(true).iterate() as IterableIterator<
    [number, number, string, number, number, number, string]
  >;
  for (const row of rows) {
    const i = row[0];
    // Past the last citizen nothing is visited (as before, when such a row was read and never looked at).
    if (i >= n) continue;
    out.present[i] = 1;
    out.cents[i] = row[1];
    out.tier[i] = row[2];
    out.s[i] = row[3];
    out.own[i] = row[4];
    out.penalty[i] = row[5];
    out.totals[i] = row[6];
  }
  return out;
}

/** A citizen's stored row (undefined: no score), as the score writer compares it. */
function storedAt(old: StoredScores, i: number): StoredScore | undefined {
  if (!old.present[i]) return undefined;
  return { cents: old.cents[i], tier: old.tier[i], s: old.s[i], own: old.own[i], penalty: old.penalty[i], totals: old.totals[i] };
}

/** A friend moved a citizen's penalty only if its shortfall changed: it was or is below the threshold. */
function shortfallMoved(oldS: number | undefined, newS: number, threshold: number): boolean {
  return oldS !== newS && (oldS === undefined || oldS < threshold || newS < threshold);
}

/**
 * The active friendships between two in-scope citizens, and, for each
 * in-scope citizen, the friends who entered or left scope (a stored score
 * appeared or went): they changed N(i), so they are named as the cause.
 */
function inScopeEdgeList(edges: { a: Int32Array; b: Int32Array; count: number }, scope: Uint8Array, old: StoredScores) {
  const a = new Int32Array(edges.count);
  const b = new Int32Array(edges.count);
  let count = 0;
  const scopeCause = new Map<number, Set<number>>();
  const flipped = (i: number) => (scope[i] === 1) !== (old.present[i] === 1);
  const name = (i: number, friend: number) => {
    const set = scopeCause.get(i) ?? new Set<number>();
    set.add(friend);
    scopeCause.set(i, set);
  };
  for (let e = 0; e < edges.count; e++) {
    const x = edges.a[e];
    const y = edges.b[e];
    if (scope[x] && scope[y]) {
      a[count] = x;
      b[count] = y;
      count++;
    }
    if (scope[y] && flipped(x)) name(y, x);
    if (scope[x] && flipped(y)) name(x, y);
  }
  return { a, b, count, scopeCause };
}

export interface FullRecomputeOptions {
  /** Citizens without a stored score were out of scope (a ruleset or the instant changed, not the population): one who gets a score enters scope. */
  unscoredWereOutOfScope?: boolean;
  /** The network as loadRecomputeNetwork read it in this transaction, with no citizen, consent, score or friendship written since; read here when absent. */
  network?: RecomputeNetwork;
  /**
   * Share the rule totals with a worker thread on a second, read-only
   * connection, which starts on them while this thread reads the friend
   * network (db/committedRead.ts): `auto`
   * from TOTALS_BESIDE_FROM citizens on, `always` (tests: whatever the size,
   * and the worker takes a chunk before this thread takes any), `never`
   * (the default). Only for a caller whose transaction has written no
   * contribution: the second connection sees the state the transaction
   * began with.
   */
  totalsBeside?: 'auto' | 'always' | 'never';
  /**
   * Hash the ledger entries in a worker thread while this one inserts them
   * (db/ledgerHasher.ts): `auto` (the default) from LEDGER_AHEAD_FROM
   * citizens on, `always` (tests), `never`. Sound for every caller: the
   * worker's hashes are used only if it started from the heads the append
   * starts from.
   */
  ledgerAhead?: 'auto' | 'always' | 'never';
}

/** From this many citizens on, `totalsBeside: 'auto'` sums the rule totals in a worker: below, starting it costs more than it saves. */
export const TOTALS_BESIDE_FROM = 20_000;
/** From this many citizens on, `ledgerAhead: 'auto'` hashes the ledger entries in a worker. */
export const LEDGER_AHEAD_FROM = 20_000;
/** Chunks of citizens the rule totals are cut into when summed beside: the worker and this thread each take whole chunks. */
const TOTALS_CHUNKS = 32;

/**
 * What a full recompute reads besides the rule totals: the citizens, the
 * consent scope, the stored scores and the friend network in scope. None of
 * it depends on events, so an import reads it while its events are still
 * being written (loadRecomputeNetwork), and hands it to fullRecompute.
 */
export interface RecomputeNetwork {
  n: number;
  exists: Uint8Array;
  scope: Uint8Array | null;
  old: StoredScores;
  inScopeEdges: Recomputed['inScopeEdges'];
  graph: Recomputed['graph'];
}

export function loadRecomputeNetwork(db: Db, state: ScoringState): RecomputeNetwork {
  const n = ((db.prepare('SELECT max(idx) FROM citizens').pluck().get() as number | null) ?? 0) + 1;
  const exists = new Uint8Array(n);
  // One array of whole numbers: half the cost of stepping through a million rows.
  for (const idx of db.prepare('SELECT idx FROM citizens').pluck().all() as number[]) exists[idx] = 1;
  const scope = scopeMask(db, state, n);
  const old = loadStoredScores(db, n);
  const edges = loadActiveEdges(db, state.asOf.slice(0, 10));
  // Out-of-scope citizens are in no one's N(i): their friendships are left out of the graph.
  const inScopeEdges = scope ? inScopeEdgeList(edges, scope, old) : { ...edges, scopeCause: new Map<number, Set<number>>() };
  const graph = buildGraph(n, inScopeEdges.a, inScopeEdges.b, inScopeEdges.count);
  return { n, exists, scope, old, inScopeEdges, graph };
}

/**
 * Recompute every citizen's score as of `state.asOf` from the contributions
 * and the active friendships, and write what changed under `operationId`.
 * Every stored figure that differs from the model is rewritten, so this also
 * repairs rows an earlier engine left stale.
 */
export function fullRecompute(
  db: Db,
  state: ScoringState,
  operationId: number,
  onProgress?: Progress,
  options: FullRecomputeOptions = {},
): ScoreChangeStats {
  const n = options.network?.n ?? ((db.prepare('SELECT max(idx) FROM citizens').pluck().get() as number | null) ?? 0) + 1;
  // Summed in SQLite (whole micro-points) and handed over as packed text: when the caller allows it, in chunks of citizens
  // shared with a worker on a second connection, which starts while this thread reads the friend network.
  const totalsOf = (range: string) => `SELECT group_concat(citizen_idx || ' ' || rule_index || ' ' || printf('%!.17g', total), ' ') FROM (
       SELECT citizen_idx, rule_index, ${MICRO_SUM} AS total FROM contributions
       WHERE ${range}error IS NULL AND ${windowClause(state.ruleset)} GROUP BY citizen_idx, rule_index ORDER BY citizen_idx, rule_index)`;
  const beside = options.totalsBeside ?? 'never';
  const chunkSql = totalsOf('citizen_idx >= @lo AND citizen_idx < @hi AND ');
  const chunk = (k: number) => ({ asOf: state.asOfMs, lo: Math.floor((k * n) / TOTALS_CHUNKS), hi: Math.floor(((k + 1) * n) / TOTALS_CHUNKS) });
  const totalsRead = beside === 'always' || (beside === 'auto' && n >= TOTALS_BESIDE_FROM) ? startCommittedRead(db, chunkSql, Array.from({ length: TOTALS_CHUNKS }, (_, k) => chunk(k))) : null;
  try {
    onProgress?.('friend network', 0, 1);
    const { exists, scope, old, inScopeEdges, graph } = options.network ?? loadRecomputeNetwork(db, state);

    onProgress?.('rule totals', 0, 1);
    let packed: (string | null)[];
    if (totalsRead) {
      const statement = db.prepare(chunkSql).pluck();
      packed = totalsRead.finish(
        (params) => statement.get(params),
        () => onProgress?.('rule totals', 0, 1),
        { workerFirst: beside === 'always' },
      ) as (string | null)[];
    } else packed = [db.prepare(totalsOf('')).pluck().get({ asOf: state.asOfMs }) as string | null];
    const { ownMicro, totals } = ownScores(state, n, allAdjustmentsMicro(db), packed);
    const own = new Float64Array(n);
    for (let i = 0; i < n; i++) own[i] = fromMicro(ownMicro[i]);
    return writeRecomputed(db, state, operationId, onProgress, options, { n, exists, ownMicro, totals, own, scope, old, inScopeEdges, graph });
  } finally {
    totalsRead?.stop();
  }
}

/** own(i) in micro-points and the rule totals' text of every citizen, from the packed per-rule sums and the adjustments. */
function ownScores(state: ScoringState, n: number, adjust: Map<number, number>, packed: readonly (string | null)[]): { ownMicro: Float64Array; totals: string[] } {
  const ownMicro = new Float64Array(n);
  const totals: string[] = new Array(n);
  const base = assembleOwn(state.ruleset, []);
  ownMicro.fill(base.ownMicro);
  totals.fill(base.totals);
  for (const [i, micro] of adjust) {
    if (i < n) ownMicro[i] = assembleOwn(state.ruleset, [], micro).ownMicro;
  }
  const acc = new OwnAccumulator(state.ruleset);
  let current = -1;
  const finish = () => {
    if (current >= 0) {
      const o = acc.result(adjust.get(current) ?? 0);
      ownMicro[current] = o.ownMicro;
      totals[current] = o.totals;
    }
  };
  // Chunks in citizen order, each in (citizen, rule) order: one citizen's sums are never split between two.
  const visit = (c: number, rule: number, total: number) => {
    if (c !== current) {
      finish();
      current = c;
      acc.reset();
    }
    acc.add(rule, total);
  };
  for (const text of packed) forEachPackedSum(text ?? '', visit);
  finish();
  return { ownMicro, totals };
}

interface Recomputed {
  n: number;
  exists: Uint8Array;
  ownMicro: Float64Array;
  totals: string[];
  own: Float64Array;
  scope: Uint8Array | null;
  old: StoredScores;
  inScopeEdges: { a: Int32Array; b: Int32Array; count: number; scopeCause: Map<number, Set<number>> };
  graph: ReturnType<typeof buildGraph>;
}

/** The fixed point over the loaded inputs, then every changed score row and its ledger entry. */
function writeRecomputed(
  db: Db,
  state: ScoringState,
  operationId: number,
  onProgress: Progress | undefined,
  options: FullRecomputeOptions,
  { n, exists, ownMicro, totals, own, scope, old, inScopeEdges, graph }: Recomputed,
): ScoreChangeStats {
  // Started now, so that it is ready when the ledger entries are.
  const ahead = options.ledgerAhead ?? 'auto';
  const hasher = ahead === 'always' || (ahead === 'auto' && n >= LEDGER_AHEAD_FROM) ? startLedgerHasher(db, operationId) : null;
  try {
    return writeScoresAndLedger(db, state, operationId, onProgress, options, { n, exists, ownMicro, totals, own, scope, old, inScopeEdges, graph }, hasher);
  } finally {
    hasher?.stop();
  }
}

function writeScoresAndLedger(
  db: Db,
  state: ScoringState,
  operationId: number,
  onProgress: Progress | undefined,
  options: FullRecomputeOptions,
  { n, exists, ownMicro, own, totals, scope, old, inScopeEdges, graph }: Recomputed,
  hasher: LedgerHashes | null,
): ScoreChangeStats {
  const fixed = solveFixedPoint(own, graph, state.params, (it, change) => onProgress?.('fixed point', it, Math.max(it, Math.ceil(Math.log10(Math.max(change, 1e-11) / 1e-11)) + it)));

  onProgress?.('writing scores', 0, n);
  // Rewriting more than an eighth of the scores: their indexes are built once at the end instead of row by row.
  const writer = scoreWriter(db, state, operationId, { idOf: citizenIdReader(db, n), deferIndexesFrom: Math.ceil(n / 8) });
  const entersScope = consentRequired(state.ruleset) || options.unscoredWereOutOfScope === true;
  const entries: LedgerEntryInput[] = [];
  let changed = 0;
  let citizens = 0;
  // The citizen being written: friendsThatMoved is called (only for a ledger entry) while it is written.
  let i = 0;
  const friendsThatMoved = () => {
    const moved = Array.from(graph.neighbors.subarray(graph.offsets[i], graph.offsets[i + 1])).filter((j) => shortfallMoved(old.present[j] ? old.s[j] : undefined, fixed.s[j], state.params.threshold));
    const scoped = inScopeEdges.scopeCause.get(i);
    return scoped ? [...new Set([...moved, ...scoped])] : moved;
  };
  for (; i < n; i++) {
    if (!exists[i]) continue;
    citizens++;
    if (scope && !scope[i]) {
      const left = writer.remove(i, storedAt(old, i));
      if (left) {
        entries.push(left);
        changed++;
      }
      continue;
    }
    const penalty = Math.min(state.params.cap, rawPenalty(i, graph, fixed.s, state.params));
    const entry = writer.write(i, storedAt(old, i), { ownMicro: ownMicro[i], totals: totals[i] }, fixed.s[i], penalty, friendsThatMoved, entersScope);
    if (entry) {
      entries.push(entry);
      changed++;
    }
    if (i % 100_000 === 0) onProgress?.('writing scores', i, n);
  }
  writer.flush();
  onProgress?.('ledger', 0, entries.length);
  appendLedgerEntries(db, entries, hasher);
  saveScoringState(db, state.version, state.asOf, state.asOfMs);
  return { citizens, scoresChanged: changed, ledgerEntries: entries.length, rowsRewritten: writer.rewritten(), iterations: fixed.iterations, msPerIteration: fixed.msPerIteration };
}

/**
 * A database-backed view for incremental updates: friends and scores are read
 * on demand, moved scores are held in memory until written.
 */
function databaseView(db: Db, state: ScoringState, ownOverride: Map<number, OwnScore>, inScope: (i: number) => boolean): MutableNetworkView & { moved: Map<number, number> } {
  const friendsOf = inScopeFriends(db, state, inScope);
  const friendCache = new Map<number, number[]>();
  const storedS = db.prepare('SELECT s FROM scores WHERE citizen_idx = ?').pluck();
  const storedOwn = db.prepare('SELECT own FROM scores WHERE citizen_idx = ?').pluck();
  const moved = new Map<number, number>();
  return {
    moved,
    friends(i) {
      let f = friendCache.get(i);
      if (!f) {
        f = friendsOf(i);
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
      return fromMicro(o.ownMicro);
    },
    own(i) {
      const o = ownOverride.get(i);
      return o !== undefined ? fromMicro(o.ownMicro) : (storedOwn.get(i) as number);
    },
    setScore(i, s) {
      moved.set(i, s);
    },
  };
}

/**
 * Update scores after the inputs of `dirty` citizens changed (new or retracted
 * events, new citizens, changed friendships) without touching anyone else,
 * unless the change propagates to them through friends. Rewritten are the
 * dirty citizens, those whose score moved, and every friend of a citizen
 * whose shortfall moved (their penalty changed even where their score did
 * not, e.g. clamped at score_min).
 */
export function incrementalUpdate(
  db: Db,
  state: ScoringState,
  dirty: Set<number>,
  operationId: number,
  /** Friendships that began, ended or changed dates, by citizen: they are named as the cause too. */
  friendshipChanges?: Map<number, Set<number>>,
): ScoreChangeStats {
  const inScope = scopeReader(db, state);
  const before = db.prepare('SELECT s FROM scores WHERE citizen_idx = ?').pluck();
  // A dirty citizen whose scope differs from what is stored (a consent
  // change, a moved instant) entered or left everyone's N(i): their in-scope
  // friends are dirty too, and name them as the cause.
  const scopeChanges = new Map<number, Set<number>>();
  const allFriends = activeFriendsOf(db);
  const date = state.asOf.slice(0, 10);
  const scored = new Set<number>();
  for (const i of dirty) {
    if ((before.get(i) !== undefined) === inScope(i)) continue;
    for (const j of allFriends(i, date)) {
      if (!inScope(j)) continue;
      scored.add(j);
      const set = scopeChanges.get(j) ?? new Set<number>();
      set.add(i);
      scopeChanges.set(j, set);
    }
  }
  for (const i of dirty) if (inScope(i)) scored.add(i);
  const ownNow = new Map<number, OwnScore>();
  for (const i of scored) if (dirty.has(i)) ownNow.set(i, ownScoreOf(db, state, i));
  const view = databaseView(db, state, ownNow, inScope);
  updateFixedPoint(view, state.params, scored);

  const touchedSet = new Set<number>([...dirty, ...scored, ...view.moved.keys()]);
  for (const j of view.moved.keys()) {
    if (!shortfallMoved(before.get(j) as number | undefined, view.score(j), state.params.threshold)) continue;
    const friends = view.friends(j);
    for (let k = 0; k < friends.length; k++) touchedSet.add(friends[k]);
  }
  const touched = [...touchedSet].sort((a, b) => a - b);
  const getStored = db.prepare('SELECT cents, tier, s, own, penalty, totals FROM scores WHERE citizen_idx = ?');
  const oldRows = new Map<number, StoredScore | undefined>();
  for (const i of touched) oldRows.set(i, getStored.get(i) as StoredScore | undefined);
  const writer = scoreWriter(db, state, operationId);
  const entries: LedgerEntryInput[] = [];
  const entersScope = consentRequired(state.ruleset);
  for (const i of touched) {
    if (!inScope(i)) {
      const left = writer.remove(i, oldRows.get(i));
      if (left) entries.push(left);
      continue;
    }
    let own = ownNow.get(i);
    if (!own) {
      const row = oldRows.get(i)!;
      own = { ownMicro: microOf(row.own), totals: row.totals };
    }
    const s = view.score(i);
    const friendsThatMoved = () => {
      const moved = Array.from(view.friends(i)).filter((j) => view.moved.has(j) && shortfallMoved(oldRows.get(j)?.s, view.score(j), state.params.threshold));
      return [...new Set([...moved, ...[...(friendshipChanges?.get(i) ?? [])].filter(inScope), ...(scopeChanges.get(i) ?? [])])];
    };
    const penalty = Math.min(state.params.cap, rawPenaltyOf(view, i, state.params));
    const entry = writer.write(i, oldRows.get(i), own, s, penalty, friendsThatMoved, entersScope);
    if (entry) entries.push(entry);
  }
  writer.flush();
  appendLedgerEntries(db, entries);
  return { citizens: touched.length, scoresChanged: entries.length, ledgerEntries: entries.length, rowsRewritten: writer.rewritten() };
}

/**
 * Which path updates the scores after some citizens' inputs changed:
 * `auto` (the default) recomputes everyone when more than a tenth of the
 * population is dirty and updates incrementally otherwise; `full` and
 * `incremental` force one path. Both reach the same stored figures
 * (SCORING_MODEL §7.1): forcing one is how tests exercise each.
 */
export type ScoringPath = 'auto' | 'full' | 'incremental';
export const SCORING_PATHS: readonly ScoringPath[] = ['auto', 'full', 'incremental'];

export interface ScoreUpdateOptions {
  path?: ScoringPath;
  /** For the full path: the network read ahead (FullRecomputeOptions.network). */
  network?: RecomputeNetwork;
  /** Friendships that began, ended or changed dates, by citizen (incremental path: named as the cause); a function is called only on that path. */
  friendshipChanges?: Map<number, Set<number>> | (() => Map<number, Set<number>>);
  onProgress?: Progress;
}

/** Whether updateScores takes the full path for `dirty` (auto: more than a tenth of the population changed). */
export function takesFullPath(db: Db, dirty: ReadonlySet<number>, path: ScoringPath = 'auto'): boolean {
  if (!SCORING_PATHS.includes(path)) throw new Error(`unknown scoring path '${String(path)}' (expected ${SCORING_PATHS.join(', ')})`);
  if (path !== 'auto') return path === 'full';
  const population = db.prepare('SELECT count(*) FROM citizens').pluck().get() as number;
  return dirty.size * 10 > population;
}

/** Update the stored scores after the inputs of `dirty` citizens changed, on the path `options.path` chooses. */
export function updateScores(db: Db, state: ScoringState, dirty: Set<number>, operationId: number, options: ScoreUpdateOptions = {}): ScoreChangeStats {
  if (takesFullPath(db, dirty, options.path)) return fullRecompute(db, state, operationId, options.onProgress, { network: options.network });
  const changes = typeof options.friendshipChanges === 'function' ? options.friendshipChanges() : options.friendshipChanges;
  return incrementalUpdate(db, state, dirty, operationId, changes);
}

/**
 * What moving the scoring instant from `from` to `to` changes: the citizens
 * with a contribution that counts at one instant and not at the other (it
 * entered or left a ttl window, or happened in between), and the friendships
 * active on one date and not on the other (both ends dirty, named as the
 * cause). Nobody else's inputs change.
 */
export function asOfChanges(db: Db, ruleset: CompiledRuleset, from: { asOf: string; asOfMs: number }, to: { asOf: string; asOfMs: number }): { dirty: Set<number>; friendshipChanges: Map<number, Set<number>> } {
  const at = (param: string) => windowClause(ruleset).replaceAll('@asOf', param);
  const dirty = new Set(
    db
      .prepare(`SELECT DISTINCT citizen_idx FROM contributions WHERE error IS NULL AND (CASE WHEN ${at('@from')} THEN 1 ELSE 0 END) <> (CASE WHEN ${at('@to')} THEN 1 ELSE 0 END)`)
      .pluck()
      .all({ from: from.asOfMs, to: to.asOfMs }) as number[],
  );
  // With consent required, a consent record between the two instants may move its citizen in or out of scope.
  if (consentRequired(ruleset)) for (const i of consentChangedBetween(db, from.asOfMs, to.asOfMs)) dirty.add(i);
  const friendshipChanges = new Map<number, Set<number>>();
  const active = (param: string) => `(since <= ${param} AND (until IS NULL OR ${param} < until))`;
  const edges = db
    .prepare(`SELECT a, b FROM relationships WHERE ${active('@d1')} <> ${active('@d2')}`)
    .raw(true)
    .all({ d1: from.asOf.slice(0, 10), d2: to.asOf.slice(0, 10) }) as [number, number][];
  for (const [a, b] of edges) {
    for (const [x, y] of [[a, b], [b, a]]) {
      dirty.add(x);
      const set = friendshipChanges.get(x) ?? new Set<number>();
      set.add(y);
      friendshipChanges.set(x, set);
    }
  }
  return { dirty, friendshipChanges };
}

/**
 * Move scoring to the instant of `to` (same ruleset), on the path
 * `options.path` chooses: `full` recomputes everyone (and repairs any stored
 * figure that differs from the model); `incremental` updates only the
 * citizens whose inputs differ between the two instants and those the
 * change reaches through friends; `auto` takes the incremental path when at
 * most a tenth of the population is dirty and the instant moved.
 */
export function moveScoringInstant(
  db: Db,
  from: ScoringState,
  to: ScoringState,
  operationId: number,
  options: Omit<ScoreUpdateOptions, 'friendshipChanges'> & Pick<FullRecomputeOptions, 'totalsBeside' | 'ledgerAhead'> = {},
): ScoreChangeStats {
  const path = options.path ?? 'auto';
  if (!SCORING_PATHS.includes(path)) throw new Error(`unknown scoring path '${String(path)}' (expected ${SCORING_PATHS.join(', ')})`);
  if (from.version !== to.version) throw new Error(`moving the scoring instant keeps the ruleset: version ${from.version} is not ${to.version}`);
  if (path === 'full' || (path === 'auto' && from.asOfMs === to.asOfMs)) return fullRecompute(db, to, operationId, options.onProgress, { unscoredWereOutOfScope: true, totalsBeside: options.totalsBeside, ledgerAhead: options.ledgerAhead });
  const changes = asOfChanges(db, to.ruleset, from, to);
  const stats = updateScores(db, to, changes.dirty, operationId, { path, friendshipChanges: changes.friendshipChanges, onProgress: options.onProgress });
  saveScoringState(db, to.version, to.asOf, to.asOfMs);
  return stats;
}

/** Helper for explanations: the friends view over stored scores. */
export function storedNetworkView(db: Db, state: ScoringState): NetworkView {
  const friendsOf = inScopeFriends(db, state, scopeReader(db, state));
  const storedS = db.prepare('SELECT s FROM scores WHERE citizen_idx = ?').pluck();
  return { friends: (i) => friendsOf(i), score: (i) => storedS.get(i) as number };
}

/** N(i) without the weights: i's friends whose friendship is active at the state's instant and who are in scope (SCORING_MODEL §4). */
function inScopeFriends(db: Db, state: Pick<ScoringState, 'asOf' | 'ruleset'>, inScope: (i: number) => boolean): (i: number) => number[] {
  const friendsOf = activeFriendsOf(db);
  const date = state.asOf.slice(0, 10);
  if (!consentRequired(state.ruleset)) return (i) => friendsOf(i, date);
  return (i) => friendsOf(i, date).filter(inScope);
}
