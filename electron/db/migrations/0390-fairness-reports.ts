import type { Migration } from './index.js';

/**
 * Each published ruleset keeps its fairness report (issue 13): its scores by
 * district and age band against the version it replaced, the groups flagged
 * under the four-fifths rule, and the approver's acknowledgement of the flags
 * with its reason. Written in the publish's transaction; append-only and in
 * the chain like the ruleset itself. Versions published before this have none.
 */
const migration: Migration = {
  version: 390,
  name: 'fairness-reports',
  up(db) {
    db.exec(`
      CREATE TABLE fairness_reports (
        ruleset_version INTEGER PRIMARY KEY REFERENCES rulesets(version),
        operation_id INTEGER NOT NULL REFERENCES operations(id),
        report TEXT NOT NULL CHECK (json_valid(report)),
        flags INTEGER NOT NULL CHECK (flags >= 0),
        acknowledgement TEXT CHECK (acknowledgement IS NULL OR length(trim(acknowledgement)) >= 5),
        acknowledged_by TEXT,
        CHECK ((acknowledgement IS NULL) = (acknowledged_by IS NULL))
      ) STRICT;
      CREATE TRIGGER fairness_reports_no_update BEFORE UPDATE ON fairness_reports BEGIN SELECT RAISE(ABORT, 'fairness reports are append-only'); END;
      CREATE TRIGGER fairness_reports_no_delete BEFORE DELETE ON fairness_reports BEGIN SELECT RAISE(ABORT, 'fairness reports are append-only'); END;
    `);
  },
};
export default migration;
