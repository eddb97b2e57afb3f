/**
 * One large read run beside the calling thread's own work: a worker thread
 * opens the same file read-only on a second connection and runs one query
 * while this thread goes on reading; the answer is awaited synchronously (a
 * recompute is one synchronous transaction). On two cores, a full
 * recompute's rule totals are summed while the friendships and the stored
 * scores are read.
 *
 * What the second connection sees is the last commit (WAL). Inside a
 * writable connection's transaction, which took the write lock at BEGIN
 * (connection.ts), nobody else can commit, so the last commit is the state
 * the transaction began with: the answer is the one this connection would
 * get only for tables the transaction has not written. startCommittedRead
 * is therefore only for a caller that has not written (and will not have
 * written, before the answer is used) what the query reads; it refuses to
 * run outside a transaction, where the two could differ by any commit.
 *
 * A worker that cannot answer (the file cannot be opened, the key does not
 * fit, the query fails) gives null, and the caller reads in its own thread:
 * the answer is then slower, never different.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { databaseKey, type Db } from './connection.js';
import { keyPragmas } from './encryption.js';

export interface CommittedRead {
  /**
   * Waits for the answer: `{ value }`, or null when the worker could not
   * give one. Calls `tick` about every 100 ms meanwhile; if `tick` throws
   * (a cancelled job), the worker is stopped and the error goes on.
   */
  wait(tick?: () => void): { value: unknown } | null;
  /** Stops the worker without its answer (idempotent). */
  stop(): void;
}

type Params = Record<string, number | string | null>;

/** The flag's states: the worker raises it to RUNNING when its script starts, to ANSWERED once the answer is on its port. */
const STARTING = 0;
const RUNNING = 1;
const ANSWERED = 2;

/**
 * The worker's script, plain JavaScript run by `eval` so that it is the same
 * from source and from the bundle, with no loader to start (a TypeScript
 * loader costs more than the read saves at 100k citizens). It needs only
 * the SQLite driver, required by the path this module resolves. Whatever
 * happens, it answers on its port and raises the flag.
 */
const SCRIPT = `
const { workerData: w } = require('node:worker_threads');
const flag = new Int32Array(w.flag);
Atomics.store(flag, 0, ${RUNNING});
let reply;
try {
  const Database = require(w.driver);
  const db = new Database(w.file, { readonly: true, fileMustExist: true });
  try {
    for (const p of w.pragmas) db.pragma(p);
    reply = { ok: true, value: db.prepare(w.sql).pluck().get(w.params) };
  } finally {
    db.close();
  }
} catch (err) {
  reply = { ok: false, message: String((err && err.message) || err) };
}
w.port.postMessage(reply);
w.port.close();
Atomics.store(flag, 0, ${ANSWERED});
Atomics.notify(flag, 0);
`;

/** Heap of the worker: the answer is one value (a packed text of tens of MiB at a million citizens). */
const WORKER_HEAP_MB = 1024;
const TICK_MS = 100;
/** A worker whose script has not started by then never will (its thread could not start): the caller reads alone. */
const START_LIMIT_MS = 30_000;
/** The writer's settings for a large read: the same page cache, sorts in memory. */
const READ_PRAGMAS = ['cache_size = -262144', 'temp_store = MEMORY'];

let driver: string | undefined;

/** Worker threads started and not yet exited (tests: none may be left behind). */
let running = 0;
export function runningCommittedReads(): number {
  return running;
}

/** Answers given by a worker so far in this process (tests: a read beside did not quietly fall back to the caller's thread). */
let answered = 0;
export function answeredCommittedReads(): number {
  return answered;
}

/**
 * Starts `sql` (one row, one column: its value is the answer) with `params`
 * on a read-only connection to `db`'s file in a worker thread. Null when
 * there is no file to share (an in-memory database) or no thread could be
 * started.
 */
export function startCommittedRead(db: Db, sql: string, params: Params): CommittedRead | null {
  if (!db.inTransaction) throw new Error('a committed read runs inside the write transaction whose starting state it reads');
  if (db.memory || db.name === '') return null;
  driver ??= createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');
  const key = databaseKey(db);
  const pragmas = [...(key && 'raw' in key ? keyPragmas(key.raw) : []), ...READ_PRAGMAS];
  const flagBuffer = new SharedArrayBuffer(4);
  const flag = new Int32Array(flagBuffer);
  const channel = new MessageChannel();
  let worker: Worker | null;
  try {
    worker = new Worker(SCRIPT, {
      eval: true,
      workerData: { driver, file: db.name, pragmas, sql, params, flag: flagBuffer, port: channel.port2 },
      transferList: [channel.port2],
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
  } catch {
    channel.port1.close();
    return null;
  }
  running++;
  worker.once('exit', () => running--);
  // It keeps no process alive: the waiting thread holds it until the answer.
  worker.unref();
  // A failure reaches wait() through the flag and the port (or the start limit); the event would come too late to matter.
  worker.on('error', () => undefined);
  const stop = () => {
    if (!worker) return;
    void worker.terminate();
    worker = null;
    channel.port1.close();
  };
  return {
    stop,
    wait(tick) {
      if (!worker) throw new Error('this committed read was stopped');
      try {
        const started = performance.now();
        while (Atomics.load(flag, 0) !== ANSWERED) {
          if (Atomics.wait(flag, 0, Atomics.load(flag, 0), TICK_MS) === 'timed-out') tick?.();
          if (Atomics.load(flag, 0) === STARTING && performance.now() - started > START_LIMIT_MS) return null;
        }
        const got = receiveMessageOnPort(channel.port1) as { message: { ok: true; value: unknown } | { ok: false; message: string } } | undefined;
        if (!got?.message.ok) return null;
        answered++;
        return { value: got.message.value };
      } finally {
        stop();
      }
    },
  };
}
