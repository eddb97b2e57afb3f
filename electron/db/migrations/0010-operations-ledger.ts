import type { Migration } from './index.js';

/** Operations (who did what, why) and the append-only, hash-chained ledger. */
const migration: Migration = {
  version: 10,
  name: 'operations-ledger',
  up(db) {
    db.exec(`
      CREATE TABLE operations (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('event_recorded','events_imported','event_retracted','ruleset_published',
          'relationship_changed','records_expired','manual_adjustment','appeal_decided')),
        actor TEXT NOT NULL CHECK (length(actor) > 0),
        at TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (length(reason) > 0),
        details TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER operations_no_update BEFORE UPDATE ON operations BEGIN SELECT RAISE(ABORT, 'operations are immutable'); END;
      CREATE TRIGGER operations_no_delete BEFORE DELETE ON operations BEGIN SELECT RAISE(ABORT, 'operations are immutable'); END;

      CREATE TABLE ledger (
        seq INTEGER PRIMARY KEY,
        citizen_id TEXT NOT NULL,
        operation_id INTEGER NOT NULL REFERENCES operations(id),
        old_score INTEGER,
        new_score INTEGER NOT NULL,
        old_tier TEXT,
        new_tier TEXT NOT NULL,
        ruleset_version INTEGER NOT NULL,
        cause TEXT NOT NULL CHECK (cause IN ('own','friends')),
        cause_friends TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE INDEX ledger_by_citizen ON ledger(citizen_id, seq);
      CREATE INDEX ledger_by_operation ON ledger(operation_id);
      CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
      CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
    `);
  },
};
export default migration;
