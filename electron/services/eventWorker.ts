/**
 * The worker thread of a large import's events file: reads it (UTF-8 and
 * size checks, SHA-256), parses and validates each row, evaluates the
 * scoring ruleset's rules on it and hashes its chain content, then hands
 * batches to the importing thread, which writes them in its transaction
 * (eventBatch.ts). The CPU work runs beside the writes instead of between
 * them; the result is the one the importing thread would reach alone
 * (import.ts runs the same functions in-thread for small files).
 *
 * At most MAX_IN_FLIGHT batches wait to be written: the worker blocks until
 * the importing thread catches up, so memory stays bounded whatever the
 * file's size. The importing thread terminates the worker on cancel.
 *
 * The content hashing goes to whichever thread would otherwise wait: a chunk
 * begun while the importing thread has HASH_FROM_QUEUED batches or more to
 * write is hashed here; one begun while it has fewer (it is waiting for this
 * thread) is sent unhashed, and the importing thread hashes it. On two
 * cores the two threads then finish close together.
 */
import type { ProblemText, Said } from '../../shared/englishText.js';
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { EventKindSpec } from '../../shared/domain.js';
import type { ChainColumn } from '../db/chainContent.js';
import { sha256Hex } from '../db/chain.js';
import { validateRuleset } from '../engine/rules.js';
import { evaluateEvent } from './contributions.js';
import { FileFormatError, readCsv, readJsonLines } from './csvSource.js';
import { ChunkPacker, eventContentText, ROWS_PER_STATEMENT, type PackedEventChunk } from './eventBatch.js';
import { checkEventRow, csvRecord, EVENT_CSV_COLUMNS, jsonLineRecord, type EventLine } from './eventRows.js';

export interface EventWorkerInput {
  path: string;
  jsonl: boolean;
  maxLine: number;
  maxBytes: number;
  kinds: EventKindSpec[];
  /** Every citizen id the import knows (stored and just imported), with its index. */
  citizenIds: string[];
  citizenIdx: Int32Array;
  /** The scoring ruleset's spec (compiled here), or null: no ruleset published, nothing to evaluate. */
  ruleset: unknown;
  columns: ChainColumn[];
  operationId: number;
  /** The index of the first new event; each valid row takes the next one, in file order. */
  firstIdx: number;
  /** [0]: batches sent and not yet written. */
  inFlight: SharedArrayBuffer;
}

export type EventWorkerMessage =
  | { type: 'batch'; bytes: number; problems: [number, ProblemText][]; chunks: PackedEventChunk[] }
  | { type: 'done'; bytes: number; sha256: string; fileBytes: number }
  | { type: 'formatError'; bytes: number; message: string | Said; line?: number }
  | { type: 'failed'; message: string };

/** Batches (of BATCH_LINES lines) waiting to be written at most: enough for the worker to go on while the importing thread reads the scoring's network ahead (import.ts). */
export const MAX_IN_FLIGHT = 16;
/** Batches waiting to be written from which this thread hashes the chunks it begins (fewer: the writing thread hashes them). */
export const HASH_FROM_QUEUED = 2;
const BATCH_LINES = 4096;

function run(input: EventWorkerInput, post: (m: EventWorkerMessage) => void): Promise<void> {
  const citizens = new Map<string, number>();
  input.citizenIds.forEach((id, k) => citizens.set(id, input.citizenIdx[k]));
  const kinds = new Map(input.kinds.map((k) => [k.kind, k]));
  let ruleset = null;
  if (input.ruleset !== null) {
    const compiled = validateRuleset(input.ruleset, kinds);
    if (!compiled.ok) throw new Error(`the scoring ruleset no longer validates: ${compiled.problems[0].message}`);
    ruleset = compiled.ruleset;
  }
  const contentText = eventContentText(input.columns);
  const lookups = { citizenIdx: (id: string) => citizens.get(id), kind: (name: string) => kinds.get(name) };
  const flags = new Int32Array(input.inFlight);
  const hash = createHash('sha256');
  let fileBytes = 0;
  let bytes = 0;
  let nextIdx = input.firstIdx;
  const newChunk = () => new ChunkPacker(Atomics.load(flags, 0) >= HASH_FROM_QUEUED);
  let problems: [number, ProblemText][] = [];
  let chunks: PackedEventChunk[] = [];
  let chunk = newChunk();
  /** Lines held: problems and rows. */
  let held = 0;

  const send = () => {
    for (;;) {
      const waiting = Atomics.load(flags, 0);
      if (waiting < MAX_IN_FLIGHT) break;
      Atomics.wait(flags, 0, waiting, 200);
    }
    Atomics.add(flags, 0, 1);
    if (chunk.rows > 0) chunks.push(chunk.packed());
    post({ type: 'batch', bytes, problems, chunks });
    bytes = 0;
    problems = [];
    chunks = [];
    chunk = newChunk();
    held = 0;
  };
  const onLine = (l: EventLine) => {
    if ('problem' in l) problems.push([l.line, l.problem]);
    else {
      const checked = checkEventRow(l.line, l.record, lookups);
      if ('problem' in checked) problems.push([l.line, checked.problem]);
      else {
        const idx = nextIdx++;
        const c = chunk;
        c.add(l.line, idx, checked, c.hashed ? sha256Hex(contentText(checked, idx, input.operationId)) : null);
        let n = 0;
        if (ruleset) {
          for (const [rule, points, error] of evaluateEvent(ruleset, kinds, checked.kind, checked.value)) {
            c.contribution(checked.citizenIdx, rule, idx, checked.ms, points, error);
            n++;
          }
        }
        c.counted(n);
        if (c.rows === ROWS_PER_STATEMENT) {
          chunks.push(c.packed());
          chunk = newChunk();
        }
      }
    }
    if (++held >= BATCH_LINES) send();
  };
  const reading = {
    onChunk: (chunk: Buffer) => {
      hash.update(chunk);
      fileBytes += chunk.length;
    },
    onBytes: (n: number) => {
      bytes += n;
    },
    maxLine: input.maxLine,
    maxBytes: input.maxBytes,
  };
  const read = input.jsonl
    ? (async () => {
        for await (const row of readJsonLines(input.path, reading)) onLine(jsonLineRecord(row.line, row.value, row.error));
      })()
    : readCsv(input.path, EVENT_CSV_COLUMNS, (row) => onLine(row.ragged ? { line: row.line, problem: row.ragged } : { line: row.line, record: csvRecord(row.fields) }), reading);
  return read.then(
    () => {
      if (held > 0) send();
      post({ type: 'done', bytes, sha256: hash.digest('hex'), fileBytes });
    },
    (err: unknown) => {
      if (!(err instanceof FileFormatError)) throw err;
      if (held > 0) send();
      post({ type: 'formatError', bytes, message: err.said ?? err.message, line: err.line });
    },
  );
}

if (parentPort && (workerData as { eventWorker?: boolean } | null)?.eventWorker) {
  const port = parentPort;
  // The chunks' numbers are moved to the writing thread, not copied.
  const post = (m: EventWorkerMessage) => port.postMessage(m, m.type === 'batch' ? m.chunks.flatMap((c) => [c.numbers.buffer as ArrayBuffer, c.contributions.buffer as ArrayBuffer]) : []);
  const { inFlight } = workerData as { inFlight: SharedArrayBuffer };
  // Started ahead of its file: the file's description comes as the first message.
  port.once('message', (input: Omit<EventWorkerInput, 'inFlight'>) => {
    try {
      run({ ...input, inFlight }, post).catch((err: unknown) => post({ type: 'failed', message: err instanceof Error ? err.message : String(err) }));
    } catch (err) {
      post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  });
}
