/**
 * Runs the command line in process through `main(argv)`, capturing what it
 * writes to stdout and stderr, and reads the CSV it exports.
 */
import { vi } from 'vitest';
import { main } from '../../../electron/cli.js';

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
