/**
 * The job protocol (electron/jobs/protocol.ts) played by a careless caller
 * and a misbehaving worker: parameters of the wrong type are refused before
 * any worker starts, naming the kind and the field; a worker's reply outside
 * the schema is refused, the job reported failed, and the database (and any
 * proposal that would have carried the result) is left as it was.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobKind, JobStatus } from '../../../shared/contract.js';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import { JobManager } from '../../../electron/jobs/manager.js';
import { JobParamsError, type JobParamsInput, type JobMessage } from '../../../electron/jobs/protocol.js';
import { RESOURCES_DIR } from '../../../electron/paths.js';
import { RulesetSpec } from '../../../shared/domain.js';
import { defaultRuleset } from '../helpers/defaultResources.js';
import { ADMIN, openApiContext, rowCounts, type ApiContext } from '../helpers/apiContext.js';

const MALFORMED = new URL('../helpers/malformedJobWorker.ts', import.meta.url);

let api: ApiContext;

beforeAll(async () => {
  api = await openApiContext({ demo: true });
});

afterAll(() => api?.close());

/** The manager's start as a caller without the types would use it (JavaScript, a cast, a value read from JSON). */
function carelessStart(jobs: JobManager): (kind: JobKind, actor: string, params: unknown) => string {
  return jobs.start.bind(jobs) as (kind: JobKind, actor: string, params: unknown) => string;
}

function statusOf(jobs: JobManager, jobId: string): JobStatus {
  const s = jobs.status(jobId);
  if (!s) throw new Error(`job ${jobId} is unknown to the manager`);
  return s;
}

function proposalCount(): number {
  return api.db.prepare('SELECT count(*) FROM proposals').pluck().get() as number;
}

/** Valid parameters of every kind: what the refusals below differ from by one field. */
const VALID: { [K in JobKind]: JobParamsInput<K> } = {
  import: { folder: '/nonexistent/credence-import', reason: 'protocol test' },
  publish: { proposalId: 1, reason: 'agreed' },
  simulate: { ruleset: defaultRuleset() },
  recompute: { asOf: '2027-06-01T00:00:00Z' },
  demo: { citizens: 50, seed: 1 },
};

describe('a job with parameters outside its schema is refused before a worker starts', () => {
  const wrong: [JobKind, Record<string, unknown>, RegExp][] = [
    ['import', { folder: 42 }, /^import job refused.*params\.folder: .*expected string/],
    ['import', { folder: '/tmp/x', dryRun: 'yes' }, /^import job refused.*params\.dryRun: .*expected boolean/],
    ['import', { folder: '/tmp/x', importRoots: '/tmp' }, /^import job refused.*params\.importRoots: .*expected array/],
    ['publish', { proposalId: '7', reason: 'agreed' }, /^publish job refused.*params\.proposalId: .*expected number/],
    ['publish', { proposalId: 7 }, /^publish job refused.*params\.reason: .*expected string/],
    ['simulate', { ruleset: { rules: [], made: new Date(0) } }, /^simulate job refused.*params\.ruleset/],
    ['simulate', {}, /^simulate job refused.*params\.ruleset/],
    ['recompute', { asOf: 20270601 }, /^recompute job refused.*params\.asOf: .*expected string/],
    ['recompute', { asOf: '2027-06-01', force: true }, /^recompute job refused.*force/],
    ['demo', { citizens: '5000', seed: 1 }, /^demo job refused.*params\.citizens: .*expected number/],
    ['demo', { citizens: 50, seed: 1.5 }, /^demo job refused.*params\.seed/],
  ];

  it.each(wrong)('%s with %o', (kind, params, says) => {
    const jobs = new JobManager(api.dbFile, RESOURCES_DIR);
    const before = rowCounts(api.db);
    expect(() => carelessStart(jobs)(kind, 'careless', params)).toThrow(JobParamsError);
    expect(() => carelessStart(jobs)(kind, 'careless', params)).toThrow(says);
    expect(rowCounts(api.db)).toEqual(before);
  });

  it('every kind has a refused case above, and its valid parameters pass the same check', () => {
    expect(new Set(wrong.map(([kind]) => kind))).toEqual(new Set(Object.keys(VALID)));
  });

  it('a refused start leaves the slot free: no worker was started for it', async () => {
    const jobs = new JobManager(api.dbFile, RESOURCES_DIR, undefined, { workerScript: MALFORMED });
    expect(() => carelessStart(jobs)('demo', 'careless', { citizens: 'many' })).toThrow(/params\.citizens/);
    // Had a worker started, this would be a JobConflictError.
    const jobId = jobs.start('recompute', 'tester', VALID.recompute);
    await jobs.wait(jobId);
  });

  it('over the API, a wrong parameter never reaches a worker either (the channel schema refuses it first)', async () => {
    const reply = await dispatch('createDemo', { citizens: '5000' }, api.ctx, ADMIN);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/citizens/) } });
  });
});

describe("a worker's reply outside the schema is refused and the job reported failed", () => {
  it.each(Object.keys(VALID) as JobKind[])('a malformed %s result: refused naming the kind and the field, nothing changed', async (kind) => {
    const jobs = new JobManager(api.dbFile, RESOURCES_DIR, undefined, { workerScript: MALFORMED });
    const before = rowCounts(api.db);
    const jobId = jobs.start(kind, 'tester', VALID[kind]);
    await jobs.wait(jobId);
    const status = statusOf(jobs, jobId);
    expect(status).toMatchObject({ kind, state: 'failed', result: null });
    expect(status.error).toMatch(new RegExp(`^the ${kind} job sent a result outside the job protocol, refused: result\\.\\w+: `));
    expect(status.error).toMatch(/the job was stopped: nothing was changed$/);
    expect(rowCounts(api.db)).toEqual(before);
  });

  it('a malformed simulation never becomes the simulation a proposal carries', async () => {
    const jobs = new JobManager(api.dbFile, RESOURCES_DIR, undefined, { workerScript: MALFORMED });
    const changed = { ...defaultRuleset(), base_score: RulesetSpec.parse(defaultRuleset()).base_score + 10 };
    const jobId = jobs.start('simulate', 'tester', { ruleset: changed });
    await jobs.wait(jobId);
    expect(statusOf(jobs, jobId).state).toBe('failed');
    const proposalsBefore = proposalCount();
    const before = rowCounts(api.db);
    const reply = await dispatch('proposeRuleset', { ruleset: changed, reason: 'adopt the simulated ruleset', simulationJobId: jobId }, { ...api.ctx, jobs }, ADMIN);
    expect(reply).toMatchObject({ ok: false, error: { code: 'rejected', message: expect.stringMatching(/is failed/) } });
    expect(proposalCount()).toBe(proposalsBefore);
    expect(rowCounts(api.db)).toEqual(before);
  });

  it('a malformed progress report stops a job mid-way; the status says which field', async () => {
    const jobs = new JobManager(api.dbFile, RESOURCES_DIR, undefined, { workerScript: MALFORMED });
    const before = rowCounts(api.db);
    const jobId = jobs.start('recompute', 'garbled', VALID.recompute);
    // The worker spins forever and nobody cancels it (its time limit is half an hour): only the refusal ends it.
    await jobs.wait(jobId);
    const status = statusOf(jobs, jobId);
    expect(status).toMatchObject({ state: 'failed', result: null });
    expect(status.error).toMatch(/^the recompute job sent a message outside the job protocol, refused: done: .*expected number.*nothing was changed$/);
    expect(rowCounts(api.db)).toEqual(before);
  });

  it('a malformed result after the work returned is refused all the same, and the status does not claim nothing changed', async () => {
    const jobs = new JobManager(api.dbFile, RESOURCES_DIR, undefined, { workerScript: MALFORMED });
    const jobId = jobs.start('recompute', 'returned', VALID.recompute);
    await jobs.wait(jobId);
    const status = statusOf(jobs, jobId);
    expect(status).toMatchObject({ state: 'failed', result: null });
    expect(status.error).toMatch(/refused: result\.\w+: .*its work had returned: what it recorded is in the operations log$/);
  });
});

describe('the worker checks what it is handed', () => {
  /** Runs the real job worker (from source, as the manager does) on a hand-made request; its first message. */
  function workerReply(workerData: unknown): Promise<JobMessage> {
    const url = new URL('../../../electron/jobs/worker.ts', import.meta.url);
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
    const worker = new Worker(bootstrap, { eval: true, workerData });
    return new Promise((resolve, reject) => {
      worker.once('message', (m: JobMessage) => {
        void worker.terminate();
        resolve(m);
      });
      worker.once('error', reject);
    });
  }

  it('a request whose parameters do not fit its kind is refused by the worker, naming the field, before it opens the database', async () => {
    const before = rowCounts(api.db);
    const reply = await workerReply({ job: { kind: 'demo', params: { citizens: '5000', seed: 1 } }, dbFile: api.dbFile, resources: RESOURCES_DIR, actor: 'tester', cancel: new SharedArrayBuffer(8) });
    expect(reply).toMatchObject({ type: 'failed', error: expect.stringMatching(/outside the job protocol: job\.params\.citizens: .*expected number/) });
    expect(rowCounts(api.db)).toEqual(before);
  });

  it('a request of an unknown kind is refused by the worker', async () => {
    const reply = await workerReply({ job: { kind: 'drop_tables', params: {} }, dbFile: api.dbFile, resources: RESOURCES_DIR, actor: 'tester', cancel: new SharedArrayBuffer(8) });
    expect(reply).toMatchObject({ type: 'failed', error: expect.stringMatching(/outside the job protocol: job\.kind/) });
  });
});
