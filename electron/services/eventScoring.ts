/**
 * What each event does to its citizen's score under the current ruleset: the
 * points each rule gives it and whether they count at the scoring date
 * (SCORING_MODEL §2: occurred by then, inside the rule's ttl window), so a
 * record can say per event "−10, counts" or "−60, outside the 5-year window".
 */
import type { Db } from '../db/connection.js';
import { countsAt } from '../engine/rules.js';
import { loadScoringState } from './scoring.js';

export type EventStanding = 'counts' | 'expired' | 'future' | 'no_points' | 'retracted' | 'unscored';

export interface EventScoring {
  standing: EventStanding;
  rules: { ruleId: string; ruleName: string; points: number; counts: boolean; error: string | null }[];
}

/** A reader for one request: loads the scoring state once. */
export function eventScoringReader(db: Db): (eventIdx: number, occurredMs: number, retracted: boolean) => EventScoring {
  const state = loadScoringState(db);
  const contributions = db.prepare('SELECT rule_index, points, error FROM contributions WHERE event_idx = ? ORDER BY rule_index');
  return (eventIdx, occurredMs, retracted) => {
    if (retracted) return { standing: 'retracted', rules: [] };
    if (!state) return { standing: 'unscored', rules: [] };
    const rules = (contributions.all(eventIdx) as { rule_index: number; points: number; error: string | null }[]).map((c) => {
      const rule = state.ruleset.rules[c.rule_index];
      return { ruleId: rule.spec.id, ruleName: rule.spec.name, points: c.points, counts: c.error === null && countsAt(rule, occurredMs, state.asOfMs), error: c.error };
    });
    const standing: EventStanding = occurredMs > state.asOfMs ? 'future' : rules.length === 0 ? 'no_points' : rules.some((r) => r.counts) ? 'counts' : 'expired';
    return { standing, rules };
  };
}
