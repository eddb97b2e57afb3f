/**
 * Runs the command line in process through `main(argv)`, capturing what it
 * writes to stdout and stderr, and reads the CSV it exports.
 */
import { afterAll, beforeAll, expect, vi } from 'vitest';
import type { Role } from '../../../shared/contract.js';
import { main } from '../../../electron/cli.js';
import { openDatabase } from '../../../electron/db/connection.js';
import { createUser, findUser } from '../../../electron/services/auth.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

type Write = typeof process.stdout.write;

function collector(sink: string[]): Write {
  return ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as Write;
}

export async function runCli(...args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(collector(out));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(collector(err));
  let code: number;
  try {
    code = await main(args);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Runs a command that must succeed (exit 0, stderr in the failure message) and returns its stdout. */
export async function runCliOk(...args: string[]): Promise<string> {
  const r = await runCli(...args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

export interface ScoreRow {
  citizen_id: string;
  score: string;
  tier: string;
  own: string;
  penalty: string;
}

/** The rows of `export scores` output (header checked by the caller). */
export function parseScores(csv: string): ScoreRow[] {
  const lines = csv.trimEnd().split('\n');
  return lines.slice(1).map((line) => {
    const [citizen_id, score, tier, own, penalty] = line.split(',');
    return { citizen_id, score, tier, own, penalty };
  });
}

export function scoresById(csv: string): Map<string, ScoreRow> {
  return new Map(parseScores(csv).map((r) => [r.citizen_id, r]));
}

/** The account command-line tests run as (the CLI authenticates every command that changes or reads personal data). */
export const CLI_USER = 'cli-admin';
export const CLI_PASSWORD = 'command-line test password';

/** Writes the CLI test account into a database file (test setup: no approval), creating the file if needed. */
export async function seedCliAccount(file: string, username = CLI_USER, role: Role = 'admin'): Promise<void> {
  // Encrypted like the command line opens it when the test sets the passphrase.
  const passphrase = process.env.CREDENCE_DB_PASSPHRASE;
  const db = openDatabase(file, passphrase ? { key: { passphrase } } : {});
  try {
    if (!findUser(db, username)) await createUser(db, { username, displayName: username, role, password: CLI_PASSWORD }, 'test setup');
  } finally {
    db.close();
  }
}

/** For the calling test file: every runCli authenticates as CLI_USER through the environment. */
export function useCliIdentity(): void {
  beforeAll(() => {
    vi.stubEnv('CREDENCE_USER', CLI_USER);
    vi.stubEnv('CREDENCE_PASSWORD', CLI_PASSWORD);
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });
}
