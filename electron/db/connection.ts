/**
 * Opens the one SQLite file with the settings every writer needs and brings
 * its schema up to date. A database written by a newer Credence is refused.
 * With a key (encryption.ts) the file is a SQLCipher database; the entry
 * points (desktop app, serve, command line) always give one.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { chmodSync, existsSync } from 'node:fs';
import { registerChainFunctions, syncChain } from './chain.js';
import { applyKey, checkKey, encryptPlaintextDatabase, isPlaintextDatabase, looksEncrypted, PASSPHRASE_ENV, PlaintextDatabaseError, removeStaleTemp, type DbKey } from './encryption.js';
import { MIGRATIONS } from './migrations/index.js';
import { keyed, SaidError } from '../../shared/englishText.js';

export type Db = Database.Database;

/** A file that is not a database this Credence can open: keyed for the reader's language. */
export class DatabaseVersionError extends SaidError {}

export interface OpenOptions {
  readonly?: boolean;
  /** Stop after this migration version (tests of one migration). */
  targetVersion?: number;
  /** The encryption key; default: the process's key (setDefaultDatabaseKey), else none. */
  key?: DbKey;
  /** Encrypt a plaintext database in place instead of refusing it (the key is required). */
  encryptPlaintext?: boolean;
}

let defaultKey: DbKey | undefined;

/** The key every openDatabase of this process uses unless given one: set once by the entry point. */
export function setDefaultDatabaseKey(key: DbKey | undefined): void {
  defaultKey = key;
}

export function getDefaultDatabaseKey(): DbKey | undefined {
  return defaultKey;
}

const rawKeys = new WeakMap<Db, Buffer>();

/** The raw key a connection was opened with (for job workers and backups), or undefined for a plaintext database. */
export function databaseKey(db: Db): DbKey | undefined {
  const raw = rawKeys.get(db);
  return raw ? { raw } : undefined;
}

/** The database files are the service user's alone. */
function restrictFiles(file: string): void {
  if (process.platform === 'win32' || file === ':memory:') return;
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const key = options.key ?? defaultKey;
  if (key && file !== ':memory:') {
    removeStaleTemp(file);
    if (isPlaintextDatabase(file)) {
      if (!options.encryptPlaintext) {
        throw new PlaintextDatabaseError(
          `${file} is not encrypted: anyone who can read the file reads every name in it. Encrypt it once with \`credence db encrypt --db ${file}\` (the passphrase from ${PASSPHRASE_ENV} or typed)`,
        );
      }
      encryptPlaintextDatabase(file, key);
    }
  }
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  try {
    if (key) {
      rawKeys.set(db, applyKey(db, file, key));
      checkKey(db, file);
    }
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
    // Without this, INSERT OR REPLACE deletes a row without firing the
    // append-only DELETE triggers of the ledger, operations and rulesets.
    db.pragma('recursive_triggers = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -262144');
    db.pragma('temp_store = MEMORY');
    registerChainFunctions(db);
    if (!options.readonly) takeWriteLockAtBegin(db);
    migrate(db, options.targetVersion);
    // Recreate chain triggers that are missing or stale; never back-fills rows.
    if (!options.readonly) db.transaction(() => syncChain(db, { backfillNew: false }))();
    restrictFiles(file);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof Error && /file is not a database|malformed/i.test(err.message)) {
      throw new DatabaseVersionError(!key && looksEncrypted(file) ? keyed('database.notCredenceEncrypted', { file, variable: PASSPHRASE_ENV }) : keyed('database.notCredence', { file }));
    }
    throw err;
  }
}

/**
 * Every transaction of a writable connection begins IMMEDIATE: it takes the
 * write lock first, waiting its turn (busy_timeout) behind another writer:
 * the console, a job, the command line. A deferred transaction reads first
 * and, if another connection commits meanwhile, SQLite refuses its first
 * write at once (SQLITE_BUSY_SNAPSHOT, no waiting): one user's save would fail
 * because of another's. Nested calls still become savepoints.
 */
function takeWriteLockAtBegin(db: Db): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: Parameters<Db['transaction']>[0]) => {
    const tx = transaction(fn);
    const immediate = tx.immediate;
    return Object.assign((...args: unknown[]) => immediate(...args), {
      default: immediate,
      deferred: tx.deferred,
      immediate,
      exclusive: tx.exclusive,
    });
  }) as Db['transaction'];
}

export function latestSchemaVersion(): number {
  return MIGRATIONS[MIGRATIONS.length - 1].version;
}

/** Run the pending migrations and the user_version bump in one transaction: all or none. */
export function migrate(db: Db, targetVersion = latestSchemaVersion()): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latestSchemaVersion()) {
    throw new DatabaseVersionError(keyed('database.newer', { current, latest: latestSchemaVersion() }));
  }
  const pending = MIGRATIONS.filter((m) => m.version > current && m.version <= targetVersion);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const migration of pending) {
      migration.up(db);
      // A table the migration created (or the chain itself) joins the chain with its rows.
      syncChain(db, { backfillNew: true });
    }
    db.pragma(`user_version = ${pending[pending.length - 1].version}`);
  })();
}
