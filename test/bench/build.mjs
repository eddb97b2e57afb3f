/**
 * Bundles the benchmarks with the code they measure into dist-bench/, the way
 * the app and the command line ship it (esbuild, electron/build.mjs), with the
 * worker threads beside the bundle as in dist-electron/. `npm run bench` runs
 * this bundle, so its figures are those of the shipped code: the same
 * sources run through tsx's per-module loader took about 1 s longer on the
 * 100k import. dist-bench/ is not packaged (electron-builder.yml).
 */
import { build } from 'esbuild';
import { common, WORKER_ENTRY_POINTS } from '../../electron/build.mjs';

await build({
  ...common,
  // Unlike the app's bundles, the benchmarks' read CREDENCE_TEST_PASSWORD_LOG_N as the sources do (the abuse bench's accounts).
  define: {},
  format: 'esm',
  entryPoints: { bench: 'test/bench/run.ts', ...WORKER_ENTRY_POINTS },
  outdir: 'dist-bench',
  outExtension: { '.js': '.mjs' },
  banner: { js: "import { createRequire as __credenceRequire } from 'node:module'; const require = __credenceRequire(import.meta.url);" },
});
