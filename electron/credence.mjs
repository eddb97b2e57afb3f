#!/usr/bin/env node
/**
 * The `credence` command: runs the command line from its esbuild bundle
 * (dist-electron/cli.mjs), so that no command pays for a TypeScript loader.
 * In a checkout the bundle is rebuilt first when a source file is newer than
 * it; in an installed app there are no sources and the shipped bundle runs.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist-electron', 'cli.mjs');
const SOURCES = ['electron', 'shared'];

/** The newest modification time of the sources, in ms (0 where there are none). */
function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.(ts|mts|cts|js|mjs|cjs|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCES) if (existsSync(join(root, dir))) visit(join(root, dir));
  return newest;
}

const hasSources = existsSync(join(root, 'electron', 'cli.ts'));
if (hasSources) {
  createRequire(import.meta.url)('./ensure-node-abi.cjs').ensureNodeAbi();
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource()) {
    const { buildNodeBundles } = await import('./build.mjs');
    await buildNodeBundles();
  }
}
const { run } = await import(bundle);
await run(process.argv.slice(2));
