/**
 * The auditor's signing key. Checkpoints are signed with an Ed25519 key that
 * the auditor holds, never the installation: whoever can write the database
 * folder could otherwise re-sign a rewritten history. The key file holds the
 * private key encrypted under the auditor's passphrase (scrypt, then
 * AES-256-GCM) and the public key in the clear; it belongs outside the
 * database folder, e.g. on removable media. Auditors pin the public key (the
 * `.pub.pem` file, or the key file itself) when they verify.
 */
import { keyed, SaidError } from '../../shared/englishText.js';
import { osErrorKeyed } from './osError.js';
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import { dirname, relative, resolve, isAbsolute } from 'node:path';

/** Its text keyed where it is (`said`), for the reader's language. */
export class AuditorKeyError extends SaidError {}

export const AUDITOR_KEY_FORMAT = 'credence-auditor-key/1';
export const MIN_PASSPHRASE_LENGTH = 12;
/** scrypt cost of the key file: about 0.1 s, once per signature. */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export interface AuditorKeyFile {
  format: typeof AUDITOR_KEY_FORMAT;
  keyId: string;
  publicKey: string;
  createdAt: string;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm'; iv: string; tag: string; data: string };
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export function publicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }) as string;
}

/** Refuse a key file path inside the database's folder: the administrator can read that folder. */
export function assertOutsideFolder(keyFile: string, databaseFile: string): void {
  const folder = dirname(resolve(databaseFile));
  const rel = relative(folder, resolve(keyFile));
  if (!rel.startsWith('..') && !isAbsolute(rel)) {
    throw new AuditorKeyError(keyed('auditorKey.inDatabaseFolder', { folder }));
  }
}

export function createAuditorKey(passphrase: string, now = new Date()): { file: AuditorKeyFile; publicKeyPem: string; keyId: string } {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) throw new AuditorKeyError(keyed('auditorKey.passphraseShort', { min: MIN_PASSPHRASE_LENGTH }));
  const pair = generateKeyPairSync('ed25519');
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = scryptSync(passphrase, salt, 32, SCRYPT);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(pair.privateKey.export({ type: 'pkcs8', format: 'der' })), cipher.final()]);
  const pem = publicKeyPem(pair.publicKey);
  const keyId = keyIdOf(pair.publicKey);
  return {
    keyId,
    publicKeyPem: pem,
    file: {
      format: AUDITOR_KEY_FORMAT,
      keyId,
      publicKey: pem,
      createdAt: now.toISOString(),
      kdf: { name: 'scrypt', N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, salt: salt.toString('base64') },
      cipher: { name: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') },
    },
  };
}

function parseKeyFile(input: unknown): AuditorKeyFile {
  const f = input as Partial<AuditorKeyFile> | null;
  if (typeof f !== 'object' || f === null || f.format !== AUDITOR_KEY_FORMAT) throw new AuditorKeyError(keyed('auditorKey.notKeyFile', { format: AUDITOR_KEY_FORMAT }));
  const ok =
    typeof f.publicKey === 'string' &&
    typeof f.keyId === 'string' &&
    f.kdf?.name === 'scrypt' &&
    [f.kdf.N, f.kdf.r, f.kdf.p].every((n) => Number.isSafeInteger(n) && (n as number) > 0) &&
    f.kdf.N <= 1 << 20 &&
    f.kdf.r <= 16 &&
    f.kdf.p <= 4 &&
    typeof f.kdf.salt === 'string' &&
    f.cipher?.name === 'aes-256-gcm' &&
    [f.cipher.iv, f.cipher.tag, f.cipher.data].every((x) => typeof x === 'string');
  if (!ok) throw new AuditorKeyError(keyed('auditorKey.damaged'));
  return f as AuditorKeyFile;
}

/** Decrypt the auditor's private key. A wrong passphrase or an altered file is refused. */
export function unlockAuditorKey(input: unknown, passphrase: string): { privateKey: KeyObject; publicKey: KeyObject; keyId: string } {
  const f = parseKeyFile(input);
  let der: Buffer;
  try {
    const key = scryptSync(passphrase, Buffer.from(f.kdf.salt, 'base64'), 32, { N: f.kdf.N, r: f.kdf.r, p: f.kdf.p, maxmem: 256 * 1024 * 1024 });
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(f.cipher.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(f.cipher.tag, 'base64'));
    der = Buffer.concat([decipher.update(Buffer.from(f.cipher.data, 'base64')), decipher.final()]);
  } catch {
    throw new AuditorKeyError(keyed('auditorKey.wrongPassphrase'));
  }
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new AuditorKeyError(keyed('auditorKey.notEd25519'));
  const publicKey = createPublicKey(privateKey);
  const keyId = keyIdOf(publicKey);
  if (keyId !== f.keyId || publicKeyPem(publicKey) !== f.publicKey) throw new AuditorKeyError(keyed('auditorKey.inconsistent'));
  return { privateKey, publicKey, keyId };
}

/** A trusted public key from PEM (SPKI), base64 DER SPKI, or an auditor key file's JSON (its public half). */
export function parseTrustedKey(text: string): KeyObject {
  const trimmed = text.trim();
  let source: string = trimmed;
  if (trimmed.startsWith('{')) {
    try {
      source = parseKeyFile(JSON.parse(trimmed)).publicKey;
    } catch (err) {
      throw new AuditorKeyError(keyed('auditorKey.notPublicKey', { why: err instanceof AuditorKeyError && err.said ? err.said : osErrorKeyed(err) }));
    }
  }
  let key: KeyObject;
  try {
    key = source.startsWith('-----BEGIN') ? createPublicKey(source) : createPublicKey({ key: Buffer.from(source, 'base64'), format: 'der', type: 'spki' });
  } catch (err) {
    throw new AuditorKeyError(keyed('auditorKey.notPublicKey', { why: osErrorKeyed(err) }));
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new AuditorKeyError(keyed('auditorKey.notEd25519Public', { type: String(key.asymmetricKeyType) }));
  return key;
}
