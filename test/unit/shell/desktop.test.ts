/**
 * The desktop shell through injected stand-ins for Electron: one instance,
 * links out only to the allow-list and only after the user agrees, devices
 * refused, DevTools only unpackaged, the database key wrapped by the OS
 * keystore (and refused without a real one), request media types compared
 * exactly.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allowedExternal, devicePermissionDecision, devToolsAllowed, holdSingleInstance, openExternalSafely } from '../../../electron/shell/desktop.js';
import { desktopDatabaseKey, KEY_FILE, KeystoreUnavailableError, type SafeStorageLike } from '../../../electron/shell/keystore.js';
import { mainWindowOptions, mediaTypeIs } from '../../../electron/shell/security.js';
import { tempDir } from '../helpers/tempDirs.js';

const work = tempDir('desktop');
afterAll(() => work.cleanup());

describe('links to the outside world', () => {
  it.each([
    ['https://eur-lex.europa.eu/eli/reg/2024/1689/oj', true],
    ['https://gdpr-info.eu/art-22-gdpr/', true],
    ['http://eur-lex.europa.eu/', false],
    ['https://eur-lex.europa.eu.evil.example/', false],
    ['https://user:pw@eur-lex.europa.eu/', false],
    ['https://eur-lex.europa.eu:8443/', false],
    ['https://evil.example/?https://eur-lex.europa.eu', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s allowed: %s', (url, allowed) => {
    expect(allowedExternal(url) !== null).toBe(allowed);
  });

  it('opens an allow-listed link only after the user agrees, and never asks for others', async () => {
    const asked: string[] = [];
    const opened: string[] = [];
    const opener = (answer: boolean) => ({
      confirm: async (u: string) => {
        asked.push(u);
        return answer;
      },
      open: async (u: string) => {
        opened.push(u);
      },
    });
    expect(await openExternalSafely('https://gdpr-info.eu/art-22-gdpr/', opener(false))).toBe('declined');
    expect(await openExternalSafely('https://evil.example/', opener(true))).toBe('refused');
    expect(await openExternalSafely('https://gdpr-info.eu/art-22-gdpr/', opener(true))).toBe('opened');
    expect(asked).toEqual(['https://gdpr-info.eu/art-22-gdpr/', 'https://gdpr-info.eu/art-22-gdpr/']);
    expect(opened).toEqual(['https://gdpr-info.eu/art-22-gdpr/']);
  });
});

describe('one instance', () => {
  function fakeApp(lock: boolean) {
    const calls: string[] = [];
    const listeners: (() => void)[] = [];
    return {
      calls,
      listeners,
      app: {
        requestSingleInstanceLock: () => lock,
        quit: () => void calls.push('quit'),
        on: (_e: 'second-instance', l: () => void) => listeners.push(l),
      },
    };
  }
  it('a second start quits; the first brings its window forward when another starts', () => {
    const second = fakeApp(false);
    expect(holdSingleInstance(second.app, () => undefined)).toBe(false);
    expect(second.calls).toEqual(['quit']);

    const first = fakeApp(true);
    let focused = 0;
    expect(holdSingleInstance(first.app, () => focused++)).toBe(true);
    expect(first.calls).toEqual([]);
    first.listeners.forEach((l) => l());
    expect(focused).toBe(1);
  });
});

describe('devices and DevTools', () => {
  it('refuses every device permission', () => {
    for (const deviceType of ['hid', 'serial', 'usb', 'bluetooth']) expect(devicePermissionDecision({ deviceType, origin: 'app://credence' })).toBe(false);
  });

  it('DevTools are off in the packaged app and by default', () => {
    expect(devToolsAllowed(true)).toBe(false);
    expect(devToolsAllowed(false)).toBe(true);
    expect(mainWindowOptions('/p.cjs').webPreferences.devTools).toBe(false);
    expect(mainWindowOptions('/p.cjs', { devTools: devToolsAllowed(true) }).webPreferences.devTools).toBe(false);
  });
});

/** A stand-in for safeStorage: "encrypts" by XOR with a secret only it knows. */
function fakeSafeStorage(over: Partial<SafeStorageLike> = {}, secret = 0x5a): SafeStorageLike {
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (s) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ secret)),
    decryptString: (b) => Buffer.from(b.map((x) => x ^ secret)).toString('utf8'),
    ...over,
  };
}

describe('the database key in the OS keystore', () => {
  it('is made once, stored only wrapped (0600), and the same key comes back', () => {
    const dir = join(work.dir, 'a');
    mkdirSync(dir);
    const first = desktopDatabaseKey(dir, fakeSafeStorage());
    const again = desktopDatabaseKey(dir, fakeSafeStorage());
    expect('raw' in first && first.raw).toHaveLength(32);
    expect(again).toEqual(first);
    const stored = readFileSync(join(dir, KEY_FILE));
    expect(stored.toString('latin1')).not.toContain((first as { raw: Buffer }).raw.toString('hex'));
    expect((statSync(join(dir, KEY_FILE)).mode & 0o777).toString(8)).toBe('600');
  });

  it.each([
    ['no encryption available', { isEncryptionAvailable: () => false }],
    ["Linux's basic_text fallback (a fixed password)", { getSelectedStorageBackend: () => 'basic_text' }],
  ])('refuses to start with %s', (_what, over) => {
    const dir = join(work.dir, `b-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    expect(() => desktopDatabaseKey(dir, fakeSafeStorage(over))).toThrow(KeystoreUnavailableError);
  });

  it('refuses a key file another keystore wrapped', () => {
    const dir = join(work.dir, 'c');
    mkdirSync(dir);
    desktopDatabaseKey(dir, fakeSafeStorage());
    expect(() => desktopDatabaseKey(dir, fakeSafeStorage({}, 0x33))).toThrow(/does not hold a database key|cannot unwrap/);
  });
});

describe('request media types', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON ; charset=utf-8', true],
    ['application/jsonp', false],
    ['application/json-seq', false],
    ['application/json+evil', false],
    ['text/plain; application/json', false],
    ['', false],
  ])('%s is application/json: %s', (header, ok) => {
    expect(mediaTypeIs(header, 'application/json')).toBe(ok);
  });
});
