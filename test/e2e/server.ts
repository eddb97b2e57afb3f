/**
 * Starts a Credence console for the end-to-end tests: a demo database with
 * the test accounts, both made with the CLI, and `electron/serve.ts` on a
 * free loopback port serving the built renderer. The database is made once
 * per run (the global setup) and copied for each console, so a spec that
 * changes data gets a fresh copy in a second. Used by the global setup (the
 * shared, read-only console) and by specs that change data (their own console).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const STATIC_DIR = join(REPO, 'dist', 'renderer');
/** Where the shared server's address is handed from the global setup to the tests and the teardown. */
export const STATE_FILE = join(REPO, 'test-results', 'e2e-server.json');
export const SCREENSHOT_DIR = join(REPO, 'test-results', 'screenshots');
/** The demo database with the accounts, made once per run and copied for every console. */
export const TEMPLATE_DIR = join(REPO, 'test-results', 'e2e-database');
export const DB_NAME = 'demo.sqlite';

export const DEMO = { citizens: 400, seed: 5, asOf: '2026-11-01T00:00:00Z' } as const;

/** An account of the test consoles, created with the CLI (`users add`). */
export interface Account {
  username: string;
  password: string;
  role: 'viewer' | 'official' | 'auditor' | 'admin';
  displayName: string;
}
const PASSWORD = 'e2e-password-2026';
/** Two administrators (the two-person rule needs a second one), an official and an auditor. */
export const ACCOUNTS = {
  admin: { username: 'e2e-admin', password: PASSWORD, role: 'admin', displayName: 'E2E Administrator' },
  admin2: { username: 'e2e-admin2', password: PASSWORD, role: 'admin', displayName: 'E2E Second Administrator' },
  official: { username: 'e2e-official', password: PASSWORD, role: 'official', displayName: 'E2E Official' },
  auditor: { username: 'e2e-auditor', password: PASSWORD, role: 'auditor', displayName: 'E2E Auditor' },
} as const satisfies Record<string, Account>;

export interface Connection {
  /** The console URL with the bridge token, as printed by serve.ts. */
  url: string;
  /** http://127.0.0.1:PORT */
  base: string;
  port: number;
  token: string;
  /** Who the API client and the pages are logged in as unless a test says otherwise. */
  account: Account;
}

export interface RunningServer extends Connection {
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

// The database is encrypted as in production: the CLI that makes it and serve read the passphrase from here.
process.env.CREDENCE_DB_PASSPHRASE ??= 'end-to-end database passphrase';

const LINE = /^(?:Credence console: |Credence 平台：)(http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+))$/m;

/** `node --import tsx`: one process, so stopping it stops the server (no npx/tsx wrapper processes left behind). */
const tsxArgs = (script: string, args: string[]) => ['--import', 'tsx', join(REPO, script), ...args];

export function parseConsoleLine(text: string): Omit<Connection, 'account'> | null {
  const m = LINE.exec(text);
  if (!m) return null;
  const port = Number(m[2]);
  return { url: m[1], base: `http://127.0.0.1:${port}`, port, token: m[3] };
}

export async function cli(what: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, tsxArgs('electron/cli.ts', args), { cwd: REPO, env: { ...process.env, ...env }, timeout: 60_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${what}: ${e.stderr || e.message}`);
  }
}

/**
 * Makes the template database the way an installation is founded: the first
 * administrator (no approval), the second asking for their own account and
 * approved by the first, the demo population, then the other accounts
 * proposed by the second administrator, approved by the first, and their
 * initial passwords changed by their owners (in parallel: each step spends
 * most of its time hashing passwords).
 */
export async function makeTemplateDatabase(): Promise<void> {
  rmSync(TEMPLATE_DIR, { recursive: true, force: true });
  mkdirSync(TEMPLATE_DIR, { recursive: true });
  const db = join(TEMPLATE_DIR, DB_NAME);
  const { admin, admin2, ...others } = ACCOUNTS;
  const as = (a: Account, extra: Record<string, string> = {}) => ({ CREDENCE_USER: a.username, CREDENCE_PASSWORD: a.password, ...extra });
  const add = (a: Account, extra: string[] = []) => ['users', 'add', a.username, '--role', a.role, '--name', a.displayName, '--db', db, ...extra];
  try {
    await cli('the first administrator could not be created', add(admin), { CREDENCE_NEW_PASSWORD: admin.password });
    await cli('the second administrator could not ask for an account', add(admin2, ['--request', '--reason', 'end-to-end tests: the second administrator']), { CREDENCE_NEW_PASSWORD: admin2.password });
    await cli('the second administrator could not be approved', ['users', 'approve', '1', '--reason', 'end-to-end tests', '--db', db], as(admin));
    await cli('the demo database could not be created', ['demo', '--db', db, '--citizens', String(DEMO.citizens), '--seed', String(DEMO.seed), '--as-of', DEMO.asOf], as(admin));
    const initial = 'initial password of the e2e account';
    for (const a of Object.values(others)) {
      await cli(`the account ${a.username} could not be proposed`, add(a, ['--reason', 'end-to-end tests']), as(admin2, { CREDENCE_NEW_PASSWORD: initial }));
    }
    const pending = Object.values(others).map((_a, i) => String(i + 2));
    for (const id of pending) await cli(`account change ${id} could not be approved`, ['users', 'approve', id, '--reason', 'end-to-end tests', '--db', db], as(admin));
    // One after another: each is a write transaction that reads first, and SQLite refuses to upgrade a
    // read snapshot another writer has moved past (SQLITE_BUSY_SNAPSHOT), busy timeout or not.
    for (const a of Object.values(others)) {
      await cli(`the account ${a.username} could not set its password`, ['users', 'password', '--user', a.username, '--db', db], { CREDENCE_PASSWORD: initial, CREDENCE_NEW_PASSWORD: a.password });
    }
  } catch (err) {
    rmSync(TEMPLATE_DIR, { recursive: true, force: true });
    throw err;
  }
}

/** `empty`: a console on a database that does not exist yet, as at first start (no account, no citizen). */
export async function startCredence(options: { startupTimeoutMs?: number; empty?: boolean } = {}): Promise<RunningServer> {
  if (!existsSync(join(STATIC_DIR, 'index.html'))) {
    throw new Error(`the renderer is not built (${STATIC_DIR}): run npm run -s build:renderer first`);
  }
  if (!options.empty && !existsSync(join(TEMPLATE_DIR, DB_NAME))) await makeTemplateDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'credence-e2e-'));
  // The whole folder: the database and anything kept beside it (a signing key, the WAL).
  if (!options.empty) cpSync(TEMPLATE_DIR, dir, { recursive: true });
  const db = join(dir, DB_NAME);

  const child: ChildProcess = spawn(process.execPath, tsxArgs('electron/serve.ts', ['--db', db, '--port', '0', '--static', STATIC_DIR]), {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const timeoutMs = options.startupTimeoutMs ?? 30_000;
  const connection = await new Promise<Omit<Connection, 'account'>>((resolvePromise, reject) => {
    const timer = setTimeout(() => fail(new Error(`serve.ts printed no console URL within ${timeoutMs} ms`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`${err.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const c = parseConsoleLine(stdout);
      if (c) {
        clearTimeout(timer);
        resolvePromise(c);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('exit', (code, signal) => fail(new Error(`serve.ts exited (${code ?? signal}) before printing its URL`)));
  });
  child.removeAllListeners('exit');

  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // Should the process that started it end without stopping it (a crashed worker), the server goes too.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  return {
    ...connection,
    account: ACCOUNTS.admin,
    pid: child.pid!,
    dir,
    async stop() {
      process.removeListener('exit', orphanGuard);
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
