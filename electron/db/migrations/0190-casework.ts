import type { Migration } from './index.js';
import { addOperationKinds } from './operationKinds.js';

/**
 * Casework: every step of a dispute is an operation (opened, assigned,
 * reviewed, decided), a dispute can be assigned to a reviewer, and an upheld
 * dispute that moved no score keeps the reason why.
 */
const migration: Migration = {
  version: 190,
  name: 'casework',
  up(db) {
    addOperationKinds(db, ['dispute_opened', 'dispute_assigned', 'dispute_reviewed', 'dispute_decided']);
    db.exec(`
      ALTER TABLE disputes ADD COLUMN assigned_to TEXT;
      ALTER TABLE disputes ADD COLUMN outcome_note TEXT;
    `);
  },
};
export default migration;
