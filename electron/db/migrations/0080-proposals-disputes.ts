import type { Migration } from './index.js';

/**
 * Two-person approval (proposals, approved manual adjustments), disputes of
 * events and of tier measures, decisions on restrictive measures, settings.
 */
const migration: Migration = {
  version: 80,
  name: 'proposals-disputes',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
      INSERT INTO settings (key, value) VALUES ('dispute_deadline_days', '30');

      CREATE TABLE proposals (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('ruleset', 'adjustment')),
        payload TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (length(reason) > 0),
        proposed_by TEXT NOT NULL,
        proposed_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
        decided_by TEXT,
        decided_at TEXT,
        decision_reason TEXT,
        operation_id INTEGER REFERENCES operations(id),
        -- the two-person rule, held by the schema too
        CHECK (status <> 'approved' OR (decided_by IS NOT NULL AND lower(decided_by) <> lower(proposed_by)))
      ) STRICT;
      CREATE INDEX proposals_by_status ON proposals(status, id);

      CREATE TABLE adjustments (
        id INTEGER PRIMARY KEY,
        citizen_idx INTEGER NOT NULL REFERENCES citizens(idx),
        points REAL NOT NULL,
        justification TEXT NOT NULL,
        proposal_id INTEGER NOT NULL UNIQUE REFERENCES proposals(id),
        operation_id INTEGER NOT NULL REFERENCES operations(id)
      ) STRICT;
      CREATE INDEX adjustments_by_citizen ON adjustments(citizen_idx);
      CREATE TRIGGER adjustments_no_update BEFORE UPDATE ON adjustments BEGIN SELECT RAISE(ABORT, 'approved adjustments are immutable'); END;
      CREATE TRIGGER adjustments_no_delete BEFORE DELETE ON adjustments BEGIN SELECT RAISE(ABORT, 'approved adjustments are immutable'); END;

      CREATE TABLE measure_decisions (
        id INTEGER PRIMARY KEY,
        citizen_idx INTEGER NOT NULL REFERENCES citizens(idx),
        measure_id TEXT NOT NULL,
        ruleset_version INTEGER NOT NULL REFERENCES rulesets(version),
        decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'withdrawn')),
        decided_by TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (length(reason) > 0)
      ) STRICT;
      CREATE INDEX measure_decisions_by_citizen ON measure_decisions(citizen_idx, measure_id, id);

      CREATE TABLE disputes (
        id INTEGER PRIMARY KEY,
        citizen_idx INTEGER NOT NULL REFERENCES citizens(idx),
        event_idx INTEGER REFERENCES events(idx),
        measure_decision_id INTEGER REFERENCES measure_decisions(id),
        statement TEXT NOT NULL CHECK (length(statement) > 0),
        status TEXT NOT NULL CHECK (status IN ('open', 'under_review', 'upheld', 'rejected')),
        opened_by TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        deadline TEXT NOT NULL,
        operation_id INTEGER REFERENCES operations(id),
        CHECK ((event_idx IS NULL) <> (measure_decision_id IS NULL))
      ) STRICT;
      CREATE INDEX disputes_by_citizen ON disputes(citizen_idx, id);
      CREATE INDEX disputes_by_status ON disputes(status, deadline);
      CREATE TABLE dispute_history (
        id INTEGER PRIMARY KEY,
        dispute_id INTEGER NOT NULL REFERENCES disputes(id),
        status TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        reason TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER dispute_history_no_update BEFORE UPDATE ON dispute_history BEGIN SELECT RAISE(ABORT, 'dispute history is append-only'); END;
      CREATE TRIGGER dispute_history_no_delete BEFORE DELETE ON dispute_history BEGIN SELECT RAISE(ABORT, 'dispute history is append-only'); END;
    `);
  },
};
export default migration;
