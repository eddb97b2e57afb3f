/**
 * Custody of the data at start and while running, for the desktop app and
 * `serve`: a private data folder (0700, files 0600 through umask 077), stale
 * upload and demo folders of earlier runs removed, the database key, and
 * daily backups kept to the number set by an administrator.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Db } from '../db/connection.js';
import { PASSPHRASE_ENV, type DbKey } from '../db/encryption.js';
import { BackupError, dailyBackup, type BackupManifest } from './backup.js';
import { keyed, SaidError, type Said } from '../../shared/englishText.js';
import { osErrorKeyed } from './osError.js';

/** Folders a crashed process leaves in the temp folder: uploaded import files and demo folders. */
const TEMP_PREFIXES = ['credence-upload-', 'credence-demo-'];
/** Older than this, nothing of a running process can still use them (uploads are claimed or dropped much sooner). */
export const STALE_AFTER_MS = 60 * 60_000;

export function privateProcess(): void {
  process.umask(0o077);
}

/** Create (or tighten) the data folder: the service user's alone. */
export function prepareDataFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(dir, 0o700);
}

/** Remove upload and demo folders of earlier runs; returns what was removed. */
export function removeStaleUploads(folder = tmpdir(), now = Date.now(), staleAfterMs = STALE_AFTER_MS): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(folder)) {
    if (!TEMP_PREFIXES.some((p) => name.startsWith(p))) continue;
    const path = join(folder, name);
    try {
      const st = statSync(path);
      if (!st.isDirectory() || now - st.mtimeMs < staleAfterMs) continue;
      if (typeof process.getuid === 'function' && st.uid !== process.getuid()) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return removed;
}

/** The key for `serve`: CREDENCE_DB_PASSPHRASE, or asked. */
export async function passphraseKey(ask: (question: string) => Promise<string>, file: string): Promise<DbKey> {
  const env = process.env[PASSPHRASE_ENV];
  if (env) return { passphrase: env };
  return { passphrase: await ask(`passphrase of the database ${file}: `) };
}

export const BACKUP_KEEP_DEFAULT = 7;

export interface BackupSettings {
  folder: string;
  keep: number;
}

export function defaultBackupFolder(dbFile: string): string {
  return join(dirname(dbFile), 'backups');
}

export function backupSettings(db: Db, dbFile: string): BackupSettings {
  const get = db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
  const folder = (get.get('backup_folder') as string | undefined) ?? defaultBackupFolder(dbFile);
  const keep = Number((get.get('backup_keep') as string | undefined) ?? BACKUP_KEEP_DEFAULT);
  return { folder, keep: Number.isInteger(keep) && keep >= 1 ? keep : BACKUP_KEEP_DEFAULT };
}

export function setBackupSettings(db: Db, s: { folder?: string | null; keep: number }): void {
  if (!Number.isInteger(s.keep) || s.keep < 1 || s.keep > 365) throw new BackupError(keyed('backup.keepRange'));
  db.transaction(() => {
    const put = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    put.run('backup_keep', String(s.keep));
    if (s.folder) put.run('backup_folder', s.folder);
    else if (s.folder === null) db.prepare("DELETE FROM settings WHERE key = 'backup_folder'").run();
  })();
}

/**
 * Take the day's backup now if it is due, then check every hour. Failures
 * are reported, never thrown: a full disk must not stop the console.
 */
export function scheduleDailyBackups(db: Db, dbFile: string, report: (message: Said) => void, everyMs = 3600_000): () => void {
  const tick = () => {
    if (!db.open) return;
    try {
      const { folder, keep } = backupSettings(db, dbFile);
      if (!existsSync(folder)) prepareDataFolder(folder);
      const r: { taken: BackupManifest | null; removed: string[] } = dailyBackup(db, folder, keep);
      if (r.taken) report(r.removed.length ? keyed('backup.dailyWrittenRemoved', { file: r.taken.file, folder, removed: r.removed.length }) : keyed('backup.dailyWritten', { file: r.taken.file, folder }));
    } catch (err) {
      // Said with the folder: an OS error (a full disk, a folder without permission) as a sentence, its code the detail.
      report(keyed('backup.dailyFailedIn', { folder: backupSettings(db, dbFile).folder, why: err instanceof SaidError && err.said ? err.said : osErrorKeyed(err) }));
    }
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
