/**
 * Secrets the command line needs (the database passphrase, the auditor key's
 * passphrase): from an environment variable, else typed at a terminal with
 * the echo off, else the first line of standard input.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { t } from './i18n.js';

export class SecretUnavailableError extends Error {}

/** Ask on the terminal without echoing what is typed. */
async function promptHidden(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void };
  let asked = false;
  out._writeToOutput = (s: string) => {
    if (!asked) {
      process.stderr.write(s);
      asked = true;
    }
  };
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

/**
 * The secret in `env`, or asked for. `confirm` asks twice at a terminal
 * (a new passphrase). Standard input that is not a terminal gives its first line.
 */
export async function readSecret(env: string, question: string, options: { confirm?: boolean } = {}): Promise<string> {
  const fromEnv = process.env[env];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (process.stdin.isTTY) {
    const first = await promptHidden(question);
    if (options.confirm && (await promptHidden(t('secrets.again'))) !== first) throw new SecretUnavailableError(t('secrets.differ'));
    return first;
  }
  let line: string;
  try {
    line = readFileSync(0, 'utf8').split(/\r?\n/)[0];
  } catch {
    line = '';
  }
  if (!line) throw new SecretUnavailableError(t('secrets.missing', { what: question.replace(/[:：]\s*$/, ''), variable: env }));
  return line;
}
