/**
 * One row of events.csv / events.jsonl checked against the model (SCORING_MODEL
 * §1): id, citizen, kind, instant, data against the kind's schema. Pure, so an
 * import runs it in its own thread or in a worker thread (eventWorker.ts) with
 * the same result.
 */
import type { EventKindSpec } from '../../shared/domain.js';
import { INSTANT_FORM_KEYED, instantFlawKeyed } from '../../shared/instant.js';
import { keyed, type ProblemText, type Said } from '../../shared/englishText.js';
import { clip, echo, jsonErrorKeyed, LIMITS, tooDeepAt } from './inputLimits.js';
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
const bad = (problem: Said) => ({ problem });

export function checkEventRow(line: number, rec: Record<string, unknown>, lookups: EventLookups): ValidEvent | { problem: Said } {
  const { event_id: id, citizen_id: citizen, kind: kindName, occurred_at: at } = rec;
  let data = rec.data;
  if (typeof id !== 'string' || !EVENT_ID.test(id)) return bad(keyed('import.eventId', { value: echo(id) }));
  if (typeof citizen !== 'string') return bad(keyed('import.citizenMissing'));
  const citizenIdx = lookups.citizenIdx(citizen);
  if (citizenIdx === undefined) return bad(keyed('import.unknownCitizen', { id: clip(citizen) }));
  const kind = typeof kindName === 'string' ? lookups.kind(kindName) : undefined;
  if (!kind) return bad(keyed('import.unknownKind', { value: echo(kindName) }));
  const ms = typeof at === 'string' ? parseIsoInstant(at) : null;
  if (ms === null) return bad(typeof at === 'string' ? keyed('import.occurredAt', { value: echo(at), form: INSTANT_FORM_KEYED, why: instantFlawKeyed(at) }) : keyed('import.occurredAtMissing', { value: echo(at), form: INSTANT_FORM_KEYED }));
  if (typeof data === 'string') {
    // Nesting needs two brackets or more: data with one brace and no square bracket (the common case) is not scanned.
    const shallow = data.indexOf('[') < 0 && data.indexOf('{', data.indexOf('{') + 1) < 0;
    if (!shallow && tooDeepAt(data) >= 0) return bad(keyed('import.tooDeep', { line, max: LIMITS.jsonDepth }));
    try {
      data = data.trim() === '' ? {} : JSON.parse(data);
    } catch (err) {
      return bad(keyed('import.dataJson', { why: jsonErrorKeyed(err, data as string) }));
    }
  }
  const checked = checkEventData(kind, data);
  if (!checked.ok) return bad(checked.said);
  return { line, id, citizenIdx, kind: kind.kind, at: at as string, ms, json: checked.json, value: checked.value };
}

export const EVENT_CSV_COLUMNS = ['event_id', 'citizen_id', 'kind', 'occurred_at', 'data'] as const;

/** A parsed line of an events file, before validation: a record, or a problem of the line itself. */
export type EventLine = { line: number; record: Record<string, unknown> } | { line: number; problem: ProblemText };

/** The record of a CSV row (fields in EVENT_CSV_COLUMNS order) or of a JSON Lines value. */
export function csvRecord(fields: string[]): Record<string, unknown> {
  const [event_id, citizen_id, kind, occurred_at, data] = fields;
  return { event_id, citizen_id, kind, occurred_at, data };
}

export function jsonLineRecord(line: number, value: unknown, error?: ProblemText): EventLine {
  if (error) return { line, problem: error };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { line, problem: keyed('import.lineNotObject') };
  return { line, record: value as Record<string, unknown> };
}
