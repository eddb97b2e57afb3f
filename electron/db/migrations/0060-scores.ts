import type { Migration } from './index.js';

/**
 * Current scores and what they are made of. contributions holds c(r, e) != 0
 * (or an evaluation error) of every non-retracted event under the ruleset in
 * scoring_state, keyed so that one citizen's totals are a range scan and the
 * population's totals one ordered pass, aggregated in SQLite.
 */
const migration: Migration = {
  version: 60,
  name: 'scores',
  up(db) {
    db.exec(`
      CREATE TABLE scoring_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        ruleset_version INTEGER NOT NULL REFERENCES rulesets(version),
        as_of TEXT NOT NULL,
        as_of_ms INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE contributions (
        citizen_idx INTEGER NOT NULL,
        rule_index INTEGER NOT NULL,
        event_idx INTEGER NOT NULL,
        occurred_ms INTEGER NOT NULL,
        points REAL NOT NULL,
        error TEXT,
        PRIMARY KEY (citizen_idx, rule_index, event_idx)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE scores (
        citizen_idx INTEGER PRIMARY KEY REFERENCES citizens(idx),
        cents INTEGER NOT NULL,
        tier TEXT NOT NULL,
        s REAL NOT NULL,
        own REAL NOT NULL,
        penalty REAL NOT NULL,
        totals TEXT NOT NULL
      ) STRICT;
      CREATE INDEX scores_by_cents ON scores(cents);
      CREATE INDEX scores_by_tier ON scores(tier, cents);
    `);
  },
};
export default migration;
