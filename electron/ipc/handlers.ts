/**
 * The implementation of every channel of the API contract, over the services.
 * Both transports call these through `dispatch`; neither has its own.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelName, Output, ParsedInput, Role } from '../../shared/contract.js';
import type { Db } from '../db/connection.js';
import { loadKinds } from '../db/kinds.js';
import { verifyLedger } from '../db/ledger.js';
import { getRuleset } from '../db/rulesets.js';
import type { JobManager } from '../jobs/manager.js';
import { NotFoundError } from '../services/explain.js';
import { citizenEvents, citizenRecord, districts, listOperations, operationLedger, overview, rulesetVersions, search } from '../services/queries.js';
import { checkExpression, testRule } from '../services/ruleLab.js';
import { checkRuleset } from '../services/rulesets.js';
import { loadScoringState } from '../services/scoring.js';

/** Who is calling, as established by the transport. */
export interface Caller {
  user: string;
  role: Role;
}

export interface HandlerContext {
  db: Db;
  jobs: JobManager;
}

export type Handlers = { [K in ChannelName]: (input: ParsedInput<K>, ctx: HandlerContext, caller: Caller) => Output<K> | Promise<Output<K>> };

export const handlers: Handlers = {
  ping: () => ({ at: new Date().toISOString() }),
  overview: (_i, { db }) => overview(db),
  districts: (_i, { db }) => districts(db),
  search: (q, { db }) => search(db, q),
  citizen: (q, { db }) => citizenRecord(db, q.citizenId),
  citizenEvents: (q, { db }) => citizenEvents(db, q),
  rulesetCurrent: (_i, { db }) => {
    const state = loadScoringState(db);
    return { version: state?.version ?? null, spec: state?.ruleset.spec ?? null, kinds: [...loadKinds(db).values()] };
  },
  rulesetVersions: (_i, { db }) => rulesetVersions(db),
  rulesetGet: (q, { db }) => {
    const r = getRuleset(db, q.version);
    if (!r) throw new NotFoundError(`no ruleset version ${q.version}`);
    return r.spec;
  },
  checkExpression: (q, { db }) => checkExpression(db, q),
  validateRuleset: (q, { db }) => {
    const r = checkRuleset(db, q.ruleset);
    return r.ok ? { ok: true, problems: [] } : { ok: false, problems: r.problems };
  },
  testRule: (q, { db }) => testRule(db, q),
  simulate: (q, { jobs }, caller) => ({ jobId: jobs.start('simulate', caller.user, { ruleset: q.ruleset }) }),
  publishRuleset: (q, { jobs }, caller) => ({ jobId: jobs.start('publish', caller.user, { ruleset: q.ruleset, reason: q.reason }) }),
  importFiles: (q, { jobs }, caller) => {
    const dir = mkdtempSync(join(tmpdir(), 'credence-upload-'));
    for (const f of q.files) writeFileSync(join(dir, f.name), f.content);
    return { jobId: jobs.start('import', caller.user, { folder: dir, reason: q.reason, dryRun: q.dryRun, removeAfter: true }) };
  },
  importFolder: (q, { jobs }, caller) => ({ jobId: jobs.start('import', caller.user, { folder: q.folder, reason: q.reason, dryRun: q.dryRun }) }),
  recompute: (q, { jobs }, caller) => ({ jobId: jobs.start('recompute', caller.user, { asOf: q.asOf }) }),
  createDemo: (q, { jobs }, caller) => ({ jobId: jobs.start('demo', caller.user, { citizens: q.citizens, seed: q.seed }) }),
  jobStatus: (q, { jobs }) => {
    const s = jobs.status(q.jobId);
    if (!s) throw new NotFoundError(`no job ${q.jobId}`);
    return s;
  },
  jobCancel: (q, { jobs }) => ({ cancelled: jobs.cancel(q.jobId) }),
  operations: (q, { db }) => listOperations(db, q),
  operationLedger: (q, { db }) => operationLedger(db, q),
  verifyLedger: (_i, { db }) => verifyLedger(db),
};
