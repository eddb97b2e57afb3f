/**
 * The desktop shell's security policy as plain data and pure functions, so it
 * is unit-tested without Electron (which cannot run on the build machines).
 * Follows Electron's security checklist: isolation, sandbox, no Node in the
 * renderer, a strict CSP, a custom protocol instead of file://, navigation,
 * new windows, webviews and permission requests all refused.
 */
import { statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'credence';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

/** BrowserWindow options: the renderer gets no Node, an isolated preload world and the OS sandbox; DevTools only unpackaged. */
export function mainWindowOptions(preloadPath: string, options: { devTools?: boolean } = {}) {
  return {
    width: 1400,
    height: 900,
    minWidth: 1000,
    minHeight: 640,
    show: false,
    title: 'Credence',
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: options.devTools ?? false,
    },
  } as const;
}

/** Only the app's own pages may be shown; everything else is refused. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The subset of Electron's WebFrameMain that the sender check reads. */
export interface FrameLike {
  url: string;
  parent: unknown | null;
}

/** IPC is answered only for the app's own main frame (not a sub-frame, not another origin). */
export function isTrustedSender(frame: FrameLike | null | undefined): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url);
}

export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * The one static-file rule of both transports (app:// in the desktop shell,
 * the HTTP bridge in a browser): a decoded URL path maps to a file inside the
 * built renderer, or to nothing. `..` segments and anything that normalises
 * outside the root are refused; a directory or a missing file is nothing.
 */
export function resolveStaticFile(pathname: string, root: string): { file: string; mime: string } | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.split(/[/\\]/).includes('..')) return null;
  const rel = normalize(decoded).replace(/^([/\\])+/, '') || 'index.html';
  const file = join(root, rel);
  if (!file.startsWith(root + sep)) return null;
  try {
    if (!statSync(file).isFile()) return null;
  } catch {
    return null;
  }
  return { file, mime: MIME[extname(file)] ?? 'application/octet-stream' };
}

/** Map an app:// URL to a file of the built renderer, refusing anything outside it. */
export function resolveAppAsset(url: string, root: string): { file: string; mime: string } | null {
  if (!isAppUrl(url)) return null;
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return null;
  }
  return resolveStaticFile(pathname, root);
}

/** Every permission (camera, notifications, geolocation, ...) is refused: the console needs none. */
export function permissionDecision(_permission: string): false {
  return false;
}

/**
 * Whether a Content-Type header names exactly `expected` (type/subtype,
 * compared case-insensitively, parameters such as charset allowed): not a
 * prefix, so application/jsonp or application/json-evil is not JSON.
 */
export function mediaTypeIs(header: string | undefined, expected: string): boolean {
  if (!header) return false;
  const essence = header.split(';', 1)[0].trim().toLowerCase();
  return essence === expected.toLowerCase();
}
