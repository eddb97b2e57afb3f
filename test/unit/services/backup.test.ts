/**
 * Backup and restore (electron/services/backup.ts): an online snapshot with
 * its manifest, verified before anything is replaced; a damaged, altered or
 * incomplete backup is refused; a backup older than the last checkpoint needs
 * a reason, recorded as an operation; daily backups keep the newest N; and a
 * process killed in the middle of a backup or a restore loses nothing.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHead } from '../../../electron/db/chain.js';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { logAccess } from '../../../electron/services/accessLog.js';
import { BackupError, createBackup, dailyBackup, listBackups, manifestPath, removeStaleBackupTemps, restoreBackup, verifyBackup } from '../../../electron/services/backup.js';
import { createCheckpoint } from '../../../electron/services/checkpoints.js';
import { testAuditor } from '../helpers/auditor.js';
import { buildDemoDatabase } from '../helpers/demoDatabase.js';
import { REPO_ROOT } from '../helpers/importFixtures.js';
import { tempDir } from '../helpers/tempDirs.js';

const KEY = { passphrase: 'backup test passphrase, long enough' };
let work: { dir: string; cleanup: () => void };
let template: string;
let n = 0;

beforeAll(async () => {
  work = tempDir('backup');
  const plain = join(work.dir, 'plain.sqlite');
  (await buildDemoDatabase(plain, { citizens: 150, seed: 4 })).close();
  template = join(work.dir, 'template.sqlite');
  copyFileSync(plain, template);
  openDatabase(template, { key: KEY, encryptPlaintext: true }).close();
});
afterAll(() => work?.cleanup());

function fresh(): { db: Db; file: string } {
  const file = join(work.dir, `db-${++n}.sqlite`);
  copyFileSync(template, file);
  return { db: openDatabase(file, { key: KEY }), file };
}
const out = (name: string) => join(work.dir, `${n}-${name}`);

describe('backup', () => {
  it('writes an encrypted snapshot and a manifest that verify, and never overwrites', () => {
    const { db } = fresh();
    const file = out('a.backup');
    const m = createBackup(db, file);
    expect(m).toMatchObject({ format: 'credence-backup/1', encrypted: true, counts: { citizens: 150 }, chain: chainHead(db) });
    expect(JSON.parse(readFileSync(manifestPath(file), 'utf8'))).toEqual(m);
    expect(verifyBackup(file, KEY).integrity.ok).toBe(true);
    expect(() => createBackup(db, file)).toThrow(/never overwritten/);
    expect(() => verifyBackup(file, { passphrase: 'not the right passphrase' })).toThrow(/wrong passphrase/);
    db.close();
  });

  it('refuses a backup with a flipped byte, an altered manifest, or none', () => {
    const { db } = fresh();
    const file = out('b.backup');
    createBackup(db, file);
    db.close();
    const manifest = JSON.parse(readFileSync(manifestPath(file), 'utf8'));

    const flipped = out('flipped.backup');
    const bytes = readFileSync(file);
    bytes[bytes.length - 100] ^= 1;
    writeFileSync(flipped, bytes);
    writeFileSync(manifestPath(flipped), JSON.stringify(manifest));
    expect(() => verifyBackup(flipped, KEY)).toThrow(/does not match its manifest/);

    const lying = out('lying.backup');
    copyFileSync(file, lying);
    writeFileSync(manifestPath(lying), JSON.stringify({ ...manifest, counts: { ...manifest.counts, citizens: 151 } }));
    expect(() => verifyBackup(lying, KEY)).toThrow(/other counts or heads than its manifest/);

    const bare = out('bare.backup');
    copyFileSync(file, bare);
    expect(() => verifyBackup(bare, KEY)).toThrow(/no readable manifest/);
  });
});

describe('restore', () => {
  it('puts the backup in place, keeps the replaced database, and the result verifies', () => {
    const { db, file } = fresh();
    const backup = out('r.backup');
    const m = createBackup(db, backup);
    logAccess(db, { username: 'viewer', action: 'search', detail: 'after the backup', outcome: 'allowed' });
    db.close();

    const r = restoreBackup(file, backup, KEY, { actor: 'admin' });
    expect(r.operationId).toBeNull();
    expect(existsSync(r.previous!)).toBe(true);
    const restored = openDatabase(file, { key: KEY });
    // the backup's chain, then the restore itself in the access log
    expect(chainHead(restored).count).toBe(m.chain.count + 1);
    expect(restored.prepare('SELECT hash FROM chain WHERE seq = ?').pluck().get(m.chain.count)).toBe(m.chain.head);
    expect(restored.prepare("SELECT username, action FROM access_log ORDER BY id DESC LIMIT 1").get()).toEqual({ username: 'admin', action: 'restore' });
    expect(verifyIntegrity(restored).ok).toBe(true);
    restored.close();
  });

  it('refuses a backup older than the last checkpoint without a reason, and records the reason as an operation', () => {
    const { db, file } = fresh();
    const backup = out('old.backup');
    createBackup(db, backup);
    createCheckpoint(db, testAuditor().signer);
    db.close();
    const before = readFileSync(file);

    expect(() => restoreBackup(file, backup, KEY, { actor: 'admin' })).toThrow(BackupError);
    expect(() => restoreBackup(file, backup, KEY, { actor: 'admin' })).toThrow(/older than the last checkpoint .* Give the reason/);
    expect(readFileSync(file).equals(before)).toBe(true);

    const r = restoreBackup(file, backup, KEY, { actor: 'admin', reason: 'the disk failed after the checkpoint' });
    const restored = openDatabase(file, { key: KEY });
    expect(restored.prepare('SELECT kind, actor, reason FROM operations WHERE id = ?').get(r.operationId)).toEqual({ kind: 'backup_restored', actor: 'admin', reason: 'the disk failed after the checkpoint' });
    expect(verifyIntegrity(restored).ok).toBe(true);
    restored.close();
  });

  it('refuses a damaged backup and replaces nothing', () => {
    const { db, file } = fresh();
    const backup = out('d.backup');
    createBackup(db, backup);
    db.close();
    const bytes = readFileSync(backup);
    bytes[5000] ^= 0xff;
    writeFileSync(backup, bytes);
    const before = readFileSync(file);
    expect(() => restoreBackup(file, backup, KEY, { actor: 'admin' })).toThrow(/does not match its manifest/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

describe('daily backups', () => {
  it('take one a day and keep the newest N', () => {
    const { db } = fresh();
    const folder = out('daily');
    const day = (d: number) => new Date(Date.UTC(2026, 10, d, 3));
    expect(dailyBackup(db, folder, 2, day(1)).taken).not.toBeNull();
    expect(dailyBackup(db, folder, 2, new Date(day(1).getTime() + 3600_000)).taken).toBeNull(); // same day
    dailyBackup(db, folder, 2, day(2));
    const third = dailyBackup(db, folder, 2, day(3));
    expect(third.removed).toHaveLength(1);
    expect(listBackups(folder).map((b) => b.manifest.createdAt)).toEqual([day(3).toISOString(), day(2).toISOString()]);
    expect(() => dailyBackup(db, folder, 0)).toThrow(/whole number >= 1/);
    db.close();
  });
});

/**
 * Runs the child and SIGKILLs it once it is underway and `writing()` says it
 * has started writing files (polled every few milliseconds), so the kill
 * lands in the middle of the write.
 */
function killMidway(args: string[], writing: () => boolean): Promise<{ stdout: string; stderr: string; signal: NodeJS.Signals | null; killedWriting: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/unit/helpers/crashBackup.ts'), ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CREDENCE_DB_PASSPHRASE: KEY.passphrase },
    });
    let stdout = '';
    let stderr = '';
    let killedWriting = false;
    const poll = setInterval(() => {
      if (stdout.includes('underway') && writing()) {
        killedWriting = true;
        child.kill('SIGKILL');
        clearInterval(poll);
      }
    }, 2);
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearInterval(poll);
      resolve({ stdout, stderr, signal, killedWriting });
    });
  });
}

/** Some file in `folder` other than `known` exists and holds bytes. */
const newFileIn = (folder: string, known: Set<string>) => () =>
  readdirSync(folder).some((f) => !known.has(f) && statSync(join(folder, f)).size > 0);

/** Bulk that makes the snapshot take long enough to be killed inside it. */
function addBulk(file: string): void {
  const db = openDatabase(file, { key: KEY });
  db.exec('CREATE TABLE IF NOT EXISTS bulk (b BLOB)');
  const insert = db.prepare('INSERT INTO bulk VALUES (randomblob(65536))');
  db.transaction(() => {
    for (let i = 0; i < 600; i++) insert.run();
  })();
  db.close();
}

describe('a process killed in the middle', () => {
  it('of a backup leaves the database intact and no backup file without its manifest', async () => {
    const { db, file } = fresh();
    db.close();
    addBulk(file);
    const head = (() => {
      const d = openDatabase(file, { key: KEY });
      const h = chainHead(d);
      d.close();
      return h;
    })();
    const target = out('killed.backup');
    const r = await killMidway(['backup', file, target], newFileIn(work.dir, new Set(readdirSync(work.dir))));
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ signal: 'SIGKILL', killedWriting: true });
    expect(r.stdout).not.toContain('finished');

    const d = openDatabase(file, { key: KEY });
    expect(chainHead(d)).toEqual(head);
    expect(verifyIntegrity(d).ok).toBe(true);
    d.close();
    if (existsSync(target)) expect(verifyBackup(target, KEY).integrity.ok).toBe(true);
    else expect(() => verifyBackup(target, KEY)).toThrow(/no backup/);
    removeStaleBackupTemps(work.dir);
    expect(readdirSync(work.dir).filter((f) => f.startsWith('.') && f.endsWith('.tmp'))).toEqual([]);
  });

  it('of a restore leaves either the old database or the restored one, whole', async () => {
    const { db, file } = fresh();
    db.close();
    addBulk(file);
    const src = openDatabase(file, { key: KEY });
    const backup = out('to-restore.backup');
    const m = createBackup(src, backup);
    logAccess(src, { username: 'viewer', action: 'search', detail: 'after the backup', outcome: 'allowed' });
    const newer = chainHead(src);
    src.close();

    const known = new Set(readdirSync(work.dir));
    const size = statSync(file).size;
    const r = await killMidway(['restore', file, backup], () => newFileIn(work.dir, known)() || statSync(file).size !== size);
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ signal: 'SIGKILL', killedWriting: true });

    const d = openDatabase(file, { key: KEY });
    // the old database, or the backup plus its restore entry
    const head = chainHead(d);
    expect(head.count === newer.count ? head.head === newer.head : head.count === m.chain.count + 1 && d.prepare('SELECT hash FROM chain WHERE seq = ?').pluck().get(m.chain.count) === m.chain.head).toBe(true);
    expect(verifyIntegrity(d).ok).toBe(true);
    d.close();
  });
});
