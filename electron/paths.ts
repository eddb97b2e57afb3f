/**
 * Where things live: the default database in the per-user data folder (the
 * folder Electron's app.getPath('userData') gives for "Credence"), the
 * default resources and the built renderer.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_NAME = 'Credence';

export function userDataDir(platform = process.platform, env = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

export function defaultDatabaseFile(): string {
  return join(userDataDir(), 'credence.sqlite');
}

const here = fileURLToPath(new URL('.', import.meta.url));
/** The repository (or app) root: electron/ sits one level below it, in source and in the build. */
export const APP_ROOT = join(here, '..');
export const RESOURCES_DIR = join(APP_ROOT, 'resources', 'default');
export const RENDERER_DIR = join(APP_ROOT, 'dist', 'renderer');
