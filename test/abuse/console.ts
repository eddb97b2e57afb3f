/**
 * A real console for the abuse suite and `npm run bench -- --abuse`:
 * `electron/serve.ts` in a child process on a fresh database with a viewer,
 * two officials and an administrator, serving a small static folder that
 * holds one file which cannot be read. Jobs are limited to a few seconds
 * (--job-time-limit) so a job that runs on is stopped within the suite.
 * Also: a viewer's ping (and a load of the console page), measured
 * throughout an attack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../electron/db/connection.js';
import { createUser } from '../../electron/services/auth.js';

/** The repository: the nearest folder above this module that holds electron/serve.ts (it runs from test/abuse/, and bundled from dist-bench/). */
function repositoryRoot(): string {
  const here = fileURLToPath(import.meta.url);
  for (let dir = dirname(here); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'electron', 'serve.ts'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository (electron/serve.ts) above ${here}`);
  }
}
export const REPO = repositoryRoot();
export const PASSWORD = 'abuse-suite passphrase 2026';
export const JOB_TIME_LIMIT_S = 4;
/** The database is encrypted as in production; serve.ts reads the passphrase from CREDENCE_DB_PASSPHRASE. */
export const DB_KEY = { passphrase: 'abuse suite database passphrase' };
/** What every ping of the viewer must answer within, during and after each attack (threat model, guarantee 4). */
export const PING_DEADLINE_MS = 1000;

export const ACCOUNTS = {
  viewer: { username: 'abuse-viewer', role: 'viewer' },
  official: { username: 'abuse-official', role: 'official' },
  victim: { username: 'abuse-victim', role: 'official' },
  admin: { username: 'abuse-admin', role: 'admin' },
} as const;

export interface Reply {
  status: number;
  body: { ok: boolean; value?: Record<string, unknown>; error?: { code: string; message: string } } | null;
  /** The connection was closed before a whole reply came. */
  aborted?: string;
}

export interface AbuseConsole {
  base: string;
  port: number;
  token: string;
  pid: number;
  dbFile: string;
  staticDir: string;
  /** Login sessions made at the start. */
  sessions: Record<'viewer' | 'official' | 'admin', string>;
  /** One API call (JSON), over a connection of its own unless an agent is given. */
  call(channel: string, input: unknown, session?: string, agent?: Agent): Promise<Reply>;
  /** The child's resident memory, from /proc. */
  rssMiB(): number;
  /** The child is still running. */
  alive(): boolean;
  stderr(): string;
  stop(): Promise<void>;
}

const LINE = /^(?:Credence console: |Credence 平台：)http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+)$/m;

export function rawCall(port: number, token: string, path: string, body: string | Buffer, headers: Record<string, string>, agent?: Agent, timeoutMs?: number): Promise<Reply> {
  return new Promise((resolvePromise) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path, agent: agent ?? false, headers: { 'content-type': 'application/json', 'x-credence-token': token, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let parsed: Reply['body'] = null;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            parsed = null;
          }
          resolvePromise({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', (err) => resolvePromise({ status: res.statusCode ?? 0, body: null, aborted: err.message }));
      },
    );
    if (timeoutMs) req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolvePromise({ status: 0, body: null, aborted: err.message }));
    req.end(body);
  });
}

export async function startAbuseConsole(): Promise<AbuseConsole> {
  const dir = mkdtempSync(join(tmpdir(), 'credence-abuse-'));
  const dbFile = join(dir, 'abuse.sqlite');
  const db = openDatabase(dbFile, { key: DB_KEY });
  try {
    await Promise.all(Object.values(ACCOUNTS).map((a) => createUser(db, { username: a.username, displayName: a.username, role: a.role, password: PASSWORD }, 'abuse suite')));
  } finally {
    db.close();
  }
  const staticDir = join(dir, 'static');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Credence</title><script src="assets/app.js"></script>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log("credence")');
  // Opens, then fails on the first read (EIO): a file replaced or a disk failing under the server.
  symlinkSync('/proc/self/mem', join(staticDir, 'assets', 'broken.js'));

  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO, 'electron/serve.ts'), '--db', dbFile, '--port', '0', '--static', staticDir, '--job-time-limit', String(JOB_TIME_LIMIT_S)],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CREDENCE_DB_PASSPHRASE: DB_KEY.passphrase } },
  );
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const { port, token } = await new Promise<{ port: number; token: string }>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve.ts printed no URL within 60 s\n${stderr}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = LINE.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ port: Number(m[1]), token: m[2] });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.ts exited (${code}) before printing its URL\n${stderr}`));
    });
  });
  child.removeAllListeners('exit');
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const guard = () => child.kill('SIGKILL');
  process.once('exit', guard);

  const call = (channel: string, input: unknown, session?: string, agent?: Agent) =>
    rawCall(port, token, `/api/${channel}`, JSON.stringify(input ?? {}), session ? { 'x-credence-session': session } : {}, agent);
  const login = async (username: string) => {
    const r = await call('login', { username, password: PASSWORD });
    if (!r.body?.ok) throw new Error(`login of ${username} failed: ${JSON.stringify(r.body)}`);
    return String(r.body.value!.token);
  };
  const sessions = {
    viewer: await login(ACCOUNTS.viewer.username),
    official: await login(ACCOUNTS.official.username),
    admin: await login(ACCOUNTS.admin.username),
  };
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    token,
    pid: child.pid!,
    dbFile,
    staticDir,
    sessions,
    call,
    rssMiB: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : NaN;
    },
    alive: () => child.exitCode === null && child.signalCode === null,
    stderr: () => stderr,
    async stop() {
      process.removeListener('exit', guard);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PingRecord {
  /** Milliseconds of each answered ping. */
  latencies: number[];
  /** Milliseconds of each load of the console page (a file read: it needs libuv's pool, which hashing could fill). */
  pageLatencies: number[];
  /** Pings or page loads that did not answer ok within the deadline, and why. */
  failures: string[];
}

function getPage(port: number, agent: Agent, timeoutMs: number): Promise<string | null> {
  return new Promise((resolvePromise) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolvePromise(res.statusCode === 200 ? null : `the page answered ${res.statusCode}`));
      res.on('error', (err) => resolvePromise(err.message));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`the page did not load within ${timeoutMs} ms`)));
    req.on('error', (err) => resolvePromise(err.message));
    req.end();
  });
}

/**
 * A viewer pinging every 50 ms over its own keep-alive connection, as the
 * console does, and loading the console page between pings; each must
 * answer within PING_DEADLINE_MS.
 */
export function startPinger(c: AbuseConsole): { stop(): Promise<PingRecord> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const record: PingRecord = { latencies: [], pageLatencies: [], failures: [] };
  let running = true;
  const loop = (async () => {
    while (running) {
      let t = performance.now();
      const r = await rawCall(c.port, c.token, '/api/ping', '{}', { 'x-credence-session': c.sessions.viewer }, agent, PING_DEADLINE_MS);
      let ms = performance.now() - t;
      if (r.body?.ok && ms <= PING_DEADLINE_MS) record.latencies.push(ms);
      else record.failures.push(`ping: ${r.aborted ?? (r.body?.ok ? `answered after ${ms.toFixed(0)} ms` : `refused: ${JSON.stringify(r.body)}`)}`);
      t = performance.now();
      const page = await getPage(c.port, agent, PING_DEADLINE_MS);
      ms = performance.now() - t;
      if (page === null && ms <= PING_DEADLINE_MS) record.pageLatencies.push(ms);
      else record.failures.push(`page: ${page ?? `loaded after ${ms.toFixed(0)} ms`}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return record;
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
