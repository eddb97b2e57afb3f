import type { Migration } from './index.js';

/**
 * Each account chooses the console's language (English or Simplified
 * Chinese); null until the user has chosen, when the console follows the
 * language picked at the login screen.
 */
const migration: Migration = {
  version: 410,
  name: 'account-language',
  up(db) {
    db.exec("ALTER TABLE users ADD COLUMN language TEXT CHECK (language IS NULL OR language IN ('en', 'zh-CN'))");
  },
};
export default migration;
