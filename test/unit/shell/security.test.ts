/**
 * The desktop shell's security policy (electron/shell/security.ts), tested as
 * the pure functions it is: window options from Electron's security
 * checklist, which URLs count as the app, which IPC senders are trusted, the
 * app:// file resolver (no way out of the renderer folder), the CSP, and the
 * permission handler.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_URL,
  CONTENT_SECURITY_POLICY,
  isAppUrl,
  isTrustedSender,
  mainWindowOptions,
  permissionDecision,
  resolveAppAsset,
} from '../../../electron/shell/security.js';
import { CONTENT_SECURITY_POLICY as BRIDGE_CSP } from '../../../electron/bridge/server.js';

/** Directives of a CSP as a map: name -> sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('main window options', () => {
  const options = mainWindowOptions('/app/preload.cjs');
  const web = options.webPreferences;

  it('isolates the preload, sandboxes the renderer and gives it no Node', () => {
    expect(web.preload).toBe('/app/preload.cjs');
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on: no insecure content, no webviews, no experimental features', () => {
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
  });

  it('sets none of the options that loosen the renderer (enableBlinkFeatures, plugins, enableRemoteModule, allowpopups)', () => {
    const keys = Object.keys(web);
    for (const risky of ['enableBlinkFeatures', 'plugins', 'enableRemoteModule', 'allowpopups', 'safeDialogs']) expect(keys).not.toContain(risky);
  });

  it('starts hidden, shown when ready', () => {
    expect(options.show).toBe(false);
  });
});

describe('isAppUrl', () => {
  it.each(['app://credence/index.html', 'app://credence/', 'app://credence/assets/app.js?v=1#top', APP_URL])('accepts %s', (url) => {
    expect(isAppUrl(url)).toBe(true);
  });

  it.each([
    'http://credence/index.html',
    'https://credence/index.html',
    'file:///index.html',
    'app://evil/index.html',
    'app://credence.evil.example/index.html',
    'app://evil.example@credence.attacker/index.html',
    'app://credence:8080/index.html',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'not a url',
    '',
  ])('refuses %s', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('trusts the main frame of the app', () => {
    expect(isTrustedSender({ url: 'app://credence/index.html', parent: null })).toBe(true);
  });

  it.each([
    { label: 'a sub-frame of the app', frame: { url: 'app://credence/index.html', parent: {} } },
    { label: 'another origin', frame: { url: 'http://evil.example/', parent: null } },
    { label: 'a file:// page', frame: { url: 'file:///index.html', parent: null } },
    { label: 'null', frame: null },
    { label: 'undefined', frame: undefined },
  ])('refuses $label', ({ frame }) => {
    expect(isTrustedSender(frame)).toBe(false);
  });
});

describe('resolveAppAsset', () => {
  let base: string;
  let root: string;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'credence-shell-'));
    root = join(base, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Credence</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'style.css'), 'body{}');
    writeFileSync(join(root, 'assets', 'logo.svg'), '<svg/>');
    writeFileSync(join(root, 'assets', 'font.woff2'), 'x');
    writeFileSync(join(root, 'assets', 'data.bin'), 'x');
    writeFileSync(join(root, 'assets', 'two words.js'), 'x');
    // Targets a traversal would reach: beside the root, and in a sibling whose name extends the root's.
    writeFileSync(join(base, 'secret.txt'), 'SECRET');
    mkdirSync(join(base, 'renderer-evil'));
    writeFileSync(join(base, 'renderer-evil', 'secret.txt'), 'SECRET');
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('serves index.html for the app URL and for the bare origin', () => {
    expect(resolveAppAsset('app://credence/index.html', root)).toEqual({ file: join(root, 'index.html'), mime: 'text/html; charset=utf-8' });
    expect(resolveAppAsset('app://credence/', root)).toEqual({ file: join(root, 'index.html'), mime: 'text/html; charset=utf-8' });
  });

  it.each([
    ['assets/app.js', 'text/javascript; charset=utf-8'],
    ['assets/style.css', 'text/css; charset=utf-8'],
    ['assets/logo.svg', 'image/svg+xml'],
    ['assets/font.woff2', 'font/woff2'],
    ['assets/data.bin', 'application/octet-stream'],
  ])('serves %s as %s', (rel, mime) => {
    expect(resolveAppAsset(`app://credence/${rel}`, root)).toEqual({ file: join(root, rel), mime });
  });

  it('decodes percent-encoded names and ignores the query and fragment', () => {
    expect(resolveAppAsset('app://credence/assets/two%20words.js?v=3#x', root)?.file).toBe(join(root, 'assets', 'two words.js'));
  });

  it('refuses a missing file and a directory', () => {
    expect(resolveAppAsset('app://credence/nope.js', root)).toBeNull();
    expect(resolveAppAsset('app://credence/assets', root)).toBeNull();
    expect(resolveAppAsset('app://credence/assets/', root)).toBeNull();
  });

  it.each([
    'app://credence/../secret.txt',
    'app://credence/../../etc/passwd',
    'app://credence/assets/../../secret.txt',
    'app://credence/%2e%2e/secret.txt',
    'app://credence/%2e%2e%2fsecret.txt',
    'app://credence/..%2fsecret.txt',
    'app://credence/assets%2f..%2f..%2fsecret.txt',
    'app://credence/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'app://credence/..%2frenderer-evil%2fsecret.txt',
    'app://credence/%2e%2e%2frenderer-evil%2fsecret.txt',
    'app://credence/%2fetc%2fpasswd',
    'app://credence/..%5csecret.txt',
  ])('never resolves %s to a file outside the root', (url) => {
    const asset = resolveAppAsset(url, root);
    if (asset) expect(asset.file.startsWith(join(root, '/'))).toBe(true);
    expect(asset?.file).not.toBe(join(base, 'secret.txt'));
  });

  it('resolves a traversal that stays inside the root to the file inside', () => {
    expect(resolveAppAsset('app://credence/assets/../index.html', root)?.file).toBe(join(root, 'index.html'));
  });

  it.each(['http://credence/index.html', 'https://credence/index.html', 'file:///index.html', 'app://evil/index.html', 'app://credence.evil.example/index.html'])(
    'refuses other schemes and hosts: %s',
    (url) => {
      expect(resolveAppAsset(url, root)).toBeNull();
    },
  );

  it('refuses a malformed percent-encoding instead of throwing', () => {
    expect(() => resolveAppAsset('app://credence/%E0%A4%A', root)).not.toThrow();
    expect(resolveAppAsset('app://credence/%E0%A4%A', root)).toBeNull();
  });
});

describe('content security policy', () => {
  it.each([
    { label: 'app:// protocol', csp: CONTENT_SECURITY_POLICY },
    { label: 'HTTP bridge', csp: BRIDGE_CSP },
  ])('$label: scripts only from self, no eval, no inline script, nothing by default', ({ csp }) => {
    const d = directives(csp);
    expect(csp).not.toContain("'unsafe-eval'");
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('form-action')).toEqual(["'none'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    for (const [name, sources] of d) {
      expect(sources, name).not.toContain('*');
      expect(sources.some((s) => /^(https?:|ws:|wss:)/.test(s)), name).toBe(false);
    }
  });

  it('the app protocol forbids plugins (object-src none)', () => {
    expect(directives(CONTENT_SECURITY_POLICY).get('object-src')).toEqual(["'none'"]);
  });
});

describe('permissions', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'midi', 'hid', 'serial', 'usb', 'unknown'])(
    'refuses %s',
    (permission) => {
      expect(permissionDecision(permission)).toBe(false);
    },
  );
});
