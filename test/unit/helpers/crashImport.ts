/**
 * Child process of the import crash test: opens the database and imports a
 * folder. Prints `underway <bytes>` once, from a progress report, when at
 * least `announceAt` of the folder's bytes have been read (the import's
 * transaction is then open and holds rows), so the parent can SIGKILL it
 * mid-import. Prints `finished <json>` if it ever gets to the end.
 * With CACHE_KIB, the page cache is shrunk so that the open transaction
 * spills uncommitted pages into the WAL before the kill.
 *
 *   node --import tsx test/unit/helpers/crashImport.ts DB FOLDER ANNOUNCE_AT_FRACTION [CACHE_KIB]
 */
import { openDatabase } from '../../../electron/db/connection.js';
import { importFolder } from '../../../electron/services/import.js';

const [dbPath, dir, fraction, cacheKib] = process.argv.slice(2);
if (!dbPath || !dir || !fraction) {
  process.stderr.write('usage: crashImport.ts DB FOLDER ANNOUNCE_AT_FRACTION [CACHE_KIB]\n');
  process.exit(2);
}

const db = openDatabase(dbPath);
if (cacheKib) db.pragma(`cache_size = -${Number(cacheKib)}`);
let announced = false;
const report = await importFolder(db, dir, {
  actor: 'crash-test',
  reason: 'import killed mid-way',
  onProgress: (phase, done, total) => {
    if (!announced && phase === 'reading files' && done >= total * Number(fraction)) {
      announced = true;
      process.stdout.write(`underway ${done}\n`);
    }
  },
});
process.stdout.write(`finished ${JSON.stringify({ ok: report.ok, operationId: report.operationId, problems: report.problemCount })}\n`);
db.close();
