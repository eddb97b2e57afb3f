/**
 * Checkpoints signed with the auditor's key on a real scored population: the
 * installation holds no signing key; a checkpoint verifies only against the
 * pinned auditor key; any edit of it, or a signature by another key, is
 * refused; a record truncated, rewritten or with checkpoint rows deleted since
 * the checkpoint fails with what differs named.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { GENESIS_HASH, ledgerHead } from '../../../electron/db/ledger.js';
import { chainHead } from '../../../electron/db/chain.js';
import { AuditorKeyError, createAuditorKey, keyIdOf, parseTrustedKey, publicKeyPem, unlockAuditorKey } from '../../../electron/services/auditorKey.js';
import {
  CheckpointError,
  checkpointFileContent,
  checkpointMessage,
  createCheckpoint,
  listCheckpoints,
  parseCheckpoint,
  verifyAgainstCheckpoint,
  verifyCheckpointSignature,
  type SignedCheckpoint,
} from '../../../electron/services/checkpoints.js';
import { retractEvent } from '../../../electron/services/retract.js';
import { testAuditor } from '../helpers/auditor.js';
import { buildDemoDatabase } from '../helpers/demoDatabase.js';
import { dropImmutabilityTriggers, flipHexChar } from '../helpers/ledgerAttacker.js';
import { tempDir } from '../helpers/tempDirs.js';

const CITIZENS = 300;
const auditor = testAuditor();

let work: { dir: string; cleanup: () => void };
let template: string;

beforeAll(async () => {
  work = tempDir('checkpoints');
  template = join(work.dir, 'template.sqlite');
  (await buildDemoDatabase(template, { citizens: CITIZENS, seed: 7, asOf: '2026-11-01T00:00:00Z' })).close();
});
afterAll(() => work?.cleanup());

const opened: Db[] = [];
let copies = 0;
function fresh(): { db: Db; file: string } {
  const file = join(work.dir, `copy-${++copies}.sqlite`);
  copyFileSync(template, file);
  const db = openDatabase(file);
  opened.push(db);
  return { db, file };
}
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
});

/** A checkpoint as an auditor holds it: the file's JSON, parsed back. */
function asFile(cp: SignedCheckpoint): SignedCheckpoint {
  return parseCheckpoint(JSON.parse(checkpointFileContent(cp)));
}

describe('the auditor key', () => {
  it('unlocks with its passphrase only, and the installation keeps no key file', () => {
    const { db } = fresh();
    createCheckpoint(db, auditor.signer);
    expect(readdirSync(work.dir).filter((f) => /key|pem/.test(f))).toEqual([]);
    expect(() => unlockAuditorKey(auditor.file, 'the administrator guesses')).toThrow(/wrong passphrase/);
    expect(unlockAuditorKey(auditor.file, auditor.passphrase).keyId).toBe(auditor.keyId);
  });

  it('refuses a short passphrase and a key file whose public half was swapped', () => {
    expect(() => createAuditorKey('short')).toThrow(/at least 12 characters/);
    const other = testAuditor('other');
    const swapped = { ...auditor.file, publicKey: other.publicKeyPem, keyId: other.keyId };
    expect(() => unlockAuditorKey(swapped, auditor.passphrase)).toThrow(AuditorKeyError);
  });

  it('the trusted key may be the PEM, base64 SPKI or the key file itself, and must be Ed25519', () => {
    const der = parseTrustedKey(auditor.publicKeyPem).export({ type: 'spki', format: 'der' }).toString('base64');
    for (const text of [auditor.publicKeyPem, der, JSON.stringify(auditor.file)]) expect(publicKeyPem(parseTrustedKey(text))).toBe(auditor.publicKeyPem);
    expect(() => parseTrustedKey('not a key')).toThrow(AuditorKeyError);
    expect(() => parseTrustedKey(publicKeyPem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey))).toThrow(/not an Ed25519 public key/);
  });
});

describe('signing and verifying a checkpoint', () => {
  it('fixes the ledger and chain heads, verifies against the pinned key, and is recorded', () => {
    const { db } = fresh();
    const ledger = ledgerHead(db);
    const chain = chainHead(db);
    const cp = createCheckpoint(db, auditor.signer, { actor: 'auditor', at: '2026-11-26T12:00:00.000Z' });

    expect(cp).toMatchObject({ count: CITIZENS, head: ledger.head, chainCount: chain.count + 1, chainHead: expect.any(String), keyId: auditor.keyId });
    // the auditor's public key was registered (chain entry chainCount), the checkpoint row comes after
    expect(chainHead(db).count).toBe(cp.chainCount + 1);
    expect(verifyCheckpointSignature(asFile(cp), auditor.publicKeyPem)).toMatchObject({ status: 'valid' });
    expect(verifyAgainstCheckpoint(db, asFile(cp), auditor.publicKeyPem)).toMatchObject({ ok: true, mismatches: [], integrity: { ok: true } });
    expect(listCheckpoints(db, auditor.publicKeyPem).checkpoints).toMatchObject([{ id: cp.id, actor: 'auditor', signatureStatus: 'valid', matchesChain: true }]);
    expect(listCheckpoints(db).checkpoints[0].signatureStatus).toBe('unpinned');
  });

  it('a checkpoint of an empty database names the genesis heads and verifies', () => {
    const { dir, cleanup } = tempDir('empty-ledger');
    try {
      const db = openDatabase(join(dir, 'empty.sqlite'));
      opened.push(db);
      const cp = createCheckpoint(db, auditor.signer);
      expect(cp).toMatchObject({ count: 0, head: GENESIS_HASH, chainCount: 1 });
      expect(verifyAgainstCheckpoint(db, asFile(cp), auditor.publicKeyPem).ok).toBe(true);
      db.close();
    } finally {
      cleanup();
    }
  });

  const tampering: { what: string; edit: (cp: SignedCheckpoint) => SignedCheckpoint }[] = [
    { what: 'ledger count lowered', edit: (cp) => ({ ...cp, count: cp.count - 5 }) },
    { what: 'chain count lowered', edit: (cp) => ({ ...cp, chainCount: cp.chainCount - 5 }) },
    { what: 'ledger head changed', edit: (cp) => ({ ...cp, head: flipHexChar(cp.head, 10) }) },
    { what: 'chain head changed', edit: (cp) => ({ ...cp, chainHead: flipHexChar(cp.chainHead, 10) }) },
    { what: 'time changed', edit: (cp) => ({ ...cp, at: '2026-11-27T12:00:00.000Z' }) },
    { what: 'signature changed', edit: (cp) => ({ ...cp, signature: Buffer.from(Buffer.from(cp.signature, 'base64').map((b, i) => (i === 7 ? b ^ 1 : b))).toString('base64') }) },
    { what: 'signature truncated', edit: (cp) => ({ ...cp, signature: cp.signature.slice(0, 40) }) },
  ];

  it.each(tampering)('a checkpoint with its $what is invalid and the record is not checked against it', ({ edit }) => {
    const { db } = fresh();
    const tampered = edit(asFile(createCheckpoint(db, auditor.signer)));
    expect(verifyAgainstCheckpoint(db, tampered, auditor.publicKeyPem)).toMatchObject({ ok: false, signature: { status: 'invalid' }, integrity: null });
  });

  it('a checkpoint re-signed with a key made on this machine is refused against the auditor key, however consistent', () => {
    const { db } = fresh();
    const real = asFile(createCheckpoint(db, auditor.signer));
    const machine = generateKeyPairSync('ed25519');
    const machineSigner = { privateKey: machine.privateKey, publicKey: machine.publicKey, keyId: keyIdOf(machine.publicKey) };
    const resigned = asFile(createCheckpoint(db, machineSigner));
    expect(verifyAgainstCheckpoint(db, resigned, publicKeyPem(machine.publicKey)).ok).toBe(true); // self-consistent under its own key
    expect(verifyAgainstCheckpoint(db, resigned, auditor.publicKeyPem)).toMatchObject({ ok: false, signature: { status: 'untrusted' } });
    // claiming the auditor's key id with the machine's signature
    const claimed = { ...real, at: '2026-12-01T00:00:00.000Z' };
    claimed.signature = sign(null, checkpointMessage(claimed), machine.privateKey).toString('base64');
    expect(verifyAgainstCheckpoint(db, claimed, auditor.publicKeyPem)).toMatchObject({ ok: false, signature: { status: 'invalid' } });
  });

  it('refuses to sign a damaged record and records nothing', () => {
    const { db } = fresh();
    dropImmutabilityTriggers(db);
    db.prepare('UPDATE ledger SET new_score = new_score + 1 WHERE seq = 42').run();
    expect(() => createCheckpoint(db, auditor.signer)).toThrow(/refusing to checkpoint a damaged record/);
    expect(db.prepare('SELECT count(*) FROM ledger_checkpoints').pluck().get()).toBe(0);
  });

  it.each([
    { what: 'an old unsigned checkpoint', json: { count: 3, head: 'f'.repeat(64), at: 'x' }, says: /made before the chain/ },
    { what: 'a text count', json: { format: 'credence-checkpoint/2', count: '300', head: GENESIS_HASH, chainCount: 1, chainHead: GENESIS_HASH }, says: /whole numbers/ },
    { what: 'a short chain head', json: { format: 'credence-checkpoint/2', count: 3, head: 'f'.repeat(64), chainCount: 1, chainHead: 'abc' }, says: /64 hex digits/ },
    { what: 'no signature', json: { format: 'credence-checkpoint/2', count: 3, head: 'f'.repeat(64), chainCount: 1, chainHead: 'f'.repeat(64), at: 'x', keyId: 'k', publicKey: 'p' }, says: /signature is missing/ },
  ])('a file with $what is refused', ({ json, says }) => {
    expect(() => parseCheckpoint(json)).toThrow(CheckpointError);
    expect(() => parseCheckpoint(json)).toThrow(says);
  });

  it('legitimate changes after the checkpoint still verify against it', () => {
    const { db } = fresh();
    const cp = asFile(createCheckpoint(db, auditor.signer));
    // Retract heavy events until one moves a score (an expired or capped one writes no ledger entry).
    const candidates = db.prepare('SELECT DISTINCT e.event_id FROM contributions c JOIN events e ON e.idx = c.event_idx WHERE c.points < -20 ORDER BY e.event_id LIMIT 40').pluck().all() as string[];
    const ledgerCount = () => db.prepare('SELECT count(*) FROM ledger').pluck().get() as number;
    const before = ledgerCount();
    for (const eventId of candidates) {
      retractEvent(db, eventId, { actor: 'official', reason: 'appeal upheld' });
      if (ledgerCount() > before) break;
    }
    const result = verifyAgainstCheckpoint(db, cp, auditor.publicKeyPem);
    expect(result.mismatches).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.integrity!.ledger.count).toBeGreaterThan(cp.count);
  });
});
