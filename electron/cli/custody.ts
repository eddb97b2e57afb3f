/**
 * Custody of the data file on the command line: the database passphrase
 * (CREDENCE_DB_PASSPHRASE, or typed), asked once before any command that
 * opens a database; `db encrypt` for a database written before encryption;
 * `backup` and `restore`. Files the process creates are private (umask 077).
 */
import { type Command } from 'commander';
import { existsSync } from 'node:fs';
import type { CliHelpers } from './accountability.js';
import { getDefaultDatabaseKey, setDefaultDatabaseKey } from '../db/connection.js';
import { DatabaseKeyError, encryptPlaintextDatabase, isPlaintextDatabase, PASSPHRASE_ENV, PlaintextDatabaseError } from '../db/encryption.js';
import { logAccess } from '../services/accessLog.js';
import { BackupError, createBackup, restoreBackup, verifyBackup } from '../services/backup.js';
import { readSecret, SecretUnavailableError } from './secrets.js';
import { instant, refusalText, t } from './i18n.js';

/** Commands that handle the key themselves. */
const OWN_KEY = new Set(['encrypt']);

async function passphraseFor(file: string, confirm: boolean): Promise<string> {
  return readSecret(PASSPHRASE_ENV, t('custody.passphrasePrompt', { file }), { confirm });
}

export function registerCustodyCommands(program: Command, h: CliHelpers): void {
  const { Rejected, out } = h;
  const reject = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof BackupError || err instanceof DatabaseKeyError || err instanceof PlaintextDatabaseError || err instanceof SecretUnavailableError) throw new Rejected(refusalText(err));
      throw err;
    }
  };

  program.hook('preAction', async (_program, action) => {
    process.umask(0o077);
    const file = action.opts().db;
    if (typeof file !== 'string' || OWN_KEY.has(action.name())) return;
    if (!process.env[PASSPHRASE_ENV] && isPlaintextDatabase(file)) {
      process.stderr.write(`${t('custody.notEncrypted', { file })}\n`);
      setDefaultDatabaseKey(undefined);
      return;
    }
    // Without one, an "error:" line and exit 1, like any failure to open the database.
    setDefaultDatabaseKey({ passphrase: await passphraseFor(file, !existsSync(file)) });
  });

  const db = program.command('db').description(t('custody.db.description'));
  db.command('encrypt')
    .description(t('custody.encrypt.description', { variable: PASSPHRASE_ENV }))
    .addOption(h.dbOption())
    .action(async (o) => {
      if (!existsSync(o.db)) throw new Rejected(t('custody.encrypt.noDatabase', { file: o.db }));
      if (!isPlaintextDatabase(o.db)) throw new Rejected(t('custody.encrypt.already', { file: o.db }));
      const passphrase = await reject(() => passphraseFor(o.db, true));
      await reject(() => encryptPlaintextDatabase(o.db, { passphrase }));
      out(t('custody.encrypt.done', { file: o.db, variable: PASSPHRASE_ENV }));
    });

  h.authenticated(program.command('backup'))
    .description(t('custody.backup.description'))
    .addOption(h.dbOption())
    .requiredOption('--out <file>', t('custody.backup.out'))
    .action((o) =>
      h.asUser(o, 'admin', 'backup', (d, actor) =>
        reject(() => {
          const m = createBackup(d, o.out);
          logAccess(d, { username: actor, action: 'backup', detail: { key: 'access.cli.backup', params: { file: o.out, bytes: m.bytes, sha256: m.sha256 } }, outcome: 'allowed' });
          out(t('custody.backup.done', { file: o.out, bytes: m.bytes, sha256: m.sha256, ledger: m.ledger.count, chain: m.chain.count, count: m.counts.citizens ?? 0 }));
        }),
      ),
    );

  h.authenticated(program.command('restore'))
    .description(t('custody.restore.description'))
    .addOption(h.dbOption())
    .requiredOption('--from <file>', t('custody.restore.from'))
    .option('--reason <text>', t('custody.restore.reason'))
    .option('--check', t('custody.restore.check'))
    .action(async (o) => {
      const key = getDefaultDatabaseKey();
      if (o.check) {
        const c = await reject(() => verifyBackup(o.from, key));
        return out(t('custody.restore.verified', { file: o.from, at: instant(c.manifest.createdAt), count: c.manifest.chain.count }));
      }
      // Who restores is an authenticated administrator of the database being replaced.
      const actor = existsSync(o.db) ? await h.asUser(o, 'admin', 'restore', (_d, who) => who) : null;
      if (!actor) throw new Rejected(t('custody.restore.noDatabase', { file: o.db }));
      const r = await reject(() => restoreBackup(o.db, o.from, key, { actor, reason: o.reason }));
      const lines = [t('custody.restore.done', { file: o.db, from: o.from, at: instant(r.manifest.createdAt) })];
      if (r.previous) lines.push(t('custody.restore.previous', { file: r.previous }));
      if (r.operationId) lines.push(t('custody.restore.operation', { operation: r.operationId }));
      out(lines.join(t('list.clauseSeparator')));
    });
}
