/**
 * Runs eventWorker.ts for one events file and feeds its batches, in order, to
 * the importing thread's writer. The thread may be started before the file
 * is known (an import starts it when it begins, so it loads its code while
 * citizens and friendships are written) and is given the file later. Resolves with the file's SHA-256 and size;
 * rejects with the file's FileFormatError, the first error of a handler
 * (a cancel thrown by a progress report), or the worker's own failure, and
 * terminates the worker in every case.
 */
import type { ProblemText } from '../../shared/englishText.js';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FileFormatError } from './csvSource.js';
import { unpackChunk, type EventChunk } from './eventBatch.js';
import type { EventWorkerInput, EventWorkerMessage } from './eventWorker.js';

export interface EventBatchSink {
  onBytes(n: number): void;
  /** A batch: problems [line, message] and chunks of valid rows, each in line order. */
  batch(problems: [number, ProblemText][], chunks: EventChunk[]): void;
}

/** Heap of the worker: the citizen index (a million ids) and a few batches in flight. */
const WORKER_HEAP_MB = 1024;
/**
 * Its young generation: nearly everything the worker allocates (parsed
 * fields, data objects, content texts) dies within a batch, so a large
 * nursery is scavenged less often for the same garbage. On the 2M events of
 * the 100k bench population, 256 MB instead of 64 MB took the worker's CPU
 * from 14.5 s to 12.9 s.
 */
const WORKER_YOUNG_MB = 256;

/**
 * The worker sits beside this module: eventWorker.mjs beside the bundle,
 * eventWorker.ts when run from source, where a bootstrap registers tsx in
 * the worker first (loader flags do not reach worker threads on Node 20).
 */
function spawn(workerData: { inFlight: SharedArrayBuffer; eventWorker: true }): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB };
  if (ext !== '.ts') return new Worker(new URL('./eventWorker.mjs', import.meta.url), { workerData, resourceLimits });
  const url = new URL('./eventWorker.ts', import.meta.url);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits });
}

/** A worker thread started ahead of its file (it loads its code meanwhile), then given one events file to read. */
export interface EventWorker {
  /** Reads the file: batches go to `sink`; resolves with the file's SHA-256 and size. Once per worker. */
  read(input: Omit<EventWorkerInput, 'inFlight'>, sink: EventBatchSink): Promise<{ sha256: string; bytes: number }>;
  /** Stops the thread, whether it read a file or not (a read in progress rejects). */
  close(): void;
}

/** Worker threads started and not yet exited (an import must leave none behind, whatever its outcome). */
let running = 0;
export function runningEventWorkers(): number {
  return running;
}

export function startEventWorker(): EventWorker {
  const inFlight = new SharedArrayBuffer(4);
  const flags = new Int32Array(inFlight);
  const worker = spawn({ inFlight, eventWorker: true });
  running++;
  worker.once('exit', () => running--);
  // Idle, it keeps no process alive (one that never reads, closed or not, cannot hang an exit); reading, it does.
  worker.unref();
  let closed = false;
  let used = false;
  /** A failure before the read began, or the running read's failure handler. */
  let early: Error | null = null;
  let onFailure: ((err: Error) => void) | null = null;
  const failed = (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    if (onFailure) onFailure(e);
    else early ??= e;
  };
  worker.on('error', failed);
  worker.on('exit', (code) => failed(new Error(`the import's worker thread stopped unexpectedly (exit code ${code})`)));
  const close = () => {
    if (closed) return;
    closed = true;
    void worker.terminate();
  };
  return {
    close,
    read(input, sink) {
      if (used) throw new Error('an event worker reads one file');
      used = true;
      return new Promise((resolve, reject) => {
        let settled = false;
        const fail = (err: Error) => {
          if (settled) return;
          settled = true;
          close();
          reject(err);
        };
        if (early || closed) {
          fail(early ?? new Error("the import's worker thread was stopped before it read the file"));
          return;
        }
        onFailure = fail;
        worker.ref();
        worker.on('message', (m: EventWorkerMessage) => {
          if (settled) return;
          try {
            if (m.type !== 'failed' && m.bytes > 0) sink.onBytes(m.bytes);
            if (m.type === 'batch') {
              sink.batch(
                m.problems,
                m.chunks.map((c) => unpackChunk(c, input.operationId)),
              );
              Atomics.sub(flags, 0, 1);
              Atomics.notify(flags, 0);
            } else if (m.type === 'done') {
              settled = true;
              close();
              resolve({ sha256: m.sha256, bytes: m.fileBytes });
            } else if (m.type === 'formatError') fail(new FileFormatError(m.message, m.line));
            else fail(new Error(`reading the events file failed: ${m.message}`));
          } catch (err) {
            fail(err instanceof Error ? err : new Error(String(err)));
          }
        });
        worker.postMessage(input);
      });
    },
  };
}

/** Starts a worker and reads one events file with it. */
export function readEventsInWorker(input: Omit<EventWorkerInput, 'inFlight'>, sink: EventBatchSink): Promise<{ sha256: string; bytes: number }> {
  return startEventWorker().read(input, sink);
}
