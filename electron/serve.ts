/**
 * Browser mode: `npm run serve -- [--db FILE] [--port N]` serves the built
 * console and the API contract on 127.0.0.1, for a workstation without a
 * desktop session and for the end-to-end tests. Without --db it uses the
 * app's default database and, on first start, creates the demo population
 * there, as the desktop app offers to.
 */
import { Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { startBridge } from './bridge/server.js';
import { readSecret } from './cli/secrets.js';
import { databaseKey, openDatabase } from './db/connection.js';
import { isPlaintextDatabase } from './db/encryption.js';
import { passphraseKey, prepareDataFolder, privateProcess, removeStaleUploads, scheduleDailyBackups } from './services/custody.js';
import { JobManager } from './jobs/manager.js';
import { defaultDatabaseFile, RENDERER_DIR, RESOURCES_DIR } from './paths.js';
import { SessionStore } from './services/auth.js';
import { createDemoPopulation } from './services/demo.js';
import { parseInstant } from './services/scoring.js';

async function main(): Promise<void> {
  const program = new Command('credence-serve')
    .description('serve the Credence console to a browser on this machine (127.0.0.1 only)')
    .option('--db <file>', 'the database (default: the app database in the user data folder)')
    .option('--port <n>', 'port (default: any free port)', '0')
    .option('--demo-citizens <n>', 'size of the demo population created on first start', '5000')
    .option('--static <dir>', 'serve the console from this build folder', RENDERER_DIR)
    .parse();
  const o = program.opts<{ db?: string; port: string; demoCitizens: string; static: string }>();
  const dbFile = o.db ?? defaultDatabaseFile();
  privateProcess();
  if (!o.db) prepareDataFolder(dirname(dbFile));
  for (const gone of removeStaleUploads()) process.stderr.write(`removed a stale upload folder: ${gone}\n`);
  // The passphrase at start (CREDENCE_DB_PASSPHRASE, or typed); a database stored unencrypted is encrypted once, in place.
  const key = await passphraseKey((q) => readSecret('CREDENCE_DB_PASSPHRASE', q), dbFile);
  if (isPlaintextDatabase(dbFile)) process.stderr.write(`${dbFile} is stored unencrypted: encrypting it now (a copy is encrypted, then replaces it) ...\n`);
  const db = openDatabase(dbFile, { key, encryptPlaintext: true });
  const stopBackups = scheduleDailyBackups(db, dbFile, (m) => process.stderr.write(`${m}\n`));
  const population = db.prepare('SELECT count(*) FROM citizens').pluck().get() as number;
  if (population === 0 && !o.db) {
    process.stderr.write(`first start: creating a demo population in ${dbFile} ...\n`);
    await createDemoPopulation(db, RESOURCES_DIR, { citizens: Number(o.demoCitizens), seed: 1, asOf: parseInstant(new Date().toISOString().slice(0, 10)) });
  }
  const jobs = new JobManager(dbFile, RESOURCES_DIR, undefined, { databaseKey: databaseKey(db) });
  const bridge = await startBridge({
    ctx: { db, dbFile, jobs, sessions: new SessionStore(db) },
    staticDir: resolve(o.static),
    port: Number(o.port),
  });
  process.stdout.write(`Credence console: ${bridge.url}\n`);
  const stop = () => {
    stopBackups();
    void bridge.close().then(() => {
      db.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exit(1);
});
