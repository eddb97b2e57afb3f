/** Messages between the job manager (main thread) and a job worker. */
import type { JobKind } from '../../shared/contract.js';

export interface JobRequest {
  kind: JobKind;
  dbFile: string;
  /** The database's raw key in hex, when it is encrypted. */
  keyHex?: string;
  resources: string;
  actor: string;
  params: Record<string, unknown>;
  /** Int32Array[0] set to 1 asks the job to stop (checked at every progress report); [1] set by the worker once the job's work returned. */
  cancel: SharedArrayBuffer;
}

export type JobMessage =
  | { type: 'progress'; phase: string; done: number; total: number }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; error: string }
  | { type: 'cancelled' };
