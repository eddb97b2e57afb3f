/** Field-level checks of imported records: ids, dates, instants, event data against its kind. */
import type { EventKindSpec } from '../../shared/domain.js';

export const EVENT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** A real calendar date YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  if (text.length !== 10 || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

/** An ISO 8601 instant with a zone (Z or ±hh:mm); returns epoch ms or null. */
export function parseIsoInstant(text: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m || !isIsoDate(m[1]) || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** Check event data against the kind's schema; returns the problem or the data as canonical JSON (keys sorted). */
export function checkEventData(kind: EventKindSpec, data: unknown): { ok: true; json: string; value: Record<string, unknown> } | { ok: false; message: string } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, message: 'data must be a JSON object' };
  const value = data as Record<string, unknown>;
  const sorted: Record<string, unknown> = Object.create(null);
  for (const name of Object.keys(value).sort()) {
    const spec = Object.hasOwn(kind.fields, name) ? kind.fields[name] : undefined;
    if (!spec) return { ok: false, message: `field '${name}' is not declared by event kind '${kind.kind}'` };
    const v = value[name];
    switch (spec.type) {
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) return { ok: false, message: `field '${name}' must be a number, got ${JSON.stringify(v)}` };
        break;
      case 'string':
        if (typeof v !== 'string') return { ok: false, message: `field '${name}' must be a string, got ${JSON.stringify(v)}` };
        break;
      case 'bool':
        if (typeof v !== 'boolean') return { ok: false, message: `field '${name}' must be true or false, got ${JSON.stringify(v)}` };
        break;
      case 'date':
        if (typeof v !== 'string' || !isIsoDate(v)) return { ok: false, message: `field '${name}' must be a date YYYY-MM-DD, got ${JSON.stringify(v)}` };
        break;
    }
    sorted[name] = v;
  }
  return { ok: true, json: JSON.stringify(sorted), value: sorted };
}
