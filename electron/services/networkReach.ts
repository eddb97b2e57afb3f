/**
 * Whom a change reaches through friendships (issue 13, part 2): the engine's
 * incremental fixed-point update run on the stored scores with some
 * citizens' own scores replaced, nothing written; and the reverse of the
 * friend-penalty attribution (the friends a citizen's shortfall penalises).
 */
import type { Reach } from '../../shared/recourse.js';
import type { Db } from '../db/connection.js';
import { attributePenalty, updateFixedPoint, type MutableNetworkView } from '../engine/network.js';
import { scoreCents } from '../engine/scoring.js';
import { storedNetworkView, type ScoringState } from './scoring.js';

export interface WhatIf {
  /** Score of every citizen whose score moved, after the change. */
  after: Map<number, number>;
  /** Their stored score before. */
  before: Map<number, number>;
  view: MutableNetworkView;
}

/**
 * The fixed point after replacing the own score (points) of some citizens,
 * reached from the stored one by the engine's push update, as an
 * incremental rescoring would (SCORING_MODEL §7.1); the database is only read.
 */
export function whatIf(db: Db, state: ScoringState, ownOverride: Map<number, number>): WhatIf {
  // N(i) as the engine has it: friends active at the as-of and in scope (SCORING_MODEL §3, §4).
  const friendsOf = storedNetworkView(db, state).friends;
  const friendCache = new Map<number, ArrayLike<number>>();
  const storedS = db.prepare('SELECT s FROM scores WHERE citizen_idx = ?').pluck();
  const storedOwn = db.prepare('SELECT own FROM scores WHERE citizen_idx = ?').pluck();
  const after = new Map<number, number>();
  const view: MutableNetworkView = {
    friends(i) {
      let f = friendCache.get(i);
      if (!f) {
        f = friendsOf(i);
        friendCache.set(i, f);
      }
      return f;
    },
    score: (i) => after.get(i) ?? (storedS.get(i) as number),
    own: (i) => ownOverride.get(i) ?? (storedOwn.get(i) as number),
    setScore: (i, s) => {
      after.set(i, s);
    },
  };
  // An out-of-scope citizen has no score and is in no one's N(i): changing their own score moves nobody.
  const before = updateFixedPoint(view, state.params, [...ownOverride.keys()].filter((i) => storedS.get(i) !== undefined));
  for (const i of [...after.keys()]) if (!before.has(i)) after.delete(i);
  return { after, before, view };
}

/**
 * Citizens other than `sources` whose stored score (cents) moves, by their
 * friendship distance from the sources, walked through the citizens whose
 * score moved at all (the only way a change travels).
 */
export function reachOf(w: WhatIf, sources: Iterable<number>): Reach {
  return reachThrough(
    (i) => w.view.friends(i),
    w.before,
    (i) => scoreCents(w.before.get(i)!) !== scoreCents(w.after.get(i)!),
    sources,
  );
}

/**
 * The one walk behind every reach (a dispute, a simulated event, a draft
 * ruleset): breadth-first from the sources through the citizens whose score
 * moved at all; each reached citizen other than a source whose stored score
 * (cents, or scope) changed is counted at their distance in friendships.
 * `firstHop`: citizens the change reaches through their friendships without
 * a citizen source (a draft's friend-penalty settings), at distance 1.
 */
export function reachThrough(
  friends: (i: number) => ArrayLike<number>,
  moved: { has(i: number): boolean },
  centsMoved: (i: number) => boolean,
  sources: Iterable<number>,
  firstHop: Iterable<number> = [],
): Reach {
  const distance = new Map<number, number>();
  let frontier = [...sources];
  for (const s of frontier) distance.set(s, 0);
  const counts = new Map<number, number>();
  let seeds: Iterable<number> | null = firstHop;
  for (let hops = 1; frontier.length > 0 || seeds; hops++) {
    const next: number[] = [];
    if (seeds) {
      for (const j of seeds) {
        if (distance.has(j) || !moved.has(j)) continue;
        distance.set(j, 1);
        next.push(j);
        if (centsMoved(j)) counts.set(1, (counts.get(1) ?? 0) + 1);
      }
      seeds = null;
    }
    for (const i of frontier) {
      const list = friends(i);
      for (let k = 0; k < list.length; k++) {
        const j = list[k];
        if (distance.has(j) || !moved.has(j)) continue;
        distance.set(j, hops);
        next.push(j);
        if (centsMoved(j)) counts.set(hops, (counts.get(hops) ?? 0) + 1);
      }
    }
    frontier = next;
  }
  const byHop = [...counts].sort((a, b) => a[0] - b[0]).map(([hops, citizens]) => ({ hops, citizens }));
  return { citizens: byHop.reduce((n, h) => n + h.citizens, 0), maxHops: byHop.length ? byHop[byHop.length - 1].hops : 0, byHop };
}

export interface PenalisedFriend {
  friend: number;
  /** The friend's stored friend penalty. */
  penalty: number;
  /** The part of it attributed to `citizen` (SCORING_MODEL §4 attribution). */
  lost: number;
}

/**
 * The friends whose penalty `citizen`'s shortfall makes up, with the share
 * each loses because of them: the same attribution as the friend's own
 * explanation (shares of the stored penalty), read from the other side.
 */
export function penalisedFriends(db: Db, state: ScoringState, citizen: number): PenalisedFriend[] {
  const view = storedNetworkView(db, state);
  const storedPenalty = db.prepare('SELECT penalty FROM scores WHERE citizen_idx = ?').pluck();
  const out: PenalisedFriend[] = [];
  const friends = view.friends(citizen);
  for (let k = 0; k < friends.length; k++) {
    const f = friends[k];
    const breakdown = attributePenalty(view, f, state.params);
    const mine = breakdown.shares.find((sh) => sh.friend === citizen);
    if (!mine || mine.shortfall <= 0) continue;
    const penalty = storedPenalty.get(f) as number;
    const scale = breakdown.raw === 0 ? 0 : penalty / breakdown.raw;
    const per = state.params.weight / breakdown.shares.length;
    out.push({ friend: f, penalty, lost: per * mine.shortfall * scale });
  }
  return out;
}
