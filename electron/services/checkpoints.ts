/**
 * Signed ledger checkpoints. Each installation has an Ed25519 key: the
 * private half in a file beside the database (`<db>.signing-key.pem`, 0600),
 * never in it, since whoever can rewrite the database's history could rewrite
 * a key stored there too; the public half in `installation_keys`, so every
 * checkpoint names its key. A checkpoint (entry count, head hash, time) is
 * signed, recorded in `ledger_checkpoints` and handed to auditors, who verify
 * the chain against it with the key they were given out of band.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Db } from '../db/connection.js';
import { GENESIS_HASH, ledgerHead, verifyLedger, type Checkpoint, type VerifyResult } from '../db/ledger.js';

/** A checkpoint signed by an installation key. */
export interface SignedCheckpoint extends Checkpoint {
  /** First 16 hex digits of the SHA-256 of the public key (DER SPKI). */
  keyId: string;
  /** The signing key, PEM SPKI. Trust comes from comparing it with the auditor's copy, not from its presence. */
  publicKey: string;
  /** Ed25519 over `checkpointMessage`, base64. */
  signature: string;
}

/** What a checkpoint file may hold: a signed checkpoint, or an old unsigned one. */
export type CheckpointFile = Checkpoint | SignedCheckpoint;

export type SignatureCheck =
  | { status: 'valid'; keyId: string; trusted: boolean; message: string }
  | { status: 'unsigned'; message: string }
  | { status: 'invalid'; keyId?: string; message: string }
  | { status: 'untrusted'; keyId: string; trustedKeyId: string; message: string };

export class CheckpointError extends Error {}

const MESSAGE_TAG = 'credence-ledger-checkpoint/1';
const HEX64 = /^[0-9a-f]{64}$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function signingKeyPath(dbFile: string): string {
  if (!dbFile || dbFile === ':memory:') throw new CheckpointError('signing needs a database file: the key is stored beside it');
  return `${resolve(dbFile)}.signing-key.pem`;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export function publicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }) as string;
}

/** The bytes that are signed: a tagged JSON array in fixed order. */
export function checkpointMessage(cp: { count: number; head: string; at: string; keyId: string }): Buffer {
  return Buffer.from(JSON.stringify([MESSAGE_TAG, cp.count, cp.head, cp.at, cp.keyId]), 'utf8');
}

export interface InstallationKey {
  keyId: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
  /** True when this call generated the key file. */
  created: boolean;
}

function readPrivateKey(file: string): KeyObject {
  if (process.platform !== 'win32') {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) throw new CheckpointError(`the signing key ${file} can be read by others (mode ${mode.toString(8)}); run chmod 600 on it`);
  }
  const key = createPrivateKey(readFileSync(file, 'utf8'));
  if (key.asymmetricKeyType !== 'ed25519') throw new CheckpointError(`${file} is not an Ed25519 private key`);
  return key;
}

/**
 * The installation key of the database in `dbFile`: loaded from the key file,
 * or generated on first use (written exclusively, so two processes starting
 * at once end up with the same key). Its public half is registered in the
 * database if it is not yet.
 */
export function installationKey(db: Db, dbFile: string): InstallationKey {
  const file = signingKeyPath(dbFile);
  let privateKey: KeyObject;
  let created = false;
  try {
    privateKey = readPrivateKey(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const pair = generateKeyPairSync('ed25519');
    try {
      writeFileSync(file, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      privateKey = pair.privateKey;
      created = true;
    } catch (writeErr) {
      if ((writeErr as NodeJS.ErrnoException).code !== 'EEXIST') throw writeErr;
      privateKey = readPrivateKey(file);
    }
  }
  const publicKey = createPublicKey(privateKey);
  const keyId = keyIdOf(publicKey);
  if (!db.prepare('SELECT 1 FROM installation_keys WHERE key_id = ?').get(keyId)) {
    db.prepare('INSERT INTO installation_keys (key_id, public_key, created_at) VALUES (?, ?, ?)').run(keyId, publicKeyPem(publicKey), new Date().toISOString());
  }
  return { keyId, publicKey, privateKey, created };
}

/**
 * Sign the current head of a verified ledger and record the checkpoint.
 * A broken ledger is refused: signing it would vouch for the break.
 */
export function createCheckpoint(db: Db, dbFile: string, options: { actor?: string; at?: string } = {}): SignedCheckpoint & { id: number; newKey: boolean } {
  const key = installationKey(db, dbFile);
  return db
    .transaction(() => {
      const chain = verifyLedger(db);
      if (!chain.ok) throw new CheckpointError(`refusing to checkpoint a broken ledger: ${chain.message}`);
      const { count, head } = ledgerHead(db);
      const at = options.at ?? new Date().toISOString();
      const signature = sign(null, checkpointMessage({ count, head, at, keyId: key.keyId }), key.privateKey).toString('base64');
      const id = Number(
        db
          .prepare('INSERT INTO ledger_checkpoints (count, head, at, key_id, signature, actor) VALUES (?, ?, ?, ?, ?, ?)')
          .run(count, head, at, key.keyId, signature, options.actor?.trim() || 'unknown').lastInsertRowid,
      );
      return { count, head, at, keyId: key.keyId, publicKey: publicKeyPem(key.publicKey), signature, id, newKey: key.created };
    })
    .immediate();
}

/** Only the fields of a checkpoint file, in a stable order (what `ledger checkpoint --out` writes). */
export function checkpointFileContent(cp: SignedCheckpoint): string {
  const { count, head, at, keyId, publicKey, signature } = cp;
  return `${JSON.stringify({ count, head, at, keyId, publicKey, signature }, null, 2)}\n`;
}

/** Read a checkpoint file's JSON: signed, or old and unsigned. Throws CheckpointError naming what is wrong. */
export function parseCheckpoint(input: unknown): CheckpointFile {
  const cp = input as Record<string, unknown> | null;
  if (typeof cp !== 'object' || cp === null || !Number.isSafeInteger(cp.count) || (cp.count as number) < 0 || typeof cp.head !== 'string' || !HEX64.test(cp.head)) {
    throw new CheckpointError('not a ledger checkpoint (expected {count, head, at})');
  }
  if (cp.count === 0 && cp.head !== GENESIS_HASH) throw new CheckpointError('not a ledger checkpoint: an empty ledger has the genesis head');
  const base: Checkpoint = { count: cp.count as number, head: cp.head, at: typeof cp.at === 'string' ? cp.at : 'unknown time' };
  const signed = ['keyId', 'publicKey', 'signature'].filter((f) => f in cp);
  if (signed.length === 0) return base;
  if (signed.length < 3 || typeof cp.keyId !== 'string' || typeof cp.publicKey !== 'string' || typeof cp.signature !== 'string' || typeof cp.at !== 'string') {
    throw new CheckpointError('not a valid signed checkpoint (expected keyId, publicKey and signature as text, and at)');
  }
  return { ...base, keyId: cp.keyId, publicKey: cp.publicKey, signature: cp.signature };
}

export function isSigned(cp: CheckpointFile): cp is SignedCheckpoint {
  return 'signature' in cp;
}

/** A public key from PEM (SPKI) or base64 DER SPKI text. */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    key = trimmed.startsWith('-----BEGIN') ? createPublicKey(trimmed) : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
  } catch (err) {
    throw new CheckpointError(`not a public key: ${(err as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new CheckpointError(`not an Ed25519 public key (${key.asymmetricKeyType})`);
  return key;
}

/**
 * Check a checkpoint's signature and, when the auditor names the key they
 * trust, that it was made with that key. Never throws for a bad checkpoint.
 */
export function verifyCheckpointSignature(cp: CheckpointFile, trustedPublicKey?: KeyObject | string): SignatureCheck {
  if (!isSigned(cp)) return { status: 'unsigned', message: 'the checkpoint is unsigned: it shows what the ledger held, not who vouched for it' };
  let embedded: KeyObject;
  try {
    embedded = parsePublicKey(cp.publicKey);
  } catch (err) {
    return { status: 'invalid', message: `its public key is unreadable: ${(err as Error).message}` };
  }
  const keyId = keyIdOf(embedded);
  if (!KEY_ID.test(cp.keyId) || cp.keyId !== keyId) return { status: 'invalid', keyId, message: `its key id ${cp.keyId} is not the id of its public key (${keyId})` };
  const signature = BASE64.test(cp.signature) ? Buffer.from(cp.signature, 'base64') : Buffer.alloc(0);
  if (!verify(null, checkpointMessage(cp), embedded, signature)) {
    return { status: 'invalid', keyId, message: `the signature by key ${keyId} does not match count, head and time: the checkpoint was altered after signing` };
  }
  if (trustedPublicKey === undefined) return { status: 'valid', keyId, trusted: false, message: `signed by key ${keyId} (not checked against a trusted key)` };
  const trusted = typeof trustedPublicKey === 'string' ? parsePublicKey(trustedPublicKey) : trustedPublicKey;
  const trustedKeyId = keyIdOf(trusted);
  if (trustedKeyId !== keyId || !verify(null, checkpointMessage(cp), trusted, signature)) {
    return { status: 'untrusted', keyId, trustedKeyId, message: `signed by key ${keyId}, not by the trusted key ${trustedKeyId}` };
  }
  return { status: 'valid', keyId, trusted: true, message: `signed by the trusted key ${keyId}` };
}

export interface CheckpointVerification {
  /** True when the signature is acceptable (valid; or unsigned with no trusted key given) and the chain matches. */
  ok: boolean;
  signature: SignatureCheck;
  /** Null when the signature was rejected: a checkpoint nobody vouches for says nothing about the chain. */
  chain: VerifyResult | null;
}

/** Verify the signature, then the chain against the checkpoint (rewritten or truncated history, first broken entry). */
export function verifyAgainstCheckpoint(db: Db, cp: CheckpointFile, trustedPublicKey?: KeyObject | string): CheckpointVerification {
  const signature = verifyCheckpointSignature(cp, trustedPublicKey);
  const acceptable = signature.status === 'valid' || (signature.status === 'unsigned' && trustedPublicKey === undefined);
  if (!acceptable) return { ok: false, signature, chain: null };
  const chain = verifyLedger(db, { count: cp.count, head: cp.head, at: cp.at });
  return { ok: chain.ok, signature, chain };
}

export interface RecordedCheckpoint extends SignedCheckpoint {
  id: number;
  actor: string;
  signatureStatus: SignatureCheck['status'];
  /** Whether entry `count` of the current chain still has this head; null when the chain itself is broken. */
  matchesChain: boolean | null;
}

/**
 * The recorded checkpoints, newest first, each with its signature checked
 * (against `trustedPublicKey` when given) and compared with the current
 * chain: for the auditor screen. The chain is verified once.
 */
export function listCheckpoints(db: Db, trustedPublicKey?: KeyObject | string): { chain: VerifyResult; checkpoints: RecordedCheckpoint[] } {
  const chain = verifyLedger(db);
  const rows = db
    .prepare(
      `SELECT c.id, c.count, c.head, c.at, c.key_id AS keyId, k.public_key AS publicKey, c.signature, c.actor
       FROM ledger_checkpoints c JOIN installation_keys k ON k.key_id = c.key_id ORDER BY c.id DESC`,
    )
    .all() as (SignedCheckpoint & { id: number; actor: string })[];
  const hashAt = db.prepare('SELECT hash FROM ledger WHERE seq = ?').pluck();
  const checkpoints = rows.map((row) => {
    const head = row.count === 0 ? GENESIS_HASH : (hashAt.get(row.count) as string | undefined);
    return {
      ...row,
      signatureStatus: verifyCheckpointSignature(row, trustedPublicKey).status,
      matchesChain: chain.ok ? head === row.head : null,
    };
  });
  return { chain, checkpoints };
}
