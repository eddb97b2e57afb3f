/**
 * Where an event came from: the operation that brought it and, for an
 * import, the batch (the provider named in the import) and the events file
 * read (its name on disk or upload, its SHA-256). Operator and time are the
 * operation's actor and instant. One reader for the record's event list,
 * disputes and anything else that shows a source.
 */
import type { Db } from '../db/connection.js';
import { tableExists } from '../db/chain.js';

export interface EventSource {
  operationId: number;
  /** `events_imported` for an import, `event_recorded` for an entry by hand. */
  operationKind: string;
  operator: string;
  at: string;
  /** Who supplied the data; null for an entry by hand and for imports recorded before providers were. */
  provider: string | null;
  /** The events file read: its path, or `upload: <name on the uploader's computer>`. */
  file: string | null;
  sha256: string | null;
}

/** A cached reader of event sources by operation id, for one request. */
export function eventSourceReader(db: Db): (operationId: number) => EventSource | null {
  const batches = tableExists(db, 'import_batches');
  const op = db.prepare('SELECT id, kind, actor, at FROM operations WHERE id = ?');
  const batch = batches ? db.prepare('SELECT provider FROM import_batches WHERE operation_id = ?') : null;
  const file = batches ? db.prepare("SELECT origin, sha256 FROM import_files WHERE operation_id = ? AND name IN ('events.csv', 'events.jsonl') LIMIT 1") : null;
  const cache = new Map<number, EventSource | null>();
  return (operationId) => {
    if (cache.has(operationId)) return cache.get(operationId)!;
    const o = op.get(operationId) as { id: number; kind: string; actor: string; at: string } | undefined;
    let source: EventSource | null = null;
    if (o) {
      const b = batch?.get(operationId) as { provider: string | null } | undefined;
      const f = file?.get(operationId) as { origin: string; sha256: string | null } | undefined;
      source = { operationId: o.id, operationKind: o.kind, operator: o.actor, at: o.at, provider: b?.provider ?? null, file: f?.origin ?? null, sha256: f?.sha256 ?? null };
    }
    cache.set(operationId, source);
    return source;
  };
}

/** Every provider named in an import, for the Operations filter. */
export function importProviders(db: Db): string[] {
  if (!tableExists(db, 'import_batches')) return [];
  return db.prepare('SELECT DISTINCT provider FROM import_batches WHERE provider IS NOT NULL ORDER BY provider').pluck().all() as string[];
}
