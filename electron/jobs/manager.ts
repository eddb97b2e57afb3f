/**
 * Runs long jobs (import, publish, simulate, recompute, demo) in worker
 * threads, one at a time (SQLite has one writer), and keeps their progress
 * and results for the console to poll.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { JobKind, JobStatus } from '../../shared/contract.js';
import type { JobMessage } from './protocol.js';

export class JobConflictError extends Error {}

/**
 * The job worker sits beside this module: worker.mjs in the build, worker.ts
 * when run from source, where a tiny bootstrap registers tsx in the worker
 * first (loader flags in execArgv do not reach worker threads on Node 20).
 */
function spawnWorker(workerData: unknown): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  const url = new URL(`./worker${ext}`, import.meta.url);
  if (ext !== '.ts') return new Worker(url, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

interface Job {
  status: JobStatus;
  cancel: Int32Array;
  finished: Promise<void>;
}

const KEEP_FINISHED = 50;

export class JobManager {
  private jobs = new Map<string, Job>();

  constructor(
    private dbFile: string,
    private resources: string,
    private onFinished?: (status: JobStatus) => void,
  ) {}

  start(kind: JobKind, actor: string, params: Record<string, unknown>): string {
    const running = [...this.jobs.values()].find((j) => j.status.state === 'running');
    if (running) throw new JobConflictError(`another job is running (${running.status.kind}, started ${running.status.startedAt}); wait for it or cancel it`);
    const jobId = randomUUID();
    const cancel = new SharedArrayBuffer(4);
    const status: JobStatus = { jobId, kind, state: 'running', phase: 'starting', done: 0, total: 1, startedAt: new Date().toISOString(), error: null, result: null };
    const worker = spawnWorker({ kind, dbFile: this.dbFile, resources: this.resources, actor, params, cancel });
    const finished = new Promise<void>((resolve) => {
      worker.on('message', (m: JobMessage) => {
        if (m.type === 'progress') Object.assign(status, { phase: m.phase, done: m.done, total: m.total });
        else if (m.type === 'done') Object.assign(status, { state: 'done', result: m.result, phase: 'finished', done: status.total });
        else if (m.type === 'failed') Object.assign(status, { state: 'failed', error: m.error });
        else Object.assign(status, { state: 'cancelled', error: 'cancelled: nothing was changed' });
      });
      worker.on('error', (err) => Object.assign(status, { state: 'failed', error: err.message }));
      worker.on('exit', (code) => {
        if (status.state === 'running') Object.assign(status, { state: 'failed', error: `job worker stopped unexpectedly (exit ${code})` });
        // An uploaded folder is the job's to remove, even if the worker died before it could.
        if (params.removeAfter && typeof params.folder === 'string') rmSync(params.folder, { recursive: true, force: true });
        this.onFinished?.(status);
        resolve();
      });
    });
    this.jobs.set(jobId, { status, cancel: new Int32Array(cancel), finished });
    this.prune();
    return jobId;
  }

  status(jobId: string): JobStatus | undefined {
    return this.jobs.get(jobId)?.status;
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.status.state !== 'running') return false;
    Atomics.store(job.cancel, 0, 1);
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
