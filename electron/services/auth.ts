/**
 * Accounts and sessions. Passwords are hashed with scrypt (N = 2^17, r = 8,
 * p = 1); failed logins are logged and slowed down; a session locks after
 * 5 minutes without activity and ends after 8 hours.
 */
import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Role } from '../../shared/contract.js';
import type { Db } from '../db/connection.js';
import { logAccess } from './accessLog.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const IDLE_LOCK_MS = 5 * 60_000;
export const SESSION_MAX_MS = 8 * 3_600_000;
const SCRYPT = { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 2 ** 20 } as const;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export class AuthError extends Error {
  constructor(
    readonly code: 'unauthenticated' | 'locked' | 'forbidden' | 'invalid_input' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

export function checkPasswordPolicy(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) throw new AuthError('invalid_input', `a password has ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);
}

export async function hashPassword(password: string): Promise<string> {
  checkPasswordPolicy(password);
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT);
  return `scrypt$${Math.log2(SCRYPT.N)}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt') return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), { N: 2 ** Number(logN), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  created_at: string;
  created_by: string;
  disabled_at: string | null;
  must_change_password: 0 | 1;
}

export function userCount(db: Db): number {
  return db.prepare('SELECT count(*) FROM users').pluck().get() as number;
}

export function findUser(db: Db, username: string): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
}

/**
 * Writes an account row directly, with no approval: for seeding test and
 * demo databases only. The console and the command line create accounts
 * through services/accounts.ts (first administrator, then proposals).
 */
export async function createUser(db: Db, input: { username: string; displayName: string; role: Role; password: string }, createdBy: string): Promise<UserRow> {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(input.username)) throw new AuthError('invalid_input', 'a username has 1 to 64 characters of A-Z a-z 0-9 . _ -');
  const hash = await hashPassword(input.password);
  return db.transaction(() => {
    // Checked after hashing, in the transaction that inserts: a second quick call gets a conflict, not a constraint error.
    if (findUser(db, input.username)) throw new AuthError('conflict', `user ${input.username} already exists`);
    db.prepare('INSERT INTO users (username, display_name, role, password_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)').run(
      input.username,
      input.displayName.trim() || input.username,
      input.role,
      hash,
      new Date().toISOString(),
      createdBy,
    );
    db.prepare("INSERT INTO account_events (at, username, action, actor, reason, detail) VALUES (?, ?, 'created', ?, 'seeded without approval', ?)").run(
      new Date().toISOString(),
      input.username,
      createdBy,
      `role ${input.role}`,
    );
    return findUser(db, input.username)!;
  })();
}

/** Checks a username and password against the stored account (no throttling: callers log and slow down). */
export async function verifyCredentials(db: Db, username: string, password: string): Promise<UserRow | null> {
  const user = findUser(db, username);
  if (!user || user.disabled_at) return null;
  return (await verifyPassword(password, user.password_hash)) ? user : null;
}

const CLI_TOKEN_MS = 10 * 60_000;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A one-time token for the command line, issued to a logged-in user: valid 10 minutes, for one command. */
export function issueCliToken(db: Db, username: string, now = Date.now()): { token: string; expiresAt: string } {
  const token = `cli_${randomBytes(24).toString('base64url')}`;
  const expiresAt = new Date(now + CLI_TOKEN_MS).toISOString();
  db.prepare('INSERT INTO cli_tokens (token_hash, username, issued_at, expires_at) VALUES (?, ?, ?, ?)').run(sha256(token), username, new Date(now).toISOString(), expiresAt);
  logAccess(db, { username, action: 'cli_token', detail: `issued a one-time command-line token valid until ${expiresAt}`, outcome: 'allowed' });
  return { token, expiresAt };
}

/** Spends a command-line token: the account it was issued to, or null (unknown, used, expired, or the account disabled). */
export function redeemCliToken(db: Db, token: string, now = Date.now()): UserRow | null {
  return db.transaction(() => {
    const row = db.prepare('SELECT username, expires_at, used_at FROM cli_tokens WHERE token_hash = ?').get(sha256(token)) as { username: string; expires_at: string; used_at: string | null } | undefined;
    if (!row || row.used_at || Date.parse(row.expires_at) <= now) return null;
    db.prepare('UPDATE cli_tokens SET used_at = ? WHERE token_hash = ?').run(new Date(now).toISOString(), sha256(token));
    const user = findUser(db, row.username);
    return user && !user.disabled_at ? user : null;
  })();
}

export interface Session {
  token: string;
  /** A public handle of the session (never the token): for listing and revoking. */
  id: string;
  username: string;
  displayName: string;
  role: Role;
  startedAt: number;
  lastActive: number;
  locked: boolean;
  /** The password was set by someone else (new account, reset): nothing but changing it is allowed. */
  mustChangePassword: boolean;
}

export interface SessionInfo {
  id: string;
  username: string;
  role: Role;
  startedAt: string;
  lastActive: string;
  locked: boolean;
}

/** Sessions live in the main process's memory: a restart logs everybody out. */
export class SessionStore {
  private sessions = new Map<string, Session>();
  /** Failed attempts per username, for the growing delay. */
  private failures = new Map<string, { count: number; until: number }>();

  constructor(
    private db: Db,
    private now: () => number = Date.now,
  ) {}

  async login(username: string, password: string): Promise<Session> {
    const key = username.toLowerCase();
    const failure = this.failures.get(key);
    if (failure && failure.until > this.now()) {
      logAccess(this.db, { username, action: 'login', detail: 'attempt during the wait after failed logins', outcome: 'refused' });
      throw new AuthError('unauthenticated', `too many failed logins: wait ${Math.ceil((failure.until - this.now()) / 1000)} s and try again`);
    }
    const user = findUser(this.db, username);
    const ok = user && !user.disabled_at ? await verifyPassword(password, user.password_hash) : false;
    if (!ok || !user) {
      const count = (failure?.count ?? 0) + 1;
      // 1 s after the third failure, doubling up to 5 minutes.
      const delay = count >= 3 ? Math.min(300_000, 1000 * 2 ** (count - 3)) : 0;
      this.failures.set(key, { count, until: this.now() + delay });
      logAccess(this.db, { username, action: 'login', detail: user?.disabled_at ? 'account disabled' : 'wrong username or password', outcome: 'refused' });
      throw new AuthError('unauthenticated', 'wrong username or password');
    }
    this.failures.delete(key);
    const token = randomBytes(32).toString('base64url');
    const session: Session = {
      token,
      id: sha256(token).slice(0, 16),
      username: user.username,
      displayName: user.display_name,
      role: user.role,
      startedAt: this.now(),
      lastActive: this.now(),
      locked: false,
      mustChangePassword: user.must_change_password === 1,
    };
    this.sessions.set(session.token, session);
    logAccess(this.db, { username: user.username, action: 'login', detail: `role ${user.role}`, outcome: 'allowed' });
    return session;
  }

  /**
   * The session behind a token, refreshed; throws when absent, expired or
   * locked, or when its account was disabled or given another role since the
   * login (checked against the database on every call, so a change made by
   * the command line or another process ends the session too).
   */
  resolve(token: string | undefined, options: { touch: boolean } = { touch: true }): Session {
    const session = token ? this.sessions.get(token) : undefined;
    if (!session) throw new AuthError('unauthenticated', 'please log in');
    const account = this.db.prepare('SELECT role, disabled_at, must_change_password FROM users WHERE username = ?').get(session.username) as
      | { role: Role; disabled_at: string | null; must_change_password: number }
      | undefined;
    if (!account || account.disabled_at || account.role !== session.role) {
      this.sessions.delete(session.token);
      const why = !account || account.disabled_at ? 'the account was disabled' : `the role changed to ${account.role}`;
      logAccess(this.db, { username: session.username, action: 'session_end', detail: why, outcome: 'allowed' });
      throw new AuthError('unauthenticated', `the session ended: ${why}; please log in again`);
    }
    session.mustChangePassword = account.must_change_password === 1;
    const now = this.now();
    if (now - session.startedAt > SESSION_MAX_MS) {
      this.sessions.delete(session.token);
      logAccess(this.db, { username: session.username, action: 'session_end', detail: 'ended after 8 hours', outcome: 'allowed' });
      throw new AuthError('unauthenticated', 'the session ended after 8 hours: please log in again');
    }
    if (!session.locked && now - session.lastActive > IDLE_LOCK_MS) session.locked = true;
    if (session.locked) throw new AuthError('locked', 'the console locked after 5 minutes without activity: enter your password');
    if (options.touch) session.lastActive = now;
    return session;
  }

  peek(token: string | undefined): Session | undefined {
    return token ? this.sessions.get(token) : undefined;
  }

  lock(token: string | undefined): void {
    const session = this.peek(token);
    if (session) session.locked = true;
  }

  async unlock(token: string | undefined, password: string): Promise<Session> {
    const session = this.peek(token);
    if (!session) throw new AuthError('unauthenticated', 'please log in');
    const user = findUser(this.db, session.username);
    if (!user || user.disabled_at || !(await verifyPassword(password, user.password_hash))) {
      logAccess(this.db, { username: session.username, action: 'unlock', detail: 'wrong password', outcome: 'refused' });
      throw new AuthError('locked', 'wrong password');
    }
    session.locked = false;
    session.lastActive = this.now();
    return this.resolve(token);
  }

  /** Every live session (admins list them), newest first. */
  list(): SessionInfo[] {
    return [...this.sessions.values()]
      .filter((s) => this.now() - s.startedAt <= SESSION_MAX_MS)
      .sort((a, b) => b.startedAt - a.startedAt)
      .map((s) => ({
        id: s.id,
        username: s.username,
        role: s.role,
        startedAt: new Date(s.startedAt).toISOString(),
        lastActive: new Date(s.lastActive).toISOString(),
        locked: s.locked || this.now() - s.lastActive > IDLE_LOCK_MS,
      }));
  }

  /** Ends one session by its public id; false when there is none. */
  revoke(id: string, by: string, reason: string): boolean {
    const session = [...this.sessions.values()].find((s) => s.id === id);
    if (!session) return false;
    this.sessions.delete(session.token);
    logAccess(this.db, { username: by, action: 'session_revoked', detail: `ended a session of ${session.username}: ${reason}`, outcome: 'allowed' });
    return true;
  }

  /** Ends every session of an account at once (disabled, role changed, password reset); the number ended. */
  endSessionsOf(username: string, why: string): number {
    let ended = 0;
    for (const s of [...this.sessions.values()]) {
      if (s.username.toLowerCase() !== username.toLowerCase()) continue;
      this.sessions.delete(s.token);
      ended++;
    }
    if (ended) logAccess(this.db, { username, action: 'session_end', detail: `${ended} session(s) ended: ${why}`, outcome: 'allowed' });
    return ended;
  }

  logout(token: string | undefined): void {
    const session = this.peek(token);
    if (session) {
      this.sessions.delete(session.token);
      logAccess(this.db, { username: session.username, action: 'logout', detail: '', outcome: 'allowed' });
    }
  }
}
