/**
 * The auditor's commands through main(argv): `auditor-key create` (encrypted,
 * 0600, never into the database folder), `ledger checkpoint --key`, and
 * `ledger verify`, which fails (exit 1) unless the record matches a
 * checkpoint signed by the pinned auditor key.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PASSWORD, runCli, seedCliAccount } from '../helpers/cliHarness.js';
import { openDatabase } from '../../../electron/db/connection.js';
import { buildDemoDatabase } from '../helpers/demoDatabase.js';
import { tempDir } from '../helpers/tempDirs.js';

let work: { dir: string; cleanup: () => void };
let db: string;
const PASSPHRASE = 'correct horse battery staple, auditor only';

beforeAll(async () => {
  work = tempDir('cli-ledger');
  mkdirSync(join(work.dir, 'data'));
  mkdirSync(join(work.dir, 'usb'));
  db = join(work.dir, 'data', 'credence.sqlite');
  (await buildDemoDatabase(db, { citizens: 60, seed: 5 })).close();
  await seedCliAccount(db, 'cli-auditor', 'auditor');
  await seedCliAccount(db, 'cli-viewer', 'viewer');
});
afterAll(() => work?.cleanup());
afterEach(() => {
  delete process.env.CREDENCE_AUDITOR_PASSPHRASE;
  delete process.env.CREDENCE_USER;
  delete process.env.CREDENCE_PASSWORD;
});

describe('auditor-key create, ledger checkpoint, ledger verify', () => {
  it('refuses to write the key into the database folder', async () => {
    process.env.CREDENCE_AUDITOR_PASSPHRASE = PASSPHRASE;
    const r = await runCli('auditor-key', 'create', '--db', db, '--out', join(work.dir, 'data', 'auditor.key'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to write the auditor key into the database folder/);
  });

  it('refuses a short passphrase', async () => {
    process.env.CREDENCE_AUDITOR_PASSPHRASE = 'short';
    const r = await runCli('auditor-key', 'create', '--db', db, '--out', join(work.dir, 'usb', 'short.key'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/at least 12 characters/);
  });

  it('the whole round: key on removable media, checkpoint, verify; plain verify fails', async () => {
    process.env.CREDENCE_AUDITOR_PASSPHRASE = PASSPHRASE;
    const key = join(work.dir, 'usb', 'auditor.key');
    const created = await runCli('auditor-key', 'create', '--db', db, '--out', key);
    expect(created.code, created.stderr).toBe(0);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(readFileSync(key, 'utf8')).not.toMatch(/PRIVATE KEY/);
    expect(readFileSync(`${key}.pub.pem`, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    // never overwritten
    expect((await runCli('auditor-key', 'create', '--db', db, '--out', key)).code).toBe(1);

    const cp = join(work.dir, 'usb', 'checkpoint.json');
    // Signing records a checkpoint: only an authenticated auditor may, and it is recorded under that account.
    const anonymous = await runCli('ledger', 'checkpoint', '--db', db, '--key', key, '--out', cp);
    expect(anonymous.code).toBe(1);
    process.env.CREDENCE_PASSWORD = CLI_PASSWORD;
    const asViewer = await runCli('ledger', 'checkpoint', '--db', db, '--key', key, '--out', cp, '--user', 'cli-viewer');
    expect(asViewer.code).toBe(1);
    expect(asViewer.stderr).toMatch(/auditor/);
    const signed = await runCli('ledger', 'checkpoint', '--db', db, '--key', key, '--out', cp, '--user', 'cli-auditor');
    expect(signed.code, signed.stderr).toBe(0);
    const recorded = openDatabase(db);
    try {
      expect(recorded.prepare('SELECT actor FROM ledger_checkpoints ORDER BY id DESC LIMIT 1').pluck().get()).toBe('cli-auditor');
    } finally {
      recorded.close();
    }

    const ok = await runCli('ledger', 'verify', '--db', db, '--checkpoint', cp, '--public-key', `${key}.pub.pem`);
    expect(ok.code, ok.stderr).toBe(0);
    const withKeyFile = await runCli('ledger', 'verify', '--db', db, '--checkpoint', cp, '--public-key', key);
    expect(withKeyFile.code, withKeyFile.stderr).toBe(0);

    const plain = await runCli('ledger', 'verify', '--db', db);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/verification FAILED: not checked against an auditor's checkpoint/);
    const noCheckpoint = await runCli('ledger', 'verify', '--db', db, '--public-key', `${key}.pub.pem`);
    expect(noCheckpoint.code).toBe(2);
  });
});
