import type { Migration } from './index.js';

/** Undirected friendships, stored once per pair (a < b by citizen index). Dates are ISO text. */
const migration: Migration = {
  version: 30,
  name: 'relationships',
  up(db) {
    db.exec(`
      CREATE TABLE relationships (
        a INTEGER NOT NULL REFERENCES citizens(idx),
        b INTEGER NOT NULL REFERENCES citizens(idx),
        since TEXT NOT NULL,
        until TEXT,
        PRIMARY KEY (a, b),
        CHECK (a < b),
        CHECK (until IS NULL OR until > since)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX relationships_by_b ON relationships(b, a);
    `);
  },
};
export default migration;
