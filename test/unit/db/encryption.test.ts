/**
 * Encryption at rest (electron/db/encryption.ts): the database, its WAL and
 * its backups are SQLCipher files; `strings` on them shows no citizen's
 * name; a wrong passphrase opens nothing; files are private (0600); a
 * plaintext database is refused with the way to encrypt it, and encrypting it
 * in place keeps every record.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import { databaseKey, openDatabase, type Db } from '../../../electron/db/connection.js';
import { DatabaseKeyError, deriveKey, isPlaintextDatabase, PlaintextDatabaseError } from '../../../electron/db/encryption.js';
import { writeDemoFolder } from '../../../electron/services/demo.js';
import { importFolder } from '../../../electron/services/import.js';
import { createBackup } from '../../../electron/services/backup.js';
import { DEFAULT_KINDS_FILE } from '../helpers/defaultResources.js';
import { tempDir } from '../helpers/tempDirs.js';

const KEY = { passphrase: 'a passphrase for the encryption test' };
let work: { dir: string; cleanup: () => void };
let names: string[];
let demoFolder: string;

beforeAll(() => {
  work = tempDir('encryption');
  demoFolder = join(work.dir, 'demo');
  writeDemoFolder(demoFolder, DEFAULT_KINDS_FILE, { citizens: 200, seed: 11, asOfMs: Date.UTC(2026, 10, 1) });
  names = readFileSync(join(demoFolder, 'citizens.csv'), 'utf8').trim().split('\n').slice(1, 41).map((l) => l.split(',')[1].replace(/"/g, ''));
});
afterAll(() => work?.cleanup());

async function populated(file: string, key = KEY): Promise<Db> {
  const db = openDatabase(file, { key });
  const report = await importFolder(db, demoFolder, { actor: 'test', reason: 'encryption test' });
  expect(report.ok).toBe(true);
  return db;
}

/**
 * What `strings -n 4` finds in a file (runs of 4 or more printable ASCII
 * characters, one per line), plus every UTF-8 name found verbatim in the raw
 * bytes: done here rather than with binutils so the unit tests need no system
 * package, and stricter than the tool for names outside ASCII.
 */
function stringsOf(file: string): string {
  const bytes = readFileSync(file);
  const runs = bytes.toString('latin1').match(/[\x20-\x7e\t]{4,}/g) ?? [];
  const verbatim = names.filter((name) => bytes.includes(Buffer.from(name, 'utf8')));
  return [...runs, ...verbatim].join('\n');
}

describe('an encrypted database', () => {
  it('shows no name to strings: not in the database, its WAL, or a backup', async () => {
    const file = join(work.dir, 'secret.sqlite');
    const db = await populated(file);
    // the WAL holds the import's pages until a checkpoint
    expect(existsSync(`${file}-wal`) && statSync(`${file}-wal`).size).toBeGreaterThan(0);
    const backup = join(work.dir, 'secret.backup');
    createBackup(db, backup);
    for (const f of [file, `${file}-wal`, backup]) {
      const text = stringsOf(f);
      for (const name of names) expect(text.includes(name), `${name} readable in ${f}`).toBe(false);
      expect(text).not.toContain('SQLite format 3');
    }
    // the control: the same data unencrypted shows the names
    const plainFile = join(work.dir, 'plain.sqlite');
    const plain = openDatabase(plainFile);
    await importFolder(plain, demoFolder, { actor: 'test', reason: 'control' });
    plain.close();
    expect(names.some((n) => stringsOf(plainFile).includes(n))).toBe(true);
    db.close();
  });

  it('is private to its owner: database, WAL and shared memory are 0600', async () => {
    const file = join(work.dir, 'private.sqlite');
    const db = await populated(file);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
    db.close();
  });

  it('does not open with a wrong passphrase, nor without one', async () => {
    const file = join(work.dir, 'locked.sqlite');
    (await populated(file)).close();
    expect(() => openDatabase(file, { key: { passphrase: 'the wrong passphrase!!' } })).toThrow(DatabaseKeyError);
    expect(() => openDatabase(file)).toThrow(/not a Credence database .* if it is encrypted, give its passphrase \(CREDENCE_DB_PASSPHRASE\)/);
    const again = openDatabase(file, { key: KEY });
    expect(again.prepare('SELECT count(*) FROM citizens').pluck().get()).toBe(200);
    // job workers and backups get the raw key, which opens it without the passphrase
    const raw = databaseKey(again)!;
    again.close();
    const viaRaw = openDatabase(file, { key: raw });
    expect(viaRaw.prepare('SELECT count(*) FROM citizens').pluck().get()).toBe(200);
    viaRaw.close();
  });

  it('refuses a short passphrase', () => {
    expect(() => openDatabase(join(work.dir, 'short.sqlite'), { key: { passphrase: 'short' } })).toThrow(/at least 12 characters/);
  });

  it('derives the key once per file and process (scrypt), then opens at once', () => {
    const salt = Buffer.alloc(16, 7);
    const t0 = performance.now();
    const a = deriveKey({ passphrase: 'measure the derivation once' }, salt);
    const first = performance.now() - t0;
    const t1 = performance.now();
    const b = deriveKey({ passphrase: 'measure the derivation once' }, salt);
    const second = performance.now() - t1;
    expect(b).toBe(a); // the same Buffer: memoised, not derived again
    process.stdout.write(`scrypt key derivation: first ${first.toFixed(1)} ms, memoised ${second.toFixed(3)} ms\n`);
  });
});

describe('a plaintext database', () => {
  it('is refused with the way to encrypt it, and encrypting in place keeps every record and the chain', async () => {
    const file = join(work.dir, 'legacy.sqlite');
    const plain = openDatabase(file);
    await importFolder(plain, demoFolder, { actor: 'test', reason: 'before encryption' });
    const before = plain.prepare('SELECT count(*) AS c, (SELECT hash FROM chain ORDER BY seq DESC LIMIT 1) AS head FROM events').get();
    plain.close();

    expect(() => openDatabase(file, { key: KEY })).toThrow(PlaintextDatabaseError);
    expect(() => openDatabase(file, { key: KEY })).toThrow(/credence db encrypt --db/);
    expect(isPlaintextDatabase(file)).toBe(true);

    const db = openDatabase(file, { key: KEY, encryptPlaintext: true });
    expect(isPlaintextDatabase(file)).toBe(false);
    expect(db.prepare('SELECT count(*) AS c, (SELECT hash FROM chain ORDER BY seq DESC LIMIT 1) AS head FROM events').get()).toEqual(before);
    expect(verifyIntegrity(db).ok).toBe(true);
    db.close();
    for (const name of names) expect(stringsOf(file).includes(name)).toBe(false);
  });

  it('a leftover of an interrupted encryption (plaintext) is removed before opening', async () => {
    const file = join(work.dir, 'interrupted.sqlite');
    (await populated(file)).close();
    writeFileSync(`${file}.encrypting`, 'SQLite format 3\0 plaintext leftover');
    openDatabase(file, { key: KEY }).close();
    expect(existsSync(`${file}.encrypting`)).toBe(false);
  });
});
