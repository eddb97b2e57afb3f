/**
 * The Electron main process: one window on the app:// protocol, the security
 * policy of shell/security.ts and shell/desktop.ts, the encrypted database in
 * the user-data folder (its key from the OS keystore, shell/keystore.ts), and
 * the API contract over IPC. Everything else lives in modules that never
 * import electron, so it runs and is tested under plain Node.
 */
import { app, BrowserWindow, dialog, ipcMain, net, protocol, safeStorage, session, shell } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { databaseKey, openDatabase, type Db } from './db/connection.js';
import { isPlaintextDatabase } from './db/encryption.js';
import { registerIpcHandlers } from './ipc/register.js';
import { JobManager } from './jobs/manager.js';
import { RENDERER_DIR, RESOURCES_DIR } from './paths.js';
import { flushRefusals } from './services/accessLog.js';
import { SessionStore } from './services/auth.js';
import { prepareDataFolder, privateProcess, removeStaleUploads, scheduleDailyBackups } from './services/custody.js';
import { cliArguments } from './shell/cliMode.js';
import { processLanguage, saidText, setCliLanguage, t } from './cli/i18n.js';
import { SaidError } from '../shared/englishText.js';
import type { ServerMessageKey } from '../shared/messages.js';
import { devicePermissionDecision, devToolsAllowed, holdSingleInstance, openExternalSafely } from './shell/desktop.js';
import { desktopDatabaseKey } from './shell/keystore.js';
import { APP_SCHEME, APP_URL, CONTENT_SECURITY_POLICY, isAppUrl, mainWindowOptions, permissionDecision, resolveAppAsset } from './shell/security.js';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let db: Db | null = null;
let stopBackups: (() => void) | null = null;

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
  session.defaultSession.setDevicePermissionHandler((details) => devicePermissionDecision(details));
  for (const event of ['select-hid-device', 'select-serial-port', 'select-usb-device'] as const) {
    session.defaultSession.on(event as 'select-hid-device', (e: Electron.Event, _details: unknown, callback: (id?: string) => void) => {
      e.preventDefault();
      callback();
    });
  }
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.on('select-bluetooth-device', (event, _devices, callback) => {
      event.preventDefault();
      callback('');
    });
    contents.setWindowOpenHandler(({ url }) => {
      // Only allow-listed sites, in the system browser, after the user agrees; never in the app.
      void openExternalSafely(url, {
        confirm: async (href) => {
          const parent = BrowserWindow.fromWebContents(contents) ?? undefined;
          const options = { type: 'question' as const, buttons: [desktopText('desktop.openInBrowser'), desktopText('desktop.cancel')], defaultId: 1, cancelId: 1, message: desktopText('desktop.openQuestion', { href }) };
          const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
          return response === 0;
        },
        open: (href) => shell.openExternal(href),
      });
      return { action: 'deny' };
    });
  });
}

async function createWindow(): Promise<void> {
  const preload = fileURLToPath(new URL('./preload.cjs', import.meta.url));
  const win = new BrowserWindow(mainWindowOptions(preload, { devTools: devToolsAllowed(app.isPackaged) }));
  win.once('ready-to-show', () => win.show());
  await win.loadURL(APP_URL);
}

function focusExisting(): void {
  const [win] = BrowserWindow.getAllWindows();
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.focus();
}

/** A sentence of the desktop shell (server:desktop.*) in the language of the process. */
function desktopText(key: ServerMessageKey, params?: Record<string, string>): string {
  return saidText(params ? { key, params } : { key });
}

/** Why something failed, keyed when the services keyed it, else its own words. */
function errorText(err: unknown): string {
  if (err instanceof SaidError && err.said) return saidText(err.said);
  return err instanceof Error ? err.message : String(err);
}

/** A start-up that fails (a database from a newer Credence, a wrong key, a full disk) says why, then quits. */
function startupFailed(err: unknown): void {
  dialog.showErrorBox(desktopText('desktop.couldNotStart'), errorText(err));
  app.exit(1);
}

privateProcess();
const cliArgs = cliArguments(process.argv, app.isPackaged);
if (cliArgs) {
  // `credence cli <command>`: the command line, no window, no single-instance lock (it may run beside the console).
  import('./cli.js')
    .then(({ main }) => main(cliArgs))
    .then((code) => app.exit(code))
    .catch((err: unknown) => {
      process.stderr.write(`${t('usage.error', { message: errorText(err) })}\n`);
      app.exit(1);
    });
} else if (holdSingleInstance(app, focusExisting)) {
  app.enableSandbox();
  app.whenReady().then(async () => {
    // Dialogs and the daily backup's report on stderr in the language of the process: CREDENCE_LANG, else the system's.
    setCliLanguage(processLanguage(app.getLocale()));
    serveApp();
    lockDownSessions();
    const dataDir = app.getPath('userData');
    prepareDataFolder(dataDir);
    removeStaleUploads();
    const dbFile = join(dataDir, 'credence.sqlite');
    let key;
    try {
      key = desktopDatabaseKey(dataDir, safeStorage);
    } catch (err) {
      dialog.showErrorBox(desktopText('desktop.cannotProtect'), errorText(err));
      app.quit();
      return;
    }
    if (isPlaintextDatabase(dbFile)) {
      await dialog.showMessageBox({ type: 'info', message: desktopText('desktop.encryptNotice') });
    }
    db = openDatabase(dbFile, { key, encryptPlaintext: true });
    stopBackups = scheduleDailyBackups(db, dbFile, (m) => process.stderr.write(`${saidText(m)}\n`));
    const jobs = new JobManager(dbFile, RESOURCES_DIR, undefined, { databaseKey: databaseKey(db) });
    registerIpcHandlers(ipcMain, { db, dbFile, jobs, sessions: new SessionStore(db) });
    await createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) void createWindow();
    });
  }).catch(startupFailed);

  app.on('window-all-closed', () => {
    stopBackups?.();
    if (db) flushRefusals(db);
    db?.close();
    db = null;
    if (process.platform !== 'darwin') app.quit();
  });
}
