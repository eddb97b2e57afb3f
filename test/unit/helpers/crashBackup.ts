/**
 * Child process of the backup crash tests: opens the database (passphrase
 * from CREDENCE_DB_PASSPHRASE), prints `underway` and then takes a backup or
 * restores one, so the parent can SIGKILL it in the middle. Prints
 * `finished` if it gets to the end.
 *
 *   node --import tsx test/unit/helpers/crashBackup.ts backup DB OUT
 *   node --import tsx test/unit/helpers/crashBackup.ts restore DB BACKUP
 */
import { openDatabase } from '../../../electron/db/connection.js';
import { createBackup, restoreBackup } from '../../../electron/services/backup.js';

const [mode, dbPath, other] = process.argv.slice(2);
const key = { passphrase: process.env.CREDENCE_DB_PASSPHRASE ?? '' };
if (mode === 'backup') {
  const db = openDatabase(dbPath, { key });
  process.stdout.write('underway\n');
  createBackup(db, other);
  db.close();
} else if (mode === 'restore') {
  process.stdout.write('underway\n');
  restoreBackup(dbPath, other, key, { actor: 'crash-test', reason: 'crash test' });
} else {
  process.stderr.write('usage: crashBackup.ts backup|restore DB FILE\n');
  process.exit(2);
}
process.stdout.write('finished\n');
