/**
 * A recompute's ledger entries hashed beside the writer: a worker thread
 * (ledgerHashWorker.ts), started before the scores are written so it is
 * ready when the entries are, hashes the entries batch by batch while the
 * writing thread inserts the batches already hashed (appendLedgerEntries).
 * On two cores, a million-citizen recompute's two SHA-256 per entry (its
 * ledger hash and the content hash its chain seal takes in) come off the
 * writing thread.
 *
 * The worker starts from the head of the ledger read when it was started;
 * appendLedgerEntries uses its hashes only if that is still the head when
 * it appends, and hashes in its own thread any batch the worker did not
 * answer (it failed, or was stopped). The entries are the same, so the
 * hashes are the ones the writing thread would compute: the ledger and its
 * seals are the same either way, only faster.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { chainedColumns } from './chainContent.js';
import type { Db } from './connection.js';
import { LEDGER_COLUMNS, LEDGER_HASH_BATCH, ledgerTail, type LedgerEntryInput } from './ledger.js';
import { getOperation, operationDigest } from './operations.js';
import { ANSWERED, FAILED, RUNNING, type LedgerHashInput, type LedgerHashReply, type LedgerHashRequest } from './ledgerHashWorker.js';

const TICK_MS = 100;

export interface LedgerHashes {
  /** The ledger's head the worker started from: appendLedgerEntries uses its hashes only if it is still the head. */
  readonly ledger: { seq: number; hash: string };
  /** Sends every entry to the worker, in batches (once). */
  send(entries: readonly LedgerEntryInput[]): void;
  /** Batch `batch`'s hashes (LEDGER_HASHES_WIDTH characters per entry), waiting for them; null if the worker cannot give them. */
  take(batch: number): string | null;
  /** The batch just taken did not agree with the entries (its hashes are not used). */
  rejected(): void;
  /** Stops the worker (idempotent). */
  stop(): void;
}

/** Worker threads started and not yet exited (tests: none may be left behind). */
let running = 0;
export function runningLedgerHashers(): number {
  return running;
}

/** Batches whose hashes, given by a worker, were used so far in this process (tests: the worker's hashes were really used). */
let used = 0;
export function usedLedgerBatches(): number {
  return used;
}

/** A worker that has not begun by then never will (its thread could not start): the entries are hashed here. */
const START_LIMIT_MS = 30_000;

/**
 * The worker sits beside this module: ledgerHashWorker.mjs beside the
 * bundle, the .ts source through tsx (loader flags do not reach worker
 * threads on Node 20). A bootstrap loads it and, should loading fail,
 * raises the failed flag, so the writing thread never waits on a worker
 * that cannot answer.
 */
function spawn(workerData: LedgerHashInput): Worker {
  const source = extname(fileURLToPath(import.meta.url)) === '.ts';
  const url = new URL(source ? './ledgerHashWorker.ts' : './ledgerHashWorker.mjs', import.meta.url);
  const load = source ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })` : `import(${JSON.stringify(url.href)})`;
  const bootstrap = `const { workerData: w } = require('node:worker_threads');
${load}.catch(() => {
  const flag = new Int32Array(w.flag);
  Atomics.store(flag, ${FAILED}, 1);
  Atomics.notify(flag, ${ANSWERED});
});`;
  return new Worker(bootstrap, { eval: true, workerData, transferList: [workerData.port], resourceLimits: { maxOldGenerationSizeMb: 512 } });
}

/**
 * Starts a worker that will hash ledger entries of `operationId` appended
 * after the ledger's present head. Call inside the write
 * transaction that will append them.
 */
export function startLedgerHasher(db: Db, operationId: number): LedgerHashes | null {
  if (!db.inTransaction) throw new Error('ledger entries are hashed ahead only inside the write transaction that appends them');
  const op = getOperation(db, operationId);
  if (!op) throw new Error(`ledger entries refer to unknown operation ${operationId}`);
  const tail = ledgerTail(db);
  const ledger = { seq: tail.lastSeq, hash: tail.head };
  const { columns } = chainedColumns(db, 'ledger', LEDGER_COLUMNS);
  const flagBuffer = new SharedArrayBuffer(12);
  const flag = new Int32Array(flagBuffer);
  const channel = new MessageChannel();
  let worker: Worker | null;
  try {
    worker = spawn({ ledgerHashWorker: true, ledger, columns, digests: [[operationId, operationDigest(op)]], flag: flagBuffer, port: channel.port2 });
  } catch {
    channel.port1.close();
    return null;
  }
  running++;
  worker.once('exit', () => running--);
  worker.unref();
  // A failure shows as a batch that never comes: take() gives null once the worker stopped or raised its failed flag.
  worker.on('error', () => Atomics.store(flag, FAILED, 1));
  const started = performance.now();
  const replies = new Map<number, string>();
  let sent = 0;
  const stop = () => {
    if (!worker) return;
    void worker.terminate();
    worker = null;
    channel.port1.close();
  };
  return {
    ledger,
    send(entries) {
      if (!worker || sent > 0) return;
      for (let from = 0; from < entries.length; from += LEDGER_HASH_BATCH) {
        const batch: (string | number | null)[] = [];
        for (const e of entries.slice(from, from + LEDGER_HASH_BATCH)) {
          batch.push(e.citizenId, e.operationId, e.oldCents, e.newCents, e.oldTier, e.newTier, e.rulesetVersion, e.cause, JSON.stringify(e.causeFriends));
        }
        channel.port1.postMessage({ batch: sent++, entries: batch } satisfies LedgerHashRequest);
      }
    },
    take(batch) {
      for (;;) {
        for (let m = worker ? receiveMessageOnPort(channel.port1) : undefined; m; m = receiveMessageOnPort(channel.port1)) {
          const reply = m.message as LedgerHashReply;
          replies.set(reply.batch, reply.hashes);
        }
        const hashes = replies.get(batch);
        if (hashes !== undefined) {
          replies.delete(batch);
          used++;
          return hashes;
        }
        if (!worker || batch >= sent || Atomics.load(flag, FAILED) === 1) return null;
        if (Atomics.load(flag, RUNNING) === 0 && performance.now() - started > START_LIMIT_MS) return null;
        Atomics.wait(flag, ANSWERED, Atomics.load(flag, ANSWERED), TICK_MS);
      }
    },
    rejected() {
      used--;
    },
    stop,
  };
}
