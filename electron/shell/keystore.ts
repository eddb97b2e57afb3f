/**
 * The desktop app's database key: 32 random bytes, kept in a file in the
 * data folder only as encrypted by the OS keystore (Electron safeStorage:
 * Keychain, DPAPI, or the Secret Service / KWallet). Without a real keystore
 * (Linux without one falls back to a fixed password, 'basic_text') the app
 * refuses to start instead of storing a key anyone can unwrap.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { DbKey } from '../db/encryption.js';

/** The part of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keystore. */
  getSelectedStorageBackend?(): string;
}

export class KeystoreUnavailableError extends Error {}

export const KEY_FILE = 'credence.key';

export function desktopDatabaseKey(dataDir: string, safe: SafeStorageLike): DbKey {
  const backend = safe.getSelectedStorageBackend?.();
  if (!safe.isEncryptionAvailable() || backend === 'basic_text' || backend === 'unknown') {
    throw new KeystoreUnavailableError(
      'no OS keystore is available to protect the database key (on Linux: install and unlock a Secret Service such as GNOME Keyring or KWallet); ' +
        'or run the console in a browser with a passphrase: CREDENCE_DB_PASSPHRASE=... npm run serve',
    );
  }
  const file = join(dataDir, KEY_FILE);
  if (existsSync(file)) {
    let hex: string;
    try {
      hex = safe.decryptString(readFileSync(file));
    } catch (err) {
      throw new KeystoreUnavailableError(`the OS keystore cannot unwrap ${file} (another user, or the keystore was reset): ${(err as Error).message}`);
    }
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new KeystoreUnavailableError(`${file} does not hold a database key`);
    return { raw: Buffer.from(hex, 'hex') };
  }
  const raw = randomBytes(32);
  writeFileSync(file, safe.encryptString(raw.toString('hex')), { mode: 0o600, flag: 'wx' });
  return { raw };
}
