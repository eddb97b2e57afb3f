/**
 * The renderer build of `npm run serve` (electron/rendererBuild.ts): a start
 * with unchanged sources does not rebuild; changed sources build into a new
 * folder while the old one, still served by a running console, stays whole;
 * two consoles starting at once end with one complete folder between them.
 * The builder is a stand-in that writes files slowly, as vite does.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureRendererBuild } from '../../../electron/rendererBuild.js';

let dir: string;
let src: string;
let builds: string;
let calls: number;

/** Writes index.html and an asset with the source text, a tick apart (a half-written folder is visible meanwhile). */
async function fakeBuild(outDir: string): Promise<void> {
  calls++;
  mkdirSync(join(outDir, 'assets'), { recursive: true });
  const text = readFileSync(join(src, 'main.tsx'), 'utf8');
  writeFileSync(join(outDir, 'assets', 'app.js'), text);
  await new Promise((r) => setTimeout(r, 20));
  writeFileSync(join(outDir, 'index.html'), `<script src="assets/app.js"></script><!-- ${text} -->`);
}

const options = () => ({ sources: [src], buildsDir: builds, build: fakeBuild });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'credence-rbuild-'));
  src = join(dir, 'renderer');
  builds = join(dir, 'dist', 'renderer-builds');
  mkdirSync(src);
  writeFileSync(join(src, 'main.tsx'), 'version 1');
  calls = 0;
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the renderer build of npm run serve', () => {
  it('builds once; a second start with the same sources reuses the folder without building', async () => {
    const first = await ensureRendererBuild(options());
    const second = await ensureRendererBuild(options());
    expect(second).toBe(first);
    expect(calls).toBe(1);
    expect(readFileSync(join(first, 'index.html'), 'utf8')).toContain('version 1');
  });

  it('changed sources build into a new folder; the folder a running console serves is left exactly as it was', async () => {
    const old = await ensureRendererBuild(options());
    const before = readFileSync(join(old, 'assets', 'app.js'), 'utf8');
    writeFileSync(join(src, 'main.tsx'), 'version 2');
    const fresh = await ensureRendererBuild(options());
    expect(fresh).not.toBe(old);
    expect(readFileSync(join(fresh, 'assets', 'app.js'), 'utf8')).toBe('version 2');
    expect(readFileSync(join(old, 'assets', 'app.js'), 'utf8')).toBe(before);
    expect(existsSync(join(old, 'index.html'))).toBe(true);
  });

  it('two consoles starting at once get the same complete folder, and no temporary folder is left', async () => {
    const [a, b] = await Promise.all([ensureRendererBuild(options()), ensureRendererBuild(options())]);
    expect(a).toBe(b);
    expect(existsSync(join(a, 'index.html'))).toBe(true);
    expect(readdirSync(builds).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('a build that fails leaves no folder to serve and no temporary folder', async () => {
    await expect(
      ensureRendererBuild({
        ...options(),
        build: async (outDir) => {
          mkdirSync(outDir, { recursive: true });
          writeFileSync(join(outDir, 'half.js'), 'x');
          throw new Error('vite failed');
        },
      }),
    ).rejects.toThrow(/vite failed/);
    expect(readdirSync(builds)).toEqual([]);
  });
});
