/**
 * Signed checkpoints of the whole record. A checkpoint fixes, at one moment,
 * the ledger's entry count and head hash and the chain's length and head
 * hash (the chain covers every append-only record: chain.ts), signed with
 * the auditor's own key (auditorKey.ts), which never sits beside the
 * database. The auditor keeps the exported file; verifying the database
 * against it later, with the auditor's pinned public key, detects any edit,
 * deletion, reordering, truncation or re-signing of what came before it.
 * Verification without a pinned key is refused, not passed with a warning.
 */
import { englishText, keyed, SaidError, type Said } from '../../shared/englishText.js';
import type { KeyedParam, KeyedText } from '../../shared/keyedText.js';
import type { ServerMessageKey } from '../../shared/messages.js';
import { joined } from '../../shared/problemText.js';
import { sign, verify, type KeyObject } from 'node:crypto';
import { chainHashAt, verifyIntegrity, type IntegrityReport } from '../db/chainVerify.js';
import { chainHead } from '../db/chain.js';
import type { Db } from '../db/connection.js';
import { GENESIS_HASH, ledgerHead } from '../db/ledger.js';
import { keyIdOf, parseTrustedKey, publicKeyPem } from './auditorKey.js';

export const CHECKPOINT_FORMAT = 'credence-checkpoint/2';
const MESSAGE_TAG = 'credence-checkpoint/2';
const HEX64 = /^[0-9a-f]{64}$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A checkpoint signed by the auditor's key. */
export interface SignedCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  /** Ledger entries and the ledger's head hash. */
  count: number;
  head: string;
  /** Chain entries and the chain's head hash. */
  chainCount: number;
  chainHead: string;
  at: string;
  /** First 16 hex digits of the SHA-256 of the public key (DER SPKI). */
  keyId: string;
  /** The signing key, PEM SPKI: trust comes from the auditor's pinned copy, not from its presence. */
  publicKey: string;
  /** Ed25519 over `checkpointMessage`, base64. */
  signature: string;
}

/** A signature's verdict: `message` in English, `said` keyed for the reader's language. */
export type SignatureCheck =
  | { status: 'valid'; keyId: string; message: string; said: Said }
  | { status: 'invalid'; keyId?: string; message: string; said: Said }
  | { status: 'untrusted'; keyId: string; trustedKeyId: string; message: string; said: Said };

/** Its text keyed where it is (`said`), for the reader's language. */
export class CheckpointError extends SaidError {}

export interface Signer {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/** The bytes that are signed: a tagged JSON array in fixed order. */
export function checkpointMessage(cp: Pick<SignedCheckpoint, 'count' | 'head' | 'chainCount' | 'chainHead' | 'at' | 'keyId'>): Buffer {
  return Buffer.from(JSON.stringify([MESSAGE_TAG, cp.count, cp.head, cp.chainCount, cp.chainHead, cp.at, cp.keyId]), 'utf8');
}

/**
 * Verify everything, sign the current heads with the auditor's key and
 * record the checkpoint. A damaged record is refused: signing it would
 * vouch for the damage.
 */
export function createCheckpoint(db: Db, signer: Signer, options: { actor?: string; at?: string } = {}): SignedCheckpoint & { id: number } {
  return db
    .transaction(() => {
      const integrity = verifyIntegrity(db);
      if (!integrity.ok) throw new CheckpointError(keyed('checkpoint.damagedRecord', { problems: describeProblemsKeyed(integrity) }));
      if (!db.prepare('SELECT 1 FROM installation_keys WHERE key_id = ?').get(signer.keyId)) {
        db.prepare('INSERT INTO installation_keys (key_id, public_key, created_at) VALUES (?, ?, ?)').run(signer.keyId, publicKeyPem(signer.publicKey), new Date().toISOString());
      }
      const { count, head } = ledgerHead(db);
      const chain = chainHead(db);
      const at = options.at ?? new Date().toISOString();
      const body = { count, head, chainCount: chain.count, chainHead: chain.head, at, keyId: signer.keyId };
      const signature = sign(null, checkpointMessage(body), signer.privateKey).toString('base64');
      const id = Number(
        db
          .prepare('INSERT INTO ledger_checkpoints (count, head, at, key_id, signature, actor, chain_count, chain_head) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(count, head, at, signer.keyId, signature, options.actor?.trim() || `auditor key ${signer.keyId}`, chain.count, chain.head).lastInsertRowid,
      );
      return { format: CHECKPOINT_FORMAT as typeof CHECKPOINT_FORMAT, ...body, publicKey: publicKeyPem(signer.publicKey), signature, id };
    })
    .immediate();
}

/** Only the fields of a checkpoint file, in a stable order (what `ledger checkpoint --out` writes). */
export function checkpointFileContent(cp: SignedCheckpoint): string {
  const { count, head, chainCount, chainHead: ch, at, keyId, publicKey, signature } = cp;
  return `${JSON.stringify({ format: CHECKPOINT_FORMAT, count, head, chainCount, chainHead: ch, at, keyId, publicKey, signature }, null, 2)}\n`;
}

/** Read a checkpoint file's JSON. Throws CheckpointError naming what is wrong. */
export function parseCheckpoint(input: unknown): SignedCheckpoint {
  const cp = input as Record<string, unknown> | null;
  if (typeof cp !== 'object' || cp === null || !('count' in cp) || !('head' in cp)) throw new CheckpointError(keyed('checkpoint.notCheckpoint'));
  if (cp.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(keyed('checkpoint.beforeChain'));
  }
  const count = cp.count as number;
  const chainCount = cp.chainCount as number;
  if (!Number.isSafeInteger(count) || count < 0 || !Number.isSafeInteger(chainCount) || chainCount < 0) throw new CheckpointError(keyed('checkpoint.counts'));
  if (typeof cp.head !== 'string' || !HEX64.test(cp.head) || typeof cp.chainHead !== 'string' || !HEX64.test(cp.chainHead)) throw new CheckpointError(keyed('checkpoint.heads'));
  if (count === 0 && cp.head !== GENESIS_HASH) throw new CheckpointError(keyed('checkpoint.emptyHead'));
  for (const f of ['at', 'keyId', 'publicKey', 'signature'] as const) if (typeof cp[f] !== 'string') throw new CheckpointError(keyed('checkpoint.fieldMissing', { field: f }));
  return {
    format: CHECKPOINT_FORMAT,
    count,
    head: cp.head,
    chainCount,
    chainHead: cp.chainHead,
    at: cp.at as string,
    keyId: cp.keyId as string,
    publicKey: cp.publicKey as string,
    signature: cp.signature as string,
  };
}

/** Check a checkpoint's signature against the auditor's pinned public key. Never throws for a bad checkpoint. */
export function verifyCheckpointSignature(cp: SignedCheckpoint, trustedPublicKey: KeyObject | string): SignatureCheck {
  const trusted = typeof trustedPublicKey === 'string' ? parseTrustedKey(trustedPublicKey) : trustedPublicKey;
  const trustedKeyId = keyIdOf(trusted);
  const signature = BASE64.test(cp.signature) ? Buffer.from(cp.signature, 'base64') : Buffer.alloc(0);
  const verdict = (said: Said) => ({ message: said.message, said });
  if (!KEY_ID.test(cp.keyId)) return { status: 'invalid', ...verdict(keyed('checkpoint.signature.badKeyId', { keyId: cp.keyId })) };
  if (cp.keyId !== trustedKeyId) return { status: 'untrusted', keyId: cp.keyId, trustedKeyId, ...verdict(keyed('checkpoint.signature.untrusted', { keyId: cp.keyId, trusted: trustedKeyId })) };
  if (!verify(null, checkpointMessage(cp), trusted, signature)) {
    return { status: 'invalid', keyId: cp.keyId, ...verdict(keyed('checkpoint.signature.altered', { trusted: trustedKeyId })) };
  }
  return { status: 'valid', keyId: cp.keyId, ...verdict(keyed('checkpoint.signature.valid', { trusted: trustedKeyId })) };
}

export interface CheckpointVerification {
  ok: boolean;
  signature: SignatureCheck;
  /** Null when the signature was rejected: a checkpoint nobody trusted vouches for says nothing. */
  integrity: IntegrityReport | null;
  /** What does not match the checkpoint (empty when ok), in English. */
  mismatches: string[];
  /** The same keyed, for the reader's language. */
  mismatchesKeyed: (KeyedText & { message: string })[];
}

/**
 * Verify the signature with the pinned key, then the whole record, then that
 * the record still holds exactly what the checkpoint fixed: the chain entry
 * `chainCount` with the checkpoint's head, the ledger entry `count` with its
 * head, and the checkpoint itself recorded in the database.
 */
export function verifyAgainstCheckpoint(db: Db, cp: SignedCheckpoint, trustedPublicKey: KeyObject | string): CheckpointVerification {
  const signature = verifyCheckpointSignature(cp, trustedPublicKey);
  if (signature.status !== 'valid') return { ok: false, signature, integrity: null, mismatches: [signature.message], mismatchesKeyed: [signature.said] };
  return db
    .transaction(() => {
      const integrity = verifyIntegrity(db);
      const found: (KeyedText & { message: string })[] = [];
      if (integrity.chain.count < cp.chainCount) {
        found.push(keyed('checkpoint.mismatch.chainRemoved', { count: integrity.chain.count, at: cp.at, fixed: cp.chainCount, from: integrity.chain.count + 1 }));
      } else if (chainHashAt(db, cp.chainCount) !== cp.chainHead) {
        found.push(keyed('checkpoint.mismatch.chainRewritten', { at: cp.at, entry: cp.chainCount }));
      }
      const ledger = ledgerHead(db);
      const ledgerHashAt = cp.count === 0 ? GENESIS_HASH : (db.prepare('SELECT hash FROM ledger WHERE seq = ?').pluck().get(cp.count) as string | undefined);
      if (ledger.count < cp.count) found.push(keyed('checkpoint.mismatch.ledgerRemoved', { count: ledger.count, at: cp.at, fixed: cp.count, from: ledger.count + 1 }));
      else if (ledgerHashAt !== cp.head) found.push(keyed('checkpoint.mismatch.ledgerRewritten', { at: cp.at, entry: cp.count }));
      const recorded = db.prepare('SELECT 1 FROM ledger_checkpoints WHERE key_id = ? AND signature = ?').get(cp.keyId, cp.signature);
      if (!recorded) found.push(keyed('checkpoint.mismatch.notRecorded', { at: cp.at }));
      if (!integrity.ok) {
        const problems = describeProblemsKeyed(integrity);
        found.push({ ...problems, message: englishText(problems) });
      }
      return { ok: found.length === 0, signature, integrity, mismatches: found.map((m) => m.message), mismatchesKeyed: found };
    })
    .deferred();
}

/** The shape the contract's Integrity carries. */
export function integritySummary(r: IntegrityReport) {
  return { ok: r.ok, chainCount: r.chain.count, chainHead: r.chain.head, ledgerCount: r.ledger.count, problems: r.problems, problemCount: r.problemCount };
}

/** The same keyed: each problem in the reader's language (where, at, why), joined in it; its English describeProblems'. */
export function describeProblemsKeyed(r: IntegrityReport): KeyedText {
  const first = r.problems.slice(0, 5).map((p): KeyedParam => {
    const message: KeyedParam = p.key ? { key: p.key as ServerMessageKey, ...(p.params && { params: p.params as KeyedText['params'] }) } : p.message;
    return p.at ? { key: 'integrity.problemAt', params: { where: p.where, at: p.at, message } } : { key: 'integrity.problem', params: { where: p.where, message } };
  });
  return { key: r.problemCount > first.length ? 'integrity.summaryMore' : 'integrity.summary', params: { count: r.problemCount, problems: joined(first) } };
}

export function describeProblems(r: IntegrityReport): string {
  const first = r.problems.slice(0, 5).map((p) => `${p.where}${p.at ? ` ${p.at}` : ''}: ${p.message}`);
  return `${r.problemCount} problem(s): ${first.join('; ')}${r.problemCount > first.length ? '; ...' : ''}`;
}

export interface RecordedCheckpoint {
  id: number;
  count: number;
  head: string;
  chainCount: number | null;
  chainHead: string | null;
  at: string;
  keyId: string;
  actor: string;
  /** 'unpinned' when no trusted key was given to check against. */
  signatureStatus: SignatureCheck['status'] | 'unpinned' | 'old-format';
  /** Whether the chain still has this head at this length; null when the record is damaged. */
  matchesChain: boolean | null;
}

/**
 * The recorded checkpoints, newest first, each with its signature checked
 * against `trustedPublicKey` when given and compared with the current chain:
 * for the auditor screen. The record is verified once.
 */
export function listCheckpoints(db: Db, trustedPublicKey?: KeyObject | string): { integrity: IntegrityReport; checkpoints: RecordedCheckpoint[] } {
  return db
    .transaction(() => {
      const integrity = verifyIntegrity(db);
      const rows = db
        .prepare(
          `SELECT c.id, c.count, c.head, c.chain_count AS chainCount, c.chain_head AS chainHead, c.at, c.key_id AS keyId, k.public_key AS publicKey, c.signature, c.actor
           FROM ledger_checkpoints c JOIN installation_keys k ON k.key_id = c.key_id ORDER BY c.id DESC`,
        )
        .all() as (Omit<RecordedCheckpoint, 'signatureStatus' | 'matchesChain'> & { publicKey: string; signature: string })[];
      const checkpoints = rows.map(({ publicKey: _pk, signature, ...row }) => {
        let signatureStatus: RecordedCheckpoint['signatureStatus'] = 'unpinned';
        if (row.chainCount === null || row.chainHead === null) signatureStatus = 'old-format';
        else if (trustedPublicKey !== undefined) {
          signatureStatus = verifyCheckpointSignature({ format: CHECKPOINT_FORMAT, ...row, chainCount: row.chainCount, chainHead: row.chainHead, publicKey: '', signature }, trustedPublicKey).status;
        }
        const matchesChain = !integrity.ok || row.chainCount === null ? null : chainHashAt(db, row.chainCount) === row.chainHead;
        return { ...row, signatureStatus, matchesChain };
      });
      return { integrity, checkpoints };
    })
    .deferred();
}

/** The newest recorded checkpoint (what a restore may not go back behind without a reason). */
export function lastCheckpoint(db: Db): { id: number; at: string; chainCount: number | null; count: number } | undefined {
  return db.prepare('SELECT id, at, chain_count AS chainCount, count FROM ledger_checkpoints ORDER BY id DESC LIMIT 1').get() as
    | { id: number; at: string; chainCount: number | null; count: number }
    | undefined;
}
