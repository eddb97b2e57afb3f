/**
 * Backups and restore. A backup is a consistent online snapshot taken with
 * SQLite's VACUUM INTO (one read transaction; writers carry on): the copy is
 * a SQLCipher file under the same key, so it is as unreadable as the
 * database. (SQLite's backup API cannot be used here: it refuses a source
 * and target with different encryption, and better-sqlite3 opens the target
 * itself, unkeyed.) Beside it, a manifest: counts, the ledger's and the
 * chain's heads, the file's SHA-256.
 *
 * Nothing is ever half-written: the snapshot and the manifest are written to
 * temp files, synced and renamed (the manifest first, so a backup file that
 * exists always has its manifest). A restore verifies the backup's
 * integrity, chain and manifest before anything is replaced, refuses a backup
 * older than the last checkpoint unless given a reason (then recorded as a
 * `backup_restored` operation in the restored database), keeps the replaced
 * database beside it, and swaps files by rename.
 */
import { keyed, SaidError } from '../../shared/englishText.js';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { verifyIntegrity, type IntegrityReport } from '../db/chainVerify.js';
import { chainHead, tableExists } from '../db/chain.js';
import { databaseKey, openDatabase, type Db } from '../db/connection.js';
import { durableReplace, fsyncFile, looksEncrypted, type DbKey } from '../db/encryption.js';
import { ledgerHead } from '../db/ledger.js';
import { recordOperation } from '../db/operations.js';
import { logAccess } from './accessLog.js';
import { describeProblemsKeyed, lastCheckpoint } from './checkpoints.js';
import { osErrorKeyed } from './osError.js';

export const MANIFEST_FORMAT = 'credence-backup/1';
const COUNTED = ['citizens', 'relationships', 'events', 'operations', 'ledger', 'access_log', 'rulesets', 'ledger_checkpoints', 'chain'] as const;

/** Its text keyed where it is (`said`), for the reader's language. */
export class BackupError extends SaidError {}

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  createdAt: string;
  file: string;
  bytes: number;
  sha256: string;
  encrypted: boolean;
  schemaVersion: number;
  counts: Record<string, number>;
  ledger: { count: number; head: string };
  chain: { count: number; head: string };
}

export const manifestPath = (backupFile: string) => `${backupFile}.manifest.json`;

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function countsOf(db: Db): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of COUNTED) if (tableExists(db, t)) counts[t] = db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
  return counts;
}

function describe(db: Db): Pick<BackupManifest, 'schemaVersion' | 'counts' | 'ledger' | 'chain'> {
  return db
    .transaction(() => {
      const { count, head } = ledgerHead(db);
      return { schemaVersion: db.pragma('user_version', { simple: true }) as number, counts: countsOf(db), ledger: { count, head }, chain: chainHead(db) };
    })
    .deferred();
}

/** Take a backup of the open database into `out` (and `out.manifest.json`). Refuses to overwrite. */
export function createBackup(db: Db, out: string, options: { now?: Date } = {}): BackupManifest {
  if (existsSync(out) || existsSync(manifestPath(out))) throw new BackupError(keyed('backup.exists', { file: out }));
  const tag = randomBytes(6).toString('hex');
  const temp = join(dirname(out), `.${basename(out)}.${tag}.tmp`);
  const manifestTemp = join(dirname(out), `.${basename(out)}.${tag}.manifest.tmp`);
  try {
    db.exec(`VACUUM INTO '${temp.replaceAll("'", "''")}'`);
    if (process.platform !== 'win32') chmodSync(temp, 0o600);
    fsyncFile(temp);
    // The manifest describes the snapshot itself, read back from it.
    const copy = openDatabase(temp, { readonly: true, key: databaseKey(db) ?? undefined });
    let described;
    try {
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new BackupError(keyed('backup.snapshotCheck', { check: String(check) }));
      described = describe(copy);
    } finally {
      copy.close();
    }
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      createdAt: (options.now ?? new Date()).toISOString(),
      file: basename(out),
      bytes: statSync(temp).size,
      sha256: sha256File(temp),
      encrypted: looksEncrypted(temp),
      ...described,
    };
    writeFileSync(manifestTemp, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    // Manifest first: a backup file present always has its manifest (a manifest alone names no backup).
    durableReplace(manifestTemp, manifestPath(out));
    durableReplace(temp, out);
    return manifest;
  } finally {
    rmSync(temp, { force: true });
    rmSync(manifestTemp, { force: true });
  }
}

function readManifest(backupFile: string): BackupManifest {
  let m: BackupManifest;
  try {
    m = JSON.parse(readFileSync(manifestPath(backupFile), 'utf8'));
  } catch (err) {
    throw new BackupError(keyed('backup.noManifest', { file: backupFile, manifest: manifestPath(backupFile), why: osErrorKeyed(err) }));
  }
  if (m?.format !== MANIFEST_FORMAT || typeof m.sha256 !== 'string' || typeof m.chain?.head !== 'string') throw new BackupError(keyed('backup.notManifest', { manifest: manifestPath(backupFile) }));
  return m;
}

export interface BackupCheck {
  manifest: BackupManifest;
  integrity: IntegrityReport;
}

/**
 * Check a backup without changing anything: the file's hash against its
 * manifest, SQLite's integrity check, the chain and ledger recomputed, and
 * the counts and heads against the manifest. Throws BackupError naming the
 * first thing wrong.
 */
export function verifyBackup(backupFile: string, key: DbKey | undefined): BackupCheck {
  if (!existsSync(backupFile)) throw new BackupError(keyed('backup.missing', { file: backupFile }));
  const manifest = readManifest(backupFile);
  if (sha256File(backupFile) !== manifest.sha256) throw new BackupError(keyed('backup.shaDiffers', { file: backupFile }));
  let db: Db;
  try {
    db = openDatabase(backupFile, { readonly: true, key });
  } catch (err) {
    throw new BackupError(keyed('backup.cannotOpen', { file: backupFile, why: err instanceof SaidError && err.said ? err.said : osErrorKeyed(err) }));
  }
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BackupError(keyed('backup.integrity', { file: backupFile, check: String(check) }));
    const integrity = verifyIntegrity(db);
    if (!integrity.ok) throw new BackupError(keyed('backup.damaged', { file: backupFile, problems: describeProblemsKeyed(integrity) }));
    const now = describe(db);
    if (JSON.stringify(now) !== JSON.stringify({ schemaVersion: manifest.schemaVersion, counts: manifest.counts, ledger: manifest.ledger, chain: manifest.chain })) {
      throw new BackupError(keyed('backup.countsDiffer', { file: backupFile }));
    }
    return { manifest, integrity };
  } finally {
    db.close();
  }
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Where the replaced database was kept. */
  previous: string | null;
  operationId: number | null;
}

/**
 * Replace the (closed) database `dbFile` by a verified backup. Going back
 * behind the last checkpoint recorded in the current database needs a reason.
 */
export function restoreBackup(dbFile: string, backupFile: string, key: DbKey | undefined, options: { actor: string; reason?: string; now?: Date }): RestoreResult {
  const { manifest } = verifyBackup(backupFile, key);
  let operationNeeded = false;
  if (existsSync(dbFile)) {
    const current = openDatabase(dbFile, { readonly: true, key });
    try {
      const last = lastCheckpoint(current);
      if (last && (last.chainCount === null || manifest.chain.count < last.chainCount)) {
        if (!options.reason?.trim()) {
          throw new BackupError(
            keyed('backup.olderThanCheckpoint', { file: backupFile, createdAt: manifest.createdAt, chain: manifest.chain.count, at: last.at, checkpointChain: last.chainCount ?? keyed('backup.unknownChain') }),
          );
        }
        operationNeeded = true;
      }
    } finally {
      current.close();
    }
  }
  const tag = randomBytes(6).toString('hex');
  const staged = join(dirname(dbFile), `.${basename(dbFile)}.${tag}.restoring`);
  try {
    copyFileSync(backupFile, staged);
    if (process.platform !== 'win32') chmodSync(staged, 0o600);
    if (sha256File(staged) !== manifest.sha256) throw new BackupError(keyed('backup.copyDiffers'));
    let operationId: number | null = null;
    const restored = openDatabase(staged, { key });
    try {
      if (operationNeeded) {
        operationId = recordOperation(restored, {
          kind: 'backup_restored',
          actor: options.actor,
          reason: options.reason!.trim(),
          details: { backup: basename(backupFile), created_at: manifest.createdAt, sha256: manifest.sha256, chain_count: manifest.chain.count, ledger_count: manifest.ledger.count },
        }).id;
      }
      // What came after the backup is not in it: the restore itself is, with who did it.
      logAccess(restored, {
        username: options.actor,
        action: 'restore',
        detail: { key: 'access.restore', params: { file: basename(backupFile), createdAt: manifest.createdAt, sha256: manifest.sha256 } },
        outcome: 'allowed',
      });
      restored.pragma('wal_checkpoint(TRUNCATE)');
      restored.pragma('journal_mode = DELETE');
    } finally {
      restored.close();
    }
    let previous: string | null = null;
    if (existsSync(dbFile)) {
      previous = `${dbFile}.before-restore-${(options.now ?? new Date()).toISOString().replace(/[:.]/g, '-')}`;
      const folded = openDatabase(dbFile, { key });
      try {
        folded.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        folded.close();
      }
      copyFileSync(dbFile, previous);
      if (process.platform !== 'win32') chmodSync(previous, 0o600);
      fsyncFile(previous);
    }
    for (const suffix of ['-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
    durableReplace(staged, dbFile);
    return { manifest, previous, operationId };
  } finally {
    rmSync(staged, { force: true });
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${staged}${suffix}`, { force: true });
  }
}

/** The backups in a folder (those with a manifest), newest first. */
export function listBackups(folder: string): { file: string; manifest: BackupManifest }[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith('.manifest.json') && !f.startsWith('.'))
    .flatMap((f) => {
      const file = join(folder, f.slice(0, -'.manifest.json'.length));
      try {
        return existsSync(file) ? [{ file, manifest: readManifest(file) }] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt));
}

/** Remove interrupted backups' temp files (dot-files ending in .tmp) left by a crash. */
export function removeStaleBackupTemps(folder: string): void {
  if (!existsSync(folder)) return;
  for (const f of readdirSync(folder)) if (f.startsWith('.') && (f.endsWith('.tmp') || f.endsWith('.restoring'))) rmSync(join(folder, f), { force: true });
}

/**
 * Daily backups: when the newest backup in `folder` is older than a day (or
 * there is none), take one; then keep the newest `keep` and delete the rest.
 */
export function dailyBackup(db: Db, folder: string, keep: number, now = new Date()): { taken: BackupManifest | null; removed: string[] } {
  if (!Number.isInteger(keep) || keep < 1) throw new BackupError(keyed('backup.keepWhole'));
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  removeStaleBackupTemps(folder);
  const existing = listBackups(folder);
  let taken: BackupManifest | null = null;
  if (existing.length === 0 || now.getTime() - Date.parse(existing[0].manifest.createdAt) >= 24 * 3600_000) {
    const name = `credence-${now.toISOString().replace(/[:.]/g, '-')}.backup`;
    taken = createBackup(db, join(folder, name), { now });
  }
  const removed: string[] = [];
  for (const old of listBackups(folder).slice(keep)) {
    rmSync(manifestPath(old.file), { force: true });
    rmSync(old.file, { force: true });
    removed.push(old.file);
  }
  return { taken, removed };
}

