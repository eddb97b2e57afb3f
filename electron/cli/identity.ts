/**
 * Who runs a command line command: every command that changes data or reads
 * personal data authenticates and is recorded under that identity, as the
 * console records its users. Either a user and password (`--user` or
 * CREDENCE_USER; the password from CREDENCE_PASSWORD, a terminal prompt, or
 * the first line of standard input), or a one-time token a logged-in user
 * took in the console (`--token` or CREDENCE_TOKEN). There is no `--actor`:
 * nobody names an identity they did not prove.
 */
import { Option } from 'commander';
import { readFileSync } from 'node:fs';
import type { Role } from '../../shared/contract.js';
import type { Db } from '../db/connection.js';
import { logAccess } from '../services/accessLog.js';
import { roleReaches } from '../services/accounts.js';
import { redeemCliToken, verifyCredentials, type UserRow } from '../services/auth.js';
import { readSecret, SecretUnavailableError } from './secrets.js';

/** An identity that could not be established: exit 1, logged. */
export class IdentityError extends Error {}

export const USER_ENV = 'CREDENCE_USER';
export const PASSWORD_ENV = 'CREDENCE_PASSWORD';
export const TOKEN_ENV = 'CREDENCE_TOKEN';
export const NEW_PASSWORD_ENV = 'CREDENCE_NEW_PASSWORD';

export function identityOptions(): Option[] {
  return [
    new Option('--user <name>', `the account running the command (or ${USER_ENV}); its password from ${PASSWORD_ENV}, a prompt or the first line of standard input`),
    new Option('--token <token>', `a one-time token taken in the console (Users > command-line token), instead of a password (or ${TOKEN_ENV})`),
  ];
}

/** Lines of a standard input that is not a terminal, read once and handed out in order. */
let stdinLines: string[] | null = null;
function nextStdinLine(): string {
  if (stdinLines === null) {
    try {
      stdinLines = readFileSync(0, 'utf8').split(/\r?\n/);
    } catch {
      stdinLines = [];
    }
  }
  return stdinLines.shift() ?? '';
}

/** A secret from `env`, a hidden prompt at a terminal, or the next line of standard input. */
export async function readLineSecret(env: string, question: string, options: { confirm?: boolean } = {}): Promise<string> {
  const fromEnv = process.env[env];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (process.stdin.isTTY) return readSecret(env, question, options);
  const line = nextStdinLine();
  if (!line) throw new SecretUnavailableError(`${question.replace(/:\s*$/, '')}: set ${env} or give it on standard input`);
  return line;
}

/**
 * The account the command runs as, checked against the role it needs;
 * the login (or its refusal) is in the access log, with the command.
 */
export async function authenticate(db: Db, o: { user?: string; token?: string }, needed: Role, command: string): Promise<UserRow> {
  const token = o.token ?? process.env[TOKEN_ENV];
  const username = o.user ?? process.env[USER_ENV];
  const refuse = (who: string, why: string): never => {
    logAccess(db, { username: who, action: 'login', detail: `command line (${command}): ${why}`, outcome: 'refused' });
    throw new IdentityError(`${command}: ${why}`);
  };
  let user: UserRow | null;
  if (token) {
    user = redeemCliToken(db, token);
    if (!user) return refuse(username ?? 'anonymous', 'the token is unknown, used or expired (take a new one in the console)');
    if (username && username.toLowerCase() !== user.username.toLowerCase()) return refuse(username, `the token was issued to ${user.username}, not ${username}`);
  } else {
    if (!username) throw new IdentityError(`${command} needs an identity: --user NAME (or ${USER_ENV}) with ${PASSWORD_ENV}, or --token (or ${TOKEN_ENV}) from the console`);
    let password: string;
    try {
      password = await readLineSecret(PASSWORD_ENV, `password for ${username}: `);
    } catch (err) {
      if (err instanceof SecretUnavailableError) throw new IdentityError(err.message);
      throw err;
    }
    user = await verifyCredentials(db, username, password);
    if (!user) return refuse(username, 'wrong username or password, or the account is disabled');
  }
  if (user.must_change_password) return refuse(user.username, 'the password was set by an administrator: log in to the console and change it first');
  if (!roleReaches(user.role, needed)) return refuse(user.username, `needs the ${needed} role; ${user.username} is ${user.role}`);
  logAccess(db, { username: user.username, action: 'login', detail: `command line (${command}), role ${user.role}${token ? ', one-time token' : ''}`, outcome: 'allowed' });
  return user;
}
