/**
 * Bundles the main process, the job worker and the preload for Electron
 * (`npm run build:electron`). The renderer is built by Vite.
 */
import { build, type BuildOptions } from 'esbuild';

const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, external: ['electron', 'better-sqlite3', 'pdfkit'], logLevel: 'warning' };

await build({ ...common, format: 'esm', entryPoints: { main: 'electron/main.ts', worker: 'electron/jobs/worker.ts' }, outdir: 'dist-electron', outExtension: { '.js': '.mjs' } });
// A sandboxed preload must be a single CommonJS file.
await build({ ...common, format: 'cjs', entryPoints: { preload: 'electron/preload.ts' }, outdir: 'dist-electron', outExtension: { '.js': '.cjs' } });
console.log('built dist-electron/main.mjs, worker.mjs, preload.cjs');
