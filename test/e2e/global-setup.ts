/**
 * Makes the run's demo database with the test accounts (copied for every
 * console) and starts the shared console for the read-only specs on it:
 * serve.ts on a free port. Its address (URL, token, and the default test
 * account) goes to the tests twice: in process.env
 * (inherited by the workers) and in test-results/e2e-server.json (also read
 * by the teardown, which stops the server and removes its folder).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeTemplateDatabase, SCREENSHOT_DIR, startCredence, STATE_FILE } from './server';

export default async function globalSetup(): Promise<void> {
  // Screenshots are artifacts of this run only.
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  mkdirSync(dirname(STATE_FILE), { recursive: true });
  await makeTemplateDatabase();
  const server = await startCredence();
  const { url, base, port, token, account, pid, dir } = server;
  writeFileSync(STATE_FILE, JSON.stringify({ url, base, port, token, account, pid, dir }, null, 2));
  process.env.CREDENCE_E2E_CONSOLE = JSON.stringify({ url, base, port, token, account });
}
