/**
 * The auditor's commands: `auditor-key create` (a signing key the auditor
 * holds, under a passphrase the administrator does not know, written outside
 * the database folder), `ledger checkpoint` (sign the heads with it) and
 * `ledger verify` (the whole record against a checkpoint, with the pinned
 * public key; without both it fails). Exit 1 for anything not verified.
 */
import { type Command, CommanderError } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import type { CliHelpers } from './accountability.js';
import { verifyIntegrity } from '../db/chainVerify.js';
import { AuditorKeyError, assertOutsideFolder, createAuditorKey, parseTrustedKey, unlockAuditorKey } from '../services/auditorKey.js';
import { CheckpointError, checkpointFileContent, createCheckpoint, describeProblems, parseCheckpoint, verifyAgainstCheckpoint } from '../services/checkpoints.js';
import { readSecret, SecretUnavailableError } from './secrets.js';

export const AUDITOR_PASSPHRASE_ENV = 'CREDENCE_AUDITOR_PASSPHRASE';

const usage = (message: string) => new CommanderError(2, 'credence.usage', message);

export function registerLedgerCommands(program: Command, h: CliHelpers): void {
  const { Rejected, out } = h;
  const reject = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof CheckpointError || err instanceof AuditorKeyError || err instanceof SecretUnavailableError) throw new Rejected(err.message);
      throw err;
    }
  };
  const readText = (file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new Rejected(`cannot read ${file}: ${(err as Error).message}`);
    }
  };

  const auditorKey = program.command('auditor-key').description("the auditor's checkpoint signing key");
  auditorKey
    .command('create')
    .description(`generate the auditor's signing key, encrypted under a passphrase (${AUDITOR_PASSPHRASE_ENV} or typed); also writes FILE.pub.pem`)
    .requiredOption('--out <file>', 'where to write the key: removable media or the auditor\'s own folder, never the database folder')
    .addOption(h.dbOption())
    .action(async (o) => {
      await reject(async () => {
        assertOutsideFolder(o.out, o.db);
        const passphrase = await readSecret(AUDITOR_PASSPHRASE_ENV, 'passphrase for the new auditor key: ', { confirm: true });
        const key = createAuditorKey(passphrase);
        try {
          writeFileSync(o.out, `${JSON.stringify(key.file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
        } catch (err) {
          throw new Rejected(`cannot write ${o.out}: ${(err as Error).message}`);
        }
        writeFileSync(`${o.out}.pub.pem`, key.publicKeyPem, { mode: 0o644 });
        out(`auditor key ${key.keyId} written to ${o.out} (encrypted); its public key to ${o.out}.pub.pem: pin it when verifying`);
      });
    });

  const ledger = program.command('ledger').description('checkpoint and verify the chain of every record and the ledger');
  h.authenticated(ledger.command('checkpoint'))
    .description(`(auditor) verify everything, sign the heads with the auditor key (passphrase from ${AUDITOR_PASSPHRASE_ENV} or typed), record it under the auditor's account and write the checkpoint file`)
    .addOption(h.dbOption())
    .requiredOption('--out <file>', 'the checkpoint file to write (the auditor keeps it)')
    .requiredOption('--key <file>', "the auditor's key file (auditor-key create)")
    .action(async (o) => {
      const keyFile = h.readJsonFile(o.key);
      const passphrase = await reject(() => readSecret(AUDITOR_PASSPHRASE_ENV, `passphrase of ${o.key}: `));
      const signer = await reject(() => unlockAuditorKey(keyFile, passphrase));
      const cp = await h.asUser(o, 'auditor', 'ledger checkpoint', (db, actor) => reject(() => createCheckpoint(db, signer, { actor })));
      writeFileSync(o.out, checkpointFileContent(cp));
      out(`checkpoint signed by auditor key ${cp.keyId} written to ${o.out}: ledger ${cp.count} entries (head ${cp.head}), chain ${cp.chainCount} entries (head ${cp.chainHead})`);
    });

  ledger
    .command('verify')
    .description('recompute the chain of every record, the ledger and the stored scores, and check them against a checkpoint signed by the pinned auditor key; fails without both')
    .addOption(h.dbOption())
    .option('--checkpoint <file>', 'a checkpoint file the auditor kept')
    .option('--public-key <file>', "the auditor's public key (FILE.pub.pem, or the key file itself)")
    .action(async (o) => {
      if (o.publicKey && !o.checkpoint) throw usage('--public-key needs --checkpoint <file>');
      if (o.checkpoint && !o.publicKey) throw new Rejected(`verification FAILED: ${o.checkpoint} cannot be trusted without the auditor's public key: pass --public-key FILE`);
      if (!o.checkpoint) {
        const report = h.withDb(o.db, (db) => verifyIntegrity(db));
        const state = report.ok ? `the record is consistent (chain ${report.chain.count} entries, head ${report.chain.head}; ledger ${report.ledger.count} entries)` : `the record is DAMAGED: ${describeProblems(report)}`;
        throw new Rejected(`verification FAILED: not checked against an auditor's checkpoint (pass --checkpoint FILE --public-key FILE); a consistent record proves nothing against someone who rewrote all of it. ${state}`);
      }
      const cp = await reject(() => {
        try {
          return parseCheckpoint(h.readJsonFile(o.checkpoint));
        } catch (err) {
          if (err instanceof CheckpointError) throw new CheckpointError(`${o.checkpoint}: ${err.message}`);
          throw err;
        }
      });
      const trusted = await reject(() => parseTrustedKey(readText(o.publicKey)));
      const result = h.withDb(o.db, (db) => verifyAgainstCheckpoint(db, cp, trusted));
      if (!result.ok) {
        const lines = [`verification FAILED against ${o.checkpoint} (${cp.at}):`, ...result.mismatches.map((m) => `  ${m}`)];
        for (const p of result.integrity?.problems ?? []) lines.push(`  ${p.where}${p.at ? ` ${p.at}` : ''}: ${p.message}`);
        throw new Rejected(lines.join('\n'));
      }
      const r = result.integrity!;
      out(
        `verified: ${result.signature.message}; the record holds everything the checkpoint of ${cp.at} fixed (ledger ${cp.count} of ${r.ledger.count} entries, chain ${cp.chainCount} of ${r.chain.count}); ` +
          `every record matches its chain entry and every stored score its last ledger entry`,
      );
    });
}
