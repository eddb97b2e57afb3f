import type { Migration } from './index.js';

/**
 * Chain seals (db/chainSeals.ts): an import chains its events, and a
 * recompute its ledger entries, in seals of contiguous rows, one chain entry
 * per seal holding the SHA-256 over the content hashes of the rows it
 * covers, instead of one chain entry per row. Those entries were most of an
 * import's writing and half of a database file. Rows chained one by one
 * before this stay as they are; rows written one at a time are still
 * chained one by one. Append-only and in the chain.
 */
const migration: Migration = {
  version: 440,
  name: 'chain-seals',
  up(db) {
    db.exec(`
      CREATE TABLE chain_seals (
        id INTEGER PRIMARY KEY,
        tbl TEXT NOT NULL CHECK (tbl IN ('events', 'ledger')),
        operation_id INTEGER NOT NULL REFERENCES operations(id),
        first_row INTEGER NOT NULL CHECK (first_row >= 1),
        last_row INTEGER NOT NULL,
        digest TEXT NOT NULL CHECK (length(digest) = 64),
        CHECK (last_row >= first_row)
      ) STRICT;
      CREATE INDEX chain_seals_by_table ON chain_seals(tbl, first_row);
      CREATE TRIGGER chain_seals_no_update BEFORE UPDATE ON chain_seals BEGIN SELECT RAISE(ABORT, 'chain seals are append-only'); END;
      CREATE TRIGGER chain_seals_no_delete BEFORE DELETE ON chain_seals BEGIN SELECT RAISE(ABORT, 'chain seals are append-only'); END;
    `);
  },
};
export default migration;
