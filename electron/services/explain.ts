/** Taking a score apart into its causes (SCORING_MODEL §5), and the scores export. */
import { keyed, SaidError } from '../../shared/englishText.js';
import type { Explanation, RuleContribution } from '../../shared/domain.js';
import type { Db } from '../db/connection.js';
import { attributePenalty } from '../engine/network.js';
import { countsAt } from '../engine/rules.js';
import { centsToScore, fromMicro, microOf, reasonCodes, tierFor, toMicro } from '../engine/scoring.js';
import { scopeReader } from './consentScope.js';
import { adjustmentOf, loadScoringState, storedNetworkView } from './scoring.js';

/** What was asked for is not there (answered as not_found): said keyed (server:notFound.*), the English beside. */
export class NotFoundError extends SaidError {}

export function explainCitizen(db: Db, citizenId: string, options: { maxEventsPerRule?: number } = {}): Explanation {
  const state = loadScoringState(db);
  if (!state) throw new NotFoundError(keyed('notFound.noScores'));
  const citizen = db.prepare('SELECT idx, citizen_id, name, district FROM citizens WHERE citizen_id = ?').get(citizenId) as
    | { idx: number; citizen_id: string; name: string; district: string }
    | undefined;
  if (!citizen) throw new NotFoundError(keyed('notFound.citizen', { id: citizenId }));
  const stored = db.prepare('SELECT cents, tier, s, own, penalty, totals FROM scores WHERE citizen_idx = ?').get(citizen.idx) as
    | { cents: number; tier: string; s: number; own: number; penalty: number; totals: string }
    | undefined;
  if (!stored) {
    if (!scopeReader(db, state)(citizen.idx)) throw new NotFoundError(keyed('notFound.outOfScope', { id: citizenId, asOf: state.asOf }));
    throw new NotFoundError(keyed('notFound.noScoreYet', { id: citizenId }));
  }
  // Every figure below is the stored one (own, rule totals, penalty, score):
  // the explanation, the export, the record page and the disclosure read one
  // truth (SCORING_MODEL §7.1). The events show where the totals come from.
  const storedTotals = JSON.parse(stored.totals) as Record<string, number>;

  const spec = state.ruleset.spec;
  const events = db
    .prepare(
      `SELECT c.rule_index, c.points, e.event_id, e.occurred_at, c.occurred_ms FROM contributions c JOIN events e ON e.idx = c.event_idx
       WHERE c.citizen_idx = ? AND c.error IS NULL ORDER BY c.rule_index, c.occurred_ms, e.event_id`,
    )
    .raw(true)
    .all(citizen.idx) as [number, number, string, string, number][];
  const rules: RuleContribution[] = [];
  for (const rule of state.ruleset.rules) {
    const counted = events.filter(([r, , , , ms]) => r === rule.index && countsAt(rule, ms, state.asOfMs));
    if (counted.length === 0) continue;
    // Each contribution is a whole number of micro-points: their sum is exact.
    const raw = fromMicro(counted.reduce((sum, [, p]) => sum + toMicro(p), 0));
    const total = storedTotals[rule.spec.id] ?? 0;
    rules.push({
      ruleId: rule.spec.id,
      ruleName: rule.spec.name,
      ...(rule.spec.i18n && { i18n: rule.spec.i18n }),
      dimension: rule.spec.dimension,
      raw,
      total,
      capped: total !== raw,
      eventCount: counted.length,
      events: counted.slice(-(options.maxEventsPerRule ?? counted.length)).map(([, points, eventId, occurredAt]) => ({ eventId, occurredAt, points })),
    });
  }
  const view = storedNetworkView(db, state);
  const breakdown = attributePenalty(view, citizen.idx, state.params);
  // Shares of the stored penalty, so that they add up to it.
  const scale = breakdown.raw === 0 ? 0 : stored.penalty / breakdown.raw;
  const per = breakdown.shares.length > 0 ? state.params.weight / breakdown.shares.length : 0;
  const friendRow = db.prepare('SELECT c.citizen_id, c.name, s.cents, s.tier FROM citizens c JOIN scores s ON s.citizen_idx = c.idx WHERE c.idx = ?');
  const friends = breakdown.shares
    .map((sh) => {
      const f = friendRow.get(sh.friend) as { citizen_id: string; name: string; cents: number; tier: string };
      return { citizenId: f.citizen_id, name: f.name, score: centsToScore(f.cents), tier: f.tier, shortfall: sh.shortfall, share: per * sh.shortfall * scale };
    })
    .sort((a, b) => b.share - a.share || (a.citizenId < b.citizenId ? -1 : 1));
  const adjustments = adjustmentOf(db, citizen.idx);
  const factors = rules.map((r) => ({ code: r.ruleId, label: r.ruleName, points: r.total }));
  if (adjustments < 0) factors.push({ code: 'manual_adjustment', label: 'Approved manual adjustments', points: adjustments });
  if (stored.penalty > 0) factors.push({ code: 'friend_penalty', label: 'Friends below the threshold', points: -stored.penalty });
  return {
    citizenId: citizen.citizen_id,
    name: citizen.name,
    district: citizen.district,
    rulesetVersion: state.version,
    asOf: state.asOf,
    base: spec.base_score,
    rules,
    adjustments,
    own: stored.own,
    friendPenalty: stored.penalty,
    friendPenaltyUncapped: fromMicro(microOf(breakdown.raw)),
    friends,
    activeFriendCount: breakdown.shares.length,
    score: centsToScore(stored.cents),
    tier: tierFor(stored.cents, spec.tiers),
    reasonCodes: reasonCodes(factors),
  };
}
