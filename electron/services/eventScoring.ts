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

/**
 * A reader for one page of one citizen's events: loads the scoring state
 * once, and the page's contributions in one query over the citizen's key
 * range. Contributions are keyed by citizen, rule and event, so a lookup by
 * event alone scanned the whole table once per event shown (2 s for a page
 * of 200 at 100k citizens, minutes at 1M).
 */
export function eventScoringReader(db: Db, citizenIdx: number, eventIdxs: readonly number[]): (eventIdx: number, occurredMs: number, retracted: boolean) => EventScoring {
  const state = loadScoringState(db);
  const byEvent = new Map<number, { rule_index: number; points: number; error: string | null }[]>();
  if (state && eventIdxs.length > 0) {
    const rows = db
      .prepare('SELECT event_idx, rule_index, points, error FROM contributions WHERE citizen_idx = ? AND event_idx IN (SELECT value FROM json_each(?)) ORDER BY event_idx, rule_index')
      .all(citizenIdx, JSON.stringify(eventIdxs)) as { event_idx: number; rule_index: number; points: number; error: string | null }[];
    for (const r of rows) {
      const list = byEvent.get(r.event_idx);
      if (list) list.push(r);
      else byEvent.set(r.event_idx, [r]);
    }
  }
  return (eventIdx, occurredMs, retracted) => {
    if (retracted) return { standing: 'retracted', rules: [] };
    if (!state) return { standing: 'unscored', rules: [] };
    const rules = (byEvent.get(eventIdx) ?? []).map((c) => {
      const rule = state.ruleset.rules[c.rule_index];
      return { ruleId: rule.spec.id, ruleName: rule.spec.name, points: c.points, counts: c.error === null && countsAt(rule, occurredMs, state.asOfMs), error: c.error };
    });
    const standing: EventStanding = occurredMs > state.asOfMs ? 'future' : rules.length === 0 ? 'no_points' : rules.some((r) => r.counts) ? 'counts' : 'expired';
    return { standing, rules };
  };
}
