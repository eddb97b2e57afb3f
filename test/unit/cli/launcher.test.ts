/**
 * The `credence` launcher runs the command line from its esbuild bundle and
 * rebuilds the bundle when it is older than the sources, so a checkout never
 * runs stale code and no run pays for a TypeScript loader.
 */
import { spawnSync } from 'node:child_process';
import { statSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../../..');
const BUNDLE = join(REPO, 'dist-electron', 'cli.mjs');
const launch = (...args: string[]) => spawnSync(process.execPath, [join(REPO, 'electron', 'credence.mjs'), ...args], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });

it('rebuilds a bundle older than the sources, then runs it', () => {
  const first = launch('--help');
  expect(first.status, first.stderr).toBe(0);
  // Age the bundle to before any source: the next run must rebuild it.
  const past = new Date('2001-01-01T00:00:00Z');
  utimesSync(BUNDLE, past, past);
  const again = launch('--help');
  expect(again.status, again.stderr).toBe(0);
  expect(again.stdout).toContain('Usage: credence');
  expect(statSync(BUNDLE).mtimeMs).toBeGreaterThan(past.getTime() + 1000);
});

it('answers usage errors with exit 2 and rejected input with exit 1, as the source does', () => {
  const usage = launch('explain');
  expect(usage.status).toBe(2);
  const missing = launch('explain', 'C1', '--db', join(REPO, 'test-results', 'no-such-dir', 'x.sqlite'));
  expect(missing.status).toBe(1);
  expect(missing.stderr).toMatch(/^error: /m);
});
