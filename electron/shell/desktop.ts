/**
 * Desktop-shell decisions that need Electron objects, written against small
 * interfaces so they are tested under plain Node (Electron cannot run on the
 * build machines): one instance at a time, links to the outside world only
 * to an allow-list and only after the user agrees, no device access.
 */

/** Sites the console may open in the system browser (the laws it cites). Exact https origins. */
export const EXTERNAL_ALLOWLIST: readonly string[] = ['https://eur-lex.europa.eu', 'https://gdpr-info.eu'];

/** The https origin of `url` when it is on the allow-list (no credentials, no other port), else null. */
export function allowedExternal(url: string, allowlist: readonly string[] = EXTERNAL_ALLOWLIST): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' || u.username || u.password || u.port) return null;
  return allowlist.includes(u.origin) ? u.href : null;
}

export interface ExternalOpener {
  /** Ask the user (a modal dialog); true when they agree to leave the app. */
  confirm(url: string): Promise<boolean>;
  open(url: string): Promise<void>;
}

export type ExternalOutcome = 'opened' | 'declined' | 'refused';

/** Open an outside link in the system browser: allow-listed, then confirmed. */
export async function openExternalSafely(url: string, opener: ExternalOpener, allowlist: readonly string[] = EXTERNAL_ALLOWLIST): Promise<ExternalOutcome> {
  const href = allowedExternal(url, allowlist);
  if (!href) return 'refused';
  if (!(await opener.confirm(href))) return 'declined';
  await opener.open(href);
  return 'opened';
}

export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
}

/**
 * Hold the single-instance lock: two processes on one database file would
 * race on its key, its daily backups and its jobs. A second start quits and
 * brings the first window forward instead.
 */
export function holdSingleInstance(app: SingleInstanceApp, focusExisting: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', focusExisting);
  return true;
}

/** HID, serial, USB and Bluetooth devices: the console needs none, every request is refused. */
export function devicePermissionDecision(_details: unknown): false {
  return false;
}

/** DevTools only in a development run, never in the packaged app. */
export function devToolsAllowed(isPackaged: boolean): boolean {
  return !isPackaged;
}
