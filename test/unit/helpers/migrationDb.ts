/**
 * Fixtures for the one-test-per-migration files: a database file stopped at
 * a given schema version, and small readers of the schema.
 */
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { migrate, openDatabase, type Db } from '../../../electron/db/connection.js';
import { tempDir } from './tempDirs.js';

export interface VersionedDb {
  db: Db;
  file: string;
  /** Run the migrations up to `version` on the open database. */
  migrateTo(version: number): void;
}

/**
 * Registers cleanup with the calling test file and returns a factory of
 * databases stopped at a schema version.
 */
export function useVersionedDatabases(prefix: string): (version: number) => VersionedDb {
  const open: { db: Db; cleanup: () => void }[] = [];
  afterEach(() => {
    for (const o of open.splice(0)) {
      if (o.db.open) o.db.close();
      o.cleanup();
    }
  });
  return (version) => {
    const { dir, cleanup } = tempDir(prefix);
    const file = join(dir, 'credence.sqlite');
    const db = openDatabase(file, { targetVersion: version });
    open.push({ db, cleanup });
    return { db, file, migrateTo: (v) => migrate(db, v) };
  };
}

export function userVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Names of the tables, indexes or triggers in the schema (sqlite_* and FTS5 shadow tables excluded). */
export function schemaObjects(db: Db, type: 'table' | 'index' | 'trigger'): string[] {
  const names = db.prepare("SELECT name FROM sqlite_schema WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all(type) as string[];
  return names.filter((n) => type !== 'table' || !/_fts_(data|idx|docsize|config|content)$/.test(n));
}

export function isStrict(db: Db, table: string): boolean {
  const row = db.prepare('SELECT strict FROM pragma_table_list WHERE name = ?').get(table) as { strict: number } | undefined;
  if (!row) throw new Error(`no table ${table}`);
  return row.strict === 1;
}

export function columnsOf(db: Db, table: string): { name: string; type: string; notnull: number; pk: number }[] {
  return db.prepare(`SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid`).all(table) as {
    name: string;
    type: string;
    notnull: number;
    pk: number;
  }[];
}

/** Insert one operation row (bypassing the service, as the migration tests work below it). */
export function insertOperation(db: Db, reason = 'migration test'): number {
  return Number(
    db
      .prepare("INSERT INTO operations (kind, actor, at, reason, details) VALUES ('events_imported', 'tester', '2026-01-01T00:00:00.000Z', ?, '{}')")
      .run(reason).lastInsertRowid,
  );
}
