/**
 * Opens the one SQLite file with the settings every writer needs and brings
 * its schema up to date. A database written by a newer Credence is refused.
 */
import Database from 'better-sqlite3';
import { registerChainFunctions, syncChain } from './chain.js';
import { MIGRATIONS } from './migrations/index.js';

export type Db = Database.Database;

export class DatabaseVersionError extends Error {}

export interface OpenOptions {
  readonly?: boolean;
  /** Stop after this migration version (tests of one migration). */
  targetVersion?: number;
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  try {
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
    migrate(db, options.targetVersion);
    // Recreate chain triggers that are missing or stale; never back-fills rows.
    if (!options.readonly) db.transaction(() => syncChain(db, { backfillNew: false }))();
    return db;
  } catch (err) {
    db.close();
    if (err instanceof Error && /file is not a database|malformed/i.test(err.message)) {
      throw new DatabaseVersionError(`${file} is not a Credence database (not an SQLite file, or damaged)`);
    }
    throw err;
  }
}

export function latestSchemaVersion(): number {
  return MIGRATIONS[MIGRATIONS.length - 1].version;
}

/** Run the pending migrations and the user_version bump in one transaction: all or none. */
export function migrate(db: Db, targetVersion = latestSchemaVersion()): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latestSchemaVersion()) {
    throw new DatabaseVersionError(
      `this database has schema version ${current}, newer than this Credence supports (${latestSchemaVersion()}); install a newer Credence to open it`,
    );
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
