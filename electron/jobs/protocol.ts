/**
 * The job protocol between the job manager (main thread) and a job worker.
 * What each kind of job takes is declared here, once; what it returns is
 * declared in the contract (`JobResult`), since the console reads it. Both
 * ends parse what crosses the thread boundary: the manager a job's
 * parameters before it starts a worker and every message a worker sends
 * back, the worker its request.
 */
import { z } from 'zod';
import { JobResult, type JobKind } from '../../shared/contract.js';

/** The parameters of each kind of job. */
export const JobParams = {
  import: z.strictObject({
    folder: z.string().min(1),
    provider: z.string().optional(),
    /** Folders the import may read from; unset: any (see ImportOptions.importRoots). */
    importRoots: z.array(z.string()).readonly().optional(),
    /** For uploaded files: where each came from, by interchange name. */
    origins: z.record(z.string(), z.string()).readonly().optional(),
    reason: z.string().optional(),
    dryRun: z.boolean().optional(),
    /** The folder is an upload of the job's own: removed when the job ends, whatever happens. */
    removeAfter: z.boolean().optional(),
  }),
  publish: z.strictObject({ proposalId: z.number().int().positive(), reason: z.string(), fairnessAcknowledgement: z.string().optional() }),
  /**
   * A draft ruleset as the console sent it: any JSON (the simulation itself
   * reports what is wrong with it), but nothing a thread boundary or a JSON
   * file could not carry.
   */
  simulate: z.strictObject({ ruleset: z.unknown().pipe(z.json()) }),
  recompute: z.strictObject({ asOf: z.string().optional() }),
  demo: z.strictObject({ citizens: z.number().int().positive(), seed: z.number().int().nonnegative() }),
} as const satisfies Record<JobKind, z.ZodType>;

/** What a caller passes to start a job of kind K. */
export type JobParamsInput<K extends JobKind> = z.input<(typeof JobParams)[K]>;

function jobOf<K extends JobKind>(kind: K) {
  return z.strictObject({ kind: z.literal(kind), params: JobParams[kind] });
}
/** A job: its kind and that kind's parameters, checked together. */
export const Job = z.discriminatedUnion('kind', [jobOf('import'), jobOf('publish'), jobOf('simulate'), jobOf('recompute'), jobOf('demo')]);
export type Job = z.infer<typeof Job>;

/** What the manager hands a worker (its workerData). */
export const JobRequest = z.strictObject({
  job: Job,
  dbFile: z.string().min(1),
  /** The database's raw key in hex, when it is encrypted. */
  keyHex: z
    .string()
    .regex(/^([0-9a-f]{2})+$/)
    .optional(),
  resources: z.string().min(1),
  actor: z.string().min(1),
  /** Int32Array[0] set to 1 asks the job to stop (checked at every progress report); [1] set by the worker once the job's work returned. */
  cancel: z.instanceof(SharedArrayBuffer),
});
export type JobRequest = z.infer<typeof JobRequest>;

/** The messages a worker running a job of kind K sends back; `done` carries that kind's result. */
export function jobMessage<K extends JobKind>(kind: K) {
  return z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('progress'), phase: z.string(), done: z.number().finite(), total: z.number().finite() }),
    z.strictObject({ type: z.literal('done'), result: JobResult[kind] }),
    /** `error` in English; `key` and `params` (server catalog) when the failure is keyed. */
    z.strictObject({ type: z.literal('failed'), error: z.string(), key: z.string().optional(), params: z.record(z.string(), z.unknown()).optional() }),
    z.strictObject({ type: z.literal('cancelled') }),
  ]);
}
export type JobMessage<K extends JobKind = JobKind> = z.infer<ReturnType<typeof jobMessage<K>>>;

/** Where a value broke its schema, field by field: `folder: expected string, received number`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(the whole value)'}: ${i.message}`)
    .join('; ');
}

/** A job's parameters outside its kind's schema: a caller's mistake, refused before any worker starts. */
export class JobParamsError extends Error {
  constructor(kind: string, error: z.ZodError) {
    super(`${kind} job refused: its parameters do not fit its schema: ${describeIssues(error)}`);
  }
}

/** Checks a job's parameters against its kind's schema: the parsed job, or a JobParamsError naming the kind and the field. */
export function parseJob(kind: JobKind, params: unknown): Job {
  const parsed = Job.safeParse({ kind, params });
  if (!parsed.success) throw new JobParamsError(kind, parsed.error);
  return parsed.data;
}
