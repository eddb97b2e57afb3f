/**
 * The Electron main process: one window on the app:// protocol, the security
 * policy of shell/security.ts, the database in the user-data folder, and the
 * API contract over IPC. Everything else lives in modules that never import
 * electron, so it runs and is tested under plain Node.
 */
import { app, BrowserWindow, ipcMain, net, protocol, session, shell } from 'electron';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openDatabase, type Db } from './db/connection.js';
import { registerIpcHandlers } from './ipc/register.js';
import { JobManager } from './jobs/manager.js';
import { RENDERER_DIR, RESOURCES_DIR } from './paths.js';
import { flushRefusals } from './services/accessLog.js';
import { SessionStore } from './services/auth.js';
import { APP_SCHEME, APP_URL, CONTENT_SECURITY_POLICY, isAppUrl, mainWindowOptions, permissionDecision, resolveAppAsset } from './shell/security.js';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let db: Db | null = null;

function serveApp(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const asset = resolveAppAsset(request.url, RENDERER_DIR) ?? resolveAppAsset(APP_URL, RENDERER_DIR);
    if (!asset) return new Response('not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(asset.file).toString());
    return new Response(res.body, {
      headers: { 'content-type': asset.mime, 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' },
    });
  });
}

function lockDownSessions(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionDecision(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionDecision(permission));
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Links to the outside world open in the system browser, never in the app.
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

async function createWindow(): Promise<void> {
  const preload = fileURLToPath(new URL('./preload.cjs', import.meta.url));
  const win = new BrowserWindow(mainWindowOptions(preload));
  win.once('ready-to-show', () => win.show());
  await win.loadURL(APP_URL);
}

app.enableSandbox();
app.whenReady().then(async () => {
  serveApp();
  lockDownSessions();
  const dataDir = app.getPath('userData');
  mkdirSync(dataDir, { recursive: true });
  const dbFile = join(dataDir, 'credence.sqlite');
  db = openDatabase(dbFile);
  const jobs = new JobManager(dbFile, RESOURCES_DIR);
  registerIpcHandlers(ipcMain, { db, dbFile, jobs, sessions: new SessionStore(db) });
  await createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
});

app.on('window-all-closed', () => {
  if (db) flushRefusals(db);
  db?.close();
  db = null;
  if (process.platform !== 'darwin') app.quit();
});
