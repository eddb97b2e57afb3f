import type { Migration } from './index.js';

/** Citizens, with an FTS5 index on name and id kept in step by triggers. */
const migration: Migration = {
  version: 20,
  name: 'citizens',
  up(db) {
    db.exec(`
      CREATE TABLE citizens (
        idx INTEGER PRIMARY KEY,
        citizen_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        district TEXT NOT NULL,
        birth_date TEXT
      ) STRICT;
      CREATE INDEX citizens_by_district ON citizens(district);
      CREATE VIRTUAL TABLE citizens_fts USING fts5(name, citizen_id, content='citizens', content_rowid='idx',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3');
      CREATE TRIGGER citizens_fts_insert AFTER INSERT ON citizens BEGIN
        INSERT INTO citizens_fts(rowid, name, citizen_id) VALUES (new.idx, new.name, new.citizen_id);
      END;
      CREATE TRIGGER citizens_fts_delete AFTER DELETE ON citizens BEGIN
        INSERT INTO citizens_fts(citizens_fts, rowid, name, citizen_id) VALUES ('delete', old.idx, old.name, old.citizen_id);
      END;
      CREATE TRIGGER citizens_fts_update AFTER UPDATE ON citizens BEGIN
        INSERT INTO citizens_fts(citizens_fts, rowid, name, citizen_id) VALUES ('delete', old.idx, old.name, old.citizen_id);
        INSERT INTO citizens_fts(rowid, name, citizen_id) VALUES (new.idx, new.name, new.citizen_id);
      END;
    `);
  },
};
export default migration;
