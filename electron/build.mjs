/**
 * Bundles the main process, the job worker, the command line and the preload
 * for Electron and Node (`npm run build:electron`). The renderer is built by Vite.
 * Plain JavaScript so that the command line's launcher can rebuild a stale
 * bundle without a TypeScript loader.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Native modules and pdfkit's font files stay in node_modules. */
export const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external: ['electron', 'better-sqlite3', 'better-sqlite3-multiple-ciphers', 'pdfkit'],
  logLevel: 'warning',
  // The unit tests' cheaper password hashes (electron/services/auth.ts, passwordLogN) are not in any bundle a user runs.
  define: { 'process.env.CREDENCE_TEST_PASSWORD_LOG_N': 'undefined' },
};

/** The worker threads' entry points: each bundle that starts one finds it beside itself. */
export const WORKER_ENTRY_POINTS = {
  worker: 'electron/jobs/worker.ts',
  ruleWorker: 'electron/jobs/ruleWorker.ts',
  eventWorker: 'electron/services/eventWorker.ts',
  ledgerHashWorker: 'electron/db/ledgerHashWorker.ts',
};

/** The ESM bundles: main process, job worker, rule-sandbox worker, import events worker, ledger hashing worker and command line, side by side (each finds its workers beside it). */
export async function buildNodeBundles() {
  await build({
    ...common,
    format: 'esm',
    entryPoints: { main: 'electron/main.ts', ...WORKER_ENTRY_POINTS, cli: 'electron/cli.ts' },
    outdir: 'dist-electron',
    outExtension: { '.js': '.mjs' },
    // Bundled CommonJS dependencies (commander) call require: give the ESM bundle one.
    banner: { js: "import { createRequire as __credenceRequire } from 'node:module'; const require = __credenceRequire(import.meta.url);" },
  });
}

export async function buildAll() {
  await buildNodeBundles();
  // A sandboxed preload must be a single CommonJS file.
  await build({ ...common, format: 'cjs', entryPoints: { preload: 'electron/preload.ts' }, outdir: 'dist-electron', outExtension: { '.js': '.cjs' } });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildAll();
  console.log('built dist-electron/main.mjs, worker.mjs, ruleWorker.mjs, eventWorker.mjs, ledgerHashWorker.mjs, cli.mjs, preload.cjs');
}
