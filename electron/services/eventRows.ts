/**
 * One row of events.csv / events.jsonl checked against the model (SCORING_MODEL
 * §1): id, citizen, kind, instant, data against the kind's schema. Pure, so an
 * import runs it in its own thread or in a worker thread (eventWorker.ts) with
 * the same result.
 */
import type { EventKindSpec } from '../../shared/domain.js';
import { INSTANT_FORM, instantFlaw } from '../../shared/instant.js';
import { clip, echo, jsonErrorMessage, LIMITS, tooDeepAt } from './inputLimits.js';
import { checkEventData, EVENT_ID, parseIsoInstant } from './validation.js';

/** A row that passed validation, ready to be written. */
export interface ValidEvent {
  line: number;
  id: string;
  citizenIdx: number;
  kind: string;
  at: string;
  ms: number;
  /** The data as canonical JSON (stored). */
  json: string;
  /** The data as checked (what rules are evaluated on). */
  value: Record<string, unknown>;
}

export interface EventLookups {
  citizenIdx(id: string): number | undefined;
  kind(name: string): EventKindSpec | undefined;
}

/** The row's event, or the reason it is refused. */
export function checkEventRow(line: number, rec: Record<string, unknown>, lookups: EventLookups): ValidEvent | { problem: string } {
  const bad = (problem: string) => ({ problem });
  const { event_id: id, citizen_id: citizen, kind: kindName, occurred_at: at } = rec;
  let data = rec.data;
  if (typeof id !== 'string' || !EVENT_ID.test(id)) return bad(`event_id ${echo(id)} must be 1-128 characters of A-Z a-z 0-9 _ . : -`);
  if (typeof citizen !== 'string') return bad('citizen_id is missing');
  const citizenIdx = lookups.citizenIdx(citizen);
  if (citizenIdx === undefined) return bad(`unknown citizen '${clip(citizen)}'`);
  const kind = typeof kindName === 'string' ? lookups.kind(kindName) : undefined;
  if (!kind) return bad(`unknown event kind ${echo(kindName)}`);
  const ms = typeof at === 'string' ? parseIsoInstant(at) : null;
  if (ms === null) return bad(`occurred_at ${echo(at)} is not ${INSTANT_FORM}: ${typeof at === 'string' ? instantFlaw(at) : 'missing'}`);
  if (typeof data === 'string') {
    if (tooDeepAt(data) >= 0) return bad(`nesting too deep at line ${line}: data nests more than ${LIMITS.jsonDepth} levels`);
    try {
      data = data.trim() === '' ? {} : JSON.parse(data);
    } catch (err) {
      return bad(`data is not valid JSON: ${jsonErrorMessage(err, data as string)}`);
    }
  }
  const checked = checkEventData(kind, data);
  if (!checked.ok) return bad(checked.message);
  return { line, id, citizenIdx, kind: kind.kind, at: at as string, ms, json: checked.json, value: checked.value };
}

export const EVENT_CSV_COLUMNS = ['event_id', 'citizen_id', 'kind', 'occurred_at', 'data'] as const;

/** A parsed line of an events file, before validation: a record, or a problem of the line itself. */
export type EventLine = { line: number; record: Record<string, unknown> } | { line: number; problem: string };

/** The record of a CSV row (fields in EVENT_CSV_COLUMNS order) or of a JSON Lines value. */
export function csvRecord(fields: string[]): Record<string, unknown> {
  const [event_id, citizen_id, kind, occurred_at, data] = fields;
  return { event_id, citizen_id, kind, occurred_at, data };
}

export function jsonLineRecord(line: number, value: unknown, error?: string): EventLine {
  if (error) return { line, problem: error };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { line, problem: 'each line must be a JSON object' };
  return { line, record: value as Record<string, unknown> };
}
