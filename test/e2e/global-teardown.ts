/** Stops the shared console started by the global setup and removes its temporary database and the run's template database. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { STATE_FILE, TEMPLATE_DIR } from './server';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export default async function globalTeardown(): Promise<void> {
  rmSync(TEMPLATE_DIR, { recursive: true, force: true });
  if (!existsSync(STATE_FILE)) return;
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as { pid: number; dir: string };
  if (alive(state.pid)) {
    process.kill(state.pid, 'SIGTERM');
    for (let i = 0; i < 50 && alive(state.pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive(state.pid)) process.kill(state.pid, 'SIGKILL');
  }
  rmSync(state.dir, { recursive: true, force: true });
  rmSync(STATE_FILE, { force: true });
}
