/**
 * Retracting an event (appeal upheld, data-entry error): the row and its
 * history stay, its contributions leave scoring, and scores move under an
 * `event_retracted` (or `appeal_decided`) operation.
 */
import { keyed, SaidError } from '../../shared/englishText.js';
import type { Db } from '../db/connection.js';
import { recordOperation } from '../db/operations.js';
import { NotFoundError } from './explain.js';
import { RejectedInputError } from './ruleLab.js';
import { incrementalUpdate, loadScoringState, type ScoreChangeStats } from './scoring.js';

/** Said keyed (server:job.alreadyRetracted). */
export class AlreadyRetractedError extends SaidError {}

export function retractEvent(
  db: Db,
  eventId: string,
  options: { actor: string; reason: string; kind?: 'event_retracted' | 'appeal_decided'; details?: Record<string, unknown> },
): { operationId: number; scoring: ScoreChangeStats | null } {
  if (!options.reason?.trim()) throw new RejectedInputError(keyed('retract.reasonRequired'));
  return db.transaction(() => {
    const event = db.prepare('SELECT idx, citizen_idx, retracted_by FROM events WHERE event_id = ?').get(eventId) as
      | { idx: number; citizen_idx: number; retracted_by: number | null }
      | undefined;
    if (!event) throw new NotFoundError(keyed('notFound.event', { id: eventId }));
    if (event.retracted_by !== null) throw new AlreadyRetractedError(keyed('job.alreadyRetracted', { event: eventId, operation: event.retracted_by }));
    const op = recordOperation(db, { kind: options.kind ?? 'event_retracted', actor: options.actor, reason: options.reason, details: { event_id: eventId, ...options.details } });
    db.prepare('UPDATE events SET retracted_by = ? WHERE idx = ?').run(op.id, event.idx);
    const removed = db.prepare('DELETE FROM contributions WHERE citizen_idx = ? AND event_idx = ?').run(event.citizen_idx, event.idx).changes;
    const state = loadScoringState(db);
    const scoring = state && removed > 0 ? incrementalUpdate(db, state, new Set([event.citizen_idx]), op.id) : null;
    return { operationId: op.id, scoring };
  })();
}
