/** Field-level checks of imported records: ids, dates, instants, event data against its kind. */
import type { EventKindSpec } from '../../shared/domain.js';
import { isIsoDate } from '../../shared/instant.js';
import { keyed, type Said } from '../../shared/englishText.js';
import { clip, echo, stringFieldProblemKeyed } from './inputLimits.js';

export const EVENT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Dates and instants have one definition, shared with the contract: see shared/instant.ts. */
export { isIsoDate, INSTANT_FORM, parseInstantMs as parseIsoInstant } from '../../shared/instant.js';

const refused = (said: Said): { ok: false; message: string; said: Said } => ({ ok: false, message: said.message, said });

/** `names` sorted as Array.prototype.sort sorts strings (by UTF-16 code units), in place: an insertion sort, quicker for the few fields of an event. */
function sortedNames(names: string[]): string[] {
  if (names.length > 16) return names.sort();
  for (let i = 1; i < names.length; i++) {
    const n = names[i];
    let j = i - 1;
    while (j >= 0 && names[j] > n) {
      names[j + 1] = names[j];
      j--;
    }
    names[j + 1] = n;
  }
  return names;
}

/** Per kind, each declared field's member start in the canonical JSON: `"name":`. */
const memberStarts = new WeakMap<EventKindSpec, Map<string, string>>();

function memberStartsOf(kind: EventKindSpec): Map<string, string> {
  let starts = memberStarts.get(kind);
  if (!starts) {
    starts = new Map(Object.keys(kind.fields).map((name) => [name, `${JSON.stringify(name)}:`]));
    memberStarts.set(kind, starts);
  }
  return starts;
}

/** Check event data against the kind's schema; returns the problem (English `message`, keyed `said`) or the data as canonical JSON (keys sorted). */
export function checkEventData(kind: EventKindSpec, data: unknown): { ok: true; json: string; value: Record<string, unknown> } | { ok: false; message: string; said: Said } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return refused(keyed('import.data.notObject'));
  const value = data as Record<string, unknown>;
  const sorted: Record<string, unknown> = Object.create(null);
  // The canonical JSON written member by member as the fields are checked: the text JSON.stringify(sorted)
  // gives (field names are identifiers, never array indexes, so they keep this order; a finite number's
  // text is String's), without a second pass over a dictionary-mode object.
  let json = '';
  const starts = memberStartsOf(kind);
  for (const name of sortedNames(Object.keys(value))) {
    const spec = Object.hasOwn(kind.fields, name) ? kind.fields[name] : undefined;
    if (!spec) return refused(keyed('import.data.undeclared', { field: clip(name), kind: kind.kind }));
    const v = value[name];
    switch (spec.type) {
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) return refused(keyed('import.data.number', { field: name, value: echo(v) }));
        break;
      case 'string':
        if (typeof v !== 'string') return refused(keyed('import.data.string', { field: name, value: echo(v) }));
        {
          const flaw = stringFieldProblemKeyed(name, v);
          if (flaw) return refused(flaw);
        }
        break;
      case 'bool':
        if (typeof v !== 'boolean') return refused(keyed('import.data.bool', { field: name, value: echo(v) }));
        break;
      case 'date':
        if (typeof v !== 'string' || !isIsoDate(v)) return refused(keyed('import.data.date', { field: name, value: echo(v) }));
        break;
    }
    sorted[name] = v;
    json += `${json === '' ? '{' : ','}${starts.get(name)!}${typeof v === 'string' ? JSON.stringify(v) : String(v)}`;
  }
  return { ok: true, json: json === '' ? '{}' : `${json}}`, value: sorted };
}
