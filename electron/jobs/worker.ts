/**
 * A job worker thread: opens its own connection (WAL lets the main thread keep
 * reading), runs one job, reports progress, stops when asked. Cancellation
 * throws from the progress callback, so the job's transaction rolls back; a
 * job that does not stop is terminated by the manager, and its open
 * transaction dies with the connection.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/connection.js';
import { CancelledError } from '../services/scoring.js';
import { describeIssues, JobRequest, type JobMessage } from './protocol.js';
import { runJob } from './run.js';
import { keyed } from '../../shared/englishText.js';
import type { KeyedText } from '../../shared/keyedText.js';

const post = (m: JobMessage) => parentPort!.postMessage(m);

async function main(): Promise<void> {
  const parsed = JobRequest.safeParse(workerData);
  if (!parsed.success) {
    const said = keyed('job.badRequest', { detail: describeIssues(parsed.error) });
    post({ type: 'failed', error: said.message, key: said.key, params: said.params });
    return;
  }
  const request = parsed.data;
  const cancel = new Int32Array(request.cancel);
  const db = openDatabase(request.dbFile, request.keyHex ? { key: { raw: Buffer.from(request.keyHex, 'hex') } } : {});
  let last = 0;
  try {
    const result = await runJob(db, request.job, {
      actor: request.actor,
      resources: request.resources,
      onProgress: (phase, done, total) => {
        if (Atomics.load(cancel, 0) === 1) throw new CancelledError();
        const now = Date.now();
        if (now - last >= 100 || done >= total) {
          last = now;
          post({ type: 'progress', phase, done, total });
        }
      },
    });
    // Finished means committed: a cancel that arrived too late changes nothing,
    // and the manager no longer terminates a job whose work has returned.
    Atomics.store(cancel, 1, 1);
    post({ type: 'done', result });
  } catch (err) {
    if (err instanceof CancelledError) post({ type: 'cancelled' });
    else {
      // A refusal the services keyed goes to the console keyed; anything else is said as an internal failure with its text as detail.
      const said = (err as { keyed?: KeyedText }).keyed;
      post({ type: 'failed', error: (err as Error).message, ...(said && { key: said.key, ...(said.params && { params: said.params }) }) });
    }
  } finally {
    db.close();
  }
}

void main();
