import type { Migration } from './index.js';

/**
 * Local accounts and the access log: who opened which record, searched what,
 * exported what, and every refused call or failed login. Both append-only
 * where it matters: the access log is never updated or deleted.
 */
const migration: Migration = {
  version: 70,
  name: 'accounts',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 1 AND 64),
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('viewer','official','auditor','admin')),
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        disabled_at TEXT
      ) STRICT;
      CREATE TABLE access_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        username TEXT NOT NULL,
        action TEXT NOT NULL,
        citizen_id TEXT,
        detail TEXT NOT NULL,
        purpose TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('allowed','refused','failed'))
      ) STRICT;
      CREATE INDEX access_by_citizen ON access_log(citizen_id, id);
      CREATE INDEX access_by_user ON access_log(username, id);
      CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
      CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
    `);
  },
};
export default migration;
