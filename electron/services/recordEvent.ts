/** Recording one event by hand (an official's entry): validated like an imported row, scored incrementally. */
import type { Db } from '../db/connection.js';
import { loadKinds } from '../db/kinds.js';
import { recordOperation } from '../db/operations.js';
import { contributionWriter } from './contributions.js';
import { incrementalUpdate, loadScoringState, type ScoreChangeStats } from './scoring.js';
import { keyed } from '../../shared/englishText.js';
import { INSTANT_FORM_KEYED, instantFlawKeyed } from '../../shared/instant.js';
import { echo } from './inputLimits.js';
import { RejectedInputError } from './ruleLab.js';
import { checkEventData, EVENT_ID, parseIsoInstant } from './validation.js';

export interface NewEvent {
  eventId: string;
  citizenId: string;
  kind: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** An entry the import would refuse too: answered as rejected input. */
export class InvalidEventError extends RejectedInputError {}

/** A citizen's stored score and tier (null before the first ruleset). */
export function storedScoreOf(db: Db, citizenId: string): { score: number; tier: string } | null {
  const row = db.prepare('SELECT s.cents, s.tier FROM scores s JOIN citizens c ON c.idx = s.citizen_idx WHERE c.citizen_id = ?').get(citizenId) as { cents: number; tier: string } | undefined;
  return row ? { score: row.cents / 100, tier: row.tier } : null;
}

/** An entry checked as an imported row would be (kind, instant, data against the kind's schema); throws InvalidEventError naming the problem. */
export function checkNewEvent(db: Db, event: Omit<NewEvent, 'eventId'>) {
  const kinds = loadKinds(db);
  const kind = kinds.get(event.kind);
  if (!kind) throw new InvalidEventError(keyed('recordEvent.unknownKind', { kind: event.kind }));
  const ms = parseIsoInstant(event.occurredAt);
  if (ms === null) throw new InvalidEventError(keyed('import.occurredAt', { value: echo(event.occurredAt), form: INSTANT_FORM_KEYED, why: instantFlawKeyed(event.occurredAt) }));
  const checked = checkEventData(kind, event.data);
  if (!checked.ok) throw new InvalidEventError(checked.said);
  return { kinds, kind, ms, checked };
}

export function recordEvent(db: Db, event: NewEvent, options: { actor: string; reason: string }): { operationId: number; scoring: ScoreChangeStats | null } {
  if (!EVENT_ID.test(event.eventId)) throw new InvalidEventError(keyed('recordEvent.eventId', { id: event.eventId }));
  const { kinds, kind, ms, checked } = checkNewEvent(db, event);
  return db.transaction(() => {
    const citizenIdx = db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(event.citizenId) as number | undefined;
    if (citizenIdx === undefined) throw new InvalidEventError(keyed('recordEvent.unknownCitizen', { id: event.citizenId }));
    if (db.prepare('SELECT 1 FROM events WHERE event_id = ?').get(event.eventId)) throw new InvalidEventError(keyed('recordEvent.exists', { id: event.eventId }));
    const op = recordOperation(db, { kind: 'event_recorded', actor: options.actor, reason: options.reason, details: { event_id: event.eventId, citizen_id: event.citizenId, kind: event.kind } });
    const idx = Number(
      db
        .prepare('INSERT INTO events (event_id, citizen_idx, kind, occurred_at, occurred_ms, data, operation_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(event.eventId, citizenIdx, kind.kind, event.occurredAt, ms, checked.json, op.id).lastInsertRowid,
    );
    const state = loadScoringState(db);
    if (!state) return { operationId: op.id, scoring: null };
    const contributions = contributionWriter(db, state.ruleset, kinds);
    contributions.add(idx, citizenIdx, kind.kind, ms, checked.value);
    contributions.flush();
    return { operationId: op.id, scoring: incrementalUpdate(db, state, new Set([citizenIdx]), op.id) };
  })();
}
