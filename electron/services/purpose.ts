/**
 * Purpose of access: why a user opens a citizen's record. An administrator
 * may make stating one mandatory; an opening without one is then refused,
 * and the refusal is logged like any other.
 */
import { keyed } from '../../shared/englishText.js';
import type { AccessAction } from '../../shared/accessActions.js';
import type { Db } from '../db/connection.js';
import { logAccess } from './accessLog.js';
import { RejectedInputError } from './ruleLab.js';

const KEY = 'purpose_required';

export function purposeRequired(db: Db): boolean {
  return db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(KEY) === '1';
}

export function setPurposeRequired(db: Db, required: boolean, by: string, reason: string): void {
  db.transaction(() => {
    db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(KEY, required ? '1' : '0');
    logAccess(db, {
      username: by,
      action: 'change_setting',
      detail: { key: required ? 'access.purposeMandatory' : 'access.purposeOptional', params: { reason } },
      outcome: 'allowed',
    });
  })();
}

/**
 * Refuses (and logs the refusal of) an opening of a record without a stated
 * purpose when the setting asks for one. `action` is the channel's name.
 */
export function requirePurpose(db: Db, q: { username: string; action: AccessAction; citizenId: string; purpose: string | undefined }): string | null {
  const purpose = q.purpose?.trim() || null;
  if (purpose === null && purposeRequired(db)) {
    logAccess(db, { username: q.username, action: q.action, citizenId: q.citizenId, detail: { key: 'access.refusedNoPurpose' }, outcome: 'refused' });
    throw new RejectedInputError(keyed('rejected.purposeRequired', { citizen: q.citizenId }));
  }
  return purpose;
}

/** The purposes this user stated lately, newest first, each once: offered when the next record is opened. */
export function recentPurposes(db: Db, username: string, limit = 8): string[] {
  return db
    .prepare(
      `SELECT purpose FROM (SELECT id, purpose, outcome FROM access_log WHERE username = ? ORDER BY id DESC LIMIT 5000)
       WHERE purpose IS NOT NULL AND trim(purpose) <> '' AND outcome = 'allowed'
       GROUP BY purpose ORDER BY max(id) DESC LIMIT ?`,
    )
    .pluck()
    .all(username, limit) as string[];
}
