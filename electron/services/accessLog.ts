/** Who looked at what: every record opened, search made, export taken, call refused, login tried. */
import type { AccessAction } from '../../shared/accessActions.js';
import { englishText } from '../../shared/englishText.js';
import type { KeyedText } from '../../shared/keyedText.js';
import type { Db } from '../db/connection.js';

export interface AccessEntry {
  username: string;
  /** A code of shared/accessActions.ts, or the channel of a refused call. */
  action: AccessAction;
  citizenId?: string | null;
  /** What was done: keyed (shown in the reader's language, the English kept beside it), or English text as the command line writes it. */
  detail: string | KeyedText;
  purpose?: string | null;
  outcome: 'allowed' | 'refused' | 'failed';
}

/** Parameters of a keyed detail longer than this are not kept (the English text is). */
const MAX_PARAMS_CHARS = 4000;

function insert(db: Db, e: AccessEntry, at = new Date().toISOString()): number {
  const keyed = typeof e.detail === 'string' ? null : e.detail;
  const text = keyed ? englishText(keyed) : (e.detail as string);
  const params = keyed?.params ? JSON.stringify(keyed.params) : null;
  const keep = keyed !== null && (params === null || params.length <= MAX_PARAMS_CHARS);
  const info = db.prepare('INSERT INTO access_log (at, username, action, citizen_id, detail, purpose, outcome, detail_key, detail_params) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    at,
    e.username,
    e.action,
    e.citizenId ?? null,
    text.slice(0, 500),
    e.purpose?.slice(0, 500) ?? null,
    e.outcome,
    keep ? keyed.key : null,
    keep ? params : null,
  );
  return Number(info.lastInsertRowid);
}

/** Writes a row that is not a refusal (never folded) and answers its id: reads link their citizens to it. */
export function logAllowed(db: Db, e: Omit<AccessEntry, 'outcome'>): number {
  return insert(db, { ...e, outcome: 'allowed' });
}

/** Identical refusals (caller, call, reason) written one by one per minute; the rest are counted. */
export const REFUSALS_LOGGED_PER_MINUTE = 5;
const FOLD_WINDOW_MS = 60_000;

interface Fold {
  entry: AccessEntry;
  start: number;
  logged: number;
  folded: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/** Per database: the refusal windows still open. */
const folds = new WeakMap<Db, Map<string, Fold>>();

function writeFold(db: Db, f: Fold): void {
  if (f.timer) clearTimeout(f.timer);
  f.timer = null;
  if (f.folded === 0 || !db.open) return;
  insert(db, {
    ...f.entry,
    detail: { key: 'access.repeated', params: { count: f.folded, from: new Date(f.start).toISOString(), to: new Date(f.start + FOLD_WINDOW_MS).toISOString(), detail: f.entry.detail } },
  });
  f.folded = 0;
}

/** Writes the counts of refusals folded so far (the window closes early: before the database closes). */
export function flushRefusals(db: Db): void {
  const open = folds.get(db);
  if (!open) return;
  for (const f of open.values()) writeFold(db, f);
  open.clear();
}

/**
 * One line of the log. Refusals are folded: a caller repeating the same
 * refused call gets its first few rows per minute, then one row with the
 * count at the end of the minute, so a flood of refused calls cannot flood
 * the log (5,000 calls make 6 rows, not 5,000). Everything else is written
 * as it happens.
 */
export function logAccess(db: Db, e: AccessEntry): void {
  if (e.outcome !== 'refused') {
    insert(db, e);
    return;
  }
  let open = folds.get(db);
  if (!open) folds.set(db, (open = new Map()));
  const key = JSON.stringify([e.username, e.action, e.citizenId ?? null, e.detail]);
  const now = Date.now();
  let f = open.get(key);
  if (f && now - f.start >= FOLD_WINDOW_MS) {
    writeFold(db, f);
    open.delete(key);
    f = undefined;
  }
  if (!f) {
    if (open.size >= 10_000) flushRefusals(db);
    f = { entry: e, start: now, logged: 0, folded: 0, timer: null };
    open.set(key, f);
  }
  if (f.logged < REFUSALS_LOGGED_PER_MINUTE) {
    f.logged++;
    insert(db, e);
    return;
  }
  f.folded++;
  if (!f.timer) {
    const fold = f;
    fold.timer = setTimeout(() => {
      try {
        writeFold(db, fold);
      } catch (err) {
        process.stderr.write(`access log: the count of folded refusals could not be written: ${(err as Error).message}\n`);
      }
    }, fold.start + FOLD_WINDOW_MS - now);
    fold.timer.unref();
  }
}

export interface AccessRow {
  id: number;
  at: string;
  username: string;
  action: string;
  citizenId: string | null;
  /** The English text. */
  detail: string;
  /** The detail as a `server` key and its parameters (rows written since migration 0430 by the console), else null. */
  detailKey: string | null;
  detailParams: Record<string, unknown> | null;
  purpose: string | null;
  outcome: 'allowed' | 'refused' | 'failed';
}

export function listAccess(db: Db, q: { citizenId?: string; username?: string; action?: string; offset: number; limit: number }): { total: number; rows: AccessRow[] } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (q.citizenId) {
    where.push('citizen_id = @citizenId');
    params.citizenId = q.citizenId;
  }
  if (q.username) {
    where.push('username = @username');
    params.username = q.username;
  }
  if (q.action) {
    where.push('action = @action');
    params.action = q.action;
  }
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = db.prepare(`SELECT count(*) FROM access_log ${whereSql}`).pluck().get(params) as number;
  const rows = (
    db
      .prepare(`SELECT id, at, username, action, citizen_id AS citizenId, detail, detail_key AS detailKey, detail_params AS detailParams, purpose, outcome FROM access_log ${whereSql} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: q.limit, offset: q.offset }) as (Omit<AccessRow, 'detailParams'> & { detailParams: string | null })[]
  ).map((r) => ({ ...r, detailParams: r.detailParams === null ? null : (JSON.parse(r.detailParams) as Record<string, unknown>) }));
  return { total, rows };
}
