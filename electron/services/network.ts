/**
 * The network view of the friend penalty (issue 13, part 2): on a record, the
 * friends this citizen's shortfall penalises and what each loses because of
 * them; for the population, the friend penalty's share of all points
 * deducted, by district.
 */
import { keyed } from '../../shared/englishText.js';
import { DISCLOSURE_MIN, withheldGroups } from '../engine/fairness.js';
import type { FriendPenaltyShare, NetworkView } from '../../shared/recourse.js';
import type { Db } from '../db/connection.js';
import { centsToScore } from '../engine/scoring.js';
import { NotFoundError } from './explain.js';
import { penalisedFriends } from './networkReach.js';
import { loadScoringState } from './scoring.js';

export function networkView(db: Db, citizenId: string): NetworkView {
  const state = loadScoringState(db);
  if (!state) throw new NotFoundError(keyed('notFound.noScores'));
  const row = db.prepare('SELECT c.idx, s.cents, s.s FROM citizens c JOIN scores s ON s.citizen_idx = c.idx WHERE c.citizen_id = ?').get(citizenId) as
    | { idx: number; cents: number; s: number }
    | undefined;
  if (!row) throw new NotFoundError(keyed('notFound.scoredCitizen', { id: citizenId }));
  const friendRow = db.prepare('SELECT c.citizen_id, c.name, s.cents, s.tier FROM citizens c JOIN scores s ON s.citizen_idx = c.idx WHERE c.idx = ?');
  const friends = penalisedFriends(db, state, row.idx)
    .map((p) => {
      const f = friendRow.get(p.friend) as { citizen_id: string; name: string; cents: number; tier: string };
      return { citizenId: f.citizen_id, name: f.name, score: centsToScore(f.cents), tier: f.tier, penalty: p.penalty, lost: p.lost };
    })
    .sort((a, b) => b.lost - a.lost || (a.citizenId < b.citizenId ? -1 : 1));
  return {
    citizenId,
    score: centsToScore(row.cents),
    threshold: state.params.threshold,
    shortfall: Math.max(0, state.params.threshold - row.s),
    total: friends.reduce((sum, f) => sum + f.lost, 0),
    friends,
  };
}

/**
 * Points deducted from the population, by district and in all: negative rule
 * totals (after caps), negative manual adjustments, and friend penalties;
 * the friend penalty's part of them. Aggregates only: no citizen is named.
 */
export function friendPenaltyByDistrict(db: Db, disclosureMin = DISCLOSURE_MIN): FriendPenaltyShare {
  const state = loadScoringState(db);
  if (!state) return { rulesetVersion: null, asOf: null, rows: [] };
  const rows = db
    .prepare(
      `SELECT c.district AS district, count(*) AS citizens,
         coalesce(sum((SELECT coalesce(sum(-j.value), 0) FROM json_each(s.totals) j WHERE j.value < 0)), 0)
           + coalesce(sum((SELECT coalesce(sum(-a.points), 0) FROM adjustments a WHERE a.citizen_idx = c.idx AND a.points < 0)), 0) AS ownLoss,
         coalesce(sum(s.penalty), 0) AS friendLoss
       FROM scores s JOIN citizens c ON c.idx = s.citizen_idx GROUP BY c.district ORDER BY c.district`,
    )
    .all() as { district: string; citizens: number; ownLoss: number; friendLoss: number }[];
  const share = (friendLoss: number, loss: number) => (loss > 0 ? friendLoss / loss : 0);
  // A district too small to disclose shows its size only, as in the fairness report (engine/fairness.ts withheldGroups).
  const withheld = withheldGroups(
    rows.map((r) => r.citizens),
    disclosureMin,
  );
  const out: FriendPenaltyShare['rows'] = rows.map((r, i) =>
    withheld.has(i)
      ? { district: r.district, citizens: r.citizens, loss: null, friendLoss: null, share: null, withheld: true }
      : { district: r.district, citizens: r.citizens, loss: r.ownLoss + r.friendLoss, friendLoss: r.friendLoss, share: share(r.friendLoss, r.ownLoss + r.friendLoss), withheld: false },
  );
  const total = rows.reduce((t, r) => ({ citizens: t.citizens + r.citizens, loss: t.loss + r.ownLoss + r.friendLoss, friendLoss: t.friendLoss + r.friendLoss }), { citizens: 0, loss: 0, friendLoss: 0 });
  out.push({ district: null, ...total, share: share(total.friendLoss, total.loss), withheld: false });
  return { rulesetVersion: state.version, asOf: state.asOf, rows: out };
}
