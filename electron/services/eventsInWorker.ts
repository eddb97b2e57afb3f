/**
 * Runs eventWorker.ts for one events file and feeds its batches, in order, to
 * the importing thread's writer. Resolves with the file's SHA-256 and size;
 * rejects with the file's FileFormatError, the first error of a handler
 * (a cancel thrown by a progress report), or the worker's own failure, and
 * terminates the worker in every case.
 */
import type { ProblemText } from '../../shared/englishText.js';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FileFormatError } from './csvSource.js';
import type { EventChunk } from './eventBatch.js';
import type { EventWorkerInput, EventWorkerMessage } from './eventWorker.js';

export interface EventBatchSink {
  onBytes(n: number): void;
  /** A batch: problems [line, message] and chunks of valid rows, each in line order. */
  batch(problems: [number, ProblemText][], chunks: EventChunk[]): void;
}

/** Heap of the worker: the citizen index (a million ids) and a few batches in flight. */
const WORKER_HEAP_MB = 1024;

/**
 * The worker sits beside this module: eventWorker.mjs beside the bundle,
 * eventWorker.ts when run from source, where a bootstrap registers tsx in
 * the worker first (loader flags do not reach worker threads on Node 20).
 */
function spawn(workerData: EventWorkerInput & { eventWorker: true }): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 64 };
  if (ext !== '.ts') return new Worker(new URL('./eventWorker.mjs', import.meta.url), { workerData, resourceLimits });
  const url = new URL('./eventWorker.ts', import.meta.url);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits });
}

export function readEventsInWorker(input: Omit<EventWorkerInput, 'inFlight'>, sink: EventBatchSink): Promise<{ sha256: string; bytes: number }> {
  const inFlight = new SharedArrayBuffer(4);
  const flags = new Int32Array(inFlight);
  const worker = spawn({ ...input, inFlight, eventWorker: true });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = () => {
      settled = true;
      void worker.terminate();
    };
    const fail = (err: unknown) => {
      if (settled) return;
      settle();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    worker.on('message', (m: EventWorkerMessage) => {
      if (settled) return;
      try {
        if (m.type !== 'failed' && m.bytes > 0) sink.onBytes(m.bytes);
        if (m.type === 'batch') {
          sink.batch(m.problems, m.chunks);
          Atomics.sub(flags, 0, 1);
          Atomics.notify(flags, 0);
        } else if (m.type === 'done') {
          settle();
          resolve({ sha256: m.sha256, bytes: m.fileBytes });
        } else if (m.type === 'formatError') fail(new FileFormatError(m.message, m.line));
        else fail(new Error(`reading the events file failed: ${m.message}`));
      } catch (err) {
        fail(err);
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the import's worker thread stopped unexpectedly (exit code ${code})`)));
  });
}
