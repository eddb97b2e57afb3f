/**
 * Sandboxed one-shot evaluation of user-written rules for the rule tester
 * (testRule, checkExpression): a worker thread with a capped heap, and a time
 * limit after which the worker is terminated. The caller gets a clear error
 * ("the rule took longer than 10 s", "the rule used more than 256 MB") and
 * the main process, which answers every other user, never runs the rule.
 * Requests queue for one worker; a terminated or crashed worker is replaced
 * for the next request. (Jobs — simulate, publish, import — already run in
 * their own worker threads: JobManager.)
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExpressionCheckRequest, RuleTestRequest } from '../services/ruleTest.js';
import { keyed, SaidError, type Said } from '../../shared/englishText.js';

export type SandboxRequest = { id: number; task: 'testRule'; input: RuleTestRequest } | { id: number; task: 'checkExpression'; input: ExpressionCheckRequest };
export type SandboxReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; rejected: boolean; message: string; said?: Said };
/** The worker's first message: loaded, ready for requests (its start-up does not count against a rule's time). */
export const SANDBOX_READY = 'ready';
type Task = SandboxRequest extends infer R ? (R extends { task: infer T; input: infer I } ? { task: T; input: I } : never) : never;

/** A request the sandbox refused or stopped: the message is for the user, keyed for their language. */
export class RuleSandboxError extends SaidError {
  constructor(
    text: Said,
    /** The rule (or its input) was at fault, as opposed to the sandbox itself. */
    readonly rejected: boolean,
  ) {
    super(text);
  }
}

export const RULE_SANDBOX_LIMITS = { timeMs: 10_000, heapMb: 256, queue: 32, startMs: 60_000 } as const;

export interface RuleSandboxOptions {
  timeMs?: number;
  heapMb?: number;
  /** Most requests waiting for the worker; past that a request is refused at once. */
  queue?: number;
  /** Another worker script (tests: one that never answers, or fills its heap). */
  workerScript?: URL;
}

interface Pending {
  request: SandboxRequest;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

function spawn(script: URL, heapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.min(32, Math.max(4, Math.floor(heapMb / 8))), stackSizeMb: 4 };
  if (extname(fileURLToPath(script)) !== '.ts') return new Worker(script, { resourceLimits });
  // From source: register tsx in the worker first (loader flags do not reach worker threads on Node 20).
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(bootstrap, { eval: true, resourceLimits });
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}` : (ms / 1000).toFixed(1);
}

export class RuleSandbox {
  private worker: Worker | null = null;
  private ready = false;
  private current: Pending | null = null;
  private queue: Pending[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private nextId = 1;
  private readonly timeMs: number;
  private readonly heapMb: number;
  private readonly maxQueue: number;
  private readonly script: URL;

  constructor(options: RuleSandboxOptions = {}) {
    this.timeMs = options.timeMs ?? RULE_SANDBOX_LIMITS.timeMs;
    this.heapMb = options.heapMb ?? RULE_SANDBOX_LIMITS.heapMb;
    this.maxQueue = options.queue ?? RULE_SANDBOX_LIMITS.queue;
    this.script = options.workerScript ?? new URL(`./ruleWorker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
  }

  run(task: 'testRule', input: RuleTestRequest): Promise<unknown>;
  run(task: 'checkExpression', input: ExpressionCheckRequest): Promise<unknown>;
  run(task: Task['task'], input: Task['input']): Promise<unknown> {
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(new RuleSandboxError(keyed('ruleTest.busy', { count: this.queue.length }), false));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, task, input } as SandboxRequest, resolve, reject });
      this.pump();
    });
  }

  /** Stops the worker; waiting requests are refused. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    for (const p of this.queue.splice(0)) p.reject(new RuleSandboxError(keyed('ruleTest.stopped'), false));
    this.finish(null, new RuleSandboxError(keyed('ruleTest.stopped'), false));
    if (worker) await worker.terminate();
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const worker = this.worker ?? this.start();
    if (!this.ready) return;
    this.current = this.queue.shift()!;
    this.timer = setTimeout(() => {
      this.kill();
      this.finish(null, new RuleSandboxError(keyed('ruleTest.timeout', { seconds: seconds(this.timeMs) }), true));
    }, this.timeMs);
    worker.postMessage(this.current.request);
  }

  private start(): Worker {
    const worker = spawn(this.script, this.heapMb);
    this.ready = false;
    // The sandbox must not keep a CLI or a test process alive.
    worker.unref();
    const starting = setTimeout(() => {
      if (worker !== this.worker || this.ready) return;
      this.kill();
      this.queue.shift()?.reject(new RuleSandboxError(keyed('ruleTest.notStarted', { seconds: seconds(RULE_SANDBOX_LIMITS.startMs) }), false));
      this.pump();
    }, RULE_SANDBOX_LIMITS.startMs);
    starting.unref();
    worker.on('message', (m: SandboxReply | typeof SANDBOX_READY) => {
      if (worker !== this.worker) return;
      if (m === SANDBOX_READY) {
        clearTimeout(starting);
        this.ready = true;
        this.pump();
        return;
      }
      if (!this.current || m.id !== this.current.request.id) return;
      if (m.ok) this.finish(m.value, null);
      else this.finish(null, new RuleSandboxError(m.said ?? keyed('ruleTest.failed', { detail: m.message }), m.rejected));
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (worker !== this.worker) return;
      this.worker = null;
      const said = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? keyed('ruleTest.memory', { mb: this.heapMb }) : keyed('ruleTest.failed', { detail: err.message });
      this.fail(new RuleSandboxError(said, err.code === 'ERR_WORKER_OUT_OF_MEMORY'));
    });
    worker.on('exit', (code) => {
      if (worker !== this.worker) return;
      this.worker = null;
      this.fail(new RuleSandboxError(keyed('ruleTest.exited', { code }), false));
    });
    this.worker = worker;
    return worker;
  }

  private kill(): void {
    const worker = this.worker;
    this.worker = null;
    if (worker) void worker.terminate();
  }

  /** The worker died: the request it was running fails, or, if it died starting, the first one waiting for it (no respawn loop). */
  private fail(error: Error): void {
    if (this.current) return this.finish(null, error);
    this.queue.shift()?.reject(error);
    this.pump();
  }

  private finish(value: unknown, error: Error | null): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const done = this.current;
    this.current = null;
    if (done) {
      if (error) done.reject(error);
      else done.resolve(value);
    }
    this.pump();
  }
}

let shared: RuleSandbox | null = null;

/** The process's rule sandbox, started on first use. */
export function ruleSandbox(): RuleSandbox {
  shared ??= new RuleSandbox();
  return shared;
}
