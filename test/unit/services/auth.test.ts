/**
 * Accounts and sessions (electron/services/auth.ts) on a temp database, with
 * a clock each test moves by hand: scrypt hashes and their format, password
 * length in characters, login, failed logins logged and slowed down, disabled
 * accounts, the idle lock after 5 minutes, unlock, the end of a session after
 * 8 hours, and logout. Nothing here sleeps or measures time.
 */
import { scryptSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AuthError,
  checkPasswordPolicy,
  createUser,
  findUser,
  HASH_CONCURRENCY,
  HASH_QUEUE_MAX,
  hashLoad,
  hashPassword,
  IDLE_LOCK_MS,
  PASSWORD_LOG_N,
  SESSION_MAX_MS,
  SessionStore,
  UNLOCK_FAILURES_MAX,
  verifyPassword,
} from '../../../electron/services/auth.js';
import { accessMark, accessSince, createAccounts, openApiContext, TEST_PASSWORD, USERNAMES, type ApiContext } from '../helpers/apiContext.js';

/** Lowers scrypt's N under the test runner (electron/services/auth.ts, passwordLogN). */
const TEST_PASSWORD_LOG_N_ENV = 'CREDENCE_TEST_PASSWORD_LOG_N';
const OFFICIAL = USERNAMES.official;
const DISABLED = 'left-the-office';
const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const MINUTE = 60_000;

let api: ApiContext;

beforeAll(async () => {
  api = await openApiContext({ demo: false });
  await createAccounts(api.db, ['official']);
  await createUser(api.db, { username: DISABLED, displayName: '', role: 'viewer', password: TEST_PASSWORD }, 'test setup');
  api.db.prepare('UPDATE users SET disabled_at = ? WHERE username = ?').run('2026-03-01T00:00:00.000Z', DISABLED);
});

afterAll(() => api?.close());

/** A session store of its own (no shared failure counts) on a clock the test sets. */
function clockedStore(): { clock: { t: number }; sessions: SessionStore } {
  const clock = { t: T0 };
  return { clock, sessions: new SessionStore(api.db, () => clock.t) };
}

/** The AuthError a promise or a function failed with (the test fails if it did not). */
async function authErrorOf(run: () => unknown): Promise<AuthError> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(AuthError);
    return err as AuthError;
  }
  throw new Error('expected an AuthError, but the call succeeded');
}

afterEach(() => vi.unstubAllEnvs());

describe('password hashes', () => {
  // The suite hashes with N = 2^10 (vitest.config.ts); these tests take the variable away, or play
  // someone setting it outside the test runner, and see the real cost.

  it('a hash is scrypt$17$8$1$<16-byte salt>$<32-byte key>, and the key is scrypt with N = 2^17, r = 8, p = 1', async () => {
    vi.stubEnv(TEST_PASSWORD_LOG_N_ENV, undefined);
    const stored = await hashPassword(TEST_PASSWORD);
    const parts = stored.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '17', '8', '1']);
    expect(parts).toHaveLength(6);
    const salt = Buffer.from(parts[4], 'base64');
    const key = Buffer.from(parts[5], 'base64');
    expect(salt).toHaveLength(16);
    expect(key).toHaveLength(32);
    // Recomputed here, so the parameters written in the hash are the ones actually used.
    const expected = scryptSync(TEST_PASSWORD.normalize('NFKC'), salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 2 ** 20 });
    expect(key.equals(expected)).toBe(true);
  });

  it.each([
    { label: 'outside the test runner (VITEST unset)', vitest: undefined, logN: '10' },
    { label: 'below 2^10', vitest: 'true', logN: '4' },
    { label: 'above 2^17', vitest: 'true', logN: '20' },
    { label: 'not an integer', vitest: 'true', logN: '12.5' },
  ])('the test variable is ignored $label: the hash costs N = 2^17', async ({ vitest, logN }) => {
    vi.stubEnv('VITEST', vitest);
    vi.stubEnv(TEST_PASSWORD_LOG_N_ENV, logN);
    expect((await hashPassword(TEST_PASSWORD)).split('$')[1]).toBe(String(PASSWORD_LOG_N));
  });

  it('under the test runner the variable lowers N, and such a hash verifies with the N written in it', async () => {
    vi.stubEnv(TEST_PASSWORD_LOG_N_ENV, '11');
    const stored = await hashPassword(TEST_PASSWORD);
    expect(stored.split('$')[1]).toBe('11');
    vi.stubEnv(TEST_PASSWORD_LOG_N_ENV, undefined);
    expect(await verifyPassword(TEST_PASSWORD, stored)).toBe(true);
  });

  it('two hashes of one password differ (random salt), both verify, and another password verifies against neither', async () => {
    const a = await hashPassword(TEST_PASSWORD);
    const b = await hashPassword(TEST_PASSWORD);
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(await verifyPassword(TEST_PASSWORD, a)).toBe(true);
    expect(await verifyPassword(TEST_PASSWORD, b)).toBe(true);
    expect(await verifyPassword(`${TEST_PASSWORD}!`, a)).toBe(false);
    expect(await verifyPassword(TEST_PASSWORD.toUpperCase(), b)).toBe(false);
  });

  it('a stored hash of another scheme never verifies', async () => {
    const stored = await hashPassword(TEST_PASSWORD);
    expect(await verifyPassword(TEST_PASSWORD, stored.replace(/^scrypt\$/, 'bcrypt$'))).toBe(false);
    expect(await verifyPassword(TEST_PASSWORD, 'plain')).toBe(false);
  });

  it('the account table holds the hash, never the password', () => {
    const user = findUser(api.db, OFFICIAL)!;
    expect(user.password_hash).toMatch(/^scrypt\$1\d\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(JSON.stringify(api.db.prepare('SELECT * FROM users').all())).not.toContain(TEST_PASSWORD);
  });
});

describe('password length: 8 to 128 characters', () => {
  const KEY = '🔑'; // one character, two UTF-16 code units

  it.each([
    { label: '8 ASCII characters', password: 'q7#kQ2mz' },
    { label: '128 ASCII characters', password: 'q7#kQ2mz'.repeat(16) },
    { label: '8 characters outside the BMP (16 UTF-16 units)', password: KEY.repeat(8) },
    { label: '128 characters outside the BMP (256 UTF-16 units)', password: KEY.repeat(128) },
    { label: '8 accented letters', password: 'é'.repeat(8) },
  ])('$label are accepted', ({ password }) => {
    expect(() => checkPasswordPolicy(password)).not.toThrow();
  });

  it.each([
    { label: 'an empty password', password: '' },
    { label: '7 ASCII characters', password: 'p'.repeat(7) },
    { label: '129 ASCII characters', password: 'p'.repeat(129) },
    { label: '7 characters outside the BMP (14 UTF-16 units)', password: KEY.repeat(7) },
    { label: '129 characters outside the BMP', password: KEY.repeat(129) },
  ])('$label are refused as invalid_input', async ({ password }) => {
    expect((await authErrorOf(() => checkPasswordPolicy(password))).code).toBe('invalid_input');
  });

  it('hashPassword refuses a password outside the limits', async () => {
    expect((await authErrorOf(() => hashPassword('short'))).code).toBe('invalid_input');
  });

  it('createUser refuses a password of 7 characters and writes no account', async () => {
    const error = await authErrorOf(() => createUser(api.db, { username: 'too-short', displayName: '', role: 'viewer', password: '1234567' }, 'test'));
    expect(error.code).toBe('invalid_input');
    expect(findUser(api.db, 'too-short')).toBeUndefined();
  });
});

describe('login', () => {
  it('the right password opens a session of the account, and the login is logged', async () => {
    const { sessions } = clockedStore();
    const mark = accessMark(api.db);
    const s = await sessions.login(OFFICIAL, TEST_PASSWORD);
    expect(s).toMatchObject({ username: OFFICIAL, displayName: 'Test official', role: 'official', startedAt: T0, lastActive: T0, locked: false });
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessions.resolve(s.token).username).toBe(OFFICIAL);
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ username: OFFICIAL, action: 'login', outcome: 'allowed' })]);
  });

  it('each login gets its own token', async () => {
    const { sessions } = clockedStore();
    const a = await sessions.login(OFFICIAL, TEST_PASSWORD);
    const b = await sessions.login(OFFICIAL, TEST_PASSWORD);
    expect(a.token).not.toBe(b.token);
    expect(sessions.resolve(a.token).token).toBe(a.token);
    expect(sessions.resolve(b.token).token).toBe(b.token);
  });

  it.each([
    { label: 'a wrong password', username: OFFICIAL, password: 'not the password' },
    { label: 'the password in another case', username: OFFICIAL, password: TEST_PASSWORD.toUpperCase() },
    { label: 'an unknown username', username: 'nobody-here', password: TEST_PASSWORD },
  ])('$label is unauthenticated, gives no session, and is logged as refused', async ({ username, password }) => {
    const { sessions } = clockedStore();
    const mark = accessMark(api.db);
    const error = await authErrorOf(() => sessions.login(username, password));
    expect(error.code).toBe('unauthenticated');
    // The same words whether the username exists or not.
    expect(error.message).toBe('wrong username or password');
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ username, action: 'login', outcome: 'refused' })]);
  });

  it('a disabled account cannot log in with its right password, and the refusal is logged', async () => {
    const { sessions } = clockedStore();
    const mark = accessMark(api.db);
    const error = await authErrorOf(() => sessions.login(DISABLED, TEST_PASSWORD));
    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('wrong username or password');
    const rows = accessSince(api.db, mark);
    expect(rows).toEqual([expect.objectContaining({ username: DISABLED, action: 'login', outcome: 'refused' })]);
    expect(rows[0].detail).toContain('disabled');
  });
});

describe('failed logins are slowed down', () => {
  /** The wait a refused login names, in milliseconds (the message says "wait N s"). */
  function waitOf(error: AuthError): number {
    const m = /wait (\d+) s/.exec(error.message);
    expect(m, error.message).not.toBeNull();
    return Number(m![1]) * 1000;
  }

  it('after two failures there is no wait: the right password logs in at once', async () => {
    const { sessions } = clockedStore();
    for (let i = 0; i < 2; i++) await authErrorOf(() => sessions.login(OFFICIAL, 'wrong password'));
    await expect(sessions.login(OFFICIAL, TEST_PASSWORD)).resolves.toMatchObject({ username: OFFICIAL });
  });

  it('after the third failure even the right password is refused until the wait has passed; the refusal is logged; a success clears the count', async () => {
    const { clock, sessions } = clockedStore();
    for (let i = 0; i < 3; i++) await authErrorOf(() => sessions.login(OFFICIAL, 'wrong password'));
    const mark = accessMark(api.db);
    const refused = await authErrorOf(() => sessions.login(OFFICIAL, TEST_PASSWORD));
    expect(refused.code).toBe('unauthenticated');
    const wait = waitOf(refused);
    expect(wait).toBeGreaterThan(0);
    const rows = accessSince(api.db, mark);
    expect(rows).toEqual([expect.objectContaining({ username: OFFICIAL, action: 'login', outcome: 'refused' })]);
    expect(rows[0].detail).toContain('wait');

    // Still inside the wait: refused again.
    clock.t += wait - 1000;
    expect(waitOf(await authErrorOf(() => sessions.login(OFFICIAL, TEST_PASSWORD)))).toBeGreaterThan(0);
    clock.t += 1000;
    await expect(sessions.login(OFFICIAL, TEST_PASSWORD)).resolves.toMatchObject({ username: OFFICIAL });
    // The success cleared the count: one more failure imposes no wait.
    await authErrorOf(() => sessions.login(OFFICIAL, 'wrong password'));
    await expect(sessions.login(OFFICIAL, TEST_PASSWORD)).resolves.toMatchObject({ username: OFFICIAL });
  });

  it('the wait grows with each further failure', async () => {
    // An unknown username: the same counting, without a scrypt per attempt.
    const { clock, sessions } = clockedStore();
    for (let i = 0; i < 3; i++) await authErrorOf(() => sessions.login('nobody-grows', 'guess'));
    const first = waitOf(await authErrorOf(() => sessions.login('nobody-grows', 'guess')));
    clock.t += first;
    await authErrorOf(() => sessions.login('nobody-grows', 'guess'));
    const second = waitOf(await authErrorOf(() => sessions.login('nobody-grows', 'guess')));
    expect(second).toBeGreaterThan(first);
  });

  it('the wait is per username, whatever its case; another account logs in meanwhile', async () => {
    const { sessions } = clockedStore();
    for (let i = 0; i < 3; i++) await authErrorOf(() => sessions.login('nobody-here', 'guess'));
    expect(waitOf(await authErrorOf(() => sessions.login('NOBODY-HERE', 'guess')))).toBeGreaterThan(0);
    await expect(sessions.login(OFFICIAL, TEST_PASSWORD)).resolves.toMatchObject({ username: OFFICIAL });
  });
});

describe('idle lock, unlock, session end, logout', () => {
  it('a session used within every 5 minutes stays open; after 5 minutes without activity it is locked', async () => {
    const { clock, sessions } = clockedStore();
    const { token } = await sessions.login(OFFICIAL, TEST_PASSWORD);
    for (let i = 0; i < 5; i++) {
      clock.t += IDLE_LOCK_MS - 1;
      expect(sessions.resolve(token).locked).toBe(false);
    }
    expect(IDLE_LOCK_MS).toBe(5 * MINUTE);
    clock.t += IDLE_LOCK_MS + 1;
    expect((await authErrorOf(() => sessions.resolve(token))).code).toBe('locked');
    // Still locked on the next call, and still known.
    expect((await authErrorOf(() => sessions.resolve(token))).code).toBe('locked');
    expect(sessions.peek(token)?.locked).toBe(true);
  });

  it('peeking or resolving without touch does not count as activity', async () => {
    const { clock, sessions } = clockedStore();
    const { token } = await sessions.login(OFFICIAL, TEST_PASSWORD);
    clock.t += 3 * MINUTE;
    sessions.peek(token);
    sessions.resolve(token, { touch: false });
    clock.t += 3 * MINUTE;
    expect((await authErrorOf(() => sessions.resolve(token))).code).toBe('locked');
  });

  it('unlock with the right password opens the locked session again, and its idle time starts afresh', async () => {
    const { clock, sessions } = clockedStore();
    const { token } = await sessions.login(OFFICIAL, TEST_PASSWORD);
    clock.t += 6 * MINUTE;
    await authErrorOf(() => sessions.resolve(token));
    const unlocked = await sessions.unlock(token, TEST_PASSWORD);
    expect(unlocked).toMatchObject({ token, username: OFFICIAL, locked: false });
    clock.t += 4 * MINUTE;
    expect(sessions.resolve(token).username).toBe(OFFICIAL);
  });

  it('unlock with a wrong password leaves the session locked, and is logged as refused', async () => {
    const { clock, sessions } = clockedStore();
    const { token } = await sessions.login(OFFICIAL, TEST_PASSWORD);
    clock.t += 6 * MINUTE;
    const mark = accessMark(api.db);
    const error = await authErrorOf(() => sessions.unlock(token, 'not the password'));
    expect(error.code).toBe('locked');
    expect((await authErrorOf(() => sessions.resolve(token))).code).toBe('locked');
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ username: OFFICIAL, action: 'unlock', outcome: 'refused' })]);
  });

  it('lock() locks at once; unlock of an unknown token is unauthenticated', async () => {
    const { sessions } = clockedStore();
    const { token } = await sessions.login(OFFICIAL, TEST_PASSWORD);
    sessions.lock(token);
    expect((await authErrorOf(() => sessions.resolve(token))).code).toBe('locked');
    expect((await authErrorOf(() => sessions.unlock('no-such-token', TEST_PASSWORD))).code).toBe('unauthenticated');
    expect((await authErrorOf(() => sessions.unlock(undefined, TEST_PASSWORD))).code).toBe('unauthenticated');
  });

  it('a session ends after 8 hours even when active all along, and the end is logged', async () => {
    const { clock, sessions } = clockedStore();
    const { token } = await sessions.login(OFFICIAL, TEST_PASSWORD);
    expect(SESSION_MAX_MS).toBe(8 * 60 * MINUTE);
    while (clock.t + 4 * MINUTE <= T0 + SESSION_MAX_MS) {
      clock.t += 4 * MINUTE;
      expect(sessions.resolve(token).locked).toBe(false);
    }
    const mark = accessMark(api.db);
    clock.t = T0 + SESSION_MAX_MS + 1;
    expect((await authErrorOf(() => sessions.resolve(token))).code).toBe('unauthenticated');
    expect(sessions.peek(token)).toBeUndefined();
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ username: OFFICIAL, action: 'session_end' })]);
  });

  it('unlocking a session that is past its 8 hours does not revive it', async () => {
    const { clock, sessions } = clockedStore();
    const { token } = await sessions.login(OFFICIAL, TEST_PASSWORD);
    clock.t = T0 + SESSION_MAX_MS + MINUTE;
    expect((await authErrorOf(() => sessions.unlock(token, TEST_PASSWORD))).code).toBe('unauthenticated');
    expect((await authErrorOf(() => sessions.resolve(token))).code).toBe('unauthenticated');
  });

  it('logout ends the session: its token is unauthenticated afterwards, and the logout is logged', async () => {
    const { sessions } = clockedStore();
    const { token } = await sessions.login(OFFICIAL, TEST_PASSWORD);
    const other = await sessions.login(OFFICIAL, TEST_PASSWORD);
    const mark = accessMark(api.db);
    sessions.logout(token);
    expect((await authErrorOf(() => sessions.resolve(token))).code).toBe('unauthenticated');
    expect(sessions.peek(token)).toBeUndefined();
    // Only that session: the same account's other session goes on.
    expect(sessions.resolve(other.token).username).toBe(OFFICIAL);
    expect(accessSince(api.db, mark)).toEqual([expect.objectContaining({ username: OFFICIAL, action: 'logout', outcome: 'allowed' })]);
    sessions.logout(token);
    expect(accessSince(api.db, mark)).toHaveLength(1);
  });

  it('a missing or made-up token is unauthenticated', async () => {
    const { sessions } = clockedStore();
    expect((await authErrorOf(() => sessions.resolve(undefined))).code).toBe('unauthenticated');
    expect((await authErrorOf(() => sessions.resolve(''))).code).toBe('unauthenticated');
    expect((await authErrorOf(() => sessions.resolve('x'.repeat(43)))).code).toBe('unauthenticated');
  });
});

describe('common and breached passwords are refused (NIST SP 800-63B)', () => {
  it.each(['password', 'Password', 'PASSWORD1', '12345678', 'qwertyuiop', 'iloveyou', 'football', 'baseball1'])('%s is refused, and the message says why', async (password) => {
    const error = await authErrorOf(() => checkPasswordPolicy(password));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/common or breached/);
  });

  it('createUser refuses a common password and writes no account', async () => {
    const error = await authErrorOf(() => createUser(api.db, { username: 'weak-one', displayName: '', role: 'viewer', password: 'password123' }, 'test'));
    expect(error.message).toMatch(/common or breached/);
    expect(findUser(api.db, 'weak-one')).toBeUndefined();
  });

  it('an uncommon passphrase of the same length is accepted', () => {
    expect(() => checkPasswordPolicy('tulip ledger orbit')).not.toThrow();
  });
});

describe('password hashing is rationed (no denial of service by logins)', () => {
  it('40 parallel wrong logins on 40 accounts: at most HASH_CONCURRENCY hashes run at once, at most HASH_QUEUE_MAX wait, the rest are refused at once as busy', async () => {
    const { sessions } = clockedStore();
    let peak = 0;
    const attempts = Array.from({ length: 40 }, (_, i) => {
      const p = sessions.login(`ghost-${i}`, 'wrong password');
      peak = Math.max(peak, hashLoad());
      return p.then(
        () => 'in',
        (err: AuthError) => err.message,
      );
    });
    const outcomes = await Promise.all(attempts);
    expect(peak).toBeLessThanOrEqual(HASH_QUEUE_MAX);
    const busy = outcomes.filter((m) => /busy/.test(m)).length;
    expect(busy).toBe(40 - HASH_QUEUE_MAX);
    expect(outcomes.filter((m) => m === 'wrong username or password')).toHaveLength(HASH_QUEUE_MAX);
    expect(hashLoad()).toBe(0);
    expect(HASH_CONCURRENCY).toBeLessThanOrEqual(2);
  });

  it('21 parallel attempts on one account: one is checked, 20 are refused without a hash and counted; the next attempt has to wait', async () => {
    const { sessions } = clockedStore();
    const outcomes = await Promise.all(
      Array.from({ length: 21 }, () =>
        sessions.login(OFFICIAL, 'wrong password').then(
          () => 'in',
          (err: AuthError) => err.message,
        ),
      ),
    );
    expect(outcomes.filter((m) => /another attempt/.test(m))).toHaveLength(20);
    expect(outcomes.filter((m) => m === 'wrong username or password')).toHaveLength(1);
    // 21 attempts counted: even the right password now waits.
    expect((await authErrorOf(() => sessions.login(OFFICIAL, TEST_PASSWORD))).message).toMatch(/wait \d+ s/);
  });

  it('the right password checked alongside 20 parallel wrong ones logs in, but does not clear the 20 made alongside it', async () => {
    const { clock, sessions } = clockedStore();
    const right = sessions.login(OFFICIAL, TEST_PASSWORD);
    const wrong = await Promise.all(Array.from({ length: 20 }, () => authErrorOf(() => sessions.login(OFFICIAL, 'wrong password'))));
    await expect(right).resolves.toMatchObject({ username: OFFICIAL });
    expect(wrong.every((e) => /another attempt/.test(e.message))).toBe(true);
    const waiting = await authErrorOf(() => sessions.login(OFFICIAL, TEST_PASSWORD));
    expect(waiting.message).toMatch(/wait \d+ s/);
    // The wait is the one of 20 failures (capped at 5 minutes), not of none.
    clock.t += 299_000;
    expect((await authErrorOf(() => sessions.login(OFFICIAL, TEST_PASSWORD))).message).toMatch(/wait/);
    clock.t += 1_000;
    await expect(sessions.login(OFFICIAL, TEST_PASSWORD)).resolves.toMatchObject({ username: OFFICIAL });
  });

  it('an unknown username costs a hash like a real one (a dummy hash), so its refusal does not come back before the hashes queued ahead of it', async () => {
    // Every hash here at the real cost (2^17): the unknown name's hash starts when one of the first two ends,
    // so it ends a whole hash after the other, whatever the scheduling.
    vi.stubEnv(TEST_PASSWORD_LOG_N_ENV, undefined);
    const FULL_COST = 'full-cost-account';
    await createUser(api.db, { username: FULL_COST, displayName: '', role: 'viewer', password: TEST_PASSWORD }, 'test setup');
    const { sessions } = clockedStore();
    // A real account's check queued first, then the unknown name: with a shortcut the unknown one would settle first.
    const order: string[] = [];
    const real = sessions.login(FULL_COST, 'wrong password').catch(() => order.push('real'));
    const fill = sessions.login(DISABLED, 'wrong password').catch(() => order.push('disabled'));
    const unknown = sessions.login('no-such-user', 'wrong password').catch(() => order.push('unknown'));
    expect(hashLoad()).toBe(3);
    await Promise.all([real, fill, unknown]);
    expect(order.indexOf('unknown')).toBe(2);
  });
});

describe('unlock is rationed like a login', () => {
  it(`parallel unlocks of one session: one is checked, the rest refused; after ${UNLOCK_FAILURES_MAX} failures the session ends and is logged`, async () => {
    const { clock, sessions } = clockedStore();
    const s = await sessions.login(OFFICIAL, TEST_PASSWORD);
    sessions.lock(s.token);
    const mark = accessMark(api.db);
    const outcomes = await Promise.all(Array.from({ length: 3 }, () => authErrorOf(() => sessions.unlock(s.token, 'wrong password'))));
    expect(outcomes.filter((e) => /another attempt/.test(e.message))).toHaveLength(2);
    expect(outcomes.every((e) => e.code === 'locked')).toBe(true);
    // 3 counted: a wait before the next check.
    expect((await authErrorOf(() => sessions.unlock(s.token, TEST_PASSWORD))).message).toMatch(/wait \d+ s/);
    clock.t += 1_000;
    await authErrorOf(() => sessions.unlock(s.token, 'wrong password'));
    clock.t += 2_000;
    const ended = await authErrorOf(() => sessions.unlock(s.token, 'wrong password'));
    expect(ended.code).toBe('unauthenticated');
    expect(ended.message).toMatch(/session ended/);
    expect((await authErrorOf(() => sessions.unlock(s.token, TEST_PASSWORD))).code).toBe('unauthenticated');
    expect(() => sessions.resolve(s.token)).toThrow(/log in/);
    expect(accessSince(api.db, mark)).toContainEqual(expect.objectContaining({ username: OFFICIAL, action: 'session_end', outcome: 'refused' }));
  });

  it('a right unlock after a failure clears it: the session goes on', async () => {
    const { sessions } = clockedStore();
    const s = await sessions.login(OFFICIAL, TEST_PASSWORD);
    sessions.lock(s.token);
    await authErrorOf(() => sessions.unlock(s.token, 'wrong password'));
    await expect(sessions.unlock(s.token, TEST_PASSWORD)).resolves.toMatchObject({ username: OFFICIAL });
  });
});
