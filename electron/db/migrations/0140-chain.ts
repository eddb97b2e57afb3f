import { createChainTable } from '../chain.js';
import type { Migration } from './index.js';

/**
 * One hash chain over every append-only record (electron/db/chain.ts). The
 * chain table is created here; right after this migration the migration
 * runner appends every existing row of the chained tables to it, in row
 * order, and installs the triggers that chain each later write. Checkpoints
 * now also fix the chain's length and head.
 */
const migration: Migration = {
  version: 140,
  name: 'chain',
  up(db) {
    createChainTable(db);
    db.exec(`
      ALTER TABLE ledger_checkpoints ADD COLUMN chain_count INTEGER CHECK (chain_count IS NULL OR chain_count >= 0);
      ALTER TABLE ledger_checkpoints ADD COLUMN chain_head TEXT CHECK (chain_head IS NULL OR length(chain_head) = 64);
    `);
  },
};
export default migration;
