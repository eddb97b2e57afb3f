/**
 * A job worker that breaks the job protocol, the way a bug in a job or a
 * tampered worker would. Its actor says how:
 * - `garbled`: a progress report with a count as text, then it keeps
 *   working (spins) as a job mid-way would;
 * - `returned`: marks the job's work as returned (as the real worker does
 *   just before it reports done), then replies `done` with a result outside
 *   every kind's schema;
 * - anyone else: the same malformed `done`, without marking anything.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { JobRequest } from '../../../electron/jobs/protocol.js';

const request = JobRequest.parse(workerData);
parentPort!.postMessage({ type: 'progress', phase: 'pretending', done: 1, total: 2 });
if (request.actor === 'garbled') {
  parentPort!.postMessage({ type: 'progress', phase: 'pretending', done: 'half', total: 2 });
  let spin = 0;
  for (;;) spin = (spin + 1) % 1_000_003;
}
if (request.actor === 'returned') Atomics.store(new Int32Array(request.cancel), 1, 1);
parentPort!.postMessage({ type: 'done', result: { ok: 'yes', problems: 'none', changed: 'many', counts: null, asOf: 20270101, citizens: '5000' } });
