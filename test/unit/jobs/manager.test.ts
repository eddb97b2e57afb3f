/**
 * Long jobs in real worker threads (electron/jobs/manager.ts + worker.ts) on
 * temp databases: a job runs to the end and reports progress, only one job
 * runs at a time, a rejected import writes nothing, and a cancelled job
 * leaves the database exactly as it was.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JobKind, JobStatus } from '../../../shared/contract.js';
import { verifyLedger } from '../../../electron/db/ledger.js';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import { JobConflictError, JobManager } from '../../../electron/jobs/manager.js';
import { JobParams, type JobParamsInput } from '../../../electron/jobs/protocol.js';
import { RESOURCES_DIR } from '../../../electron/paths.js';
import { LIMITS } from '../../../electron/services/inputLimits.js';
import { defaultRuleset } from '../helpers/defaultResources.js';
import { ADMIN, DEMO_CITIZENS, openApiContext, pollUntil, rowCounts, type ApiContext } from '../helpers/apiContext.js';

/** Progress phases that only the publish step of a demo job reports (the import before it has no ruleset to score with). */
const PUBLISH_PHASES = ['evaluating rules', 'rule totals', 'friend network', 'fixed point', 'writing scores'];
const BIG_DEMO = { citizens: 20_000, seed: 5 };

let api: ApiContext;
/** Every job a test started, so that no worker outlives the file when a test fails half-way. */
const started: { jobs: JobManager; jobId: string }[] = [];

function startJob<K extends JobKind>(jobs: JobManager, kind: K, params: JobParamsInput<K>): string {
  const jobId = jobs.start(kind, 'tester', params);
  started.push({ jobs, jobId });
  return jobId;
}

/** Cancel whatever still runs and wait for the workers to exit. */
async function stopStartedJobs(): Promise<void> {
  for (const { jobs, jobId } of started) jobs.cancel(jobId);
  await Promise.all(started.map(({ jobs, jobId }) => jobs.wait(jobId)));
}

beforeAll(async () => {
  api = await openApiContext({ demo: true });
});

afterAll(async () => {
  await stopStartedJobs();
  api?.close();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function statusOf(jobs: JobManager, jobId: string): JobStatus {
  const s = jobs.status(jobId);
  if (!s) throw new Error(`job ${jobId} is unknown to the manager`);
  return s;
}

describe('running a job', () => {
  it('a recompute job runs to done in a worker, reports progress, and its operation is in the database', async () => {
    const finished: JobStatus[] = [];
    const jobs = new JobManager(api.dbFile, RESOURCES_DIR, (s) => finished.push({ ...s }));
    const operationsBefore = rowCounts(api.db).operations;
    const jobId = startJob(jobs, 'recompute', { asOf: '2027-06-01T00:00:00Z' });
    expect(statusOf(jobs, jobId)).toMatchObject({ jobId, kind: 'recompute', state: 'running', phase: 'starting', done: 0, total: 1, error: null, result: null });

    await jobs.wait(jobId);
    const status = statusOf(jobs, jobId);
    expect(status.state, status.error ?? '').toBe('done');
    expect(status.phase).toBe('finished');
    // The worker's last progress report is its commit ('committing', 1 of 1): everything reported is done.
    expect(status.total).toBeGreaterThanOrEqual(1);
    expect(status.done).toBe(status.total);
    expect(status.result).toMatchObject({ asOf: '2027-06-01T00:00:00.000Z', scoring: { citizens: DEMO_CITIZENS } });
    const operationId = (status.result as { operationId: number }).operationId;
    expect(operationId).toBeGreaterThan(0);

    expect(rowCounts(api.db).operations).toBe(operationsBefore + 1);
    expect(api.db.prepare('SELECT kind, actor FROM operations WHERE id = ?').get(operationId)).toEqual({ kind: 'records_expired', actor: 'tester' });
    expect(api.db.prepare('SELECT as_of FROM scoring_state').pluck().get()).toBe('2027-06-01T00:00:00.000Z');
    expect(verifyLedger(api.db).ok).toBe(true);
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ jobId, state: 'done' });
  });

  it('a second job while one runs is refused with JobConflictError, and through dispatch as conflict', async () => {
    const jobs = api.jobs;
    const first = startJob(jobs, 'simulate', { ruleset: defaultRuleset() });
    expect(() => startJob(jobs, 'recompute', {})).toThrow(JobConflictError);
    const reply = await dispatch('createDemo', { citizens: 10 }, api.ctx, ADMIN);
    expect(reply).toMatchObject({ ok: false, error: { code: 'conflict' } });

    await jobs.wait(first);
    const status = statusOf(jobs, first);
    expect(status.state, status.error ?? '').toBe('done');
    // Simulating the ruleset already in force moves nobody.
    expect(status.result).toMatchObject({ ok: true, citizens: DEMO_CITIZENS, changed: 0 });

    const next = startJob(jobs, 'simulate', { ruleset: defaultRuleset() });
    await jobs.wait(next);
    expect(statusOf(jobs, next).state).toBe('done');
  });

  it('jobs unknown to the manager: no status, nothing to cancel, nothing to wait for', async () => {
    expect(api.jobs.status('no-such-job')).toBeUndefined();
    expect(api.jobs.cancel('no-such-job')).toBe(false);
    await expect(api.jobs.wait('no-such-job')).resolves.toBeUndefined();
    expect(await dispatch('jobStatus', { jobId: 'no-such-job' }, api.ctx, ADMIN)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('imports in a worker', () => {
  const CITIZENS_HEADER = 'citizen_id,name,district,birth_date';

  it('an import of a folder with a bad row ends done with result.ok false, naming the row, and writes nothing', async () => {
    const folder = join(api.dir, 'bad-import');
    mkdirSync(folder);
    writeFileSync(join(folder, 'citizens.csv'), [CITIZENS_HEADER, 'N0000001,Good Row,Chengxi,1980-01-01', 'bad id!,Bad Row,Chengxi,1980-01-01', ''].join('\n'));
    const before = rowCounts(api.db);

    const jobId = startJob(api.jobs, 'import', { folder, reason: 'bad row test' });
    await api.jobs.wait(jobId);
    const status = statusOf(api.jobs, jobId);
    expect(status.state, status.error ?? '').toBe('done');
    const result = status.result as { ok: boolean; problems: { file?: string; line?: number }[]; operationId: number | null };
    expect(result.ok).toBe(false);
    expect(result.operationId).toBeNull();
    expect(result.problems).toContainEqual(expect.objectContaining({ file: 'citizens.csv', line: 3 }));
    expect(rowCounts(api.db)).toEqual(before);
    expect(api.db.prepare("SELECT count(*) FROM citizens WHERE citizen_id = 'N0000001'").pluck().get()).toBe(0);
  });

  it('a finished import job of 100 huge bad values keeps a small result (clipped echoes, capped report)', async () => {
    const folder = join(api.dir, 'huge-bad-values');
    mkdirSync(folder);
    const rows = ['a,b,since,until'];
    for (let i = 0; i < 100; i++) rows.push(`${String(i).padStart(3, '0')}${'Q'.repeat(500_000)},N0000001,2020-01-01,`);
    writeFileSync(join(folder, 'relationships.csv'), rows.join('\n') + '\n');
    const before = rowCounts(api.db);

    const jobId = startJob(api.jobs, 'import', { folder, provider: 'Huge registry', reason: 'huge bad values' });
    await api.jobs.wait(jobId);
    const status = statusOf(api.jobs, jobId);
    expect(status.state, status.error ?? '').toBe('done');
    expect(status.result).toMatchObject({ ok: false, problemCount: 100 });
    // 100 values of 500,000 characters each: clipped in every message and parameter, the report held under its cap.
    expect(JSON.stringify(status).length).toBeLessThan(LIMITS.reportChars);
    expect(rowCounts(api.db)).toEqual(before);
  });

  it('uploaded files (importFiles) are imported from a temp folder that is removed after the job', async () => {
    const start = vi.spyOn(api.jobs, 'start');
    const before = rowCounts(api.db);
    const reply = await dispatch(
      'importFiles',
      { files: [{ name: 'citizens.csv', content: [CITIZENS_HEADER, 'N0000002,Dry Run,Chengxi,1990-02-03', ''].join('\n') }], provider: 'Chengxi registry', dryRun: true },
      api.ctx,
      ADMIN,
    );
    if (!reply.ok) throw new Error(reply.error.message);
    const { jobId } = reply.value as { jobId: string };
    started.push({ jobs: api.jobs, jobId });
    const folder = JobParams.import.parse(start.mock.calls[0][2]).folder;
    expect(existsSync(join(folder, 'citizens.csv'))).toBe(true);
    await api.jobs.wait(jobId);
    const status = statusOf(api.jobs, jobId);
    expect(status.state, status.error ?? '').toBe('done');
    // A valid dry run: accepted, counted, nothing kept.
    expect(status.result).toMatchObject({ ok: true, operationId: null, counts: { citizensAdded: 1 } });
    expect(rowCounts(api.db)).toEqual(before);
    expect(existsSync(folder)).toBe(false);
  });
});

describe('cancelling', () => {
  let empty: ApiContext;

  beforeAll(async () => {
    empty = await openApiContext({ demo: false });
  });

  afterAll(async () => {
    await stopStartedJobs();
    empty?.close();
  });

  it('cancelling a demo job as soon as it reports progress ends cancelled and leaves the database as it was', async () => {
    const before = rowCounts(empty.db);
    const jobId = startJob(empty.jobs, 'demo', BIG_DEMO);
    await pollUntil(() => {
      const s = statusOf(empty.jobs, jobId);
      return s.state !== 'running' || s.phase !== 'starting' || s.done > 0;
    }, 'the demo job reports progress');
    expect(statusOf(empty.jobs, jobId).state).toBe('running');

    expect(await dispatch('jobCancel', { jobId }, empty.ctx, ADMIN)).toEqual({ ok: true, value: { cancelled: true } });
    await empty.jobs.wait(jobId);

    const reply = await dispatch('jobStatus', { jobId }, empty.ctx, ADMIN);
    expect(reply).toMatchObject({ ok: true, value: { state: 'cancelled', result: null } });
    expect(rowCounts(empty.db)).toEqual(before);
    expect(empty.jobs.cancel(jobId)).toBe(false);
  });

  it('cancelling a demo job during its publish step ends cancelled and leaves the database as it was', async () => {
    const before = rowCounts(empty.db);
    const jobId = startJob(empty.jobs, 'demo', BIG_DEMO);
    await pollUntil(() => {
      const s = statusOf(empty.jobs, jobId);
      return s.state !== 'running' || PUBLISH_PHASES.includes(s.phase);
    }, 'the demo job reaches its publish step');
    const seen = statusOf(empty.jobs, jobId);
    expect(seen.state, `the job ended (${seen.state}) before its publish step was seen`).toBe('running');

    expect(empty.jobs.cancel(jobId)).toBe(true);
    await empty.jobs.wait(jobId);

    const status = statusOf(empty.jobs, jobId);
    expect(status.state).toBe('cancelled');
    expect(status.error).toMatch(/nothing was changed/);
    // The status promises nothing was changed: hold it to that.
    expect(rowCounts(empty.db)).toEqual(before);
  });
});

describe('a job that does not stop on its own', () => {
  let own: ApiContext;
  const STUBBORN = new URL('../helpers/stubbornJobWorker.ts', import.meta.url);

  beforeAll(async () => {
    own = await openApiContext({ demo: false });
  });

  afterAll(() => own?.close());

  /** A manager whose workers are the stubborn one, with the given limits. */
  function stubbornManager(options: { timeLimitsMs?: Partial<Record<JobKind, number>>; cancelGraceMs?: number } = {}): JobManager {
    return new JobManager(own.dbFile, RESOURCES_DIR, undefined, { workerScript: STUBBORN, cancelGraceMs: 200, ...options });
  }

  it('cancel terminates it after the grace while it holds an open write transaction; nothing it wrote remains, the database is intact and writable, and the slot frees', async () => {
    const jobs = stubbornManager();
    const before = rowCounts(own.db);
    const jobId = startJob(jobs, 'recompute', {});
    await pollUntil(() => statusOf(jobs, jobId).phase === 'writing half a job', 'the stubborn job has written half its work');
    expect(jobs.cancel(jobId)).toBe(true);
    await jobs.wait(jobId);
    expect(statusOf(jobs, jobId)).toMatchObject({ state: 'cancelled', error: expect.stringMatching(/nothing was changed/) });
    expect(rowCounts(own.db)).toEqual(before);
    expect(own.db.prepare("SELECT count(*) FROM citizens WHERE citizen_id LIKE 'RUNAWAY%'").pluck().get()).toBe(0);
    expect(own.db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    // The write lock died with the worker: the main connection writes at once.
    own.db.prepare("INSERT INTO citizens (citizen_id, name, district) VALUES ('AFTER00001', 'After', 'Here')").run();
    own.db.prepare("DELETE FROM citizens WHERE citizen_id = 'AFTER00001'").run();
    // The slot is free: the next job starts.
    const next = startJob(jobs, 'recompute', {});
    expect(statusOf(jobs, next).state).toBe('running');
    jobs.cancel(next);
    await jobs.wait(next);
  });

  it('a job past its time limit is stopped the same way, and its status says so', async () => {
    const jobs = stubbornManager({ timeLimitsMs: { simulate: 300 } });
    const before = rowCounts(own.db);
    const jobId = startJob(jobs, 'simulate', { ruleset: defaultRuleset() });
    await jobs.wait(jobId);
    expect(statusOf(jobs, jobId)).toMatchObject({ state: 'failed', error: expect.stringMatching(/time limit of 0 s|time limit/) });
    expect(statusOf(jobs, jobId).error).toMatch(/nothing was changed/);
    expect(rowCounts(own.db)).toEqual(before);
  });

  it('a job past its memory budget is stopped, says so, and leaves the database as it was; the slot frees', async () => {
    const GREEDY = new URL('../helpers/greedyJobWorker.ts', import.meta.url);
    const jobs = new JobManager(own.dbFile, RESOURCES_DIR, undefined, { workerScript: GREEDY, memoryLimitMb: 96 });
    const before = rowCounts(own.db);
    const jobId = startJob(jobs, 'import', { folder: own.dir });
    await jobs.wait(jobId);
    expect(statusOf(jobs, jobId)).toMatchObject({ state: 'failed', error: expect.stringMatching(/more than 96 MB of memory and was stopped: nothing was changed/) });
    expect(rowCounts(own.db)).toEqual(before);
    expect(own.db.prepare("SELECT count(*) FROM citizens WHERE citizen_id LIKE 'GREEDY%'").pluck().get()).toBe(0);
    expect(own.db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    const next = startJob(jobs, 'import', { folder: own.dir });
    expect(statusOf(jobs, next).state).toBe('running');
    await jobs.wait(next);
  });

  it('every kind of job has a time limit, and every job a memory budget', async () => {
    const { JOB_MEMORY_LIMIT_MB } = await import('../../../electron/jobs/manager.js');
    expect(JOB_MEMORY_LIMIT_MB).toBeGreaterThan(0);

    const { JOB_TIME_LIMITS_MS } = await import('../../../electron/jobs/manager.js');
    const { JobKind } = await import('../../../shared/contract.js');
    for (const kind of JobKind.options) expect(JOB_TIME_LIMITS_MS[kind], kind).toBeGreaterThan(0);
  });
});
