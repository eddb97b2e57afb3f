/** Migration 0170: import batches (provider, source) and their files (SHA-256), with a batch backfilled for each earlier import. */
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../electron/db/migrations/index.js';
import m0170 from '../../../../electron/db/migrations/0170-import-provenance.js';
import { columnsOf, isStrict, schemaObjects, userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0170');
const PREVIOUS = MIGRATIONS[MIGRATIONS.indexOf(m0170) - 1].version;

function operation(db: ReturnType<typeof atVersion>['db'], kind: string, details: unknown): number {
  return Number(
    db.prepare("INSERT INTO operations (kind, actor, at, reason, details) VALUES (?, 'clerk', '2026-01-01T00:00:00.000Z', 'before 0170', ?)").run(kind, JSON.stringify(details)).lastInsertRowid,
  );
}

describe('migration 0170-import-provenance', () => {
  it('adds STRICT append-only batch and file tables, and a batch without provider or hashes for each earlier import', () => {
    const { db, migrateTo } = atVersion(PREVIOUS);
    const imported = operation(db, 'events_imported', { folder: '/data/nov', files: ['citizens.csv', 'events.csv'], eventsAdded: 3 });
    const friends = operation(db, 'relationship_changed', { folder: '/data/dec', files: ['relationships.csv'] });
    operation(db, 'event_recorded', { event_id: 'E9' });
    operation(db, 'ruleset_published', { version: 1 });

    migrateTo(m0170.version);

    expect(userVersion(db)).toBe(m0170.version);
    expect(isStrict(db, 'import_batches')).toBe(true);
    expect(isStrict(db, 'import_files')).toBe(true);
    expect(columnsOf(db, 'import_files').map((c) => c.name)).toEqual(['operation_id', 'name', 'origin', 'sha256', 'bytes']);
    expect(schemaObjects(db, 'trigger')).toEqual(expect.arrayContaining(['import_batches_no_delete', 'import_batches_no_update', 'import_files_no_delete', 'import_files_no_update']));
    expect(db.prepare('SELECT operation_id, provider, source FROM import_batches ORDER BY operation_id').all()).toEqual([
      { operation_id: imported, provider: null, source: '/data/nov' },
      { operation_id: friends, provider: null, source: '/data/dec' },
    ]);
    expect(db.prepare('SELECT operation_id, name, origin, sha256, bytes FROM import_files ORDER BY operation_id, name').all()).toEqual([
      { operation_id: imported, name: 'citizens.csv', origin: '/data/nov/citizens.csv', sha256: null, bytes: null },
      { operation_id: imported, name: 'events.csv', origin: '/data/nov/events.csv', sha256: null, bytes: null },
      { operation_id: friends, name: 'relationships.csv', origin: '/data/dec/relationships.csv', sha256: null, bytes: null },
    ]);
  });

  it('refuses to edit or delete a batch or a file, a malformed hash, an empty provider and a batch of no operation', () => {
    const { db, migrateTo } = atVersion(PREVIOUS);
    const op = operation(db, 'events_imported', { folder: '/d', files: ['events.csv'] });
    migrateTo(m0170.version);
    expect(() => db.prepare("UPDATE import_batches SET provider = 'someone else'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM import_files').run()).toThrow(/append-only/);
    const next = operation(db, 'events_imported', {});
    expect(() => db.prepare("INSERT INTO import_batches (operation_id, provider, source) VALUES (?, '', '/d')").run(next)).toThrow(/CHECK constraint/);
    db.prepare("INSERT INTO import_batches (operation_id, provider, source) VALUES (?, 'Registry', '/d')").run(next);
    expect(() => db.prepare("INSERT INTO import_files (operation_id, name, origin, sha256, bytes) VALUES (?, 'events.csv', '/d/events.csv', 'XYZ', 1)").run(next)).toThrow(/CHECK constraint/);
    expect(() => db.prepare("INSERT INTO import_files (operation_id, name, origin, sha256, bytes) VALUES (?, 'events.csv', '/d/events.csv', ?, 1)").run(next, 'A'.repeat(64))).toThrow(/CHECK constraint/);
    db.pragma('foreign_keys = ON');
    expect(() => db.prepare("INSERT INTO import_batches (operation_id, provider, source) VALUES (9999, 'Registry', '/d')").run()).toThrow(/FOREIGN KEY/);
    expect(db.prepare('SELECT count(*) FROM import_batches').pluck().get()).toBe(2);
    expect(op).toBeGreaterThan(0);
  });
});
