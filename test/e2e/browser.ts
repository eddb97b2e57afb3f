/**
 * Finds the Chromium the end-to-end tests drive, and installs one when there is
 * none, so that `npm test` is the whole set-up on a fresh machine:
 * - `CREDENCE_CHROMIUM` (a path) wins; then Debian's or Ubuntu's chromium;
 * - else, as root with apt-get, Debian's `chromium` package is installed;
 * - else Playwright's own Chromium (downloaded by `playwright install chromium`);
 * - else the run stops, naming the one command that gets a browser.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from '@playwright/test';

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The browser to launch, or undefined when none is installed yet. */
export function findChromium(): string | undefined {
  const pinned = process.env.CREDENCE_CHROMIUM;
  if (pinned) return pinned;
  const system = SYSTEM_CHROMIUM.find((path) => existsSync(path));
  if (system) return system;
  const bundled = chromium.executablePath();
  return existsSync(bundled) ? bundled : undefined;
}

function run(command: string, args: string[]): boolean {
  console.log(`e2e: ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit' }).status === 0;
}

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Make sure a browser exists; returns its path or throws with the command to run. */
export function ensureChromium(): string {
  const found = findChromium();
  if (found) return found;
  const root = process.getuid?.() === 0;
  if (root && hasCommand('apt-get')) {
    process.env.DEBIAN_FRONTEND = 'noninteractive';
    if (run('apt-get', ['update']) && run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'])) {
      const installed = findChromium();
      if (installed) return installed;
    }
  }
  if (run(process.execPath, [createRequire(import.meta.url).resolve('@playwright/test/cli'), 'install', 'chromium'])) {
    const downloaded = findChromium();
    if (downloaded) return downloaded;
  }
  throw new Error(
    root
      ? 'no Chromium for the end-to-end tests, and installing one failed: run `apt-get install -y chromium` (or set CREDENCE_CHROMIUM to a Chromium binary)'
      : 'no Chromium for the end-to-end tests: run `sudo apt-get install -y chromium` or `npx playwright install chromium` (or set CREDENCE_CHROMIUM to a Chromium binary)',
  );
}
