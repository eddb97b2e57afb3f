import type { Migration } from './index.js';

/**
 * Each citizen may have a language (English or Simplified Chinese) for what
 * is printed for them, the score disclosure first; null when the data did not
 * say, and the disclosure is then in English unless the official picks a
 * language when printing.
 */
const migration: Migration = {
  version: 420,
  name: 'citizen-language',
  up(db) {
    db.exec("ALTER TABLE citizens ADD COLUMN language TEXT CHECK (language IS NULL OR language IN ('en', 'zh-CN'))");
  },
};
export default migration;
