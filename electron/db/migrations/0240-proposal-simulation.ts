import type { Migration } from './index.js';

/**
 * A ruleset proposal carries the simulation its proposer ran (the result, the
 * spec it ran on and the data it ran against), so that the approver sees it
 * and can tell when the data has changed since.
 */
const migration: Migration = {
  version: 240,
  name: 'proposal-simulation',
  up(db) {
    db.exec('ALTER TABLE proposals ADD COLUMN simulation TEXT');
  },
};
export default migration;
