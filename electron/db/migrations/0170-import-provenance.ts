import type { Migration } from './index.js';

/**
 * Provenance of imported data: one batch per import operation, with the
 * provider named in the import (whom a citizen's dispute goes back to), and
 * each file read with its SHA-256. An event's batch is the operation that
 * brought it (events.operation_id); operator and time are that operation's
 * actor and instant. Append-only, like the operations themselves. Imports
 * recorded before this version get a batch with no provider and no hashes:
 * nobody recorded them.
 */
const migration: Migration = {
  version: 170,
  name: 'import-provenance',
  up(db) {
    db.exec(`
      CREATE TABLE import_batches (
        operation_id INTEGER PRIMARY KEY REFERENCES operations(id),
        provider TEXT CHECK (provider IS NULL OR length(provider) BETWEEN 1 AND 200),
        source TEXT NOT NULL CHECK (length(source) > 0)
      ) STRICT;
      CREATE INDEX import_batches_by_provider ON import_batches(provider);
      CREATE TRIGGER import_batches_no_update BEFORE UPDATE ON import_batches BEGIN SELECT RAISE(ABORT, 'import batches are append-only'); END;
      CREATE TRIGGER import_batches_no_delete BEFORE DELETE ON import_batches BEGIN SELECT RAISE(ABORT, 'import batches are append-only'); END;

      CREATE TABLE import_files (
        operation_id INTEGER NOT NULL REFERENCES import_batches(operation_id),
        name TEXT NOT NULL,
        origin TEXT NOT NULL,
        sha256 TEXT CHECK (sha256 IS NULL OR (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*')),
        bytes INTEGER CHECK (bytes IS NULL OR bytes >= 0),
        PRIMARY KEY (operation_id, name)
      ) STRICT;
      CREATE TRIGGER import_files_no_update BEFORE UPDATE ON import_files BEGIN SELECT RAISE(ABORT, 'import batches are append-only'); END;
      CREATE TRIGGER import_files_no_delete BEFORE DELETE ON import_files BEGIN SELECT RAISE(ABORT, 'import batches are append-only'); END;

      INSERT INTO import_batches (operation_id, provider, source)
        SELECT id, NULL, coalesce(json_extract(details, '$.folder'), 'unknown')
        FROM operations WHERE kind IN ('events_imported', 'relationship_changed') AND json_type(details, '$.files') = 'array';
      INSERT INTO import_files (operation_id, name, origin, sha256, bytes)
        SELECT o.id, f.value, coalesce(json_extract(o.details, '$.folder') || '/', '') || f.value, NULL, NULL
        FROM operations o, json_each(o.details, '$.files') f
        WHERE o.kind IN ('events_imported', 'relationship_changed') AND json_type(o.details, '$.files') = 'array';
    `);
  },
};
export default migration;
