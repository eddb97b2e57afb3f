/**
 * A job worker that never stops on its own: it opens the database, starts a
 * write transaction, inserts citizens, reports progress once, then spins
 * forever without reading its stop flag. What a runaway job (a pathological
 * input, a bug) looks like to the job manager.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../../electron/db/connection.js';
import type { JobRequest } from '../../../electron/jobs/protocol.js';

const request = workerData as JobRequest;
const db = openDatabase(request.dbFile);
db.exec('BEGIN IMMEDIATE');
const insert = db.prepare('INSERT INTO citizens (citizen_id, name, district, birth_date) VALUES (?, ?, ?, NULL)');
for (let i = 0; i < 500; i++) insert.run(`RUNAWAY${String(i).padStart(6, '0')}`, `Runaway ${i}`, 'Nowhere');
parentPort!.postMessage({ type: 'progress', phase: 'writing half a job', done: 1, total: 2 });
let spin = 0;
for (;;) spin = (spin + 1) % 1_000_003;
