/**
 * Account administration under the two-person rule. Granting a role (a new
 * account, a role change, re-enabling an account) is a proposal another
 * administrator approves; disabling an account and resetting a password are
 * single-person operations, each with a written reason. Every change goes to
 * the append-only account history and the access log.
 *
 * One person must not become two: an approver may not be an account whose
 * creation, re-enabling, role change or password reset the proposer made
 * (directly or through accounts set up that way), nor the other way round.
 */
import type { Keyed } from '../../shared/messages.js';
import type { KeyedText } from '../../shared/keyedText.js';
import { englishText, keyed } from '../../shared/englishText.js';
import { randomBytes } from 'node:crypto';
import { Role } from '../../shared/contract.js';
import type { Db } from '../db/connection.js';
import { logAccess } from './accessLog.js';
import type { Language } from '../../shared/language.js';
import { AuthError, findUser, hashPassword, userCount, verifyPassword, type Session, type UserRow } from './auth.js';
import { NotFoundError } from './explain.js';

/** A decision that needs a second, independent person was attempted by one. Answered as a conflict. */
export class TwoPersonRuleError extends Error {
  constructor(
    message: string,
    /** The message keyed, for the reader's language. */
    readonly keyed?: Keyed,
  ) {
    super(message);
  }
}

const RANK: Record<Role, number> = { viewer: 0, official: 1, auditor: 1, admin: 2 };
const USERNAME = /^[A-Za-z0-9._-]{1,64}$/;

export type AccountAction = 'created' | 'role_changed' | 'disabled' | 'enabled' | 'password_reset' | 'password_changed' | 'sessions_revoked';

export interface AccountEvent {
  id: number;
  at: string;
  username: string;
  action: AccountAction;
  actor: string;
  approvedBy: string | null;
  changeId: number | null;
  reason: string;
  detail: string;
}

export interface AccountChange {
  id: number;
  kind: 'create' | 'role' | 'enable';
  username: string;
  displayName: string | null;
  role: Role;
  reason: string;
  proposedBy: string;
  proposedAt: string;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
}

function requireReason(reason: string): string {
  const r = reason.trim();
  if (r.length < 5) throw new AuthError('invalid_input', keyed('account.reasonTooShort'));
  return r;
}

/** Appends to the account history and the access log, in the caller's transaction. */
export function recordAccountEvent(db: Db, e: { username: string; action: AccountAction; actor: string; approvedBy?: string | null; changeId?: number | null; reason: string | KeyedText; detail?: KeyedText }): void {
  const reason = typeof e.reason === 'string' ? e.reason : englishText(e.reason);
  db.prepare('INSERT INTO account_events (at, username, action, actor, approved_by, change_id, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    new Date().toISOString(),
    e.username,
    e.action,
    e.actor,
    e.approvedBy ?? null,
    e.changeId ?? null,
    reason,
    e.detail ? englishText(e.detail) : '',
  );
  const params = { user: e.username, reason: e.reason, ...(e.detail && { detail: e.detail }), ...(e.approvedBy && { approver: e.approvedBy }) };
  const key = e.detail ? (e.approvedBy ? 'access.account.eventDetailApproved' : 'access.account.eventDetail') : e.approvedBy ? 'access.account.eventApproved' : 'access.account.event';
  logAccess(db, { username: e.actor, action: `account_${e.action}`, detail: { key, params }, outcome: 'allowed' });
}

/** Actions that give the actor a hold on the account: they set its password, its role or its existence. */
const CONTROLLING: AccountAction[] = ['created', 'role_changed', 'enabled', 'password_reset'];

/** The accounts `username` set up, directly or through accounts they set up (lower case). */
export function accountsControlledBy(db: Db, username: string): Set<string> {
  const edges = db
    .prepare(`SELECT lower(actor) AS actor, lower(username) AS username FROM account_events WHERE action IN (${CONTROLLING.map(() => '?').join(', ')})`)
    .all(...CONTROLLING) as { actor: string; username: string }[];
  const children = new Map<string, string[]>();
  for (const e of edges) {
    if (e.actor === e.username) continue;
    children.set(e.actor, [...(children.get(e.actor) ?? []), e.username]);
  }
  const seen = new Set<string>();
  const stack = [username.toLowerCase()];
  while (stack.length) {
    for (const child of children.get(stack.pop()!) ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        stack.push(child);
      }
    }
  }
  seen.delete(username.toLowerCase());
  return seen;
}

/** Refuses an approval by the proposer, or by an account either of them set up for the other. */
export function assertIndependent(db: Db, proposer: string, approver: string, what: string, another = 'another user'): void {
  const which = /^(proposal|account change) (\d+)$/.exec(what);
  if (proposer.toLowerCase() === approver.toLowerCase()) {
    const who = /^another (user|administrator|official)$/.exec(another)?.[1];
    const keyed: Keyed | undefined =
      which && who ? { key: which[1] === 'proposal' ? 'twoPerson.proposalMadeBy' : 'twoPerson.accountChangeMadeBy', params: { id: Number(which[2]), proposer, another: who } } : undefined;
    throw new TwoPersonRuleError(`${what} was made by ${proposer}: ${another} must approve it`, keyed);
  }
  if (accountsControlledBy(db, proposer).has(approver.toLowerCase())) {
    throw new TwoPersonRuleError(
      `${approver} cannot approve ${what}: the account ${approver} was created, re-enabled, given its role or had its password reset by ${proposer} (directly or through accounts ${proposer} set up)`,
      which ? { key: which[1] === 'proposal' ? 'twoPerson.controlledProposal' : 'twoPerson.controlledAccountChange', params: { id: Number(which[2]), approver, proposer } } : undefined,
    );
  }
  if (accountsControlledBy(db, approver).has(proposer.toLowerCase())) {
    throw new TwoPersonRuleError(
      `${approver} cannot approve ${what}: ${approver} set up the account ${proposer} (created, re-enabled, gave its role or reset its password)`,
      which ? { key: which[1] === 'proposal' ? 'twoPerson.controllerProposal' : 'twoPerson.controllerAccountChange', params: { id: Number(which[2]), approver, proposer } } : undefined,
    );
  }
}

function enabledAdmins(db: Db): number {
  return db.prepare("SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL").pluck().get() as number;
}

function existingUser(db: Db, username: string): UserRow {
  const u = findUser(db, username);
  if (!u) throw new NotFoundError(keyed('notFound.account', { user: username }));
  return u;
}

function pendingChangeFor(db: Db, username: string): number | undefined {
  return db.prepare("SELECT id FROM account_changes WHERE username = ? AND status = 'pending'").pluck().get(username) as number | undefined;
}

function insertChange(db: Db, c: { kind: AccountChange['kind']; username: string; displayName?: string | null; role: Role; passwordHash?: string | null; reason: string; by: string }): number {
  const pending = pendingChangeFor(db, c.username);
  if (pending !== undefined) throw new AuthError('conflict', keyed('account.changePending', { user: c.username, pending }));
  const id = Number(
    db
      .prepare("INSERT INTO account_changes (kind, username, display_name, role, password_hash, reason, proposed_by, proposed_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')")
      .run(c.kind, c.username, c.displayName ?? null, c.role, c.passwordHash ?? null, c.reason, c.by, new Date().toISOString()).lastInsertRowid,
  );
  logAccess(db, { username: c.by, action: 'account_proposed', detail: { key: 'access.account.proposed', params: { kind: c.kind, user: c.username, role: c.role, id, reason: c.reason } }, outcome: 'allowed' });
  return id;
}

/** The very first account: an administrator, no approval (nobody else exists). */
export async function createFirstAdmin(db: Db, input: { username: string; displayName: string; password: string }, createdBy: string): Promise<UserRow> {
  if (!USERNAME.test(input.username)) throw new AuthError('invalid_input', keyed('account.usernameFormat'));
  const hash = await hashPassword(input.password);
  return db.transaction(() => {
    if (userCount(db) > 0) throw new AuthError('forbidden', keyed('account.firstAdminExists'));
    db.prepare('INSERT INTO users (username, display_name, role, password_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)').run(
      input.username,
      input.displayName.trim() || input.username,
      'admin',
      hash,
      new Date().toISOString(),
      createdBy,
    );
    recordAccountEvent(db, { username: input.username, action: 'created', actor: createdBy, reason: { key: 'access.account.firstAdmin' }, detail: { key: 'access.account.role', params: { role: 'admin' } } });
    return findUser(db, input.username)!;
  })();
}

/**
 * Whether the installation is still founding: one account (its first
 * administrator) and no account change ever proposed. Then the second
 * administrator asks for their account themselves (their own password, which
 * the first administrator never learns) and the first administrator approves.
 */
export function isFounding(db: Db): boolean {
  if (userCount(db) !== 1) return false;
  return (db.prepare('SELECT count(*) FROM account_changes').pluck().get() as number) === 0;
}

/** Proposes a new account (its initial password set by the proposer; the user changes it at first login). */
export async function proposeAccount(db: Db, input: { username: string; displayName: string; role: Role; password: string; reason: string }, by: string): Promise<number> {
  if (!USERNAME.test(input.username)) throw new AuthError('invalid_input', keyed('account.usernameFormat'));
  if (!Role.options.includes(input.role)) throw new AuthError('invalid_input', keyed('account.unknownRole', { role: String(input.role) }));
  const reason = requireReason(input.reason);
  const hash = await hashPassword(input.password);
  // Checked after hashing, in one transaction: two quick clicks cannot both pass the check.
  return db.transaction(() => {
    if (userCount(db) === 0) throw new AuthError('forbidden', keyed('account.noAccountYet'));
    const self = input.username.toLowerCase() === by.toLowerCase();
    if (self && !isFounding(db)) throw new AuthError('forbidden', keyed('account.cannotProposeSelf'));
    if (self && input.role !== 'admin') throw new AuthError('invalid_input', keyed('account.onlySecondAdminSelf'));
    if (findUser(db, input.username)) throw new AuthError('conflict', keyed('account.exists', { user: input.username }));
    return insertChange(db, { kind: 'create', username: input.username, displayName: input.displayName.trim() || input.username, role: input.role, passwordHash: hash, reason, by });
  })();
}

export function proposeRoleChange(db: Db, input: { username: string; role: Role; reason: string }, by: string): number {
  const reason = requireReason(input.reason);
  return db.transaction(() => {
    const u = existingUser(db, input.username);
    if (u.role === input.role) throw new AuthError('invalid_input', keyed('account.sameRole', { user: u.username, role: u.role }));
    if (u.username.toLowerCase() === by.toLowerCase() && RANK[input.role] >= RANK[u.role]) throw new AuthError('forbidden', keyed('account.raiseOwnRole'));
    if (u.role === 'admin' && !u.disabled_at && enabledAdmins(db) <= 1) throw new AuthError('forbidden', keyed('account.lastAdmin', { user: u.username }));
    return insertChange(db, { kind: 'role', username: u.username, role: input.role, reason, by });
  })();
}

export function proposeEnable(db: Db, input: { username: string; reason: string }, by: string): number {
  const reason = requireReason(input.reason);
  return db.transaction(() => {
    const u = existingUser(db, input.username);
    if (!u.disabled_at) throw new AuthError('invalid_input', keyed('account.notDisabled', { user: u.username }));
    if (u.username.toLowerCase() === by.toLowerCase()) throw new AuthError('forbidden', keyed('account.cannotReenableSelf'));
    return insertChange(db, { kind: 'enable', username: u.username, role: u.role, reason, by });
  })();
}

interface ChangeRow {
  id: number;
  kind: AccountChange['kind'];
  username: string;
  display_name: string | null;
  role: Role;
  password_hash: string | null;
  reason: string;
  proposed_by: string;
  proposed_at: string;
  status: AccountChange['status'];
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
}

function toChange(r: ChangeRow): AccountChange {
  return {
    id: r.id,
    kind: r.kind,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    reason: r.reason,
    proposedBy: r.proposed_by,
    proposedAt: r.proposed_at,
    status: r.status,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    decisionReason: r.decision_reason,
  };
}

export function listAccountChanges(db: Db, status?: AccountChange['status']): AccountChange[] {
  const rows = (status
    ? db.prepare('SELECT * FROM account_changes WHERE status = ? ORDER BY id DESC LIMIT 200').all(status)
    : db.prepare('SELECT * FROM account_changes ORDER BY id DESC LIMIT 200').all()) as ChangeRow[];
  return rows.map(toChange);
}

export interface DecisionResult {
  status: 'approved' | 'rejected' | 'withdrawn';
  /** Accounts whose sessions must end now (a changed role takes effect at the next login). */
  endSessionsOf: string[];
}

/** Approve or reject an account change. The approver is an administrator other than the proposer, independent of them, and not the account concerned. */
export function decideAccountChange(db: Db, id: number, approve: boolean, by: string, decisionReason: string): DecisionResult {
  const why = requireReason(decisionReason);
  return db.transaction((): DecisionResult => {
    const c = db.prepare('SELECT * FROM account_changes WHERE id = ?').get(id) as ChangeRow | undefined;
    if (!c) throw new NotFoundError(keyed('notFound.accountChange', { id }));
    if (c.status !== 'pending') throw new TwoPersonRuleError(`account change ${id} is already ${c.status}`, { key: 'twoPerson.accountChangeDecided', params: { id, status: c.status } });
    const mark = (status: DecisionResult['status']) =>
      db.prepare("UPDATE account_changes SET status = ?, decided_by = ?, decided_at = ?, decision_reason = ? WHERE id = ? AND status = 'pending'").run(status, by, new Date().toISOString(), why, id);
    if (!approve) {
      const status = c.proposed_by.toLowerCase() === by.toLowerCase() ? 'withdrawn' : 'rejected';
      mark(status);
      logAccess(db, { username: by, action: 'account_decided', detail: { key: 'access.account.decided', params: { status, id, kind: c.kind, user: c.username, role: c.role, reason: why } }, outcome: 'allowed' });
      return { status, endSessionsOf: [] };
    }
    if (c.username.toLowerCase() === by.toLowerCase()) throw new TwoPersonRuleError(`account change ${id} concerns ${by}: another administrator must approve it`, { key: 'twoPerson.ownAccountChange', params: { id, user: by } });
    assertIndependent(db, c.proposed_by, by, `account change ${id}`);
    const founding = c.kind === 'create' && c.proposed_by.toLowerCase() === c.username.toLowerCase();
    let endSessionsOf: string[] = [];
    if (c.kind === 'create') {
      if (findUser(db, c.username)) throw new AuthError('conflict', keyed('account.exists', { user: c.username }));
      db.prepare('INSERT INTO users (username, display_name, role, password_hash, created_at, created_by, must_change_password) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        c.username,
        c.display_name ?? c.username,
        c.role,
        c.password_hash,
        new Date().toISOString(),
        c.proposed_by,
        founding ? 0 : 1,
      );
      // A founding administrator chose their own password: nobody else holds their account.
      recordAccountEvent(db, { username: c.username, action: 'created', actor: founding ? c.username : c.proposed_by, approvedBy: by, changeId: id, reason: c.reason, detail: { key: founding ? 'access.account.roleFounding' : 'access.account.role', params: { role: c.role } } });
    } else if (c.kind === 'role') {
      const u = existingUser(db, c.username);
      if (u.role === 'admin' && c.role !== 'admin' && !u.disabled_at && enabledAdmins(db) <= 1) throw new AuthError('forbidden', keyed('account.lastAdmin', { user: u.username }));
      db.prepare('UPDATE users SET role = ? WHERE id = ?').run(c.role, u.id);
      recordAccountEvent(db, { username: u.username, action: 'role_changed', actor: c.proposed_by, approvedBy: by, changeId: id, reason: c.reason, detail: { key: 'access.account.roleChange', params: { from: u.role, to: c.role } } });
      endSessionsOf = [u.username];
    } else {
      const u = existingUser(db, c.username);
      if (!u.disabled_at) throw new AuthError('conflict', keyed('account.notDisabledAnyMore', { user: u.username }));
      db.prepare('UPDATE users SET disabled_at = NULL WHERE id = ?').run(u.id);
      recordAccountEvent(db, { username: u.username, action: 'enabled', actor: c.proposed_by, approvedBy: by, changeId: id, reason: c.reason, detail: { key: 'access.account.role', params: { role: u.role } } });
    }
    mark('approved');
    return { status: 'approved', endSessionsOf };
  })();
}

/** Disables an account at once (the caller ends its sessions). Never the last administrator. */
export function disableAccount(db: Db, username: string, reason: string, by: string): void {
  const why = requireReason(reason);
  db.transaction(() => {
    const u = existingUser(db, username);
    if (u.disabled_at) throw new AuthError('conflict', keyed('account.alreadyDisabled', { user: u.username }));
    if (u.role === 'admin' && enabledAdmins(db) <= 1) throw new AuthError('forbidden', keyed('account.lastAdminDisable', { user: u.username }));
    db.prepare('UPDATE users SET disabled_at = ? WHERE id = ?').run(new Date().toISOString(), u.id);
    recordAccountEvent(db, { username: u.username, action: 'disabled', actor: by, reason: why, detail: { key: 'access.account.role', params: { role: u.role } } });
  })();
}

/** Sets a generated temporary password, to be changed at the next login; returns it (shown once). */
export async function resetPassword(db: Db, username: string, reason: string, by: string): Promise<string> {
  const why = requireReason(reason);
  if (username.toLowerCase() === by.toLowerCase()) throw new AuthError('forbidden', keyed('account.resetOwnPassword'));
  const temporary = randomBytes(12).toString('base64url');
  const hash = await hashPassword(temporary);
  db.transaction(() => {
    const u = existingUser(db, username);
    db.prepare('UPDATE users SET password_hash = ?, must_change_password = 1 WHERE id = ?').run(hash, u.id);
    recordAccountEvent(db, { username: u.username, action: 'password_reset', actor: by, reason: why, detail: { key: 'access.account.temporaryPassword' } });
  })();
  return temporary;
}

/** A user changes their own password (required after a reset or on a new account). */
export async function changeOwnPassword(db: Db, username: string, current: string, next: string): Promise<void> {
  const u = existingUser(db, username);
  if (!(await verifyPassword(current, u.password_hash))) {
    logAccess(db, { username, action: 'password_change', detail: { key: 'access.wrongCurrentPassword' }, outcome: 'refused' });
    throw new AuthError('forbidden', keyed('account.currentPasswordWrong'));
  }
  if (current === next) throw new AuthError('invalid_input', keyed('account.sameNewPassword'));
  const hash = await hashPassword(next);
  db.transaction(() => {
    db.prepare('UPDATE users SET password_hash = ?, must_change_password = 0 WHERE id = ?').run(hash, u.id);
    recordAccountEvent(db, { username: u.username, action: 'password_changed', actor: u.username, reason: { key: 'access.account.changedByUser' } });
  })();
}

export function accountHistory(db: Db, username?: string): AccountEvent[] {
  const sql = 'SELECT id, at, username, action, actor, approved_by AS approvedBy, change_id AS changeId, reason, detail FROM account_events';
  return (username ? db.prepare(`${sql} WHERE username = ? ORDER BY id DESC LIMIT 500`).all(username) : db.prepare(`${sql} ORDER BY id DESC LIMIT 500`).all()) as AccountEvent[];
}

/** Whether `role` reaches `needed` (auditors and officials are side by side; admins reach both). */
export function roleReaches(role: Role, needed: Role): boolean {
  if (role === needed || role === 'admin') return true;
  if (needed === 'viewer') return true;
  return false;
}

/** Stores the account's console language and applies it to the session at once (no restart, no new login). */
export function setLanguage(db: Db, username: string, language: Language, session?: Session): void {
  if (db.prepare('UPDATE users SET language = ? WHERE username = ?').run(language, username).changes === 0) throw new NotFoundError(keyed('notFound.account', { user: username }));
  if (session) session.language = language;
}
