/**
 * Encryption at rest: the database, its WAL and its backups are SQLCipher
 * files (better-sqlite3-multiple-ciphers, cipher 'sqlcipher', version 4
 * format). The key is a raw 256-bit key handed to SQLCipher as hex, so the
 * library's own slow key derivation does not run at every open:
 * - in the desktop app, a random key kept encrypted by the OS keystore
 *   (Electron safeStorage, shell/keystore.ts);
 * - for `serve` and the command line, derived from a passphrase with scrypt
 *   and the file's own 16-byte salt (SQLCipher's plaintext file header), once
 *   per file and process.
 * A plaintext database is refused with the way to encrypt it, or encrypted
 * in place when the caller asks (temp file, fsync, rename: a crash leaves
 * the original).
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { closeSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes, scryptSync } from 'node:crypto';
import { dirname } from 'node:path';

export type DbKey = { passphrase: string } | { raw: Buffer };

export const PASSPHRASE_ENV = 'CREDENCE_DB_PASSPHRASE';
export const MIN_DB_PASSPHRASE_LENGTH = 12;
/** About 50 ms here; once per database file and process. */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export class DatabaseKeyError extends Error {}
export class PlaintextDatabaseError extends Error {}

function header(file: string): Buffer | null {
  if (!existsSync(file) || statSync(file).size < 16) return null;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    readSync(fd, buf, 0, 16, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** True when `file` is an unencrypted SQLite database. */
export function isPlaintextDatabase(file: string): boolean {
  return header(file)?.equals(PLAIN_HEADER) ?? false;
}

/** True when `file` exists with content and is not a plaintext SQLite file (an encrypted one, or noise). */
export function looksEncrypted(file: string): boolean {
  const h = header(file);
  return h !== null && !h.equals(PLAIN_HEADER);
}

const derived = new Map<string, Buffer>();

/** The 32-byte key for a file with this salt. */
export function deriveKey(key: DbKey, salt: Buffer): Buffer {
  if ('raw' in key) {
    if (key.raw.length !== 32) throw new DatabaseKeyError('a raw database key has 32 bytes');
    return key.raw;
  }
  if (key.passphrase.length < MIN_DB_PASSPHRASE_LENGTH) throw new DatabaseKeyError(`the database passphrase must have at least ${MIN_DB_PASSPHRASE_LENGTH} characters`);
  const memo = `${salt.toString('hex')}:${key.passphrase}`;
  let k = derived.get(memo);
  if (!k) {
    k = scryptSync(key.passphrase, salt, 32, SCRYPT);
    derived.set(memo, k);
  }
  return k;
}

/** The cipher and its settings, before the key. */
const CIPHER_PRAGMAS = ["cipher = 'sqlcipher'", 'legacy = 4'];

/** The pragmas that key a freshly opened connection to an existing encrypted file with its raw key (applyKey; a second connection of the same process). */
export function keyPragmas(raw: Buffer): string[] {
  return [...CIPHER_PRAGMAS, `key = "x'${raw.toString('hex')}'"`];
}

/**
 * Key a freshly opened connection (before any other statement). Returns the
 * raw key used, which opens this file (and its backups) without the passphrase.
 */
export function applyKey(db: Database.Database, file: string, key: DbKey): Buffer {
  const existing = file === ':memory:' ? null : header(file);
  if (existing) {
    const raw = deriveKey(key, existing);
    for (const p of keyPragmas(raw)) db.pragma(p);
    return raw;
  }
  for (const p of CIPHER_PRAGMAS) db.pragma(p);
  const salt = randomBytes(16);
  const raw = deriveKey(key, salt);
  db.pragma(`key = "x'${raw.toString('hex')}${salt.toString('hex')}'"`);
  return raw;
}

/** Throws DatabaseKeyError when the key does not open the file. */
export function checkKey(db: Database.Database, file: string): void {
  try {
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') throw new DatabaseKeyError(`cannot open ${file}: wrong passphrase or key (or not a Credence database)`);
    throw err;
  }
}

function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function fsyncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replace `target` by `source` atomically and durably (fsync of the file, rename, fsync of the folder). */
export function durableReplace(source: string, target: string): void {
  fsyncFile(source);
  renameSync(source, target);
  fsyncDir(dirname(target));
}

/**
 * Encrypt a plaintext database in place: a consistent copy (VACUUM INTO) is
 * re-keyed in a temp file beside it, synced, and renamed over the original;
 * its WAL and shared-memory files go. Until the rename the original is
 * untouched, so a crash loses nothing (the temp file is removed next time).
 */
export function encryptPlaintextDatabase(file: string, key: DbKey): void {
  if (!isPlaintextDatabase(file)) throw new PlaintextDatabaseError(`${file} is not a plaintext SQLite database`);
  const temp = `${file}.encrypting`;
  rmSync(temp, { force: true });
  const plain = new Database(file);
  try {
    plain.pragma('wal_checkpoint(TRUNCATE)');
    plain.exec(`VACUUM INTO '${temp.replaceAll("'", "''")}'`);
  } finally {
    plain.close();
  }
  try {
    const copy = new Database(temp);
    try {
      copy.pragma('journal_mode = DELETE');
      copy.pragma("cipher = 'sqlcipher'");
      copy.pragma('legacy = 4');
      const salt = randomBytes(16);
      const raw = deriveKey(key, salt);
      copy.pragma(`rekey = "x'${raw.toString('hex')}${salt.toString('hex')}'"`);
    } finally {
      copy.close();
    }
    durableReplace(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

/** Leftovers of an interrupted encryption (plaintext!) are removed before opening. */
export function removeStaleTemp(file: string): void {
  rmSync(`${file}.encrypting`, { force: true });
}
