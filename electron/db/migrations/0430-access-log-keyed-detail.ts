import type { Migration } from './index.js';

/**
 * An access-log row's detail as a `server` catalog key with its parameters
 * (JSON), beside the English text it has always had: the console shows the
 * detail in the reader's language, the CSV export and the command line keep
 * the English. Rows written before stay as they are (both columns NULL);
 * NULL members are left out of a row's chain content, so their hashes do not
 * change, and the append-only triggers are untouched.
 */
const migration: Migration = {
  version: 430,
  name: 'access-log-keyed-detail',
  up(db) {
    db.exec(`
      ALTER TABLE access_log ADD COLUMN detail_key TEXT CHECK (detail_key IS NULL OR (length(detail_key) BETWEEN 1 AND 100));
      ALTER TABLE access_log ADD COLUMN detail_params TEXT CHECK (detail_params IS NULL OR (detail_key IS NOT NULL AND json_valid(detail_params) AND json_type(detail_params) = 'object'));
    `);
  },
};
export default migration;
