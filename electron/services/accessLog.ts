/** Who looked at what: every record opened, search made, export taken, call refused, login tried. */
import type { Db } from '../db/connection.js';

export interface AccessEntry {
  username: string;
  action: string;
  citizenId?: string | null;
  detail: string;
  purpose?: string | null;
  outcome: 'allowed' | 'refused' | 'failed';
}

/** Appends one row; its id. */
export function logAccess(db: Db, e: AccessEntry): number {
  const info = db.prepare('INSERT INTO access_log (at, username, action, citizen_id, detail, purpose, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    new Date().toISOString(),
    e.username,
    e.action,
    e.citizenId ?? null,
    e.detail.slice(0, 500),
    e.purpose?.slice(0, 500) ?? null,
    e.outcome,
  );
  return Number(info.lastInsertRowid);
}

export interface AccessRow {
  id: number;
  at: string;
  username: string;
  action: string;
  citizenId: string | null;
  detail: string;
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
  const rows = db
    .prepare(`SELECT id, at, username, action, citizen_id AS citizenId, detail, purpose, outcome FROM access_log ${whereSql} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit: q.limit, offset: q.offset }) as AccessRow[];
  return { total, rows };
}
