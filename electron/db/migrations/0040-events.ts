import type { Migration } from './index.js';

/** Event kinds with their schemas, and events (never deleted by scoring; retraction keeps the row). */
const migration: Migration = {
  version: 40,
  name: 'events',
  up(db) {
    db.exec(`
      CREATE TABLE event_kinds (
        kind TEXT PRIMARY KEY,
        fields TEXT NOT NULL
      ) STRICT;
      CREATE TABLE events (
        idx INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        citizen_idx INTEGER NOT NULL REFERENCES citizens(idx),
        kind TEXT NOT NULL REFERENCES event_kinds(kind),
        occurred_at TEXT NOT NULL,
        occurred_ms INTEGER NOT NULL,
        data TEXT NOT NULL,
        operation_id INTEGER NOT NULL REFERENCES operations(id),
        retracted_by INTEGER REFERENCES operations(id)
      ) STRICT;
      CREATE INDEX events_by_citizen ON events(citizen_idx, occurred_ms);
    `);
  },
};
export default migration;
