/**
 * A citizen's score outlook (issue 13, part 1): the model evaluated at each
 * future instant at which something already stored changes, with the data as
 * stored and the current ruleset. Nothing is written.
 *
 * Exact without scoring the whole population at every instant: a friend who
 * stays at or above the threshold T at every instant of the horizon has a
 * shortfall of 0 whatever their exact score, so it stops the network term.
 * A citizen whose lowest own score over the horizon, less the largest
 * possible penalty, is still >= T is such a barrier. The region is the
 * citizen, every friend of a non-barrier in it, and so on; inside it the
 * engine's incremental fixed-point update (the same one incremental rescoring
 * uses) moves the stored fixed point from one instant to the next.
 */
import type { Outlook, OutlookPoint, OutlookRecord } from '../../shared/recourse.js';
import type { Db } from '../db/connection.js';
import { rawPenaltyOf, updateFixedPoint, type MutableNetworkView } from '../engine/network.js';
import { countsAt, type CompiledRuleset } from '../engine/rules.js';
import { fromMicro, microOf, scoreCents, tierFor, toMicro } from '../engine/scoring.js';
import { columnsOf } from './citizenTables.js';
import { NotFoundError } from './explain.js';
import { reachOf, whatIf } from './networkReach.js';
import { RejectedInputError } from './ruleLab.js';
import { adjustmentMicroOf, assembleOwn, loadScoringState, type ScoringState } from './scoring.js';

/** Points of the outlook sent to the console; the rest are counted. */
export const POINTS_SHOWN = 400;
/** Records listed with the next tier; the rest are counted. */
const NEXT_TIER_RECORDS_SHOWN = 20;
/**
 * A projection that would need more citizens' data than this is refused
 * rather than left to hold the main process (THREAT_MODEL guarantee 4): at
 * 100k demo citizens the friends who may fall below the threshold percolate
 * through most of the population, and such an outlook takes seconds.
 */
export const MAX_REGION = 5_000;

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

interface Member {
  idx: number;
  contributions: Contribution[];
  adjustMicro: number;
  relations: Relation[];
  barrier: boolean;
}

const dateMs = (date: string) => Date.parse(`${date}T00:00:00.000Z`);

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

/** Per-rule micro-point sums of the contributions that count at `asOfMs`. */
function sumsAt(ruleset: CompiledRuleset, contributions: Contribution[], asOfMs: number): Map<number, number> {
  const sums = new Map<number, number>();
  for (const c of contributions) if (countsAt(ruleset.rules[c.rule], c.occurredMs, asOfMs)) sums.set(c.rule, (sums.get(c.rule) ?? 0) + c.micro);
  return sums;
}

function ownMicroOf(ruleset: CompiledRuleset, sums: Map<number, number>, adjustMicro: number): number {
  return assembleOwn(ruleset, [...sums].sort((a, b) => a[0] - b[0]), adjustMicro).ownMicro;
}

function loader(db: Db, state: ScoringState) {
  const contributions = db.prepare('SELECT rule_index, points, occurred_ms, event_idx FROM contributions WHERE citizen_idx = ? AND error IS NULL').raw(true);
  const relations = db
    .prepare('SELECT b, since, until FROM relationships WHERE a = @i UNION ALL SELECT a, since, until FROM relationships WHERE b = @i')
    .raw(true);
  return (idx: number): Omit<Member, 'barrier'> => ({
    idx,
    contributions: (contributions.all(idx) as [number, number, number, number][])
      .filter(([rule]) => state.ruleset.rules[rule] !== undefined)
      .map(([rule, points, occurredMs, eventIdx]) => ({ rule, micro: toMicro(points), occurredMs, eventIdx })),
    adjustMicro: adjustmentMicroOf(db, idx),
    relations: (relations.all({ i: idx }) as [number, string, string | null][]).map(([friend, since, until]) => ({
      friend,
      sinceMs: dateMs(since),
      untilMs: until === null ? Infinity : dateMs(until),
    })),
  });
}

/** The lowest own score (micro-points) a citizen has at any instant of [from, to]. */
function lowestOwnMicro(ruleset: CompiledRuleset, m: Omit<Member, 'barrier'>, from: number, to: number): number {
  const sums = sumsAt(ruleset, m.contributions, from);
  let lowest = ownMicroOf(ruleset, sums, m.adjustMicro);
  const changes = sumChanges(ruleset, m.idx, m.contributions, from, to);
  for (let k = 0; k < changes.length; ) {
    const at = changes[k].at;
    for (; k < changes.length && changes[k].at === at; k++) sums.set(changes[k].rule, (sums.get(changes[k].rule) ?? 0) + changes[k].delta);
    lowest = Math.min(lowest, ownMicroOf(ruleset, sums, m.adjustMicro));
  }
  return lowest;
}

/** The active friends of a member at an instant (SCORING_MODEL §1: since <= date < until, UTC). */
function activeAt(relations: Relation[], atMs: number): number[] {
  const day = dateMs(new Date(atMs).toISOString().slice(0, 10));
  return relations.filter((r) => r.sinceMs <= day && day < r.untilMs).map((r) => r.friend);
}

export interface OutlookOptions {
  /** Look no further than this instant (default: the last change of the citizen's own record). */
  untilMs?: number;
  /** Refuse beyond this many citizens' data (default MAX_REGION). */
  maxRegion?: number;
}

export function scoreOutlook(db: Db, citizenId: string, options: OutlookOptions = {}): Outlook {
  const state = loadScoringState(db);
  if (!state) throw new NotFoundError('no scores yet: no ruleset has been published');
  const citizen = db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(citizenId) as number | undefined;
  if (citizen === undefined) throw new NotFoundError(`no citizen with id '${citizenId}'`);
  const stored = db.prepare('SELECT cents, tier, s, own, penalty FROM scores WHERE citizen_idx = ?').get(citizen) as
    | { cents: number; tier: string; s: number; own: number; penalty: number }
    | undefined;
  if (!stored) throw new NotFoundError(`citizen '${citizenId}' has no score yet`);
  const { ruleset, params, asOfMs } = state;
  const tiers = ruleset.spec.tiers;
  const load = loader(db, state);

  // The horizon: the last instant at which the record of the citizen or of a friend changes.
  const loaded = new Map<number, Omit<Member, 'barrier'>>();
  const loadOnce = (idx: number) => {
    let m = loaded.get(idx);
    if (!m) {
      m = load(idx);
      loaded.set(idx, m);
    }
    return m;
  };
  const target: Member = { ...loadOnce(citizen), barrier: false };
  const fromDay = dateMs(state.asOf.slice(0, 10));
  const lastChange = (m: Omit<Member, 'barrier'>) => sumChanges(ruleset, m.idx, m.contributions, asOfMs, options.untilMs ?? Infinity).at(-1)?.at ?? asOfMs;
  let horizon = lastChange(target);
  for (const r of target.relations) if (r.untilMs > fromDay) horizon = Math.max(horizon, lastChange(loadOnce(r.friend)));

  // The region: barriers stop the walk (their shortfall is 0 at every instant of the horizon).
  const largestPenalty = Math.max(0, Math.min(params.cap, params.weight * (params.threshold - params.scoreMin)));
  const members = new Map<number, Member>([[citizen, target]]);
  const queue = [citizen];
  while (queue.length > 0) {
    const m = members.get(queue.pop()!)!;
    for (const r of m.relations) {
      if (members.has(r.friend) || r.sinceMs > horizon || r.untilMs <= fromDay) continue;
      if (members.size >= (options.maxRegion ?? MAX_REGION)) throw new RejectedInputError(`the outlook of ${citizenId} would need the data of more than ${options.maxRegion ?? MAX_REGION} citizens (friends who may fall below the friend-penalty threshold, and theirs): it is not projected in this population`);
      const f = loadOnce(r.friend);
      const barrier = fromMicro(lowestOwnMicro(ruleset, f, asOfMs, horizon)) - largestPenalty >= params.threshold;
      members.set(r.friend, { ...f, barrier });
      if (!barrier) queue.push(r.friend);
    }
  }

  // State at the as-of: the stored fixed point, own sums at the as-of, friends active then.
  const storedS = db.prepare('SELECT s FROM scores WHERE citizen_idx = ?').pluck();
  const scores = new Map<number, number>();
  const own = new Map<number, number>();
  const sums = new Map<number, Map<number, number>>();
  const friends = new Map<number, number[]>();
  const changes: SumChange[] = [];
  /** Members whose friendships begin or end at an instant: only they get their friend list again then. */
  const edgeInstants = new Map<number, Set<number>>();
  for (const m of members.values()) {
    if (m.barrier) {
      // Any score >= T gives the shortfall (0) the barrier has at every instant.
      scores.set(m.idx, params.scoreMax);
      continue;
    }
    const s0 = storedS.get(m.idx) as number | undefined;
    if (s0 === undefined) throw new NotFoundError(`citizen #${m.idx}, a friend in the outlook, has no score yet`);
    scores.set(m.idx, s0);
    const s = sumsAt(ruleset, m.contributions, asOfMs);
    sums.set(m.idx, s);
    own.set(m.idx, fromMicro(ownMicroOf(ruleset, s, m.adjustMicro)));
    friends.set(m.idx, activeAt(m.relations, asOfMs));
    changes.push(...sumChanges(ruleset, m.idx, m.contributions, asOfMs, horizon));
    for (const r of m.relations) {
      for (const at of [r.sinceMs, r.untilMs]) {
        if (at <= asOfMs || at > horizon) continue;
        const set = edgeInstants.get(at) ?? new Set<number>();
        set.add(m.idx);
        edgeInstants.set(at, set);
      }
    }
  }
  const instants = [...new Set([...changes.map((c) => c.at), ...edgeInstants.keys()])].sort((a, b) => a - b);
  changes.sort((a, b) => a.at - b.at);

  const view: MutableNetworkView = {
    friends: (i) => friends.get(i) ?? [],
    score: (i) => scores.get(i)!,
    own: (i) => own.get(i)!,
    setScore: (i, s) => {
      scores.set(i, s);
    },
  };
  const eventIds = eventIdsOf(db, changes.filter((c) => c.citizen === citizen));
  const record = (c: SumChange): OutlookRecord => {
    const rule = ruleset.rules[c.rule].spec;
    const e = eventIds.get(c.contribution.eventIdx)!;
    return { eventId: e.eventId, occurredAt: e.occurredAt, ruleId: rule.id, ruleName: rule.name, points: fromMicro(c.contribution.micro), change: c.change };
  };

  const points: OutlookPoint[] = [];
  let lastCents = stored.cents;
  let lastTier = stored.tier;
  let lastPenalty = microOf(stored.penalty);
  let k = 0;
  for (const at of instants) {
    const dirty = new Set<number>();
    const mine: SumChange[] = [];
    for (; k < changes.length && changes[k].at === at; k++) {
      const c = changes[k];
      const s = sums.get(c.citizen)!;
      s.set(c.rule, (s.get(c.rule) ?? 0) + c.delta);
      dirty.add(c.citizen);
      if (c.citizen === citizen) mine.push(c);
    }
    for (const i of dirty) own.set(i, fromMicro(ownMicroOf(ruleset, sums.get(i)!, members.get(i)!.adjustMicro)));
    for (const idx of edgeInstants.get(at) ?? []) {
      const next = activeAt(members.get(idx)!.relations, at);
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
    points.push({ at: new Date(at).toISOString(), score: cents / 100, tier, own: own.get(citizen)!, penalty: fromMicro(penalty), records: mine.map(record), friendsMoved });
    lastCents = cents;
    lastTier = tier;
  }

  return {
    citizenId,
    rulesetVersion: state.version,
    asOf: state.asOf,
    now: { score: stored.cents / 100, tier: stored.tier, own: stored.own, penalty: stored.penalty },
    points: points.slice(0, POINTS_SHOWN),
    pointsTotal: points.length,
    nextTier: nextTierOf(tiers, stored.tier, points),
    disputes: pendingDisputes(db, state, citizen, target),
    considered: members.size,
  };
}

/** The first point whose tier ranks above today's, with the negative records that have expired by then. */
function nextTierOf(tiers: { name: string; min: number }[], current: string, points: OutlookPoint[]): Outlook['nextTier'] {
  const rank = (t: string) => tiers.findIndex((x) => x.name === t);
  const now = rank(current);
  const expired: OutlookRecord[] = [];
  for (const p of points) {
    expired.push(...p.records.filter((r) => r.change === 'expires' && r.points < 0));
    if (rank(p.tier) < now) {
      return { tier: p.tier, min: tiers[rank(p.tier)].min, at: p.at, score: p.score, records: expired.slice(0, NEXT_TIER_RECORDS_SHOWN), recordsTotal: expired.length };
    }
  }
  return null;
}

function eventIdsOf(db: Db, changes: SumChange[]): Map<number, { eventId: string; occurredAt: string }> {
  const get = db.prepare('SELECT event_id AS eventId, occurred_at AS occurredAt FROM events WHERE idx = ?');
  const out = new Map<number, { eventId: string; occurredAt: string }>();
  for (const c of changes) {
    if (!out.has(c.contribution.eventIdx)) out.set(c.contribution.eventIdx, get.get(c.contribution.eventIdx) as { eventId: string; occurredAt: string });
  }
  return out;
}

/** What upholding each pending dispute of an event would change now: the event leaves scoring (SCORING_MODEL §1 retraction). */
function pendingDisputes(db: Db, state: ScoringState, citizen: number, target: Member): Outlook['disputes'] {
  // A database restored from another build may hold a disputes table of another shape (or none): then no dispute is projected.
  const columns = new Set(columnsOf(db, 'disputes'));
  if (!['id', 'citizen_idx', 'event_idx', 'status'].every((c) => columns.has(c))) return [];
  const rows = db
    .prepare(
      `SELECT d.id, d.status, d.event_idx, e.event_id FROM disputes d JOIN events e ON e.idx = d.event_idx
       WHERE d.citizen_idx = ? AND d.status IN ('open', 'under_review') AND e.retracted_by IS NULL ORDER BY d.id`,
    )
    .all(citizen) as { id: number; status: string; event_idx: number; event_id: string }[];
  const stored = db.prepare('SELECT cents, tier, own FROM scores WHERE citizen_idx = ?').get(citizen) as { cents: number; tier: string; own: number };
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

