/**
 * A citizen's score outlook (issue 13, part 1): the model evaluated at each
 * future instant at which something already stored changes, with the data as
 * stored and the current ruleset. Nothing is written.
 *
 * Exact without scoring the whole population at every instant. A friend whose
 * score stays at or above the threshold T at every instant of the horizon has
 * a shortfall of 0 whatever their exact score: the network term stops there.
 * Such a barrier is certified by a lower bound of its score over the horizon:
 * the fixed point of the model with every own score at its lowest over the
 * horizon and every friend list at its worst (F is monotone in own scores and
 * in friends' scores, so that fixed point is below the score at every
 * instant). The bound is worked out on the citizens loaded so far, those at
 * the edge taking the crudest bound (lowest own less the largest possible
 * penalty), and tightened by loading further only where a friend of a
 * projected citizen is not yet certified. The projected set is the citizen
 * and, transitively, every friend not certified; inside it the engine's
 * incremental fixed-point update (the same one incremental rescoring uses)
 * moves the stored fixed point from one instant to the next, the barriers
 * standing in with a score at or above T. Scope (SCORING_MODEL §3) is taken at
 * each instant: an out-of-scope friend is in no one's friend list.
 */
import { keyed } from '../../shared/englishText.js';
import type { Outlook, OutlookRecord } from '../../shared/recourse.js';
import type { Statement } from 'better-sqlite3-multiple-ciphers';
import type { Db } from '../db/connection.js';
import { clamp, rawPenaltyOf, updateFixedPoint, type FriendPenaltyParams, type MutableNetworkView } from '../engine/network.js';
import { countsAt, type CompiledRuleset } from '../engine/rules.js';
import { capTotal, fromMicro, microOf, scoreCents, tierFor, toMicro } from '../engine/scoring.js';
import { columnsOf } from './citizenTables.js';
import { consentRequired } from './consentScope.js';
import { NotFoundError } from './explain.js';
import { reachOf, whatIf } from './networkReach.js';
import { loadScoringState, microParams, type ScoringState } from './scoring.js';

/** Points of the outlook sent to the console; the rest are counted. */
export const POINTS_SHOWN = 400;
/** Records listed with the next tier; the rest are counted. */
const NEXT_TIER_RECORDS_SHOWN = 20;
/** Sweeps of the lower-bound iteration per round (each sweep only raises the bounds; any of them is a valid bound). */
const BOUND_SWEEPS = 60;

interface Contribution {
  rule: number;
  micro: number;
  occurredMs: number;
  eventIdx: number;
}

interface Relation {
  friend: number;
  sinceMs: number;
  untilMs: number;
}

/** One change of one citizen's rule sums at an instant. */
interface SumChange {
  at: number;
  citizen: number;
  rule: number;
  delta: number;
  contribution: Contribution;
  change: 'expires' | 'starts';
}

/** A citizen whose data the outlook loaded. */
interface Person {
  idx: number;
  contributions: Contribution[];
  adjustMicro: number;
  /** Consent records in the order they apply (null: consent is not required, always in scope). */
  consents: { atMs: number; given: boolean }[] | null;
  /** Friendships that may be active in the horizon; null until the person is expanded. */
  relations: Relation[] | null;
  /** The distinct lists of in-scope active friends over the horizon (expanded persons). */
  lists: number[][];
  /** The person's sum changes after the as-of (up to the `untilMs` option), in time order; worked out once. */
  changes: SumChange[] | null;
  /** Lowest own score over the horizon, points. */
  ownLow: number;
  /** A lower bound of the score at every instant of the horizon, points (+Infinity: never in scope, in no one's list). */
  lo: number;
}

const dateMs = (date: string) => Date.parse(`${date}T00:00:00.000Z`);

/**
 * The outlook's statements, compiled once per connection (compiling them took
 * a few milliseconds of every call). SQLite re-prepares a statement by itself
 * when the schema changes under it; each text is used in one mode only.
 */
const statementCache = new WeakMap<Db, Map<string, Statement>>();
function statement(db: Db, sql: string, mode: 'pluck' | 'raw' | 'rows' = 'rows'): Statement {
  let cache = statementCache.get(db);
  if (!cache) statementCache.set(db, (cache = new Map()));
  const key = `${mode}\u0000${sql}`;
  let st = cache.get(key);
  if (!st) {
    st = db.prepare(sql);
    if (mode === 'pluck') st.pluck();
    else if (mode === 'raw') st.raw(true);
    cache.set(key, st);
  }
  return st;
}
const dayOf = (ms: number) => ms - (((ms % 86_400_000) + 86_400_000) % 86_400_000);

/** The instants in (from, to] at which a contribution starts or stops counting (the ttl window of countsAt). */
function sumChanges(ruleset: CompiledRuleset, citizen: number, contributions: Contribution[], from: number, to: number): SumChange[] {
  const out: SumChange[] = [];
  for (const c of contributions) {
    const ttl = ruleset.rules[c.rule].ttlMs;
    if (c.occurredMs > from && c.occurredMs <= to) out.push({ at: c.occurredMs, citizen, rule: c.rule, delta: c.micro, contribution: c, change: 'starts' });
    if (ttl !== null) {
      const end = c.occurredMs + ttl;
      if (end > from && end <= to && end > c.occurredMs) out.push({ at: end, citizen, rule: c.rule, delta: -c.micro, contribution: c, change: 'expires' });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * Per-rule micro-point sums of the contributions that count at `asOfMs`, one
 * slot per rule of the ruleset (a running total the sweep over the instants
 * moves by each change; whole micro-points, so the order of additions does not
 * matter). A rule with nothing counting has 0, which its cap leaves at 0
 * (validated: cap.min <= 0 <= cap.max).
 */
function sumsAt(ruleset: CompiledRuleset, contributions: Contribution[], asOfMs: number): Float64Array {
  const sums = new Float64Array(ruleset.rules.length);
  for (const c of contributions) if (countsAt(ruleset.rules[c.rule], c.occurredMs, asOfMs)) sums[c.rule] += c.micro;
  return sums;
}

/**
 * own(i) in micro-points from a person's per-rule sums: the arithmetic of
 * ownMicroFromSums (each rule's total capped, added in whole micro-points,
 * with the adjustments, clamped; its parameters from the same cache), on the
 * running totals of the sweep, called at every instant without building a
 * pair per rule.
 */
function ownMicroOf(ruleset: CompiledRuleset, sums: Float64Array, adjustMicro: number): number {
  const p = microParams(ruleset);
  let sum = 0;
  for (let r = 0; r < sums.length; r++) if (sums[r] !== 0) sum += capTotal(sums[r], p.capMin[r], p.capMax[r]);
  return clamp(p.base + sum + adjustMicro, p.min, p.max);
}

/** Whether a person's consent at instant t is `given` (SCORING_MODEL §1: the latest record with at <= t). */
function inScopeAt(p: Person, t: number): boolean {
  if (p.consents === null) return true;
  let given = false;
  for (const c of p.consents) {
    if (c.atMs > t) break;
    given = c.given;
  }
  return given;
}

/** The instants in (from, to] at which a person's scope may change. */
function scopeInstants(p: Person, from: number, to: number): number[] {
  return p.consents === null ? [] : p.consents.filter((c) => c.atMs > from && c.atMs <= to).map((c) => c.atMs);
}

/** The whole numbers of a text of numbers separated by single spaces (what group_concat packs). */
function parseNumbers(text: string | null): number[] {
  const out: number[] = [];
  if (!text) return out;
  let value = 0;
  let sign = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      out.push(sign * value);
      value = 0;
      sign = 1;
    } else if (c === 45) sign = -1;
    else value = value * 10 + (c - 48);
  }
  out.push(sign * value);
  return out;
}

/**
 * Loads citizens' data, one citizen at a time by primary key. A citizen's
 * contributions come packed in one string (micro-points as SQLite rounds
 * them: each stored `points` is round6 of the contribution, so
 * round(points * 10^6) is its micro-points exactly): a citizen with 10k
 * records is read in a third of the time row by row takes.
 */
function loaders(db: Db, ruleset: CompiledRuleset) {
  const contributions = statement(
    db,
    `SELECT group_concat(rule_index || ' ' || CAST(round(points * 1000000) AS INTEGER) || ' ' || occurred_ms || ' ' || event_idx, ' ')
     FROM contributions WHERE citizen_idx = ? AND error IS NULL`,
    'pluck',
  );
  const adjustments = statement(db, 'SELECT points FROM adjustments WHERE citizen_idx = ?', 'pluck');
  const withConsent = consentRequired(ruleset);
  const consents = statement(db, 'SELECT at_ms, status FROM consents WHERE citizen_idx = ? ORDER BY at_ms, seq', 'raw');
  const relations = statement(db, 'SELECT b, since, until FROM relationships WHERE a = @i UNION ALL SELECT a, since, until FROM relationships WHERE b = @i', 'raw');
  return {
    persons(idxs: number[]): Person[] {
      return idxs.map((idx) => {
        const packed = parseNumbers(contributions.get(idx) as string | null);
        const list: Contribution[] = [];
        for (let k = 0; k + 3 < packed.length; k += 4) {
          if (ruleset.rules[packed[k]] !== undefined) list.push({ rule: packed[k], micro: packed[k + 1], occurredMs: packed[k + 2], eventIdx: packed[k + 3] });
        }
        let adjustMicro = 0;
        for (const points of adjustments.all(idx) as number[]) adjustMicro += toMicro(points);
        const history = withConsent ? (consents.all(idx) as [number, string][]).map(([atMs, status]) => ({ atMs, given: status === 'given' })) : null;
        return { idx, contributions: list, adjustMicro, consents: history, relations: null, lists: [], changes: null, ownLow: 0, lo: 0 };
      });
    },
    /** Friendships of each citizen, by citizen. */
    relations(idxs: number[]): Map<number, Relation[]> {
      return new Map(
        idxs.map((idx) => [
          idx,
          (relations.all({ i: idx }) as [number, string, string | null][]).map(([friend, since, until]) => ({
            friend,
            sinceMs: dateMs(since),
            untilMs: until === null ? Infinity : dateMs(until),
          })),
        ]),
      );
    },
  };
}

/** The lowest own score (micro-points) a citizen has at any instant of [from, to], from the person's changes after `from`. */
function lowestOwnMicro(ruleset: CompiledRuleset, p: Person, from: number, to: number, changes: SumChange[]): number {
  const sums = sumsAt(ruleset, p.contributions, from);
  let lowest = ownMicroOf(ruleset, sums, p.adjustMicro);
  for (let k = 0; k < changes.length && changes[k].at <= to; ) {
    const at = changes[k].at;
    for (; k < changes.length && changes[k].at === at; k++) sums[changes[k].rule] += changes[k].delta;
    lowest = Math.min(lowest, ownMicroOf(ruleset, sums, p.adjustMicro));
  }
  return lowest;
}

/** The in-scope active friends of a person at an instant (SCORING_MODEL §1: since <= date < until, UTC; §3 scope). */
function friendsAt(p: Person, persons: Map<number, Person>, atMs: number): number[] {
  const day = dayOf(atMs);
  const out: number[] = [];
  for (const r of p.relations!) if (r.sinceMs <= day && day < r.untilMs && inScopeAt(persons.get(r.friend)!, atMs)) out.push(r.friend);
  return out;
}

/** The instants in (from, to] at which a person's friend list may change: friendships starting or ending, friends entering or leaving scope. */
function listInstants(p: Person, persons: Map<number, Person>, from: number, to: number): number[] {
  const out: number[] = [];
  for (const r of p.relations!) {
    for (const at of [r.sinceMs, r.untilMs]) if (at > from && at <= to) out.push(at);
    out.push(...scopeInstants(persons.get(r.friend)!, from, to));
  }
  return out;
}

/**
 * Raise the lower bounds of the expanded persons: lo(j) = clamp(ownLow(j) -
 * min(P, the largest raw penalty over j's friend lists with friends at their
 * bounds)). Starting from valid bounds, each sweep gives valid bounds again
 * (monotone map); the edge keeps its crude bounds.
 */
function raiseBounds(expanded: Person[], persons: Map<number, Person>, p: FriendPenaltyParams): void {
  for (let sweep = 0; sweep < BOUND_SWEEPS; sweep++) {
    let rise = 0;
    for (const j of expanded) {
      if (j.lo === Infinity) continue;
      let raw = 0;
      for (const list of j.lists) {
        if (list.length === 0) continue;
        let sum = 0;
        for (const f of list) {
          const short = p.threshold - persons.get(f)!.lo;
          if (short > 0) sum += short;
        }
        raw = Math.max(raw, (p.weight / list.length) * sum);
      }
      const lo = Math.min(p.scoreMax, Math.max(p.scoreMin, j.ownLow - Math.min(p.cap, raw)));
      if (lo > j.lo) {
        rise = Math.max(rise, lo - j.lo);
        j.lo = lo;
      }
    }
    if (rise < 1e-9) return;
  }
}

export interface OutlookOptions {
  /** Look no further than this instant (default: the last change of the citizen's own record). */
  untilMs?: number;
}

export function scoreOutlook(db: Db, citizenId: string, options: OutlookOptions = {}): Outlook {
  const state = loadScoringState(db);
  if (!state) throw new NotFoundError(keyed('notFound.noScores'));
  const citizen = statement(db, 'SELECT idx FROM citizens WHERE citizen_id = ?', 'pluck').get(citizenId) as number | undefined;
  if (citizen === undefined) throw new NotFoundError(keyed('notFound.citizen', { id: citizenId }));
  const { ruleset, params, asOfMs } = state;
  const tiers = ruleset.spec.tiers;
  const load = loaders(db, ruleset);
  const persons = new Map<number, Person>();
  const loadPersons = (idxs: number[]) => {
    const fresh = [...new Set(idxs)].filter((i) => !persons.has(i));
    return fresh.length === 0 ? [] : load.persons(fresh).map((p) => (persons.set(p.idx, p), p));
  };
  const [target] = loadPersons([citizen]);
  if (!inScopeAt(target, asOfMs)) {
    throw new NotFoundError(keyed('notFound.outlookOutOfScope', { id: citizenId }));
  }
  const stored = statement(db, 'SELECT cents, tier, s, own, penalty FROM scores WHERE citizen_idx = ?').get(citizen) as
    | { cents: number; tier: string; s: number; own: number; penalty: number }
    | undefined;
  if (!stored) throw new NotFoundError(keyed('notFound.noScoreYet', { id: citizenId }));
  const fromDay = dayOf(asOfMs);
  const relevant = (r: Relation) => r.untilMs > fromDay;
  const expand = (batch: Person[]) => {
    const rels = load.relations(batch.map((p) => p.idx));
    for (const p of batch) p.relations = rels.get(p.idx)!.filter(relevant);
    return loadPersons(batch.flatMap((p) => p.relations!.map((r) => r.friend)));
  };
  const firstFriends = expand([target]);

  // The horizon: the last instant at which the record of the citizen or of a friend changes; the outlook ends where the citizen leaves scope.
  const changesOf = (p: Person) => (p.changes ??= sumChanges(ruleset, p.idx, p.contributions, asOfMs, options.untilMs ?? Infinity));
  const lastChange = (p: Person) => changesOf(p).at(-1)?.at ?? asOfMs;
  let horizon = lastChange(target);
  for (const f of firstFriends) horizon = Math.max(horizon, lastChange(f));
  const leaves = scopeInstants(target, asOfMs, horizon).find((at) => !inScopeAt(target, at));
  if (leaves !== undefined) horizon = leaves - 1;
  const inHorizon = (r: Relation) => r.sinceMs <= horizon;
  target.relations = target.relations!.filter(inHorizon);

  // Crude bounds for the edge: lowest own score less the largest possible penalty.
  const largestPenalty = Math.max(0, Math.min(params.cap, params.weight * (params.threshold - params.scoreMin)));
  const bound = (batch: Person[]) => {
    for (const p of batch) {
      p.ownLow = fromMicro(lowestOwnMicro(ruleset, p, asOfMs, horizon, changesOf(p)));
      const everInScope = inScopeAt(p, asOfMs) || scopeInstants(p, asOfMs, horizon).some((at) => inScopeAt(p, at));
      p.lo = everInScope ? Math.max(params.scoreMin, p.ownLow - largestPenalty) : Infinity;
    }
  };
  const listsOf = (batch: Person[]) => {
    for (const p of batch) {
      const seen = new Set<string>();
      p.lists = [];
      for (const at of [asOfMs, ...listInstants(p, persons, asOfMs, horizon)]) {
        const list = friendsAt(p, persons, at);
        const key = list.join(',');
        if (!seen.has(key)) {
          seen.add(key);
          p.lists.push(list);
        }
      }
    }
  };
  bound([...persons.values()]);
  listsOf([target]);
  const expanded: Person[] = [target];

  // Grow until every friend of a projected citizen is projected or certified to stay at or above T.
  let projected: Set<number>;
  for (;;) {
    raiseBounds(expanded, persons, params);
    projected = new Set([citizen]);
    const queue = [target];
    const toExpand: Person[] = [];
    while (queue.length > 0) {
      const m = queue.pop()!;
      for (const list of m.lists) {
        for (const f of list) {
          if (projected.has(f)) continue;
          const pf = persons.get(f)!;
          if (pf.lo >= params.threshold) continue;
          projected.add(f);
          if (pf.relations === null) toExpand.push(pf);
          else queue.push(pf);
        }
      }
    }
    if (toExpand.length === 0) break;
    const fresh = expand(toExpand);
    for (const p of toExpand) p.relations = p.relations!.filter(inHorizon);
    bound(fresh);
    listsOf(toExpand);
    expanded.push(...toExpand);
  }

  // State at the as-of: the stored fixed point (own score for one not in scope then), own sums, friend lists.
  const members = [...projected].map((i) => persons.get(i)!);
  const storedS = new Map(
    statement(db, 'SELECT citizen_idx, s FROM scores WHERE citizen_idx IN (SELECT value FROM json_each(?))', 'raw').all(JSON.stringify([...projected])) as [number, number][],
  );
  const scores = new Map<number, number>();
  const own = new Map<number, number>();
  const sums = new Map<number, Float64Array>();
  const friends = new Map<number, number[]>();
  const changes: SumChange[] = [];
  /** Members whose friend list may change at an instant, and members entering or leaving scope then. */
  const listChanges = new Map<number, Set<number>>();
  const scopeChanges = new Map<number, Set<number>>();
  const mark = (into: Map<number, Set<number>>, at: number, idx: number) => {
    const set = into.get(at) ?? new Set<number>();
    set.add(idx);
    into.set(at, set);
  };
  for (const m of members) {
    const s = sumsAt(ruleset, m.contributions, asOfMs);
    sums.set(m.idx, s);
    own.set(m.idx, fromMicro(ownMicroOf(ruleset, s, m.adjustMicro)));
    const s0 = storedS.get(m.idx);
    if (s0 === undefined && inScopeAt(m, asOfMs)) throw new NotFoundError(keyed('notFound.outlookFriend', { idx: m.idx }));
    scores.set(m.idx, s0 ?? own.get(m.idx)!);
    friends.set(m.idx, friendsAt(m, persons, asOfMs));
    for (const c of changesOf(m)) {
      if (c.at > horizon) break;
      changes.push(c);
    }
    for (const at of listInstants(m, persons, asOfMs, horizon)) mark(listChanges, at, m.idx);
    for (const at of scopeInstants(m, asOfMs, horizon)) mark(scopeChanges, at, m.idx);
  }
  if (members.length > 1) changes.sort((a, b) => a.at - b.at);
  const instantSet = new Set<number>(listChanges.keys());
  for (const at of scopeChanges.keys()) instantSet.add(at);
  for (const c of changes) instantSet.add(c.at);
  const instants = [...instantSet].sort((a, b) => a - b);

  // Barriers (friends outside the projected set) stand in with the largest score: their shortfall is 0 at every instant.
  const view: MutableNetworkView = {
    friends: (i) => friends.get(i) ?? [],
    score: (i) => scores.get(i) ?? params.scoreMax,
    own: (i) => own.get(i) ?? params.scoreMax,
    setScore: (i, s) => {
      if (scores.has(i)) scores.set(i, s);
    },
  };
  const points: Point[] = [];
  let lastCents = stored.cents;
  let lastTier = stored.tier;
  let lastPenalty = microOf(stored.penalty);
  let k = 0;
  for (const at of instants) {
    const dirty = new Set<number>();
    const mine: SumChange[] = [];
    for (; k < changes.length && changes[k].at === at; k++) {
      const c = changes[k];
      sums.get(c.citizen)![c.rule] += c.delta;
      dirty.add(c.citizen);
      if (c.citizen === citizen) mine.push(c);
    }
    for (const i of dirty) own.set(i, fromMicro(ownMicroOf(ruleset, sums.get(i)!, persons.get(i)!.adjustMicro)));
    for (const idx of scopeChanges.get(at) ?? []) dirty.add(idx);
    for (const idx of listChanges.get(at) ?? []) {
      const next = friendsAt(persons.get(idx)!, persons, at);
      const prev = friends.get(idx)!;
      if (next.length !== prev.length || next.some((f, n) => f !== prev[n])) {
        friends.set(idx, next);
        dirty.add(idx);
      }
    }
    updateFixedPoint(view, params, dirty);
    const cents = scoreCents(scores.get(citizen)!);
    const tier = tierFor(cents, tiers);
    const penalty = microOf(Math.min(params.cap, rawPenaltyOf(view, citizen, params)));
    const friendsMoved = penalty !== lastPenalty;
    lastPenalty = penalty;
    if (mine.length === 0 && cents === lastCents && tier === lastTier) continue;
    points.push({ at, cents, tier, own: own.get(citizen)!, penalty, mine, friendsMoved });
    lastCents = cents;
    lastTier = tier;
  }

  // Records are named (event ids read) only for the points shown and the next tier.
  const shown = points.slice(0, POINTS_SHOWN);
  const next = nextTierOf(tiers, stored.tier, points);
  const eventIds = eventIdsOf(db, [...shown.flatMap((p) => p.mine), ...(next?.records ?? [])].map((c) => c.contribution.eventIdx));
  const record = (c: SumChange): OutlookRecord => {
    const rule = ruleset.rules[c.rule].spec;
    const e = eventIds.get(c.contribution.eventIdx)!;
    return { eventId: e.eventId, occurredAt: e.occurredAt, ruleId: rule.id, ruleName: rule.name, points: fromMicro(c.contribution.micro), change: c.change };
  };
  const iso = (at: number) => new Date(at).toISOString();
  return {
    citizenId,
    rulesetVersion: state.version,
    asOf: state.asOf,
    now: { score: stored.cents / 100, tier: stored.tier, own: stored.own, penalty: stored.penalty },
    points: shown.map((p) => ({ at: iso(p.at), score: p.cents / 100, tier: p.tier, own: p.own, penalty: fromMicro(p.penalty), records: p.mine.map(record), friendsMoved: p.friendsMoved })),
    pointsTotal: points.length,
    nextTier: next && { tier: next.tier, min: next.min, at: iso(next.at), score: next.cents / 100, records: next.records.map(record), recordsTotal: next.recordsTotal },
    disputes: pendingDisputes(db, state, citizen, target),
    considered: persons.size,
    projected: projected.size,
  };
}

/** A point of the outlook before its records are named. */
interface Point {
  at: number;
  cents: number;
  tier: string;
  own: number;
  /** Friend penalty, micro-points. */
  penalty: number;
  mine: SumChange[];
  friendsMoved: boolean;
}

/** The first point whose tier ranks above today's, with the citizen's negative records that have expired by then (the first NEXT_TIER_RECORDS_SHOWN). */
function nextTierOf(tiers: { name: string; min: number }[], current: string, points: Point[]) {
  const rank = new Map(tiers.map((t, k) => [t.name, k]));
  const now = rank.get(current)!;
  const expired: SumChange[] = [];
  let recordsTotal = 0;
  for (const p of points) {
    for (const c of p.mine) {
      if (c.change !== 'expires' || c.contribution.micro >= 0) continue;
      recordsTotal++;
      if (expired.length < NEXT_TIER_RECORDS_SHOWN) expired.push(c);
    }
    const r = rank.get(p.tier)!;
    if (r < now) return { tier: p.tier, min: tiers[r].min, at: p.at, cents: p.cents, records: expired, recordsTotal };
  }
  return null;
}

function eventIdsOf(db: Db, eventIdxs: number[]): Map<number, { eventId: string; occurredAt: string }> {
  const get = statement(db, 'SELECT event_id, occurred_at FROM events WHERE idx = ?', 'raw');
  const out = new Map<number, { eventId: string; occurredAt: string }>();
  for (const idx of eventIdxs) {
    if (out.has(idx)) continue;
    const [eventId, occurredAt] = get.get(idx) as [string, string];
    out.set(idx, { eventId, occurredAt });
  }
  return out;
}

/** What upholding each pending dispute of an event would change now: the event leaves scoring (SCORING_MODEL §1 retraction). */
function pendingDisputes(db: Db, state: ScoringState, citizen: number, target: Person): Outlook['disputes'] {
  // A database restored from another build may hold a disputes table of another shape (or none): then no dispute is projected.
  const columns = new Set(columnsOf(db, 'disputes'));
  if (!['id', 'citizen_idx', 'event_idx', 'status'].every((c) => columns.has(c))) return [];
  const rows = db
    .prepare(
      `SELECT d.id, d.status, d.event_idx, e.event_id FROM disputes d JOIN events e ON e.idx = d.event_idx
       WHERE d.citizen_idx = ? AND d.status IN ('open', 'under_review') AND e.retracted_by IS NULL ORDER BY d.id`,
    )
    .all(citizen) as { id: number; status: string; event_idx: number; event_id: string }[];
  const stored = statement(db, 'SELECT cents, tier, own FROM scores WHERE citizen_idx = ?').get(citizen) as { cents: number; tier: string; own: number };
  return rows.map((d) => {
    const without = target.contributions.filter((c) => c.eventIdx !== d.event_idx);
    const ownMicro = ownMicroOf(state.ruleset, sumsAt(state.ruleset, without, state.asOfMs), target.adjustMicro);
    const counted = target.contributions.some((c) => c.eventIdx === d.event_idx && countsAt(state.ruleset.rules[c.rule], c.occurredMs, state.asOfMs));
    if (ownMicro === microOf(stored.own)) {
      const noChange = counted ? ('capped' as const) : ('not_counted' as const);
      return { disputeId: d.id, eventId: d.event_id, status: d.status, score: stored.cents / 100, tier: stored.tier, noChange, reach: { citizens: 0, maxHops: 0, byHop: [] } };
    }
    const w = whatIf(db, state, new Map([[citizen, fromMicro(ownMicro)]]));
    const cents = scoreCents(w.view.score(citizen));
    return { disputeId: d.id, eventId: d.event_id, status: d.status, score: cents / 100, tier: tierFor(cents, state.ruleset.spec.tiers), noChange: null, reach: reachOf(w, [citizen]) };
  });
}

