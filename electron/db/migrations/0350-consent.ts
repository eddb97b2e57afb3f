import type { Migration } from './index.js';
import { addOperationKinds } from './operationKinds.js';

/**
 * Consent (SCORING_MODEL §1 "Consent record", §3 "Scope", §6): an
 * append-only consent history per citizen, the `consent_changed` operation,
 * and ledger entries of cause `scope` whose old or new score is null (a
 * citizen entering or leaving scope). The ledger's CHECKs cannot be altered
 * in place, so the table is rebuilt like `operations` in operationKinds.ts:
 * same columns in the same order (the chain's content hashes of its rows do
 * not change), rows copied back, indexes and triggers restored; the chain
 * triggers, dropped with the table, are recreated by the migration runner.
 */
const LEDGER = `CREATE TABLE ledger (
        seq INTEGER PRIMARY KEY,
        citizen_id TEXT NOT NULL,
        operation_id INTEGER NOT NULL REFERENCES operations(id),
        old_score INTEGER,
        new_score INTEGER,
        old_tier TEXT,
        new_tier TEXT,
        ruleset_version INTEGER NOT NULL,
        cause TEXT NOT NULL CHECK (cause IN ('own','friends','scope')),
        cause_friends TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        CHECK (new_score IS NOT NULL OR cause = 'scope'),
        CHECK (old_score IS NOT NULL OR new_score IS NOT NULL)
      ) STRICT`;

const migration: Migration = {
  version: 350,
  name: 'consent',
  up(db) {
    addOperationKinds(db, ['consent_changed']);

    const attached = db.prepare("SELECT sql FROM sqlite_schema WHERE type IN ('index', 'trigger') AND tbl_name = 'ledger' AND name NOT LIKE 'chain\\_%' ESCAPE '\\' AND sql IS NOT NULL").pluck().all() as string[];
    const count = db.prepare('SELECT count(*) FROM ledger').pluck().get() as number;
    db.pragma('defer_foreign_keys = ON');
    db.exec('CREATE TEMP TABLE ledger_aside AS SELECT * FROM ledger');
    db.exec('DROP TABLE ledger');
    db.exec(LEDGER);
    db.exec('INSERT INTO ledger SELECT * FROM temp.ledger_aside ORDER BY seq');
    db.exec('DROP TABLE temp.ledger_aside');
    for (const s of attached) db.exec(s);
    if ((db.prepare('SELECT count(*) FROM ledger').pluck().get() as number) !== count) throw new Error('rebuilding the ledger lost entries');

    db.exec(`
      CREATE TABLE consents (
        seq INTEGER PRIMARY KEY,
        citizen_idx INTEGER NOT NULL REFERENCES citizens(idx),
        status TEXT NOT NULL CHECK (status IN ('given','withdrawn','refused')),
        at TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        evidence TEXT NOT NULL CHECK (length(evidence) > 0),
        operation_id INTEGER NOT NULL REFERENCES operations(id)
      ) STRICT;
      CREATE INDEX consents_by_citizen ON consents(citizen_idx, at_ms, seq);
      CREATE INDEX consents_by_instant ON consents(at_ms);
      CREATE TRIGGER consents_no_update BEFORE UPDATE ON consents BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;
      CREATE TRIGGER consents_no_delete BEFORE DELETE ON consents BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;
    `);
  },
};
export default migration;
