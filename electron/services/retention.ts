/**
 * Retention (REFERENCE: negative information kept 5 years): every event kind
 * has a retention period in days, the default when unset. A purge really
 * deletes the events older than their kind's period, and their contributions,
 * under one `records_expired` operation, then moves the scores that change,
 * in the same transaction. Ledger entries hold no event data, so the chain
 * still verifies after a purge.
 */
import { keyed, SaidError } from '../../shared/englishText.js';
import type { Db } from '../db/connection.js';
import { recordOperation } from '../db/operations.js';
import { NotFoundError } from './explain.js';
import { CancelledError, loadScoringState, parseInstant, updateScores, type Progress, type ScoreChangeStats, type ScoringPath } from './scoring.js';

/** Five years, leap day included. */
export const DEFAULT_RETENTION_DAYS = 1826;
const DAY_MS = 86_400_000;

/** A retention change or purge refused: keyed for the reader's language (the command line's refusalText). */
export class RetentionError extends SaidError {}

/**
 * SQL that is true for an event `e` that another table still refers to (a
 * dispute of the event, ...), from the schema's foreign keys so that every
 * such table is covered. An expired event still referred to is held, not
 * deleted: deleting it would break the reference or, with a cascade, silently
 * delete the record that refers to it.
 */
function heldClause(db: Db): string {
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  const fks = db.prepare(`SELECT "from" FROM pragma_foreign_key_list(?) WHERE "table" = 'events'`).pluck();
  const refs = tables.flatMap((table) => (fks.all(table) as string[]).map((column) => `EXISTS (SELECT 1 FROM ${quote(table)} WHERE ${quote(column)} = e.idx)`));
  return refs.length ? `(${refs.join(' OR ')})` : '0';
}

export interface KindRetention {
  kind: string;
  retentionDays: number;
  /** True when the kind has no setting of its own and the default applies. */
  isDefault: boolean;
  /** Events at or before this instant are expired as of `asOf`. */
  cutOff: string;
  events: number;
  /** Expired events a purge would delete. */
  expired: number;
  /** Expired events another record still refers to: a purge keeps them. */
  held: number;
  /** Longest ttl of a rule of the current ruleset on this kind (null: a rule counts its events forever, or no rule). */
  longestRuleTtlDays: number | null;
}

/** The retention of every kind as of an instant, with how many of its events a purge would delete. */
export function retentionPolicy(db: Db, asOf?: string): { asOf: string; kinds: KindRetention[] } {
  const at = parseInstant(asOf ?? new Date().toISOString());
  const rows = db
    .prepare(
      `SELECT kind, own, count(idx) AS events, count(CASE WHEN expired AND NOT held THEN 1 END) AS expired, count(CASE WHEN expired AND held THEN 1 END) AS held
       FROM (SELECT k.kind, k.retention_days AS own, e.idx, e.occurred_ms <= @asOf - coalesce(k.retention_days, @dflt) * ${DAY_MS} AS expired,
                    CASE WHEN e.idx IS NULL THEN 0 ELSE ${heldClause(db)} END AS held
             FROM event_kinds k LEFT JOIN events e ON e.kind = k.kind)
       GROUP BY kind ORDER BY kind`,
    )
    .all({ asOf: at.ms, dflt: DEFAULT_RETENTION_DAYS }) as { kind: string; own: number | null; events: number; expired: number; held: number }[];
  const ttls = ruleTtlsByKind(db);
  return {
    asOf: at.iso,
    kinds: rows.map((r) => {
      const days = r.own ?? DEFAULT_RETENTION_DAYS;
      return {
        kind: r.kind,
        retentionDays: days,
        isDefault: r.own === null,
        cutOff: new Date(at.ms - days * DAY_MS).toISOString(),
        events: r.events,
        expired: r.expired,
        held: r.held,
        longestRuleTtlDays: ttls.get(r.kind) ?? null,
      };
    }),
  };
}

/** Per kind, the longest ttl of the current ruleset's rules on it (Infinity for a rule without ttl). */
function ruleTtlsByKind(db: Db): Map<string, number> {
  const out = new Map<string, number>();
  const state = loadScoringState(db);
  for (const rule of state?.ruleset.spec.rules ?? []) {
    const ttl = rule.ttl_days ?? Infinity;
    out.set(rule.event_kind, Math.max(out.get(rule.event_kind) ?? 0, ttl));
  }
  for (const [kind, ttl] of out) if (ttl === Infinity) out.delete(kind);
  return out;
}

/**
 * Set a kind's retention in days (null: back to the default). The change is
 * logged with its actor; it deletes nothing until the next purge.
 */
export function setRetention(db: Db, kind: string, days: number | null, options: { actor: string; reason?: string }): { kind: string; oldDays: number | null; newDays: number | null } {
  if (days !== null && (!Number.isSafeInteger(days) || days < 1)) throw new RetentionError(keyed('retention.days', { days: String(days) }));
  if (!options.actor.trim()) throw new RetentionError(keyed('retention.actor'));
  return db.transaction(() => {
    const row = db.prepare('SELECT retention_days FROM event_kinds WHERE kind = ?').get(kind) as { retention_days: number | null } | undefined;
    if (!row) throw new NotFoundError(keyed('notFound.eventKind', { kind }));
    if (row.retention_days !== days) {
      db.prepare('UPDATE event_kinds SET retention_days = ? WHERE kind = ?').run(days, kind);
      db.prepare('INSERT INTO retention_changes (kind, old_days, new_days, actor, at, reason) VALUES (?, ?, ?, ?, ?, ?)').run(
        kind,
        row.retention_days,
        days,
        options.actor,
        new Date().toISOString(),
        options.reason?.trim() || null,
      );
    }
    return { kind, oldDays: row.retention_days, newDays: days };
  })();
}

export interface PurgeOptions {
  /** Retention is counted back from this instant (default now); it may not be in the future. */
  asOf?: string;
  actor: string;
  reason: string;
  onProgress?: Progress;
  signal?: AbortSignal;
  /** The clock, for the "not in the future" check. */
  now?: () => number;
  /** Force the full or the incremental scoring path (tests); default `auto`. */
  scoringPath?: ScoringPath;
}

export interface PurgeResult {
  asOf: string;
  /** Null when nothing was expired: then nothing was written. */
  operationId: number | null;
  eventsDeleted: number;
  contributionsDeleted: number;
  /** Per kind with expired events: how many were deleted (of them retracted) and held because another record refers to them. */
  byKind: Record<string, { retentionDays: number; cutOff: string; events: number; retracted: number; held: number }>;
  eventsHeld: number;
  scoring: ScoreChangeStats | null;
}

class NothingExpired extends Error {
  constructor(readonly held: number) {
    super('nothing expired');
  }
}

/**
 * Delete the events older than their kind's retention as of `asOf` and their
 * contributions, record a `records_expired` operation, and move the scores
 * of the citizens concerned (and, through friends, of others), all in one
 * transaction: a failed or cancelled purge leaves everything as it was.
 */
export function purgeExpiredRecords(db: Db, options: PurgeOptions): PurgeResult {
  if (!options.reason?.trim()) throw new RetentionError(keyed('retention.reasonRequired'));
  const asOf = parseInstant(options.asOf ?? new Date((options.now ?? Date.now)()).toISOString());
  if (asOf.ms > (options.now ?? Date.now)()) throw new RetentionError(keyed('retention.future', { asOf: asOf.iso }));
  const progress: Progress = (phase, done, total) => {
    options.onProgress?.(phase, done, total);
    if (options.signal?.aborted) throw new CancelledError();
  };
  const tx = db.transaction((): PurgeResult => {
    progress('finding expired records', 0, 1);
    const candidates = db
      .prepare(
        `SELECT e.idx, e.citizen_idx, e.kind, e.retracted_by IS NOT NULL AS retracted, coalesce(k.retention_days, @dflt) AS days, ${heldClause(db)} AS held
         FROM events e JOIN event_kinds k ON k.kind = e.kind
         WHERE e.occurred_ms <= @asOf - coalesce(k.retention_days, @dflt) * ${DAY_MS} ORDER BY e.idx`,
      )
      .raw(true)
      .all({ asOf: asOf.ms, dflt: DEFAULT_RETENTION_DAYS }) as [number, number, string, number, number, number][];
    const expired = candidates.filter((c) => !c[5]);
    if (expired.length === 0) throw new NothingExpired(candidates.length);

    const byKind: PurgeResult['byKind'] = {};
    for (const [, , kind, retracted, days, held] of candidates) {
      const k = (byKind[kind] ??= { retentionDays: days, cutOff: new Date(asOf.ms - days * DAY_MS).toISOString(), events: 0, retracted: 0, held: 0 });
      if (held) k.held++;
      else {
        k.events++;
        k.retracted += retracted;
      }
    }
    const op = recordOperation(db, {
      kind: 'records_expired',
      actor: options.actor,
      reason: options.reason,
      details: {
        retention: true,
        as_of: asOf.iso,
        default_retention_days: DEFAULT_RETENTION_DAYS,
        events_deleted: expired.length,
        events_held: candidates.length - expired.length,
        kinds: Object.fromEntries(
          Object.entries(byKind).map(([kind, k]) => [kind, { retention_days: k.retentionDays, cut_off: k.cutOff, events: k.events, retracted: k.retracted, held: k.held }]),
        ),
      },
    });

    const deleteContributions = db.prepare('DELETE FROM contributions WHERE citizen_idx = ? AND event_idx = ?');
    const deleteEvent = db.prepare('DELETE FROM events WHERE idx = ?');
    const dirty = new Set<number>();
    let contributionsDeleted = 0;
    for (let k = 0; k < expired.length; k++) {
      const [idx, citizenIdx] = expired[k];
      const removed = deleteContributions.run(citizenIdx, idx).changes;
      if (removed > 0) dirty.add(citizenIdx);
      contributionsDeleted += removed;
      deleteEvent.run(idx);
      if (k % 10_000 === 0) progress('deleting expired records', k, expired.length);
    }
    progress('deleting expired records', expired.length, expired.length);

    let scoring: ScoreChangeStats | null = null;
    const state = loadScoringState(db);
    if (state && dirty.size > 0) {
      progress('scoring', 0, 1);
      scoring = updateScores(db, state, dirty, op.id, { path: options.scoringPath, onProgress: progress });
    }
    progress('committing', 1, 1);
    return { asOf: asOf.iso, operationId: op.id, eventsDeleted: expired.length, eventsHeld: candidates.length - expired.length, contributionsDeleted, byKind, scoring };
  });
  try {
    return tx.immediate();
  } catch (err) {
    if (err instanceof NothingExpired) return { asOf: asOf.iso, operationId: null, eventsDeleted: 0, eventsHeld: err.held, contributionsDeleted: 0, byKind: {}, scoring: null };
    throw err;
  }
}
