/**
 * The renderer build that `npm run serve` serves. It is never rebuilt in
 * place: each build goes to a fresh folder named by a hash of its sources
 * (dist/renderer-builds/<hash>), made in a temporary folder and renamed into
 * place in one step, and a start whose sources have not changed reuses the
 * folder. So two consoles started from one checkout never break each other:
 * a running one keeps serving its own, complete, unchanging folder.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface RendererBuildOptions {
  /** Files and folders whose content decides the build (searched recursively). */
  sources: string[];
  /** Where the builds live. */
  buildsDir: string;
  /** Builds the renderer into an empty folder. */
  build: (outDir: string) => Promise<void>;
  /** Builds not used for this long are removed (another console may still serve a newer one). */
  keepMs?: number;
  /** Told the folder a build goes into, before it starts (the caller says it in its language). */
  onBuilding?: (target: string) => void;
}

const SKIP = new Set(['node_modules', 'dist', '.git']);

function listFiles(path: string, out: string[]): void {
  const st = statSync(path);
  if (st.isFile()) {
    out.push(path);
    return;
  }
  if (!st.isDirectory()) return;
  for (const name of readdirSync(path).sort()) if (!SKIP.has(name)) listFiles(join(path, name), out);
}

/** A hash of the sources' paths and contents. */
export function sourceHash(sources: string[], base: string): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  for (const s of sources) if (existsSync(s)) listFiles(s, files);
  for (const f of files) {
    hash.update(relative(base, f)).update('\0');
    hash.update(readFileSync(f)).update('\0');
  }
  return hash.digest('hex').slice(0, 20);
}

/** The folder of the build for the current sources, built first if there is none. */
export async function ensureRendererBuild(o: RendererBuildOptions): Promise<string> {
  mkdirSync(o.buildsDir, { recursive: true });
  const hash = sourceHash(o.sources, o.buildsDir);
  const target = join(o.buildsDir, hash);
  if (!existsSync(join(target, 'index.html'))) {
    const tmp = join(o.buildsDir, `.tmp-${hash}-${process.pid}-${randomBytes(4).toString('hex')}`);
    o.onBuilding?.(target);
    try {
      await o.build(tmp);
      if (!existsSync(join(tmp, 'index.html'))) throw new Error(`the renderer build wrote no index.html to ${tmp}`);
      try {
        renameSync(tmp, target);
      } catch (err) {
        // Another console built the same sources first: its folder is as good as ours.
        if (!existsSync(join(target, 'index.html'))) throw err;
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  prune(o.buildsDir, target, o.keepMs ?? 24 * 3_600_000);
  return target;
}

/** Removes builds (and abandoned temporary folders) not touched for keepMs, never the current one. */
function prune(buildsDir: string, current: string, keepMs: number): void {
  const now = Date.now();
  for (const name of readdirSync(buildsDir)) {
    const path = join(buildsDir, name);
    if (path === current) continue;
    try {
      if (now - statSync(path).mtimeMs > keepMs) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed meanwhile by another console: nothing to do.
    }
  }
}
