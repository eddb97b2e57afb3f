/**
 * Every read of personal data leaves a trace: one access-log row per call
 * (what was read, how many citizens, the stated purpose), the citizens it
 * returned in `access_reads`, and an alert for the auditors when one user
 * reads more distinct citizens in an hour than the bulk-read threshold.
 */
import type { AccessAction } from '../../shared/accessActions.js';
import type { KeyedText } from '../../shared/keyedText.js';
import type { Db } from '../db/connection.js';
import { logAccess, logAllowed } from './accessLog.js';

const HOUR_MS = 3_600_000;
export const DEFAULT_BULK_READ_PER_HOUR = 300;
/** Ids named in a row's detail; the full list is in access_reads. */
const IDS_IN_DETAIL = 20;

export interface ReadEntry {
  username: string;
  /** What kind of read: view_events, view_measures, list_disputes, search, ... */
  action: AccessAction;
  /** The one citizen concerned, when the read is about one. */
  citizenId?: string | null;
  /** Every citizen whose data the call returned. */
  citizenIds: string[];
  /** What was read, beyond the citizens (event ids, filters, page). */
  detail: string | KeyedText;
  purpose?: string | null;
}

export function bulkReadThreshold(db: Db): number {
  const v = db.prepare("SELECT value FROM settings WHERE key = 'bulk_read_per_hour'").pluck().get() as string | undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_BULK_READ_PER_HOUR;
}

export function setBulkReadThreshold(db: Db, perHour: number, by: string, reason: string): number {
  if (!Number.isSafeInteger(perHour) || perHour < 1) throw new RangeError(`the bulk-read threshold is a whole number of citizens >= 1, got ${perHour}`);
  db.transaction(() => {
    const before = bulkReadThreshold(db);
    db.prepare("INSERT INTO settings (key, value) VALUES ('bulk_read_per_hour', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(String(perHour));
    logAccess(db, { username: by, action: 'setting_changed', detail: { key: 'access.bulkReadThreshold', params: { before, after: perHour, reason } }, outcome: 'allowed' });
  })();
  return perHour;
}

/** Logs one read (one row, however many citizens it returned) and raises a bulk-read alert when due. */
export function logRead(db: Db, e: ReadEntry, now = Date.now()): number {
  return db.transaction(() => {
    const distinct = [...new Set(e.citizenIds)];
    const ids = distinct.slice(0, IDS_IN_DETAIL).join(' ');
    const count = distinct.length;
    const detail: KeyedText =
      count === 0
        ? { key: 'access.citizensNone', params: { what: e.detail } }
        : count > IDS_IN_DETAIL
          ? { key: 'access.citizensMore', params: { what: e.detail, count, ids, more: count - IDS_IN_DETAIL } }
          : { key: 'access.citizens', params: { what: e.detail, count, ids } };
    const accessId = logAllowed(db, { username: e.username, action: e.action, citizenId: e.citizenId ?? null, detail, purpose: e.purpose ?? null });
    const insert = db.prepare('INSERT INTO access_reads (access_id, username, at_ms, citizen_id) VALUES (?, ?, ?, ?)');
    for (const id of distinct) insert.run(accessId, e.username, now, id);
    if (distinct.length) checkBulkRead(db, e.username, accessId, now);
    return accessId;
  })();
}

function checkBulkRead(db: Db, username: string, accessId: number, now: number): void {
  const threshold = bulkReadThreshold(db);
  const since = now - HOUR_MS;
  // One alert per user per hour: the auditor's panel is not flooded while the reading goes on.
  // Checked first, so that reading on after an alert costs no count (every search is a read).
  const recent = db.prepare('SELECT 1 FROM access_alerts WHERE username = ? AND at > ?').get(username, new Date(since).toISOString());
  if (recent) return;
  // Passing the threshold is told by its first threshold + 1 distinct citizens; the full count only when alerting.
  const over = db.prepare('SELECT count(*) FROM (SELECT DISTINCT citizen_id FROM access_reads WHERE username = ? AND at_ms > ? LIMIT ?)').pluck().get(username, since, threshold + 1) as number;
  if (over <= threshold) return;
  const citizens = db.prepare('SELECT count(DISTINCT citizen_id) FROM access_reads WHERE username = ? AND at_ms > ?').pluck().get(username, since) as number;
  const at = new Date(now).toISOString();
  db.prepare('INSERT INTO access_alerts (at, username, citizens, threshold, window_start, access_id) VALUES (?, ?, ?, ?, ?, ?)').run(at, username, citizens, threshold, new Date(since).toISOString(), accessId);
  logAccess(db, { username, action: 'bulk_read_alert', detail: { key: 'access.bulkReadAlert', params: { citizens, threshold } }, outcome: 'allowed' });
}

export interface AccessAlertRow {
  id: number;
  at: string;
  username: string;
  citizens: number;
  threshold: number;
  windowStart: string;
}

export function accessAlerts(db: Db, limit: number): { threshold: number; alerts: AccessAlertRow[] } {
  const alerts = db
    .prepare('SELECT id, at, username, citizens, threshold, window_start AS windowStart FROM access_alerts ORDER BY id DESC LIMIT ?')
    .all(limit) as AccessAlertRow[];
  return { threshold: bulkReadThreshold(db), alerts };
}
