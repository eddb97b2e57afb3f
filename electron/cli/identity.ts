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
import { adoptAccountLanguage, t } from './i18n.js';

/** An identity that could not be established: exit 1, logged. */
export class IdentityError extends Error {}

export const USER_ENV = 'CREDENCE_USER';
export const PASSWORD_ENV = 'CREDENCE_PASSWORD';
export const TOKEN_ENV = 'CREDENCE_TOKEN';
export const NEW_PASSWORD_ENV = 'CREDENCE_NEW_PASSWORD';

export function identityOptions(): Option[] {
  return [
    new Option('--user <name>', t('identity.userOption', { userVariable: USER_ENV, passwordVariable: PASSWORD_ENV })),
    new Option('--token <token>', t('identity.tokenOption', { variable: TOKEN_ENV })),
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
  if (!line) throw new SecretUnavailableError(t('secrets.missingLine', { what: question.replace(/[:：]\s*$/, ''), variable: env }));
  return line;
}

/**
 * The account the command runs as, checked against the role it needs;
 * the login (or its refusal) is in the access log, with the command.
 */
/** Why the command line refused a login: a key of both the access log's (server:access.cli.*) and the terminal's (cli:identity.*) messages. */
type RefusalKey = 'badToken' | 'tokenOfAnother' | 'wrongPassword' | 'changePasswordFirst' | 'needsRole';

export async function authenticate(db: Db, o: { user?: string; token?: string }, needed: Role, command: string): Promise<UserRow> {
  const token = o.token ?? process.env[TOKEN_ENV];
  const username = o.user ?? process.env[USER_ENV];
  // The access log keeps its detail keyed (each reader reads it in their language, the English beside it); the person at the terminal reads the refusal in theirs.
  const refuse = (who: string, key: RefusalKey, params: Record<string, string> = {}): never => {
    logAccess(db, { username: who, action: 'login', detail: { key: 'access.cli.refused', params: { command, reason: { key: `access.cli.${key}`, params } } }, outcome: 'refused' });
    throw new IdentityError(t('identity.refused', { command, why: t(`identity.${key}`, params) }));
  };
  let user: UserRow | null;
  if (token) {
    user = redeemCliToken(db, token);
    if (!user) return refuse(username ?? 'anonymous', 'badToken');
    if (username && username.toLowerCase() !== user.username.toLowerCase()) {
      return refuse(username, 'tokenOfAnother', { owner: user.username, user: username });
    }
  } else {
    if (!username) throw new IdentityError(t('identity.needed', { command, userVariable: USER_ENV, passwordVariable: PASSWORD_ENV, tokenVariable: TOKEN_ENV }));
    let password: string;
    try {
      password = await readLineSecret(PASSWORD_ENV, t('identity.passwordPrompt', { user: username }));
    } catch (err) {
      if (err instanceof SecretUnavailableError) throw new IdentityError(err.message);
      throw err;
    }
    user = await verifyCredentials(db, username, password);
    if (!user) return refuse(username, 'wrongPassword');
  }
  // From here on the command speaks the account's language, unless --lang or CREDENCE_LANG chose one.
  adoptAccountLanguage(user.language);
  if (user.must_change_password) return refuse(user.username, 'changePasswordFirst');
  if (!roleReaches(user.role, needed)) return refuse(user.username, 'needsRole', { role: needed, user: user.username, current: user.role });
  logAccess(db, { username: user.username, action: 'login', detail: { key: token ? 'access.cli.loginToken' : 'access.cli.login', params: { command, role: user.role } }, outcome: 'allowed' });
  return user;
}
