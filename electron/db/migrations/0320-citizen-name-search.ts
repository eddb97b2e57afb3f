import { sqlFencedName, sqlHasCjk } from '../nameSearch.js';
import type { Migration } from './index.js';

/**
 * Names in Chinese characters (and other scripts written without spaces) are
 * found by surname, given name or full name, and a citizen may carry a Latin
 * form of the name (pinyin) that search matches too. See ../nameSearch.ts for
 * the two indexes. The old index (0020) is replaced and both are built from
 * the citizens already stored.
 */
const migration: Migration = {
  version: 320,
  name: 'citizen-name-search',
  up(db) {
    const fenced = (row: string) => sqlFencedName(`${row}.name`);
    const hasCjk = (row: string) => sqlHasCjk(`${row}.name`);
    db.exec(`
      ALTER TABLE citizens ADD COLUMN name_latin TEXT;
      DROP TRIGGER citizens_fts_insert;
      DROP TRIGGER citizens_fts_delete;
      DROP TRIGGER citizens_fts_update;
      DROP TABLE citizens_fts;
      CREATE VIRTUAL TABLE citizens_fts USING fts5(name, name_latin, content='citizens', content_rowid='idx',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3 4');
      CREATE VIRTUAL TABLE citizens_cjk USING fts5(name_parts, content='', contentless_delete=1, tokenize='trigram');
      CREATE TRIGGER citizens_fts_insert AFTER INSERT ON citizens BEGIN
        INSERT INTO citizens_fts(rowid, name, name_latin) VALUES (new.idx, new.name, new.name_latin);
        INSERT INTO citizens_cjk(rowid, name_parts) SELECT new.idx, ${fenced('new')} WHERE ${hasCjk('new')};
      END;
      CREATE TRIGGER citizens_fts_delete AFTER DELETE ON citizens BEGIN
        INSERT INTO citizens_fts(citizens_fts, rowid, name, name_latin) VALUES ('delete', old.idx, old.name, old.name_latin);
        DELETE FROM citizens_cjk WHERE rowid = old.idx;
      END;
      CREATE TRIGGER citizens_fts_update AFTER UPDATE OF idx, name, name_latin ON citizens BEGIN
        INSERT INTO citizens_fts(citizens_fts, rowid, name, name_latin) VALUES ('delete', old.idx, old.name, old.name_latin);
        INSERT INTO citizens_fts(rowid, name, name_latin) VALUES (new.idx, new.name, new.name_latin);
        DELETE FROM citizens_cjk WHERE rowid = old.idx;
        INSERT INTO citizens_cjk(rowid, name_parts) SELECT new.idx, ${fenced('new')} WHERE ${hasCjk('new')};
      END;
      INSERT INTO citizens_fts(citizens_fts) VALUES ('rebuild');
      INSERT INTO citizens_cjk(rowid, name_parts) SELECT c.idx, ${fenced('c')} FROM citizens c WHERE ${hasCjk('c')};
    `);
  },
};
export default migration;
