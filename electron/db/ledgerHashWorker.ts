/**
 * The worker thread of ledgerHasher.ts: hashes a recompute's ledger entries,
 * batch by batch, while the writing thread inserts the batches before them.
 * For each entry, in order: its ledger hash (entryHash, after the ledger's
 * head) and the hash of its row's chain content (what its chain seal takes
 * in), exactly as appendLedgerEntries computes them in one thread. Each batch's hashes go back on the port, then the shared
 * counter of answered batches moves; a failure raises the failed flag.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { sha256Hex } from './chain.js';
import { chainContentText, type ChainColumn } from './chainContent.js';
import { entryHash, type LedgerCause, type LedgerRow } from './ledger.js';

export interface LedgerHashInput {
  ledgerHashWorker: true;
  /** The ledger's last entry. */
  ledger: { seq: number; hash: string };
  /** The ledger's chained columns (chainedColumns). */
  columns: ChainColumn[];
  /** The digest of each operation the entries may name. */
  digests: [number, string][];
  /** [ANSWERED]: batches answered; [FAILED]: 1 once the worker failed; [RUNNING]: 1 once it runs. */
  flag: SharedArrayBuffer;
  port: MessagePort;
}

/** The shared flag's slots. */
export const ANSWERED = 0;
export const FAILED = 1;
export const RUNNING = 2;

/** Per entry, in a batch: citizen id, operation id, old and new score, old and new tier, ruleset version, cause, cause friends (JSON text). */
export const ENTRY_WIDTH = 9;

export type LedgerHashRequest = { batch: number; entries: (string | number | null)[] };
/** Per entry, the ledger hash and the chain content hash, 64 hex digits each (LEDGER_HASHES_WIDTH). */
export type LedgerHashReply = { batch: number; hashes: string };

function run(input: LedgerHashInput): void {
  const flag = new Int32Array(input.flag);
  Atomics.store(flag, RUNNING, 1);
  const digests = new Map(input.digests);
  let ledgerSeq = input.ledger.seq;
  let ledgerHead = input.ledger.hash;
  let expected = 0;
  input.port.on('message', (m: LedgerHashRequest) => {
    try {
      if (m.batch !== expected) throw new Error(`ledger hashes: batch ${m.batch} came where ${expected} was expected`);
      expected++;
      const e = m.entries;
      let hashes = '';
      for (let k = 0; k < e.length; k += ENTRY_WIDTH) {
        const digest = digests.get(e[k + 1] as number);
        if (digest === undefined) throw new Error(`ledger hashes: operation ${String(e[k + 1])} was not given`);
        const r: LedgerRow = {
          seq: ledgerSeq + 1,
          citizen_id: e[k] as string,
          operation_id: e[k + 1] as number,
          old_score: e[k + 2] as number | null,
          new_score: e[k + 3] as number | null,
          old_tier: e[k + 4] as string | null,
          new_tier: e[k + 5] as string | null,
          ruleset_version: e[k + 6] as number,
          cause: e[k + 7] as LedgerCause,
          cause_friends: e[k + 8] as string,
          prev_hash: ledgerHead,
          hash: '',
        };
        r.hash = entryHash(r, digest);
        const content = sha256Hex(chainContentText('ledger', input.columns, r));
        hashes += r.hash + content;
        ledgerSeq = r.seq;
        ledgerHead = r.hash;
      }
      input.port.postMessage({ batch: m.batch, hashes } satisfies LedgerHashReply);
      Atomics.add(flag, ANSWERED, 1);
    } catch {
      // The writing thread hashes what is left itself: the reason would change nothing there.
      Atomics.store(flag, FAILED, 1);
      input.port.close();
    }
    Atomics.notify(flag, ANSWERED);
  });
}

const input = workerData as LedgerHashInput | null;
if (parentPort && input?.ledgerHashWorker) run(input);
