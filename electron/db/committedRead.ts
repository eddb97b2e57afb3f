/**
 * One large read shared with a worker thread: the read is cut into chunks
 * (one query, a parameter set per chunk); the worker opens the same file
 * read-only on a second connection and takes chunks from the front while
 * this thread does its own work, then this thread takes the chunks left
 * from the back on its own connection, and both meet in the middle. All of
 * it is synchronous (a recompute is one synchronous transaction). On two
 * cores, a full recompute's rule totals are summed while the friendships
 * and the stored scores are read, and the last of them by both threads.
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
 * A chunk the worker cannot answer (the file cannot be opened, the key does
 * not fit, the query fails) is read by this thread instead: the answer is
 * then slower, never different.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { databaseKey, type Db } from './connection.js';
import { keyPragmas } from './encryption.js';

export interface CommittedRead {
  /**
   * Reads the chunks nobody has taken yet, from the back, with `here` (this
   * thread's own connection), then waits for the worker's: every chunk's
   * value, in chunk order. Calls `tick` about every 100 ms while waiting;
   * if `tick` throws (a cancelled job), the worker is stopped and the error
   * goes on. Once per read. `workerFirst` (tests: both threads then read
   * chunks even on a tiny database): this thread first waits until the
   * worker has taken a chunk (or given up, or WORKER_FIRST_LIMIT_MS passed).
   */
  finish(here: (params: Params, chunk: number) => unknown, tick?: () => void, options?: { workerFirst?: boolean }): unknown[];
  /** Stops the worker without its answers (idempotent). */
  stop(): void;
}

export type Params = Record<string, number | string | null>;

/** The flag's states: 0 until the worker's script starts, then RUNNING, then DONE once it takes no more chunks. */
const RUNNING = 1;
const DONE = 2;

/**
 * The chunks not taken yet, [front, back), in one 32-bit word (front in the
 * low half, back in the high half) so that either end is taken by one
 * compare-and-swap: the worker takes the front, this thread the back.
 */
const HALF = 0x10000;
const MAX_CHUNKS = HALF - 1;

/**
 * The worker's script, plain JavaScript run by `eval` so that it is the same
 * from source and from the bundle, with no loader to start (a TypeScript
 * loader costs more than the read saves at 100k citizens). It needs only
 * the SQLite driver, required by the path this module resolves. It posts
 * each chunk's value as it is read, or the failure that stops it, and
 * raises the flag whatever happens.
 */
const SCRIPT = `
const { workerData: w } = require('node:worker_threads');
const flag = new Int32Array(w.flag);
const left = new Int32Array(w.left);
Atomics.store(flag, 0, ${RUNNING});
function take() {
  for (;;) {
    const word = Atomics.load(left, 0);
    const front = word & 0xffff;
    const back = word >>> 16;
    if (front >= back) return -1;
    if (Atomics.compareExchange(left, 0, word, (back << 16) | (front + 1)) === word) return front;
  }
}
let db = null;
try {
  let statement = null;
  for (let k = take(); k >= 0; k = take()) {
    // Opened once a chunk is taken: a failure to open leaves that chunk to the caller, like any failed read.
    if (!statement) {
      const Database = require(w.driver);
      db = new Database(w.file, { readonly: true, fileMustExist: true });
      for (const p of w.pragmas) db.pragma(p);
      statement = db.prepare(w.sql).pluck();
    }
    w.port.postMessage({ ok: true, chunk: k, value: statement.get(w.chunks[k]) });
  }
} catch (err) {
  w.port.postMessage({ ok: false, message: String((err && err.message) || err) });
} finally {
  if (db) db.close();
}
w.port.close();
Atomics.store(flag, 0, ${DONE});
Atomics.notify(flag, 0);
`;

/** Heap of the worker: a chunk's value is a packed text of a few MiB at a million citizens. */
const WORKER_HEAP_MB = 1024;
const TICK_MS = 100;
/** How long `workerFirst` waits for the worker to take a chunk. */
const WORKER_FIRST_LIMIT_MS = 10_000;
/**
 * Settings for one pass over a large table: a page cache of 32 MiB (each
 * page is read once; the writer's 256 MiB would only add to the process's
 * memory), sorts in memory.
 */
const READ_PRAGMAS = ['cache_size = -32768', 'temp_store = MEMORY'];

let driver: string | undefined;

/** Worker threads started and not yet exited (tests: none may be left behind). */
let running = 0;
export function runningCommittedReads(): number {
  return running;
}

/** Chunks read by a worker so far in this process (tests: a read beside did not quietly fall back to the caller's thread). */
let answered = 0;
export function answeredCommittedReads(): number {
  return answered;
}

type Reply = { ok: true; chunk: number; value: unknown } | { ok: false; message: string };

/**
 * Starts reading `sql` (one row, one column: its value is the chunk's
 * answer) once per parameter set of `chunks` in a worker thread on a
 * read-only connection to `db`'s file. Null when there is no file to share
 * (an in-memory database) or no thread could be started: the caller reads
 * every chunk itself.
 */
export function startCommittedRead(db: Db, sql: string, chunks: readonly Params[]): CommittedRead | null {
  if (!db.inTransaction) throw new Error('a committed read runs inside the write transaction whose starting state it reads');
  if (chunks.length > MAX_CHUNKS) throw new Error(`a committed read takes at most ${MAX_CHUNKS} chunks, given ${chunks.length}`);
  if (db.memory || db.name === '') return null;
  driver ??= createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');
  const key = databaseKey(db);
  const pragmas = [...(key && 'raw' in key ? keyPragmas(key.raw) : []), ...READ_PRAGMAS];
  const flagBuffer = new SharedArrayBuffer(4);
  const flag = new Int32Array(flagBuffer);
  const leftBuffer = new SharedArrayBuffer(4);
  const left = new Int32Array(leftBuffer);
  Atomics.store(left, 0, chunks.length << 16);
  const channel = new MessageChannel();
  let worker: Worker | null;
  try {
    worker = new Worker(SCRIPT, {
      eval: true,
      workerData: { driver, file: db.name, pragmas, sql, chunks, flag: flagBuffer, left: leftBuffer, port: channel.port2 },
      transferList: [channel.port2],
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
  } catch {
    channel.port1.close();
    return null;
  }
  running++;
  worker.once('exit', () => running--);
  // It keeps no process alive: the waiting thread holds it until its answers.
  worker.unref();
  // A failure reaches finish() through the port and the flag; the event would come too late to matter.
  worker.on('error', () => undefined);
  const stop = () => {
    if (!worker) return;
    void worker.terminate();
    worker = null;
    channel.port1.close();
  };
  /** Takes the last chunk nobody has taken, or -1. */
  const takeBack = (): number => {
    for (;;) {
      const word = Atomics.load(left, 0);
      const front = word & 0xffff;
      const back = word >>> 16;
      if (front >= back) return -1;
      if (Atomics.compareExchange(left, 0, word, ((back - 1) << 16) | front) === word) return back - 1;
    }
  };
  return {
    stop,
    finish(here, tick, options = {}) {
      if (!worker) throw new Error('this committed read was stopped');
      const values = new Array<unknown>(chunks.length);
      const have = new Uint8Array(chunks.length);
      try {
        if (options.workerFirst) {
          const since = performance.now();
          while ((Atomics.load(left, 0) & 0xffff) === 0 && Atomics.load(flag, 0) !== DONE && performance.now() - since < WORKER_FIRST_LIMIT_MS) Atomics.wait(flag, 0, Atomics.load(flag, 0), 5);
        }
        for (let k = takeBack(); k >= 0; k = takeBack()) {
          values[k] = here(chunks[k], k);
          have[k] = 1;
        }
        // Nothing is left to take: the worker took [0, front).
        const front = Atomics.load(left, 0) & 0xffff;
        const drain = () => {
          for (let m = receiveMessageOnPort(channel.port1); m; m = receiveMessageOnPort(channel.port1)) {
            const reply = m.message as Reply;
            if (reply.ok) {
              values[reply.chunk] = reply.value;
              have[reply.chunk] = 1;
              answered++;
            }
          }
        };
        const missing = () => have.subarray(0, front).includes(0);
        drain();
        while (missing() && Atomics.load(flag, 0) !== DONE) {
          if (Atomics.wait(flag, 0, Atomics.load(flag, 0), TICK_MS) === 'timed-out') tick?.();
          drain();
        }
        drain();
        // Chunks the worker took and could not read (it failed): read here.
        for (let k = 0; k < front; k++) {
          if (!have[k]) {
            values[k] = here(chunks[k], k);
            have[k] = 1;
          }
        }
        return values;
      } finally {
        stop();
      }
    },
  };
}
