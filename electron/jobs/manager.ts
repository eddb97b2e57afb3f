/**
 * Runs long jobs (import, publish, simulate, recompute, demo) in worker
 * threads, one at a time (SQLite has one writer), and keeps their progress
 * and results for the console to poll.
 *
 * A job is asked to stop (a flag it reads at every progress report); one
 * that does not stop within a short grace is terminated. Its transaction
 * dies with its connection, so a stopped job has changed nothing. Every kind
 * has a time limit, after which it is stopped the same way; either way the
 * slot frees for the next job.
 */
import { keyed, SaidError, type Said } from '../../shared/englishText.js';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { z } from 'zod';
import type { JobKind, JobStatus } from '../../shared/contract.js';
import type { DbKey } from '../db/encryption.js';
import { describeIssues, jobMessage, parseJob, type JobParamsInput, type JobRequest } from './protocol.js';

/** Another job holds the database: said keyed (server:job.conflict). */
export class JobConflictError extends SaidError {}

/** Why a job stopped, in minutes or seconds. */
function timeLimit(ms: number): Said {
  return ms >= 60_000 ? keyed('job.timeLimitMinutes', { n: Math.round(ms / 60_000) }) : keyed('job.timeLimitSeconds', { n: Math.round(ms / 1000) });
}

/** A job's end: its state and why, the English beside the key the console reads in its language. */
type Outcome = { state: 'cancelled' | 'failed'; error: string; errorKey: string; errorParams?: Record<string, unknown> };
function outcome(state: Outcome['state'], said: Said): Outcome {
  return { state, error: said.message, errorKey: said.key, ...(said.params && { errorParams: said.params }) };
}

/**
 * The job worker sits beside this module: worker.mjs in the build, worker.ts
 * when run from source, where a tiny bootstrap registers tsx in the worker
 * first (loader flags in execArgv do not reach worker threads on Node 20).
 */
function spawnWorker(workerData: JobRequest, memoryLimitMb: number, script?: URL): Worker {
  const ext = extname(fileURLToPath(script ?? import.meta.url));
  const url = script ?? new URL(`./worker${ext}`, import.meta.url);
  const resourceLimits = { maxOldGenerationSizeMb: memoryLimitMb };
  if (ext !== '.ts') return new Worker(url, { workerData, resourceLimits });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits });
}

interface Job {
  status: JobStatus;
  /** [0] = 1: asked to stop; [1] = 1: the job's work returned (committed), its report is on the way. */
  flags: Int32Array;
  worker: Worker;
  finished: Promise<void>;
  /** Why the manager is stopping it (cancelled, or past its time limit); null while it may run. */
  stopping: Outcome | null;
  timers: ReturnType<typeof setTimeout>[];
}

const KEEP_FINISHED = 50;

/** How long each kind of job may run (a 1M-citizen demo or import takes minutes, not hours). */
export const JOB_TIME_LIMITS_MS: Record<JobKind, number> = {
  import: 30 * 60_000,
  publish: 30 * 60_000,
  simulate: 10 * 60_000,
  recompute: 30 * 60_000,
  demo: 60 * 60_000,
};
/**
 * The heap a job may use (a 1M-citizen import or publish stays well under
 * it); past it the worker is stopped, its transaction dies with it, and the
 * main process and other users never see the memory.
 */
export const JOB_MEMORY_LIMIT_MB = 4096;
/** How long a job asked to stop may take to stop on its own before it is terminated. */
export const CANCEL_GRACE_MS = 2_000;

export interface JobManagerOptions {
  /** Time limits per kind (defaults: JOB_TIME_LIMITS_MS). */
  timeLimitsMs?: Partial<Record<JobKind, number>>;
  cancelGraceMs?: number;
  /** Heap limit of each job's worker, in MB (default: JOB_MEMORY_LIMIT_MB). */
  memoryLimitMb?: number;
  /** Another worker script (tests: a job that never checks its stop flag). */
  workerScript?: URL;
  /** The database's key, handed to each worker (raw: no passphrase crosses the thread boundary). */
  databaseKey?: DbKey;
}

export class JobManager {
  private jobs = new Map<string, Job>();

  private limits: Record<JobKind, number>;
  private grace: number;

  constructor(
    private dbFile: string,
    private resources: string,
    private onFinished?: (status: JobStatus) => void,
    private options: JobManagerOptions = {},
  ) {
    this.limits = { ...JOB_TIME_LIMITS_MS, ...options.timeLimitsMs };
    this.grace = options.cancelGraceMs ?? CANCEL_GRACE_MS;
  }

  /**
   * Starts a job of `kind` in a worker. Its parameters are checked against
   * the kind's schema first: a caller's mistake is a JobParamsError naming
   * the kind and the field, and no worker starts.
   */
  start<K extends JobKind>(kind: K, actor: string, params: JobParamsInput<K>): string {
    const request = parseJob(kind, params);
    const running = [...this.jobs.values()].find((j) => j.status.state === 'running');
    if (running) throw new JobConflictError(keyed('job.conflict', { kind: keyed(`job.kinds.${running.status.kind}`), at: running.status.startedAt }));
    const jobId = randomUUID();
    const cancel = new SharedArrayBuffer(8);
    const status: JobStatus = { jobId, kind, state: 'running', phase: 'starting', done: 0, total: 1, startedAt: new Date().toISOString(), error: null, result: null };
    const keyHex = this.options.databaseKey && 'raw' in this.options.databaseKey ? this.options.databaseKey.raw.toString('hex') : undefined;
    const memoryLimitMb = this.options.memoryLimitMb ?? JOB_MEMORY_LIMIT_MB;
    const worker = spawnWorker({ job: request, dbFile: this.dbFile, resources: this.resources, actor, cancel, keyHex }, memoryLimitMb, this.options.workerScript);
    const job: Job = { status, flags: new Int32Array(cancel), worker, finished: Promise.resolve(), stopping: null, timers: [] };
    // What a worker sends crosses a thread boundary: each message is checked against the protocol, a result against its kind's schema.
    const messages = jobMessage<JobKind>(kind);
    job.finished = new Promise<void>((resolve) => {
      worker.on('message', (raw: unknown) => {
        if (status.state !== 'running') return;
        const parsed = messages.safeParse(raw);
        if (!parsed.success) {
          Object.assign(status, outcome('failed', this.refuseMessage(job, kind, raw, parsed.error)));
          return;
        }
        const m = parsed.data;
        if (m.type === 'progress') Object.assign(status, { phase: m.phase, done: m.done, total: m.total });
        else if (m.type === 'done') Object.assign(status, { state: 'done', result: m.result, phase: 'finished', done: status.total });
        else if (m.type === 'failed') Object.assign(status, job.stopping ?? { state: 'failed', error: m.error, errorKey: m.key ?? 'job.internal', errorParams: m.key ? m.params : { detail: m.error } });
        else Object.assign(status, job.stopping ?? outcome('cancelled', keyed('job.cancelled')));
      });
      worker.on('error', (err: NodeJS.ErrnoException) => {
        if (status.state !== 'running') return;
        const said = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? keyed('job.memory', { mb: memoryLimitMb }) : keyed('job.internal', { detail: err.message });
        Object.assign(status, job.stopping ?? outcome('failed', said));
      });
      worker.on('exit', (code) => {
        for (const t of job.timers) clearTimeout(t);
        if (status.state === 'running') Object.assign(status, job.stopping ?? outcome('failed', keyed('job.exited', { code })));
        // An uploaded folder is the job's to remove, even if the worker died before it could.
        if (request.kind === 'import' && request.params.removeAfter) rmSync(request.params.folder, { recursive: true, force: true });
        this.onFinished?.(status);
        resolve();
      });
    });
    const limit = this.limits[kind];
    job.timers.push(
      setTimeout(() => this.stop(job, outcome('failed', timeLimit(limit))), limit),
    );
    this.jobs.set(jobId, job);
    this.prune();
    return jobId;
  }

  /**
   * A message outside the protocol (a malformed result, a bug in a job) is
   * refused: the job is reported failed and its result never reaches the
   * console or a proposal. A worker whose work has not returned is stopped
   * at once, so its transaction dies uncommitted.
   */
  private refuseMessage(job: Job, kind: JobKind, raw: unknown, error: z.ZodError): Said {
    const key = typeof raw === 'object' && raw !== null && 'type' in raw && raw.type === 'done' ? 'job.protocol.result' : 'job.protocol.message';
    const refused = (after: Said) => keyed(key, { kind, detail: describeIssues(error), after });
    if (Atomics.load(job.flags, 1) === 1) return refused(keyed('job.protocol.returned'));
    void job.worker.terminate();
    return refused(keyed('job.protocol.stopped'));
  }

  /**
   * Asks a job to stop, and terminates its worker if it has not stopped
   * within the grace. A job whose work has already returned (committed) is
   * left to report it: finished means committed.
   */
  private stop(job: Job, ending: Outcome): void {
    if (job.status.state !== 'running' || job.stopping) return;
    job.stopping = ending;
    Atomics.store(job.flags, 0, 1);
    job.timers.push(
      setTimeout(() => {
        if (job.status.state === 'running' && Atomics.load(job.flags, 1) === 0) void job.worker.terminate();
      }, this.grace),
    );
  }

  status(jobId: string): JobStatus | undefined {
    return this.jobs.get(jobId)?.status;
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.status.state !== 'running') return false;
    this.stop(job, outcome('cancelled', keyed('job.cancelled')));
    return true;
  }

  /** Resolves when the job's worker has exited. */
  wait(jobId: string): Promise<void> {
    return this.jobs.get(jobId)?.finished ?? Promise.resolve();
  }

  private prune(): void {
    const done = [...this.jobs.entries()].filter(([, j]) => j.status.state !== 'running');
    for (const [id] of done.slice(0, Math.max(0, done.length - KEEP_FINISHED))) this.jobs.delete(id);
  }
}
