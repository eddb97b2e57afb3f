import type { Migration } from './index.js';

/**
 * Insider-proof accounts and traced reads.
 * - `account_changes`: granting a role (a new account, a role change, a
 *   re-enabled account) is a proposal that another administrator approves.
 * - `account_events`: every account operation (created, role changed,
 *   disabled, enabled, password reset or changed, sessions revoked) with its
 *   actor, approver and written reason; append-only. Who created, re-enabled,
 *   re-roled or reset whom is read from here to keep one person from
 *   approving through an account they set up.
 * - `cli_tokens`: one-time tokens a logged-in user issues in the console for
 *   the command line (only their SHA-256 is stored).
 * - `access_reads`: the citizens each logged read returned, for the per-user
 *   bulk-read threshold; `access_alerts`: the alerts it raised.
 */
const migration: Migration = {
  version: 110,
  name: 'accounts-custody',
  up(db) {
    db.exec(`
      ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));

      CREATE TABLE account_changes (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('create', 'role', 'enable')),
        username TEXT NOT NULL COLLATE NOCASE,
        display_name TEXT,
        role TEXT NOT NULL CHECK (role IN ('viewer','official','auditor','admin')),
        -- a new account's password hash, kept here until approval; never sent to a client
        password_hash TEXT,
        reason TEXT NOT NULL CHECK (length(reason) > 0),
        proposed_by TEXT NOT NULL,
        proposed_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
        decided_by TEXT,
        decided_at TEXT,
        decision_reason TEXT,
        CHECK (kind <> 'create' OR password_hash IS NOT NULL),
        CHECK (status <> 'approved' OR (decided_by IS NOT NULL AND lower(decided_by) <> lower(proposed_by) AND lower(decided_by) <> lower(username)))
      ) STRICT;
      CREATE INDEX account_changes_by_status ON account_changes(status, id);
      CREATE UNIQUE INDEX account_changes_one_pending ON account_changes(username) WHERE status = 'pending';

      CREATE TABLE account_events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        username TEXT NOT NULL COLLATE NOCASE,
        action TEXT NOT NULL CHECK (action IN ('created','role_changed','disabled','enabled','password_reset','password_changed','sessions_revoked')),
        actor TEXT NOT NULL CHECK (length(actor) > 0),
        approved_by TEXT,
        change_id INTEGER REFERENCES account_changes(id),
        reason TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
      ) STRICT;
      CREATE INDEX account_events_by_user ON account_events(username, id);
      CREATE INDEX account_events_by_actor ON account_events(actor, id);
      CREATE TRIGGER account_events_no_update BEFORE UPDATE ON account_events BEGIN SELECT RAISE(ABORT, 'account history is append-only'); END;
      CREATE TRIGGER account_events_no_delete BEFORE DELETE ON account_events BEGIN SELECT RAISE(ABORT, 'account history is append-only'); END;
      INSERT INTO account_events (at, username, action, actor, reason, detail)
        SELECT created_at, username, 'created', created_by, 'account created before account history was kept', 'role ' || role FROM users ORDER BY id;

      CREATE TABLE cli_tokens (
        token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
        username TEXT NOT NULL COLLATE NOCASE,
        issued_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
      ) STRICT;

      CREATE TABLE access_reads (
        access_id INTEGER NOT NULL REFERENCES access_log(id),
        username TEXT NOT NULL COLLATE NOCASE,
        at_ms INTEGER NOT NULL,
        citizen_id TEXT NOT NULL
      ) STRICT;
      CREATE INDEX access_reads_by_user ON access_reads(username, at_ms);
      CREATE TRIGGER access_reads_no_update BEFORE UPDATE ON access_reads BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
      CREATE TRIGGER access_reads_no_delete BEFORE DELETE ON access_reads BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;

      CREATE TABLE access_alerts (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        username TEXT NOT NULL,
        citizens INTEGER NOT NULL,
        threshold INTEGER NOT NULL,
        window_start TEXT NOT NULL,
        access_id INTEGER NOT NULL REFERENCES access_log(id)
      ) STRICT;
      CREATE INDEX access_alerts_by_user ON access_alerts(username, id);

      INSERT OR IGNORE INTO settings (key, value) VALUES ('bulk_read_per_hour', '300');
    `);
  },
};
export default migration;
