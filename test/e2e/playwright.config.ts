import { defineConfig } from '@playwright/test';
import { ensureChromium } from './browser';

/**
 * End-to-end tests of the console in Chromium (Debian's where there is one:
 * see browser.ts, which installs one when missing) against the real
 * main-process code over the loopback bridge.
 * Run: npm run -s build:renderer && npx playwright test -c test/e2e/playwright.config.ts
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/e2e',
  globalSetup: './global-setup.ts',
  globalTeardown: './global-teardown.ts',
  workers: 1,
  retries: 0,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['./summary-reporter.ts']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1366, height: 900 },
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: ensureChromium(),
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  },
});
