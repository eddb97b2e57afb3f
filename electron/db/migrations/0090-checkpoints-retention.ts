import type { Migration } from './index.js';

/**
 * Signed ledger checkpoints and retention. The installation's public keys and
 * the checkpoints signed with them are append-only (the private key lives in
 * a file beside the database, never in it). Each event kind gets a retention
 * period in days (NULL: the default), and every change of it is logged.
 */
const migration: Migration = {
  version: 90,
  name: 'checkpoints-retention',
  up(db) {
    db.exec(`
      CREATE TABLE installation_keys (
        key_id TEXT PRIMARY KEY CHECK (length(key_id) = 16),
        public_key TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER installation_keys_no_update BEFORE UPDATE ON installation_keys BEGIN SELECT RAISE(ABORT, 'installation keys are append-only'); END;
      CREATE TRIGGER installation_keys_no_delete BEFORE DELETE ON installation_keys BEGIN SELECT RAISE(ABORT, 'installation keys are append-only'); END;

      CREATE TABLE ledger_checkpoints (
        id INTEGER PRIMARY KEY,
        count INTEGER NOT NULL CHECK (count >= 0),
        head TEXT NOT NULL CHECK (length(head) = 64),
        at TEXT NOT NULL,
        key_id TEXT NOT NULL REFERENCES installation_keys(key_id),
        signature TEXT NOT NULL,
        actor TEXT NOT NULL CHECK (length(actor) > 0)
      ) STRICT;
      CREATE TRIGGER ledger_checkpoints_no_update BEFORE UPDATE ON ledger_checkpoints BEGIN SELECT RAISE(ABORT, 'ledger checkpoints are append-only'); END;
      CREATE TRIGGER ledger_checkpoints_no_delete BEFORE DELETE ON ledger_checkpoints BEGIN SELECT RAISE(ABORT, 'ledger checkpoints are append-only'); END;

      ALTER TABLE event_kinds ADD COLUMN retention_days INTEGER CHECK (retention_days IS NULL OR retention_days > 0);

      CREATE TABLE retention_changes (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL REFERENCES event_kinds(kind),
        old_days INTEGER,
        new_days INTEGER,
        actor TEXT NOT NULL CHECK (length(actor) > 0),
        at TEXT NOT NULL,
        reason TEXT
      ) STRICT;
      CREATE TRIGGER retention_changes_no_update BEFORE UPDATE ON retention_changes BEGIN SELECT RAISE(ABORT, 'the retention log is append-only'); END;
      CREATE TRIGGER retention_changes_no_delete BEFORE DELETE ON retention_changes BEGIN SELECT RAISE(ABORT, 'the retention log is append-only'); END;
    `);
  },
};
export default migration;
