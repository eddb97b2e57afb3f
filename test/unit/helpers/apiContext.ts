/**
 * Handler contexts for the API tests (dispatch, IPC and HTTP transports, job
 * manager): a temp SQLite file, optionally holding the 300-citizen demo
 * population scored as of 2026-11-01, a JobManager and a SessionStore on that
 * file, callers of each role, an account of each role to log in with, row
 * counts to prove that a refused call wrote nothing, the access log written
 * since a mark, and a poll that waits for a condition without asserting
 * anything about time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../../shared/contract.js';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import type { Caller, HandlerContext } from '../../../electron/ipc/handlers.js';
import { JobManager } from '../../../electron/jobs/manager.js';
import { RESOURCES_DIR } from '../../../electron/paths.js';
import { createUser, SessionStore } from '../../../electron/services/auth.js';
import type { AccessRow } from '../../../electron/services/accessLog.js';
import { createDemoPopulation } from '../../../electron/services/demo.js';
import { parseInstant } from '../../../electron/services/scoring.js';

export const DEMO_CITIZENS = 300;
export const DEMO_SEED = 3;
export const DEMO_AS_OF = '2026-11-01T00:00:00.000Z';

export const ROLES: Role[] = ['viewer', 'official', 'auditor', 'admin'];

export const callerAs = (role: Role): Caller => ({ user: 'tester', role });
export const ADMIN: Caller = callerAs('admin');

/** The account of each role that `createAccounts` makes; all share TEST_PASSWORD. */
export const USERNAMES: Record<Role, string> = { viewer: 'test-viewer', official: 'test-official', auditor: 'test-auditor', admin: 'test-admin' };
export const TEST_PASSWORD = 'correct horse battery';

export interface ApiContext {
  dir: string;
  dbFile: string;
  db: Db;
  jobs: JobManager;
  ctx: HandlerContext;
  sessions: SessionStore;
  /** Close the database and remove the temp folder. Wait for your jobs first. */
  close(): void;
}

/**
 * A temp database (empty, or with the demo population), a job manager and a
 * session store on it. `now` is the session store's clock (idle lock, session
 * end, login slowdown); the real one unless given.
 */
export async function openApiContext(options: { demo: boolean; now?: () => number }): Promise<ApiContext> {
  const dir = mkdtempSync(join(tmpdir(), 'credence-api-'));
  const dbFile = join(dir, 'credence.sqlite');
  const db = openDatabase(dbFile);
  try {
    if (options.demo) {
      await createDemoPopulation(db, RESOURCES_DIR, { citizens: DEMO_CITIZENS, seed: DEMO_SEED, asOf: parseInstant(DEMO_AS_OF) });
    }
  } catch (err) {
    db.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const jobs = new JobManager(dbFile, RESOURCES_DIR);
  const sessions = new SessionStore(db, options.now);
  return {
    dir,
    dbFile,
    db,
    jobs,
    sessions,
    ctx: { db, dbFile, jobs, sessions },
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Create the account of each of `roles` (USERNAMES, TEST_PASSWORD). scrypt
 * takes ~0.3 s a hash on purpose: call this once per file, in beforeAll.
 * One at a time, since each hash holds 128 MiB.
 */
export async function createAccounts(db: Db, roles: Role[] = ROLES): Promise<void> {
  for (const role of roles) await createUser(db, { username: USERNAMES[role], displayName: `Test ${role}`, role, password: TEST_PASSWORD }, 'test setup');
}

/** Log in as the account of `role` (made by createAccounts); returns the session token. */
export async function logIn(sessions: SessionStore, role: Role): Promise<string> {
  return (await sessions.login(USERNAMES[role], TEST_PASSWORD)).token;
}

/** A session token for each role, logged in one after another. */
export async function logInEveryRole(sessions: SessionStore, roles: Role[] = ROLES): Promise<Record<Role, string>> {
  const tokens = {} as Record<Role, string>;
  for (const role of roles) tokens[role] = await logIn(sessions, role);
  return tokens;
}

/** The id of the newest access log row (0 when empty): pass it to accessSince. */
export function accessMark(db: Db): number {
  return db.prepare('SELECT coalesce(max(id), 0) FROM access_log').pluck().get() as number;
}

/** Access log rows written after `mark`, oldest first. */
export function accessSince(db: Db, mark: number): AccessRow[] {
  return db
    .prepare('SELECT id, at, username, action, citizen_id AS citizenId, detail, purpose, outcome FROM access_log WHERE id > ? ORDER BY id')
    .all(mark) as AccessRow[];
}

export const COUNTED_TABLES = ['citizens', 'relationships', 'events', 'operations', 'ledger', 'rulesets', 'scores', 'contributions', 'event_kinds', 'scoring_state', 'users'] as const;

/** Rows of every table a write could touch. */
export function rowCounts(db: Db): Record<(typeof COUNTED_TABLES)[number], number> {
  const out = {} as Record<(typeof COUNTED_TABLES)[number], number>;
  for (const t of COUNTED_TABLES) out[t] = db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
  return out;
}

/**
 * Poll `check` every few milliseconds until it returns true; throws with
 * `what` after `maxPolls` (a guard against hanging, not a timing assertion).
 */
export async function pollUntil(check: () => boolean, what: string, maxPolls = 6000): Promise<void> {
  for (let i = 0; i < maxPolls; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`gave up waiting until ${what}`);
}
