/**
 * Custody at start and while running: a job worker opens the encrypted
 * database with the raw key it is handed; stale upload folders of earlier
 * runs are removed (and only those); the data folder is 0700; daily backups
 * follow the administrator's setting.
 */
import { copyFileSync, mkdirSync, mkdtempSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKey, openDatabase } from '../../../electron/db/connection.js';
import { JobManager } from '../../../electron/jobs/manager.js';
import { RESOURCES_DIR } from '../../../electron/paths.js';
import { listBackups } from '../../../electron/services/backup.js';
import { backupSettings, prepareDataFolder, removeStaleUploads, scheduleDailyBackups, setBackupSettings } from '../../../electron/services/custody.js';
import { buildDemoDatabase } from '../helpers/demoDatabase.js';
import { tempDir } from '../helpers/tempDirs.js';

const KEY = { passphrase: 'custody test passphrase' };
let work: { dir: string; cleanup: () => void };
let encrypted: string;

beforeAll(async () => {
  work = tempDir('custody');
  const plain = join(work.dir, 'plain.sqlite');
  (await buildDemoDatabase(plain, { citizens: 80, seed: 9 })).close();
  encrypted = join(work.dir, 'enc.sqlite');
  copyFileSync(plain, encrypted);
  openDatabase(encrypted, { key: KEY, encryptPlaintext: true }).close();
});
afterAll(() => work?.cleanup());

describe('a job on an encrypted database', () => {
  it('runs in its worker with the raw key, and fails without it', async () => {
    const db = openDatabase(encrypted, { key: KEY });
    const keyed = new JobManager(encrypted, RESOURCES_DIR, undefined, { databaseKey: databaseKey(db) });
    const ok = keyed.start('recompute', 'tester', { asOf: '2027-01-01T00:00:00Z' });
    await keyed.wait(ok);
    expect(keyed.status(ok)).toMatchObject({ state: 'done' });

    const unkeyed = new JobManager(encrypted, RESOURCES_DIR);
    const bad = unkeyed.start('recompute', 'tester', { asOf: '2027-02-01T00:00:00Z' });
    await unkeyed.wait(bad);
    expect(unkeyed.status(bad)).toMatchObject({ state: 'failed', error: expect.stringMatching(/not a Credence database|encrypted/) });
    db.close();
  });
});

describe('at start', () => {
  it('removes upload and demo folders older than an hour, and nothing else', () => {
    const tmp = mkdtempSync(join(work.dir, 'tmp-'));
    const hourAgo = Date.now() / 1000 - 3700;
    for (const name of ['credence-upload-old', 'credence-demo-old', 'credence-upload-fresh', 'other-old']) mkdirSync(join(tmp, name));
    for (const name of ['credence-upload-old', 'credence-demo-old', 'other-old']) utimesSync(join(tmp, name), hourAgo, hourAgo);
    expect(removeStaleUploads(tmp).map((p) => p.slice(tmp.length + 1)).sort()).toEqual(['credence-demo-old', 'credence-upload-old']);
  });

  it('makes the data folder private', () => {
    const dir = join(work.dir, 'data');
    mkdirSync(dir, { mode: 0o755 });
    prepareDataFolder(dir);
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
  });
});

describe('daily backups', () => {
  it('follow the setting: folder and how many are kept', () => {
    const file = join(work.dir, 'daily.sqlite');
    copyFileSync(encrypted, file);
    const db = openDatabase(file, { key: KEY });
    expect(backupSettings(db, file)).toEqual({ folder: join(work.dir, 'backups'), keep: 7 });
    const folder = join(work.dir, 'elsewhere');
    setBackupSettings(db, { folder, keep: 3 });
    expect(backupSettings(db, file)).toEqual({ folder, keep: 3 });
    expect(() => setBackupSettings(db, { keep: 0 })).toThrow(/between 1 and 365/);
    const messages: string[] = [];
    const stop = scheduleDailyBackups(db, file, (m) => messages.push(m.message));
    stop();
    expect(messages).toEqual([expect.stringMatching(/^daily backup credence-.*\.backup written to/)]);
    expect(listBackups(folder)).toHaveLength(1);
    db.close();
  });
});
