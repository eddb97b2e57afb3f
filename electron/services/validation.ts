/** Field-level checks of imported records: ids, dates, instants, event data against its kind. */
import type { EventKindSpec } from '../../shared/domain.js';
import { isIsoDate } from '../../shared/instant.js';
import { clip, echo, stringFieldProblem } from './inputLimits.js';

export const EVENT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Dates and instants have one definition, shared with the contract: see shared/instant.ts. */
export { isIsoDate, INSTANT_FORM, parseInstantMs as parseIsoInstant } from '../../shared/instant.js';

/** Check event data against the kind's schema; returns the problem or the data as canonical JSON (keys sorted). */
export function checkEventData(kind: EventKindSpec, data: unknown): { ok: true; json: string; value: Record<string, unknown> } | { ok: false; message: string } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, message: 'data must be a JSON object' };
  const value = data as Record<string, unknown>;
  const sorted: Record<string, unknown> = Object.create(null);
  for (const name of Object.keys(value).sort()) {
    const spec = Object.hasOwn(kind.fields, name) ? kind.fields[name] : undefined;
    if (!spec) return { ok: false, message: `field '${clip(name)}' is not declared by event kind '${kind.kind}'` };
    const v = value[name];
    switch (spec.type) {
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) return { ok: false, message: `field '${name}' must be a number, got ${echo(v)}` };
        break;
      case 'string':
        if (typeof v !== 'string') return { ok: false, message: `field '${name}' must be a string, got ${echo(v)}` };
        {
          const flaw = stringFieldProblem(name, v);
          if (flaw) return { ok: false, message: flaw };
        }
        break;
      case 'bool':
        if (typeof v !== 'boolean') return { ok: false, message: `field '${name}' must be true or false, got ${echo(v)}` };
        break;
      case 'date':
        if (typeof v !== 'string' || !isIsoDate(v)) return { ok: false, message: `field '${name}' must be a date YYYY-MM-DD, got ${echo(v)}` };
        break;
    }
    sorted[name] = v;
  }
  return { ok: true, json: JSON.stringify(sorted), value: sorted };
}
