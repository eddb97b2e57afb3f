import type { Migration } from './index.js';
import { addOperationKinds } from './operationKinds.js';

/**
 * A restore that goes back behind the last exported checkpoint is an
 * operation (`backup_restored`), with the actor and the written reason.
 */
const migration: Migration = {
  version: 150,
  name: 'backup-restored',
  up(db) {
    addOperationKinds(db, ['backup_restored']);
  },
};
export default migration;
