/**
 * The unit tests hash passwords with N = 2^10 through CREDENCE_TEST_PASSWORD_LOG_N
 * (electron/services/auth.ts, passwordLogN). Someone who sets that variable
 * on a workstation must not get cheaper hashes out of the app or the command
 * line: the bundles users run are built with the variable defined away, so
 * no bundle reads it, whatever the environment.
 */
import { build, type BuildOptions } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error electron/build.mjs is plain JavaScript without declarations
import { common } from '../../../electron/build.mjs';

/** Lowers scrypt's N under the test runner (electron/services/auth.ts, passwordLogN). */
const TEST_PASSWORD_LOG_N_ENV = 'CREDENCE_TEST_PASSWORD_LOG_N';

/** The entry points of electron/build.mjs that hash passwords: the app's main process and the command line. */
const ENTRIES = { main: 'electron/main.ts', cli: 'electron/cli.ts' };

async function bundled(options: BuildOptions): Promise<Map<string, string>> {
  const out = await build({ ...options, format: 'esm', entryPoints: ENTRIES, outdir: 'out', write: false, sourcemap: false, logLevel: 'silent' });
  return new Map(out.outputFiles.filter((f) => f.path.endsWith('.js')).map((f) => [f.path.replace(/^.*\//, ''), f.text]));
}

describe('the cheap test hashes are not in any bundle a user runs', () => {
  it('the app and the command line do not read the variable', async () => {
    const files = await bundled(common as BuildOptions);
    expect([...files.keys()].sort()).toEqual(['cli.js', 'main.js']);
    for (const [name, text] of files) {
      expect(text.includes('scrypt$'), `${name} hashes passwords`).toBe(true);
      expect(text.includes(TEST_PASSWORD_LOG_N_ENV), `${name} mentions ${TEST_PASSWORD_LOG_N_ENV}`).toBe(false);
    }
  });

  it('without the build definition the variable would be read (this test can fail)', async () => {
    const { define: _define, ...withoutDefine } = common as BuildOptions;
    const files = await bundled(withoutDefine);
    expect(files.get('cli.js')?.includes(TEST_PASSWORD_LOG_N_ENV)).toBe(true);
  });
});
