import type { Migration } from './index.js';

/** Published rulesets: immutable, numbered versions, each tied to the operation that published it. */
const migration: Migration = {
  version: 50,
  name: 'rulesets',
  up(db) {
    db.exec(`
      CREATE TABLE rulesets (
        version INTEGER PRIMARY KEY,
        spec TEXT NOT NULL,
        operation_id INTEGER NOT NULL REFERENCES operations(id)
      ) STRICT;
      CREATE TRIGGER rulesets_no_update BEFORE UPDATE ON rulesets BEGIN SELECT RAISE(ABORT, 'published rulesets are immutable'); END;
      CREATE TRIGGER rulesets_no_delete BEFORE DELETE ON rulesets BEGIN SELECT RAISE(ABORT, 'published rulesets are immutable'); END;
    `);
  },
};
export default migration;
