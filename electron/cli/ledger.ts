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
import { CheckpointError, checkpointFileContent, createCheckpoint, describeProblemsKeyed, parseCheckpoint, verifyAgainstCheckpoint } from '../services/checkpoints.js';
import { readSecret, SecretUnavailableError } from './secrets.js';
import { instant, problemMessage, refusalText, saidText, t } from './i18n.js';
import { keyed } from '../../shared/englishText.js';

export const AUDITOR_PASSPHRASE_ENV = 'CREDENCE_AUDITOR_PASSPHRASE';

const usage = (message: string) => new CommanderError(2, 'credence.usage', message);

export function registerLedgerCommands(program: Command, h: CliHelpers): void {
  const { Rejected, out } = h;
  const reject = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof CheckpointError || err instanceof AuditorKeyError || err instanceof SecretUnavailableError) throw new Rejected(refusalText(err));
      throw err;
    }
  };
  const readText = (file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new Rejected(t('file.cannotRead', { file, reason: (err as Error).message }));
    }
  };

  const auditorKey = program.command('auditor-key').description(t('ledger.key.group'));
  auditorKey
    .command('create')
    .description(t('ledger.key.description', { variable: AUDITOR_PASSPHRASE_ENV }))
    .requiredOption('--out <file>', t('ledger.key.out'))
    .addOption(h.dbOption())
    .action(async (o) => {
      await reject(async () => {
        assertOutsideFolder(o.out, o.db);
        const passphrase = await readSecret(AUDITOR_PASSPHRASE_ENV, t('ledger.key.passphrasePrompt'), { confirm: true });
        const key = createAuditorKey(passphrase);
        try {
          writeFileSync(o.out, `${JSON.stringify(key.file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
        } catch (err) {
          throw new Rejected(t('file.cannotWrite', { file: o.out, reason: (err as Error).message }));
        }
        writeFileSync(`${o.out}.pub.pem`, key.publicKeyPem, { mode: 0o644 });
        out(t('ledger.key.done', { id: key.keyId, file: o.out, publicFile: `${o.out}.pub.pem` }));
      });
    });

  const ledger = program.command('ledger').description(t('ledger.description'));
  h.authenticated(ledger.command('checkpoint'))
    .description(t('ledger.checkpoint.description', { variable: AUDITOR_PASSPHRASE_ENV }))
    .addOption(h.dbOption())
    .requiredOption('--out <file>', t('ledger.checkpoint.out'))
    .requiredOption('--key <file>', t('ledger.checkpoint.key'))
    .action(async (o) => {
      const keyFile = h.readJsonFile(o.key);
      const passphrase = await reject(() => readSecret(AUDITOR_PASSPHRASE_ENV, t('ledger.checkpoint.passphrasePrompt', { file: o.key })));
      const signer = await reject(() => unlockAuditorKey(keyFile, passphrase));
      const cp = await h.asUser(o, 'auditor', 'ledger checkpoint', (db, actor) => reject(() => createCheckpoint(db, signer, { actor })));
      writeFileSync(o.out, checkpointFileContent(cp));
      out(t('ledger.checkpoint.done', { id: cp.keyId, file: o.out, ledger: cp.count, head: cp.head, chain: cp.chainCount, chainHead: cp.chainHead }));
    });

  ledger
    .command('verify')
    .description(t('ledger.verify.description'))
    .addOption(h.dbOption())
    .option('--checkpoint <file>', t('ledger.verify.checkpoint'))
    .option('--public-key <file>', t('ledger.verify.publicKey'))
    .action(async (o) => {
      if (o.publicKey && !o.checkpoint) throw usage(t('ledger.verify.publicKeyAlone'));
      if (o.checkpoint && !o.publicKey) throw new Rejected(t('ledger.verify.noPublicKey', { file: o.checkpoint }));
      if (!o.checkpoint) {
        const report = h.withDb(o.db, (db) => verifyIntegrity(db));
        throw new Rejected(
          report.ok
            ? t('ledger.verify.noCheckpointConsistent', { chain: report.chain.count, head: report.chain.head, ledger: report.ledger.count })
            : t('ledger.verify.noCheckpointDamaged', { problems: saidText(describeProblemsKeyed(report)) }),
        );
      }
      const cp = await reject(() => {
        try {
          return parseCheckpoint(h.readJsonFile(o.checkpoint));
        } catch (err) {
          if (err instanceof CheckpointError) throw new CheckpointError(keyed('checkpoint.inFile', { file: o.checkpoint, reason: err.said ?? err.message }));
          throw err;
        }
      });
      const trusted = await reject(() => parseTrustedKey(readText(o.publicKey)));
      const result = h.withDb(o.db, (db) => verifyAgainstCheckpoint(db, cp, trusted));
      if (!result.ok) {
        const lines = [t('ledger.verify.failed', { file: o.checkpoint, at: instant(cp.at) }), ...result.mismatchesKeyed.map((m) => `  ${saidText(m)}`)];
        for (const p of result.integrity?.problems ?? []) lines.push(`  ${saidText(p.at ? { key: 'integrity.problemAt', params: { where: p.where, at: p.at, message: problemMessage(p) } } : { key: 'integrity.problem', params: { where: p.where, message: problemMessage(p) } })}`);
        throw new Rejected(lines.join('\n'));
      }
      const r = result.integrity!;
      out(t('ledger.verify.verified', { signature: saidText(result.signature.said), at: instant(cp.at), ledger: cp.count, ledgerNow: r.ledger.count, chain: cp.chainCount, chainNow: r.chain.count }));
    });
}
