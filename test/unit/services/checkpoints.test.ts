/**
 * Signed ledger checkpoints on a real scored population: the installation
 * key lives beside the database (never in it), a signed checkpoint verifies,
 * any edit of a checkpoint or a signature by another key is refused, and a
 * chain truncated or rewritten since the checkpoint fails with the first
 * broken entry named.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { GENESIS_HASH, ledgerHead, verifyLedger } from '../../../electron/db/ledger.js';
import {
  CheckpointError,
  checkpointFileContent,
  createCheckpoint,
  installationKey,
  keyIdOf,
  listCheckpoints,
  parseCheckpoint,
  parsePublicKey,
  publicKeyPem,
  signingKeyPath,
  verifyAgainstCheckpoint,
  verifyCheckpointSignature,
  type SignedCheckpoint,
} from '../../../electron/services/checkpoints.js';
import { retractEvent } from '../../../electron/services/retract.js';
import { buildDemoDatabase } from '../helpers/demoDatabase.js';
import { dropImmutabilityTriggers, flipHexChar, ledgerRow, rehashChainFrom } from '../helpers/ledgerAttacker.js';
import { tempDir } from '../helpers/tempDirs.js';

const CITIZENS = 300;

let work: { dir: string; cleanup: () => void };
let template: string;

beforeAll(async () => {
  work = tempDir('checkpoints');
  template = join(work.dir, 'template.sqlite');
  const db = await buildDemoDatabase(template, { citizens: CITIZENS, seed: 7, asOf: '2026-11-01T00:00:00Z' });
  db.close();
});
afterAll(() => work?.cleanup());

const opened: Db[] = [];
let copies = 0;
/** A private copy of the template (without any key file) and its path. */
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
  return parseCheckpoint(JSON.parse(checkpointFileContent(cp))) as SignedCheckpoint;
}

describe('the installation key', () => {
  it('is generated on first use beside the database, mode 0600, and reused afterwards', () => {
    const { db, file } = fresh();
    expect(existsSync(`${file}.signing-key.pem`)).toBe(false);

    const first = installationKey(db, file);
    const second = installationKey(db, file);

    expect(signingKeyPath(file)).toBe(`${file}.signing-key.pem`);
    expect(readFileSync(signingKeyPath(file), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    if (process.platform !== 'win32') expect(statSync(signingKeyPath(file)).mode & 0o777).toBe(0o600);
    expect(first).toMatchObject({ created: true, keyId: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(second).toMatchObject({ created: false, keyId: first.keyId });
    expect(db.prepare('SELECT key_id, public_key FROM installation_keys').all()).toEqual([{ key_id: first.keyId, public_key: publicKeyPem(first.publicKey) }]);
  });

  it('keeps the private key out of the database file', () => {
    const { db, file } = fresh();
    createCheckpoint(db, file, { actor: 'auditor' });
    db.close();
    const pemBody = readFileSync(signingKeyPath(file), 'utf8').split('\n').filter((l) => l && !l.startsWith('-----')).join('');
    const rawPrivate = Buffer.from(pemBody, 'base64').subarray(-32); // PKCS#8 Ed25519: the seed is the last 32 bytes
    const stored = Buffer.concat([readFileSync(file), ...(existsSync(`${file}-wal`) ? [readFileSync(`${file}-wal`)] : [])]);
    expect(stored.includes(Buffer.from(pemBody))).toBe(false);
    expect(stored.includes(rawPrivate)).toBe(false);
  });

  it.skipIf(process.platform === 'win32')('refuses a key file that others can read', () => {
    const { db, file } = fresh();
    installationKey(db, file);
    chmodSync(signingKeyPath(file), 0o644);
    expect(() => installationKey(db, file)).toThrow(/can be read by others \(mode 644\)/);
  });
});

describe('signing and verifying a checkpoint', () => {
  it('a signed checkpoint verifies, against the trusted key too, and the chain matches it', () => {
    const { db, file } = fresh();
    const cp = createCheckpoint(db, file, { actor: 'auditor', at: '2026-11-26T12:00:00.000Z' });
    const trusted = publicKeyPem(installationKey(db, file).publicKey);

    expect(cp).toMatchObject({ count: CITIZENS, head: ledgerHead(db).head, at: '2026-11-26T12:00:00.000Z', keyId: keyIdOf(parsePublicKey(trusted)), newKey: true });
    expect(verifyCheckpointSignature(asFile(cp))).toMatchObject({ status: 'valid', trusted: false });
    expect(verifyCheckpointSignature(asFile(cp), trusted)).toMatchObject({ status: 'valid', trusted: true, keyId: cp.keyId });
    expect(verifyAgainstCheckpoint(db, asFile(cp), trusted)).toMatchObject({ ok: true, chain: { ok: true, count: CITIZENS, head: cp.head } });
  });

  it('records every checkpoint, lists them newest first with their status, and reuses the key', () => {
    const { db, file } = fresh();
    const first = createCheckpoint(db, file, { actor: 'auditor' });
    const second = createCheckpoint(db, file, { actor: 'dpo' });

    expect(second.newKey).toBe(false);
    expect(second.keyId).toBe(first.keyId);
    const listed = listCheckpoints(db, first.publicKey);
    expect(listed.chain.ok).toBe(true);
    expect(listed.checkpoints.map((c) => [c.id, c.actor, c.signatureStatus, c.matchesChain])).toEqual([
      [second.id, 'dpo', 'valid', true],
      [first.id, 'auditor', 'valid', true],
    ]);
  });

  it('a checkpoint of an empty ledger names the genesis head and verifies', () => {
    const { dir, cleanup } = tempDir('empty-ledger');
    try {
      const file = join(dir, 'empty.sqlite');
      const db = openDatabase(file);
      opened.push(db);
      const cp = createCheckpoint(db, file);
      expect(cp).toMatchObject({ count: 0, head: GENESIS_HASH });
      expect(verifyAgainstCheckpoint(db, asFile(cp), cp.publicKey).ok).toBe(true);
      db.close();
    } finally {
      cleanup();
    }
  });

  const tampering: { what: string; edit: (cp: SignedCheckpoint) => SignedCheckpoint }[] = [
    { what: 'count lowered', edit: (cp) => ({ ...cp, count: cp.count - 5 }) },
    { what: 'count raised', edit: (cp) => ({ ...cp, count: cp.count + 1 }) },
    { what: 'head changed', edit: (cp) => ({ ...cp, head: flipHexChar(cp.head, 10) }) },
    { what: 'time changed', edit: (cp) => ({ ...cp, at: '2026-11-27T12:00:00.000Z' }) },
    { what: 'signature changed', edit: (cp) => ({ ...cp, signature: Buffer.from(Buffer.from(cp.signature, 'base64').map((b, i) => (i === 7 ? b ^ 1 : b))).toString('base64') }) },
    { what: 'signature truncated', edit: (cp) => ({ ...cp, signature: cp.signature.slice(0, 40) }) },
    { what: 'key id changed', edit: (cp) => ({ ...cp, keyId: flipHexChar(cp.keyId, 3) }) },
  ];

  it.each(tampering)('a checkpoint with its $what is invalid, and the chain is not checked against it', ({ edit }) => {
    const { db, file } = fresh();
    const cp = asFile(createCheckpoint(db, file));
    const tampered = edit(cp);

    expect(verifyCheckpointSignature(tampered)).toMatchObject({ status: 'invalid' });
    expect(verifyCheckpointSignature(tampered, cp.publicKey)).toMatchObject({ status: 'invalid' });
    expect(verifyAgainstCheckpoint(db, tampered, cp.publicKey)).toMatchObject({ ok: false, signature: { status: 'invalid' }, chain: null });
  });

  it('a truncated ledger with the checkpoint edited to match is caught by the signature', () => {
    const { db, file } = fresh();
    const cp = asFile(createCheckpoint(db, file));
    dropImmutabilityTriggers(db);
    db.prepare('DELETE FROM ledger WHERE seq > 295').run();
    const forged = { ...cp, count: 295, head: ledgerRow(db, 295).hash };

    expect(verifyLedger(db, forged).ok).toBe(true); // the chain alone is consistent with the forged numbers
    expect(verifyAgainstCheckpoint(db, forged, cp.publicKey)).toMatchObject({ ok: false, signature: { status: 'invalid' } });
  });

  it('a checkpoint signed by another key fails against the trusted key, even when it is self-consistent', () => {
    const { db, file } = fresh();
    const trusted = createCheckpoint(db, file).publicKey;
    const other = fresh();
    const foreign = asFile(createCheckpoint(other.db, other.file));

    expect(foreign.keyId).not.toBe(keyIdOf(parsePublicKey(trusted)));
    expect(verifyCheckpointSignature(foreign)).toMatchObject({ status: 'valid', trusted: false });
    const check = verifyCheckpointSignature(foreign, trusted);
    expect(check).toMatchObject({ status: 'untrusted', keyId: foreign.keyId, trustedKeyId: keyIdOf(parsePublicKey(trusted)) });
    expect(check.message).toContain(foreign.keyId);
    expect(verifyAgainstCheckpoint(db, foreign, trusted)).toMatchObject({ ok: false, chain: null });
  });

  it('a checkpoint re-signed by an attacker with their own key and the real key id is invalid', () => {
    const { db, file } = fresh();
    const cp = asFile(createCheckpoint(db, file));
    const attacker = generateKeyPairSync('ed25519');
    const forged = { ...cp, publicKey: publicKeyPem(attacker.publicKey) };
    expect(verifyCheckpointSignature(forged)).toMatchObject({ status: 'invalid' });
    expect(verifyCheckpointSignature(forged).message).toMatch(/key id .* is not the id of its public key/);
  });

  it('accepts the trusted key as base64 SPKI as well as PEM', () => {
    const { db, file } = fresh();
    const cp = asFile(createCheckpoint(db, file));
    const der = installationKey(db, file).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(verifyCheckpointSignature(cp, der)).toMatchObject({ status: 'valid', trusted: true });
    expect(() => parsePublicKey('not a key')).toThrow(CheckpointError);
    expect(() => parsePublicKey(publicKeyPem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey))).toThrow(/not an Ed25519 public key/);
  });

  it('refuses to sign a broken ledger and records nothing', () => {
    const { db, file } = fresh();
    dropImmutabilityTriggers(db);
    db.prepare('UPDATE ledger SET new_score = new_score + 1 WHERE seq = 42').run();
    expect(() => createCheckpoint(db, file)).toThrow(/refusing to checkpoint a broken ledger: entry 42/);
    expect(db.prepare('SELECT count(*) FROM ledger_checkpoints').pluck().get()).toBe(0);
  });
});

describe('old unsigned checkpoint files', () => {
  it('are still accepted for verification, reported as unsigned, and refused when a trusted key is required', () => {
    const { db, file } = fresh();
    const { count, head } = ledgerHead(db);
    const unsigned = parseCheckpoint({ count, head, at: '2026-11-02T00:00:00.000Z' });
    const key = publicKeyPem(installationKey(db, file).publicKey);

    expect(verifyCheckpointSignature(unsigned)).toMatchObject({ status: 'unsigned' });
    expect(verifyAgainstCheckpoint(db, unsigned)).toMatchObject({ ok: true, signature: { status: 'unsigned' }, chain: { ok: true } });
    expect(verifyAgainstCheckpoint(db, unsigned, key)).toMatchObject({ ok: false, signature: { status: 'unsigned' }, chain: null });
  });

  it.each([
    { what: 'a text count', json: { count: '300', head: GENESIS_HASH }, says: /not a ledger checkpoint/ },
    { what: 'a short head', json: { count: 3, head: 'abc' }, says: /not a ledger checkpoint/ },
    { what: 'an empty ledger with another head', json: { count: 0, head: 'f'.repeat(64) }, says: /genesis head/ },
    { what: 'a signature without its key', json: { count: 3, head: 'f'.repeat(64), at: 'x', signature: 'AAAA' }, says: /not a valid signed checkpoint/ },
  ])('a file with $what is not a checkpoint', ({ json, says }) => {
    expect(() => parseCheckpoint(json)).toThrow(says);
  });
});

describe('the chain against a signed checkpoint', () => {
  it('a tail cut after the checkpoint is detected, naming the first missing entry', () => {
    const { db, file } = fresh();
    const cp = asFile(createCheckpoint(db, file));
    dropImmutabilityTriggers(db);
    db.prepare('DELETE FROM ledger WHERE seq > 290').run();

    expect(verifyLedger(db).ok).toBe(true);
    const result = verifyAgainstCheckpoint(db, cp, cp.publicKey);
    expect(result).toMatchObject({ ok: false, signature: { status: 'valid', trusted: true }, chain: { ok: false, firstBroken: 291 } });
    expect(listCheckpoints(db).checkpoints[0].matchesChain).toBe(false);
  });

  it('an entry rewritten in place before the checkpoint is named', () => {
    const { db, file } = fresh();
    const cp = asFile(createCheckpoint(db, file));
    dropImmutabilityTriggers(db);
    db.prepare('UPDATE ledger SET new_score = new_score + 5000 WHERE seq = 117').run();

    expect(verifyAgainstCheckpoint(db, cp, cp.publicKey)).toMatchObject({ ok: false, chain: { ok: false, firstBroken: 117 } });
  });

  it('a consistently rehashed rewrite is detected at the checkpoint, and an earlier checkpoint that still matches brackets it', () => {
    const { db, file } = fresh();
    const early = asFile(createCheckpoint(db, file)); // 300 entries
    const eventId = db
      .prepare('SELECT e.event_id FROM contributions c JOIN events e ON e.idx = c.event_idx WHERE c.points < -20 AND c.error IS NULL ORDER BY e.event_id LIMIT 1')
      .pluck()
      .get() as string;
    const moved = retractEvent(db, eventId, { actor: 'official', reason: 'appeal upheld' }).scoring!.ledgerEntries;
    expect(moved).toBeGreaterThan(0);
    const late = asFile(createCheckpoint(db, file));
    expect(late.count).toBe(CITIZENS + moved);

    dropImmutabilityTriggers(db);
    db.prepare('UPDATE ledger SET new_score = new_score + 5000 WHERE seq = ?').run(CITIZENS + 1);
    rehashChainFrom(db, CITIZENS + 1);

    expect(verifyLedger(db).ok).toBe(true);
    expect(verifyAgainstCheckpoint(db, early, early.publicKey).ok).toBe(true);
    const result = verifyAgainstCheckpoint(db, late, late.publicKey);
    expect(result).toMatchObject({ ok: false, chain: { ok: false, firstBroken: late.count } });
    expect(result.chain!.ok === false && result.chain!.message).toMatch(/history differs from the checkpoint/);
    expect(listCheckpoints(db).checkpoints.map((c) => [c.count, c.matchesChain])).toEqual([
      [late.count, false],
      [CITIZENS, true],
    ]);
  });

  it('legitimate entries appended after the checkpoint still verify against it', () => {
    const { db, file } = fresh();
    const cp = asFile(createCheckpoint(db, file));
    const eventId = db.prepare('SELECT e.event_id FROM contributions c JOIN events e ON e.idx = c.event_idx WHERE c.points < -20 ORDER BY e.event_id LIMIT 1').pluck().get() as string;
    retractEvent(db, eventId, { actor: 'official', reason: 'appeal upheld' });

    const result = verifyAgainstCheckpoint(db, cp, cp.publicKey);
    expect(result.ok).toBe(true);
    expect(result.chain).toMatchObject({ ok: true });
    expect(result.chain!.count).toBeGreaterThan(cp.count);
  });
});
