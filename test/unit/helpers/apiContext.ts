/**
 * Handler contexts for the API tests (dispatch, IPC and HTTP transports, job
 * manager): a temp SQLite file, optionally holding the 300-citizen demo
 * population scored as of 2026-11-01, a JobManager on that file, callers of
 * each role, row counts to prove that a refused call wrote nothing, and a
 * poll that waits for a condition without asserting anything about time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../../shared/contract.js';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import type { Caller, HandlerContext } from '../../../electron/ipc/handlers.js';
import { JobManager } from '../../../electron/jobs/manager.js';
import { RESOURCES_DIR } from '../../../electron/paths.js';
import { createDemoPopulation } from '../../../electron/services/demo.js';
import { parseInstant } from '../../../electron/services/scoring.js';

export const DEMO_CITIZENS = 300;
export const DEMO_SEED = 3;
export const DEMO_AS_OF = '2026-11-01T00:00:00.000Z';

export const callerAs = (role: Role): Caller => ({ user: 'tester', role });
export const ADMIN: Caller = callerAs('admin');

export interface ApiContext {
  dir: string;
  dbFile: string;
  db: Db;
  jobs: JobManager;
  ctx: HandlerContext;
  /** Close the database and remove the temp folder. Wait for your jobs first. */
  close(): void;
}

/** A temp database (empty, or with the demo population) and a job manager on it. */
export async function openApiContext(options: { demo: boolean }): Promise<ApiContext> {
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
  return {
    dir,
    dbFile,
    db,
    jobs,
    ctx: { db, jobs },
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const COUNTED_TABLES = ['citizens', 'relationships', 'events', 'operations', 'ledger', 'rulesets', 'scores', 'contributions', 'event_kinds', 'scoring_state'] as const;

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
