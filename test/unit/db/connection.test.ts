/**
 * Opening the database file: a new file is brought to the latest schema, a
 * file from a newer Credence or a file that is not a Credence database is
 * refused with a clear message, and each migration is all or nothing.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseVersionError, latestSchemaVersion, migrate, openDatabase, type Db } from '../../../electron/db/connection.js';
import { MIGRATIONS } from '../../../electron/db/migrations/index.js';
import { schemaObjects, userVersion } from '../helpers/migrationDb.js';
import { tempDir } from '../helpers/tempDirs.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../../electron/db/migrations/', import.meta.url));
const MIGRATION_TESTS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

let work: { dir: string; cleanup: () => void };
const opened: Db[] = [];
beforeEach(() => {
  work = tempDir('connection');
});
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  work.cleanup();
});
function open(file: string, options?: Parameters<typeof openDatabase>[1]): Db {
  const db = openDatabase(file, options);
  opened.push(db);
  return db;
}

describe('the migration list', () => {
  it('is numbered in increasing multiples of 10 (ranges are assigned per feature), one file per migration, each with its own test file', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    for (const v of versions) expect(v % 10).toBe(0);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}-.*\.ts$/.test(f)).sort();
    const expected = MIGRATIONS.map((m) => `${String(m.version).padStart(4, '0')}-${m.name}`);
    expect(files.map((f) => f.replace(/\.ts$/, ''))).toEqual(expected);
    for (const name of expected) expect(existsSync(join(MIGRATION_TESTS_DIR, `${name}.test.ts`)), `missing test for migration ${name}`).toBe(true);
  });
});

describe('openDatabase', () => {
  it('brings a new file to the latest schema version', () => {
    const db = open(join(work.dir, 'new.sqlite'));
    expect(userVersion(db)).toBe(latestSchemaVersion());
    expect(latestSchemaVersion()).toBe(MIGRATIONS[MIGRATIONS.length - 1].version);
    expect(schemaObjects(db, 'table')).toEqual(
      expect.arrayContaining(['operations', 'ledger', 'citizens', 'relationships', 'event_kinds', 'events', 'rulesets', 'scoring_state', 'contributions', 'scores']),
    );
  });

  it('stops at the target version when one is given, and finishes the rest on the next open', () => {
    const file = join(work.dir, 'partial.sqlite');
    const partial = open(file, { targetVersion: 30 });
    expect(userVersion(partial)).toBe(30);
    expect(schemaObjects(partial, 'table')).not.toContain('events');
    partial.close();
    const full = open(file);
    expect(userVersion(full)).toBe(latestSchemaVersion());
    expect(schemaObjects(full, 'table')).toContain('events');
  });

  it('reopening an up-to-date database changes neither its version nor its schema', () => {
    const file = join(work.dir, 'twice.sqlite');
    const first = open(file);
    first.prepare("INSERT INTO operations (kind, actor, at, reason, details) VALUES ('events_imported', 'a', 'now', 'r', '{}')").run();
    const schema = first.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all();
    first.close();
    const second = open(file);
    expect(userVersion(second)).toBe(latestSchemaVersion());
    expect(second.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all()).toEqual(schema);
    expect(second.prepare('SELECT count(*) FROM operations').pluck().get()).toBe(1);
  });

  it('refuses a database from a newer Credence with a DatabaseVersionError naming both versions', () => {
    const file = join(work.dir, 'future.sqlite');
    const db = open(file);
    const future = latestSchemaVersion() + 10;
    db.pragma(`user_version = ${future}`);
    db.close();

    let error: unknown;
    try {
      open(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DatabaseVersionError);
    expect((error as Error).message).toContain(`schema version ${future}`);
    expect((error as Error).message).toContain(`(${latestSchemaVersion()})`);
    expect((error as Error).message).toMatch(/newer/);

    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(future);
    } finally {
      raw.close();
    }
  });

  it('migrate() on an open connection refuses a newer schema version before touching anything', () => {
    const db = open(join(work.dir, 'future2.sqlite'), { targetVersion: 0 });
    db.pragma(`user_version = ${latestSchemaVersion() + 1}`);
    expect(() => migrate(db)).toThrow(DatabaseVersionError);
    expect(schemaObjects(db, 'table')).toEqual([]);
  });

  const notDatabases: { what: string; bytes: Buffer }[] = [
    { what: 'a text file', bytes: Buffer.from('citizen_id,name,district,birth_date\nC1,Zhang Wei,Yatou,1980-01-01\n') },
    { what: 'a JSON file', bytes: Buffer.from(JSON.stringify({ count: 3, head: '0'.repeat(64) })) },
    { what: 'binary noise', bytes: Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 37 + 11) % 251)) },
    { what: 'a file of zero bytes values', bytes: Buffer.alloc(8192) },
  ];

  it.each(notDatabases)('refuses $what with a DatabaseVersionError naming the file, and leaves it untouched', ({ bytes }) => {
    const file = join(work.dir, 'not-a-database.bin');
    writeFileSync(file, bytes);
    expect(() => open(file)).toThrow(DatabaseVersionError);
    expect(() => open(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a Credence database`));
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('refuses a truncated database file with a DatabaseVersionError naming the file', () => {
    const good = join(work.dir, 'good.sqlite');
    const db = open(good);
    const insert = db.prepare("INSERT INTO operations (kind, actor, at, reason, details) VALUES ('events_imported', 'a', 'now', ?, '{}')");
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`reason number ${i} `.repeat(5));
    })();
    db.close();
    const bytes = readFileSync(good);
    expect(bytes.length).toBeGreaterThan(4096 * 8);
    const truncated = join(work.dir, 'truncated.sqlite');
    writeFileSync(truncated, bytes.subarray(0, 4096 * 3));

    let error: unknown;
    try {
      open(truncated);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DatabaseVersionError);
    expect((error as Error).message).toContain(truncated);
  });
});

describe('migrate', () => {
  it('rolls a failing migration back whole and leaves the version before it', () => {
    const db = open(join(work.dir, 'clash.sqlite'), { targetVersion: 10 });
    // A stray table in the way of migration 0020.
    db.exec('CREATE TABLE citizens (x INTEGER)');
    expect(() => migrate(db)).toThrow(/citizens already exists/);
    expect(userVersion(db)).toBe(10);
    expect(schemaObjects(db, 'table')).not.toContain('citizens_fts');
    expect(schemaObjects(db, 'trigger')).not.toContain('citizens_fts_insert');
  });
});
