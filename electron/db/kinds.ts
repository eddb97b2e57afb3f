/** Registered event kinds and their schemas. */
import { EventKindSpec } from '../../shared/domain.js';
import type { Db } from './connection.js';

export function loadKinds(db: Db): Map<string, EventKindSpec> {
  const out = new Map<string, EventKindSpec>();
  for (const row of db.prepare('SELECT kind, fields FROM event_kinds ORDER BY kind').all() as { kind: string; fields: string }[]) {
    out.set(row.kind, EventKindSpec.parse({ kind: row.kind, fields: JSON.parse(row.fields) }));
  }
  return out;
}

/** Canonical JSON of a schema (fields sorted) so equal schemas compare equal as text. */
export function canonicalFields(spec: EventKindSpec): string {
  const sorted: Record<string, unknown> = {};
  for (const name of Object.keys(spec.fields).sort()) {
    const f = spec.fields[name];
    sorted[name] = f.protected ? { type: f.type, protected: true } : { type: f.type };
  }
  return JSON.stringify(sorted);
}

export function insertKind(db: Db, spec: EventKindSpec): void {
  db.prepare('INSERT INTO event_kinds (kind, fields) VALUES (?, ?)').run(spec.kind, canonicalFields(spec));
}
