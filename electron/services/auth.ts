/**
 * Accounts and sessions. Passwords are hashed with scrypt (N = 2^17, r = 8,
 * p = 1); failed logins are logged and slowed down; a session locks after
 * 5 minutes without activity and ends after 8 hours.
 *
 * Hashing is expensive on purpose, so it is rationed: at most two hashes run
 * at once (the rest of the process keeps the libuv pool), only a few more
 * may wait, one attempt per account (and per locked session) is checked at
 * a time, and every attempt is counted before its hash is computed.
 */
import type { Keyed } from '../../shared/messages.js';
import { keyed, type Said } from '../../shared/englishText.js';
import type { KeyedText } from '../../shared/keyedText.js';
import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import commonPasswords from 'fxa-common-password-list';
import type { Role } from '../../shared/contract.js';
import type { Language } from '../../shared/language.js';
import type { Db } from '../db/connection.js';
import { logAccess } from './accessLog.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const IDLE_LOCK_MS = 5 * 60_000;
export const SESSION_MAX_MS = 8 * 3_600_000;
/** scrypt's cost: N = 2^17 (about 0.3-0.5 s a hash here), r = 8, p = 1. What every build a user runs hashes with. */
export const PASSWORD_LOG_N = 17;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SCRYPT_MAXMEM = 256 * 2 ** 20;
const KEY_LENGTH = 32;
/** The least N the test variable may ask for. */
const TEST_PASSWORD_LOG_N_MIN = 10;

/**
 * N for new hashes (a stored hash is checked with the N written in it).
 * The unit tests log in thousands of times, so under the test runner (VITEST
 * set) CREDENCE_TEST_PASSWORD_LOG_N may lower it, to no less than 2^10.
 * The bundles users run (app and command line) cannot read the variable:
 * electron/build.mjs replaces it with undefined at build time, and
 * test/unit/services/passwordCost.test.ts checks that no bundle mentions it.
 */
function passwordLogN(): number {
  const asked = process.env.CREDENCE_TEST_PASSWORD_LOG_N;
  if (asked === undefined || !process.env.VITEST) return PASSWORD_LOG_N;
  const logN = Number(asked);
  return Number.isInteger(logN) && logN >= TEST_PASSWORD_LOG_N_MIN && logN <= PASSWORD_LOG_N ? logN : PASSWORD_LOG_N;
}

function scryptOptions(logN: number): ScryptOptions {
  return { N: 2 ** logN, r: SCRYPT_R, p: SCRYPT_P, maxmem: SCRYPT_MAXMEM };
}

/** Hashes at once: libuv's pool has 4 threads, and file reads and the rest of the console need some. */
export const HASH_CONCURRENCY = 2;
/** Hashes running or waiting at most; a login beyond it is refused at once ("busy"), not queued. */
export const HASH_QUEUE_MAX = 8;

/** A small first-come queue in front of scrypt. */
class HashQueue {
  private running = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  /** Hashes running or queued. */
  get load(): number {
    return this.running + this.waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

const hashQueue = new HashQueue(HASH_CONCURRENCY);

/** Hashes running or waiting now (for tests and the abuse benchmark). */
export function hashLoad(): number {
  return hashQueue.load;
}

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return hashQueue.run(
    () => new Promise<Buffer>((resolve, reject) => scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)))),
  );
}

export class AuthError extends Error {
  constructor(
    readonly code: 'unauthenticated' | 'locked' | 'forbidden' | 'invalid_input' | 'conflict',
    text: string | Said,
    /** The message keyed, for the reader's language (taken from `text` when it is keyed). */
    readonly keyed: Keyed | undefined = typeof text === 'string' ? undefined : { key: text.key, ...(text.params && { params: text.params }) },
  ) {
    super(typeof text === 'string' ? text : text.message);
  }
}

/**
 * NIST SP 800-63B (5.1.1.2): at least 8 characters, long passphrases
 * allowed, no composition rules, and none of the passwords known to be
 * common or breached (Mozilla's list, compared whatever the case).
 */
export function checkPasswordPolicy(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) throw new AuthError('invalid_input', keyed('password.length', { min: PASSWORD_MIN, max: PASSWORD_MAX }));
  if (commonPasswords.test(password) || commonPasswords.test(password.toLowerCase())) {
    throw new AuthError('invalid_input', keyed('password.common'));
  }
}

export async function hashPassword(password: string): Promise<string> {
  checkPasswordPolicy(password);
  const salt = randomBytes(16);
  const logN = passwordLogN();
  const key = await scrypt(password, salt, scryptOptions(logN));
  return `scrypt$${logN}$${SCRYPT_R}$${SCRYPT_P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Checked for a username that does not exist (or a disabled account), so
 * such a login costs the same scrypt as a real one and its timing does not
 * tell which names exist. No password matches its key.
 */
const DUMMY_SALT = randomBytes(16).toString('base64');
function dummyHash(): string {
  return `scrypt$${passwordLogN()}$${SCRYPT_R}$${SCRYPT_P}$${DUMMY_SALT}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt') {
    await scrypt(password, randomBytes(16), scryptOptions(passwordLogN()));
    return false;
  }
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), { N: 2 ** Number(logN), r: Number(r), p: Number(p), maxmem: SCRYPT_MAXMEM });
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
  language: Language | null;
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
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(input.username)) throw new AuthError('invalid_input', keyed('account.usernameFormat'));
  const hash = await hashPassword(input.password);
  return db.transaction(() => {
    // Checked after hashing, in the transaction that inserts: a second quick call gets a conflict, not a constraint error.
    if (findUser(db, input.username)) throw new AuthError('conflict', keyed('account.userExists', { user: input.username }));
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
  logAccess(db, { username, action: 'cli_token', detail: { key: 'access.cliToken', params: { until: expiresAt } }, outcome: 'allowed' });
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
  /** The account's chosen console language; null until chosen. */
  language: Language | null;
}

export interface SessionInfo {
  id: string;
  username: string;
  role: Role;
  startedAt: string;
  lastActive: string;
  locked: boolean;
}

/** Failed unlocks of one session before it is ended (the user logs in again). */
export const UNLOCK_FAILURES_MAX = 5;

/**
 * Attempts on one account (or one locked session): counted when made, before
 * any hash; one checked at a time; a growing wait after the third failure.
 */
interface Attempts {
  /** Failed or refused attempts not yet cleared by a success. */
  count: number;
  /** No attempt is checked before this instant. */
  until: number;
  /** An attempt is being checked now (its hash runs or waits). */
  busy: boolean;
}

/** 1 s after the third failure, doubling up to 5 minutes. */
function waitAfter(count: number): number {
  return count >= 3 ? Math.min(300_000, 1000 * 2 ** Math.min(count - 3, 20)) : 0;
}

/** Sessions live in the main process's memory: a restart logs everybody out. */
export class SessionStore {
  private sessions = new Map<string, Session>();
  /** Attempts per lower-cased username (logins) and per session token (unlocks). */
  private failures = new Map<string, Attempts>();
  private unlocks = new Map<string, Attempts>();

  constructor(
    private db: Db,
    private now: () => number = Date.now,
  ) {}

  /**
   * Reserves an attempt before its hash: refused (and counted) while another
   * attempt on the same key is being checked, refused during the wait, refused
   * when the hash queue is full. Returns the failures a success may clear:
   * those counted before this attempt began, not those made alongside it.
   */
  private reserve(table: Map<string, Attempts>, key: string, refuse: (detail: KeyedText, message: string, keyed: Keyed) => never): number {
    let a = table.get(key);
    if (!a) {
      if (table.size >= 100_000) for (const [k, v] of table) if (!v.busy && v.until <= this.now()) table.delete(k);
      a = { count: 0, until: 0, busy: false };
      table.set(key, a);
    }
    const now = this.now();
    if (a.busy) {
      a.count++;
      a.until = Math.max(a.until, now + waitAfter(a.count));
      refuse({ key: 'access.attemptInProgress' }, 'another attempt for this account is being checked: try again in a moment', { key: 'auth.attemptInProgress' });
    }
    if (a.until > now) {
      const seconds = Math.ceil((a.until - now) / 1000);
      refuse({ key: 'access.attemptDuringWait' }, `too many failed attempts: wait ${seconds} s and try again`, { key: 'auth.wait', params: { seconds } });
    }
    if (hashQueue.load >= HASH_QUEUE_MAX) refuse({ key: 'access.tooManyLogins' }, 'the console is busy checking other logins: try again in a few seconds', { key: 'auth.busy' });
    const before = a.count;
    a.count++;
    a.busy = true;
    return before;
  }

  /** The outcome of a reserved attempt: a failure keeps its count (and sets the wait), a success clears what came before it. */
  private settle(table: Map<string, Attempts>, key: string, before: number, ok: boolean): Attempts {
    const a = table.get(key)!;
    a.busy = false;
    if (ok) {
      a.count = Math.max(0, a.count - before - 1);
      if (a.count === 0) table.delete(key);
    } else a.until = Math.max(a.until, this.now() + waitAfter(a.count));
    return a;
  }

  async login(username: string, password: string): Promise<Session> {
    const key = username.toLowerCase();
    const before = this.reserve(this.failures, key, (detail, message, keyed) => {
      logAccess(this.db, { username, action: 'login', detail, outcome: 'refused' });
      throw new AuthError('unauthenticated', message, keyed);
    });
    let ok = false;
    let user: UserRow | undefined;
    try {
      user = findUser(this.db, username);
      // Unknown and disabled accounts cost the same hash, so timing does not tell them apart.
      const matches = await verifyPassword(password, user && !user.disabled_at ? user.password_hash : dummyHash());
      ok = matches && !!user && !user.disabled_at;
    } finally {
      this.settle(this.failures, key, before, ok);
    }
    if (!ok || !user) {
      logAccess(this.db, { username, action: 'login', detail: { key: user?.disabled_at ? 'access.accountDisabled' : 'access.wrongUsernameOrPassword' }, outcome: 'refused' });
      throw new AuthError('unauthenticated', 'wrong username or password', { key: 'auth.wrongPassword' });
    }
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
      language: user.language,
    };
    this.sessions.set(session.token, session);
    logAccess(this.db, { username: user.username, action: 'login', detail: { key: 'access.loginAs', params: { role: user.role } }, outcome: 'allowed' });
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
    if (!session) throw new AuthError('unauthenticated', 'please log in', { key: 'auth.loginRequired' });
    const account = this.db.prepare('SELECT role, disabled_at, must_change_password FROM users WHERE username = ?').get(session.username) as
      | { role: Role; disabled_at: string | null; must_change_password: number }
      | undefined;
    if (!account || account.disabled_at || account.role !== session.role) {
      this.sessions.delete(session.token);
      const why = !account || account.disabled_at ? 'the account was disabled' : `the role changed to ${account.role}`;
      const whyKeyed: KeyedText = !account || account.disabled_at ? { key: 'access.sessionEndedDisabled' } : { key: 'access.sessionEndedRole', params: { role: account.role } };
      logAccess(this.db, { username: session.username, action: 'session_end', detail: whyKeyed, outcome: 'allowed' });
      throw new AuthError('unauthenticated', `the session ended: ${why}; please log in again`, !account || account.disabled_at ? { key: 'auth.accountDisabled' } : { key: 'auth.roleChanged', params: { role: account.role } });
    }
    session.mustChangePassword = account.must_change_password === 1;
    const now = this.now();
    if (now - session.startedAt > SESSION_MAX_MS) {
      this.sessions.delete(session.token);
      logAccess(this.db, { username: session.username, action: 'session_end', detail: { key: 'access.sessionEndedExpired' }, outcome: 'allowed' });
      throw new AuthError('unauthenticated', 'the session ended after 8 hours: please log in again', { key: 'auth.expired' });
    }
    if (!session.locked && now - session.lastActive > IDLE_LOCK_MS) session.locked = true;
    if (session.locked) throw new AuthError('locked', 'the console locked after 5 minutes without activity: enter your password', { key: 'auth.locked' });
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

  /**
   * Unlock is a login in disguise and is rationed the same way: one attempt
   * at a time per session, counted before its hash, the same growing wait,
   * and after UNLOCK_FAILURES_MAX failures the session ends.
   */
  async unlock(token: string | undefined, password: string): Promise<Session> {
    const session = this.peek(token);
    if (!session) throw new AuthError('unauthenticated', 'please log in', { key: 'auth.loginRequired' });
    const key = session.token;
    const end = (why: KeyedText): never => {
      this.sessions.delete(key);
      this.unlocks.delete(key);
      logAccess(this.db, { username: session.username, action: 'session_end', detail: why, outcome: 'refused' });
      throw new AuthError('unauthenticated', 'the session ended after too many wrong passwords: please log in again', { key: 'auth.tooManyUnlocks' });
    };
    const before = this.reserve(this.unlocks, key, (detail, message, keyed) => {
      logAccess(this.db, { username: session.username, action: 'unlock', detail, outcome: 'refused' });
      if ((this.unlocks.get(key)?.count ?? 0) >= UNLOCK_FAILURES_MAX) end({ key: 'access.sessionEndedUnlocks', params: { count: UNLOCK_FAILURES_MAX } });
      throw new AuthError('locked', message, keyed);
    });
    let ok = false;
    let user: UserRow | undefined;
    try {
      user = findUser(this.db, session.username);
      ok = (await verifyPassword(password, user && !user.disabled_at ? user.password_hash : dummyHash())) && !!user && !user.disabled_at;
    } finally {
      const a = this.settle(this.unlocks, key, before, ok);
      if (!ok && a.count >= UNLOCK_FAILURES_MAX) {
        logAccess(this.db, { username: session.username, action: 'unlock', detail: { key: 'access.wrongPassword' }, outcome: 'refused' });
        end({ key: 'access.sessionEndedUnlocks', params: { count: UNLOCK_FAILURES_MAX } });
      }
    }
    if (!ok) {
      logAccess(this.db, { username: session.username, action: 'unlock', detail: { key: 'access.wrongPassword' }, outcome: 'refused' });
      throw new AuthError('locked', 'wrong password', { key: 'auth.wrongUnlockPassword' });
    }
    if (!this.sessions.has(key)) throw new AuthError('unauthenticated', 'please log in', { key: 'auth.loginRequired' });
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
    logAccess(this.db, { username: by, action: 'session_revoked', detail: { key: 'access.sessionRevoked', params: { user: session.username, reason } }, outcome: 'allowed' });
    return true;
  }

  /** Ends every session of an account at once (disabled, role changed, password reset); the number ended. */
  endSessionsOf(username: string, why: KeyedText): number {
    let ended = 0;
    for (const s of [...this.sessions.values()]) {
      if (s.username.toLowerCase() !== username.toLowerCase()) continue;
      this.sessions.delete(s.token);
      ended++;
    }
    if (ended) logAccess(this.db, { username, action: 'session_end', detail: { key: 'access.sessionsEnded', params: { count: ended, why } }, outcome: 'allowed' });
    return ended;
  }

  logout(token: string | undefined): void {
    const session = this.peek(token);
    if (session) {
      this.sessions.delete(session.token);
      this.unlocks.delete(session.token);
      logAccess(this.db, { username: session.username, action: 'logout', detail: '', outcome: 'allowed' });
    }
  }
}

