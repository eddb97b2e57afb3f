/**
 * What recording one event would do, shown before it is recorded (issue 13,
 * part 2): the event checked as the record form would check it, its
 * contributions evaluated under the current ruleset, the citizen's own score
 * with them, and the engine's fixed point moved from the stored one
 * (networkReach.whatIf), with how far the change travels through
 * friendships. Nothing is written.
 */
import type { EventPreview } from '../../shared/recourse.js';
import type { Db } from '../db/connection.js';
import { countsAt } from '../engine/rules.js';
import { fromMicro, microOf, scoreCents, tierFor, toMicro } from '../engine/scoring.js';
import { evaluateEvent } from './contributions.js';
import { reachOf, whatIf } from './networkReach.js';
import { checkNewEvent, InvalidEventError, storedScoreOf, type NewEvent } from './recordEvent.js';
import { adjustmentMicroOf, loadScoringState, ownMicroFromSums, ruleSumsOf } from './scoring.js';

const NO_REACH = { citizens: 0, maxHops: 0, byHop: [] };

export function previewEvent(db: Db, event: Omit<NewEvent, 'eventId'>): EventPreview {
  const { kinds, kind, ms, checked } = checkNewEvent(db, event);
  const idx = db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(event.citizenId) as number | undefined;
  if (idx === undefined) throw new InvalidEventError(`unknown citizen '${event.citizenId}'`);
  const state = loadScoringState(db);
  const before = storedScoreOf(db, event.citizenId);
  if (!state) return { before, after: before, counts: false, asOf: null, reach: NO_REACH };
  const counting = evaluateEvent(state.ruleset, kinds, kind.kind, checked.value).filter(
    ([rule, points, error]) => error === null && points !== 0 && countsAt(state.ruleset.rules[rule], ms, state.asOfMs),
  );
  // Out of scope (no stored score): the event is kept but moves no score, the citizen's included.
  if (!before) return { before: null, after: null, counts: counting.length > 0, asOf: state.asOf, reach: NO_REACH };
  const sums = new Map(ruleSumsOf(db, state, idx));
  for (const [rule, points] of counting) sums.set(rule, (sums.get(rule) ?? 0) + toMicro(points));
  const ownMicro = ownMicroFromSums(state.ruleset, sums, adjustmentMicroOf(db, idx));
  const storedOwn = db.prepare('SELECT own FROM scores WHERE citizen_idx = ?').pluck().get(idx) as number;
  if (ownMicro === microOf(storedOwn)) return { before, after: before, counts: counting.length > 0, asOf: state.asOf, reach: NO_REACH };
  const w = whatIf(db, state, new Map([[idx, fromMicro(ownMicro)]]));
  const cents = scoreCents(w.view.score(idx));
  return { before, after: { score: cents / 100, tier: tierFor(cents, state.ruleset.spec.tiers) }, counts: true, asOf: state.asOf, reach: reachOf(w, [idx]) };
}
