/**
 * Why taking an event back would not move its citizen's score: no rule gives
 * it points, it is outside a rule's ttl window (or after the scores' as-of
 * instant), or the rule's total is held at its cap with or without it. Read
 * before the event is retracted, and kept with an upheld dispute, so that
 * the record says why an appeal that was won changed nothing.
 */
import type { Db } from '../db/connection.js';
import { countsAt } from '../engine/rules.js';
import { capTotal } from '../engine/scoring.js';
import { loadScoringState } from './scoring.js';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const pts = (n: number) => (n > 0 ? `+${n}` : String(n));

export function whyNoScoreChange(db: Db, eventId: string): string {
  const state = loadScoringState(db);
  if (!state) return 'no ruleset is published, so no event gives points yet.';
  const ev = db.prepare('SELECT idx, citizen_idx, kind, occurred_ms FROM events WHERE event_id = ?').get(eventId) as
    | { idx: number; citizen_idx: number; kind: string; occurred_ms: number }
    | undefined;
  if (!ev) return `event ${eventId} is not on record.`;
  const version = `ruleset v${state.version}`;
  const rules = state.ruleset.byKind.get(ev.kind) ?? [];
  if (rules.length === 0) return `no rule of ${version} scores events of kind '${ev.kind}'.`;
  const contributions = db.prepare('SELECT rule_index, points, error FROM contributions WHERE event_idx = ?').all(ev.idx) as { rule_index: number; points: number; error: string | null }[];
  if (contributions.length === 0) return `no rule of ${version} gives this event points (the conditions of ${rules.map((r) => `'${r.spec.id}'`).join(', ')} do not match it).`;
  const reasons: string[] = [];
  for (const c of contributions) {
    const rule = state.ruleset.rules[c.rule_index];
    const name = `'${rule.spec.id}'`;
    if (c.error !== null) {
      reasons.push(`rule ${name} could not evaluate it (${c.error}), so it never counted`);
    } else if (ev.occurred_ms > state.asOfMs) {
      reasons.push(`it occurred after the scores' as-of date (${day(state.asOfMs)}), so it does not count yet`);
    } else if (!countsAt(rule, ev.occurred_ms, state.asOfMs)) {
      reasons.push(`it is older than the ${rule.spec.ttl_days}-day window of rule ${name} as of ${day(state.asOfMs)}, so its ${pts(c.points)} no longer counted`);
    } else {
      const rows = db.prepare('SELECT occurred_ms, points FROM contributions WHERE citizen_idx = ? AND rule_index = ? AND error IS NULL').all(ev.citizen_idx, c.rule_index) as {
        occurred_ms: number;
        points: number;
      }[];
      const raw = rows.filter((r) => countsAt(rule, r.occurred_ms, state.asOfMs)).reduce((sum, r) => sum + r.points, 0);
      const withIt = capTotal(raw, rule.capMin, rule.capMax);
      const without = capTotal(raw - c.points, rule.capMin, rule.capMax);
      if (withIt === without) {
        const bound = withIt === rule.capMin ? `its floor of ${pts(rule.capMin)}` : `its ceiling of ${pts(rule.capMax)}`;
        reasons.push(`rule ${name} is capped: its events add up to ${pts(raw)} with this one and ${pts(raw - c.points)} without, both held at ${bound}`);
      } else {
        reasons.push(`rule ${name} took back ${pts(c.points)}, which other parts of the score made up (the rounding to whole cents or the friend penalty)`);
      }
    }
  }
  return `${reasons.join('; ')}.`;
}
