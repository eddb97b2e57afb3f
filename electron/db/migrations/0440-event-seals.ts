import type { Migration } from './index.js';

/**
 * Event seals (db/eventSeals.ts): an import chains its events in seals of
 * contiguous indexes, one chain entry per seal holding the SHA-256 over the
 * content hashes of the events it covers, instead of one chain entry per
 * event. The chain was most of an import's writing and half of a database
 * file. Events chained one by one before this stay as they are; events
 * recorded one at a time are still chained one by one. Append-only and in
 * the chain.
 */
const migration: Migration = {
  version: 440,
  name: 'event-seals',
  up(db) {
    db.exec(`
      CREATE TABLE event_seals (
        id INTEGER PRIMARY KEY,
        operation_id INTEGER NOT NULL REFERENCES operations(id),
        first_idx INTEGER NOT NULL CHECK (first_idx >= 1),
        last_idx INTEGER NOT NULL,
        digest TEXT NOT NULL CHECK (length(digest) = 64),
        CHECK (last_idx >= first_idx)
      ) STRICT;
      CREATE TRIGGER event_seals_no_update BEFORE UPDATE ON event_seals BEGIN SELECT RAISE(ABORT, 'event seals are append-only'); END;
      CREATE TRIGGER event_seals_no_delete BEFORE DELETE ON event_seals BEGIN SELECT RAISE(ABORT, 'event seals are append-only'); END;
    `);
  },
};
export default migration;
