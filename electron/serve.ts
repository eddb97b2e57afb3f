/**
 * Browser mode: `npm run serve -- [--db FILE] [--port N]` serves the built
 * console and the API contract on 127.0.0.1, for a workstation without a
 * desktop session and for the end-to-end tests. Without --db it uses the
 * app's default database and, on first start, creates the demo population
 * there, as the desktop app offers to. Without --static it serves a build of
 * the current renderer sources, made only when they changed, in a folder of
 * its own (two consoles never rebuild each other's files).
 */
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { startBridge } from './bridge/server.js';
import { readSecret } from './cli/secrets.js';
import { localizeHelp } from './cli/helpText.js';
import { chooseLanguage, LANG_OPTION, refusalText, saidText, setCliLanguage, t } from './cli/i18n.js';
import { LANGUAGES } from '../shared/language.js';
import { databaseKey, openDatabase } from './db/connection.js';
import { isPlaintextDatabase } from './db/encryption.js';
import { passphraseKey, prepareDataFolder, privateProcess, removeStaleUploads, scheduleDailyBackups } from './services/custody.js';
import { JobKind } from '../shared/contract.js';
import { JobManager } from './jobs/manager.js';
import { APP_ROOT, defaultDatabaseFile, RESOURCES_DIR } from './paths.js';
import { ensureRendererBuild } from './rendererBuild.js';
import { flushRefusals } from './services/accessLog.js';
import { SessionStore } from './services/auth.js';
import { createDemoPopulation } from './services/demo.js';
import { parseInstant } from './services/scoring.js';

/** The renderer built from the current sources, in its own folder (see rendererBuild.ts). */
async function currentBuild(): Promise<string> {
  return ensureRendererBuild({
    sources: ['renderer', 'shared', 'package.json'].map((p) => join(APP_ROOT, p)),
    buildsDir: join(APP_ROOT, 'dist', 'renderer-builds'),
    onBuilding: (target) => process.stderr.write(`${t('serve.building', { target })}\n`),
    build: async (outDir) => {
      const { build } = await import('vite');
      await build({ configFile: join(APP_ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    },
  });
}

async function main(): Promise<void> {
  // --lang, else CREDENCE_LANG, else the locale: as the command line chooses.
  setCliLanguage(chooseLanguage(process.argv.slice(2)));
  const program = new Command('credence-serve');
  localizeHelp(program);
  program
    .helpCommand(false)
    .description(t('serve.description'))
    .option('--db <file>', t('serve.db'))
    .option('--port <n>', t('serve.port'), '0')
    .option('--demo-citizens <n>', t('serve.demoCitizens'), '5000')
    .option('--job-time-limit <seconds>', t('serve.jobTimeLimit'))
    .option('--import-root <dir...>', t('serve.importRoot'))
    .option('--static <dir>', t('serve.static'))
    .addOption(new Option(`${LANG_OPTION} <language>`, t('help.lang')).choices([...LANGUAGES]))
    .parse();
  const o = program.opts<{ db?: string; port: string; demoCitizens: string; static?: string; jobTimeLimit?: string; importRoot?: string[] }>();
  const staticDir = o.static ? resolve(o.static) : await currentBuild();
  const dbFile = o.db ?? defaultDatabaseFile();
  privateProcess();
  // The app's data folder, or a new one for --db, is private; an existing folder given with --db is left as it is.
  if (!o.db || !existsSync(dirname(dbFile))) prepareDataFolder(dirname(dbFile));
  for (const gone of removeStaleUploads()) process.stderr.write(`${t('serve.staleUpload', { folder: gone })}\n`);
  // The passphrase at start (CREDENCE_DB_PASSPHRASE, or typed); a database stored unencrypted is encrypted once, in place.
  const key = await passphraseKey(() => readSecret('CREDENCE_DB_PASSPHRASE', t('custody.passphrasePrompt', { file: dbFile })), dbFile);
  if (isPlaintextDatabase(dbFile)) process.stderr.write(`${t('serve.encrypting', { file: dbFile })}\n`);
  const db = openDatabase(dbFile, { key, encryptPlaintext: true });
  const stopBackups = scheduleDailyBackups(db, dbFile, (m) => process.stderr.write(`${saidText(m)}\n`));
  const population = db.prepare('SELECT count(*) FROM citizens').pluck().get() as number;
  if (population === 0 && !o.db) {
    process.stderr.write(`${t('serve.firstStart', { file: dbFile })}\n`);
    await createDemoPopulation(db, RESOURCES_DIR, { citizens: Number(o.demoCitizens), seed: 1, asOf: parseInstant(new Date().toISOString().slice(0, 10)) });
  }
  const limit = o.jobTimeLimit === undefined ? undefined : Number(o.jobTimeLimit) * 1000;
  if (limit !== undefined && !(limit > 0)) throw new Error(t('serve.jobTimeLimitInvalid', { value: o.jobTimeLimit }));
  const jobs = new JobManager(dbFile, RESOURCES_DIR, undefined, {
    timeLimitsMs: limit === undefined ? undefined : Object.fromEntries(JobKind.options.map((k) => [k, limit])),
    databaseKey: databaseKey(db),
  });
  const bridge = await startBridge({
    ctx: { db, dbFile, jobs, sessions: new SessionStore(db), importRoots: o.importRoot?.map((r) => resolve(r)) },
    staticDir,
    port: Number(o.port),
  });
  process.stdout.write(`${t('serve.url', { url: bridge.url })}\n`);
  const stop = () => {
    stopBackups();
    void bridge.close().then(() => {
      flushRefusals(db);
      db.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`${t('serve.error', { message: refusalText(err as Error) })}\n`);
  process.exit(1);
});
