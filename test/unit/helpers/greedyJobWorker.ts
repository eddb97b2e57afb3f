/**
 * A job worker that eats memory: it opens the database, starts a write
 * transaction, inserts citizens, reports progress, then allocates without
 * end. What a job on a pathological input looks like to the job manager's
 * memory budget.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../../electron/db/connection.js';
import type { JobRequest } from '../../../electron/jobs/protocol.js';

const request = workerData as JobRequest;
const db = openDatabase(request.dbFile);
db.exec('BEGIN IMMEDIATE');
const insert = db.prepare('INSERT INTO citizens (citizen_id, name, district, birth_date) VALUES (?, ?, ?, NULL)');
for (let i = 0; i < 200; i++) insert.run(`GREEDY${String(i).padStart(6, '0')}`, `Greedy ${i}`, 'Nowhere');
parentPort!.postMessage({ type: 'progress', phase: 'eating memory', done: 1, total: 2 });
const hoard: number[][] = [];
for (;;) hoard.push(Array.from({ length: 100_000 }, (_, i) => i * 1.5));
