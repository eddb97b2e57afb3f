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

/** Commands that handle the key themselves. */
const OWN_KEY = new Set(['encrypt']);

async function passphraseFor(file: string, confirm: boolean): Promise<string> {
  return readSecret(PASSPHRASE_ENV, `passphrase of the database ${file}: `, { confirm });
}

export function registerCustodyCommands(program: Command, h: CliHelpers): void {
  const { Rejected, out } = h;
  const reject = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof BackupError || err instanceof DatabaseKeyError || err instanceof PlaintextDatabaseError || err instanceof SecretUnavailableError) throw new Rejected(err.message);
      throw err;
    }
  };

  program.hook('preAction', async (_program, action) => {
    process.umask(0o077);
    const file = action.opts().db;
    if (typeof file !== 'string' || OWN_KEY.has(action.name())) return;
    if (!process.env[PASSPHRASE_ENV] && isPlaintextDatabase(file)) {
      process.stderr.write(`warning: ${file} is not encrypted: anyone who can read the file reads every name in it. Encrypt it: credence db encrypt --db ${file}\n`);
      setDefaultDatabaseKey(undefined);
      return;
    }
    // Without one, an "error:" line and exit 1, like any failure to open the database.
    setDefaultDatabaseKey({ passphrase: await passphraseFor(file, !existsSync(file)) });
  });

  const db = program.command('db').description('the database file');
  db.command('encrypt')
    .description(`encrypt a database written before encryption, in place (passphrase from ${PASSPHRASE_ENV} or typed twice); a crash leaves the original`)
    .addOption(h.dbOption())
    .action(async (o) => {
      if (!existsSync(o.db)) throw new Rejected(`no database at ${o.db}`);
      if (!isPlaintextDatabase(o.db)) throw new Rejected(`${o.db} is already encrypted (or not a database)`);
      const passphrase = await reject(() => passphraseFor(o.db, true));
      await reject(() => encryptPlaintextDatabase(o.db, { passphrase }));
      out(`${o.db} is encrypted; from now on give its passphrase (${PASSPHRASE_ENV} or typed)`);
    });

  h.authenticated(program.command('backup'))
    .description('(admin) a consistent online snapshot of the database, encrypted like it, with a manifest (counts, ledger and chain heads, SHA-256) beside it; logged')
    .addOption(h.dbOption())
    .requiredOption('--out <file>', 'the backup file to write (never overwritten; FILE.manifest.json beside it)')
    .action((o) =>
      h.asUser(o, 'admin', 'backup', (d, actor) =>
        reject(() => {
          const m = createBackup(d, o.out);
          logAccess(d, { username: actor, action: 'backup', detail: `backup ${o.out} (${m.bytes} bytes, sha256 ${m.sha256}), command line`, outcome: 'allowed' });
          out(`backup written to ${o.out} (${m.bytes} bytes, sha256 ${m.sha256}): ledger ${m.ledger.count} entries, chain ${m.chain.count} entries, ${m.counts.citizens ?? 0} citizens`);
        }),
      ),
    );

  h.authenticated(program.command('restore'))
    .description('(admin) replace the database (the app and serve stopped) by a backup, after verifying its integrity, chain and manifest; the replaced file is kept beside it')
    .addOption(h.dbOption())
    .requiredOption('--from <file>', 'the backup file (with its manifest beside it)')
    .option('--reason <text>', 'why a backup older than the last checkpoint is restored (recorded as an operation)')
    .option('--check', 'only verify the backup, replace nothing')
    .action(async (o) => {
      const key = getDefaultDatabaseKey();
      if (o.check) {
        const c = await reject(() => verifyBackup(o.from, key));
        return out(`backup ${o.from} verified: ${c.manifest.createdAt}, chain ${c.manifest.chain.count} entries intact, matches its manifest`);
      }
      // Who restores is an authenticated administrator of the database being replaced.
      const actor = existsSync(o.db) ? await h.asUser(o, 'admin', 'restore', (_d, who) => who) : null;
      if (!actor) throw new Rejected(`no database at ${o.db} to restore into: copy the backup there with its manifest and run restore --check, or create the database first`);
      const r = await reject(() => restoreBackup(o.db, o.from, key, { actor, reason: o.reason }));
      out(
        `restored ${o.db} from ${o.from} (${r.manifest.createdAt})` +
          (r.previous ? `; the replaced database is kept as ${r.previous}` : '') +
          (r.operationId ? `; recorded as operation ${r.operationId}` : ''),
      );
    });
}
