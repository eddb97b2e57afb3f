/**
 * backup, restore and db encrypt through main(argv): the database passphrase
 * from CREDENCE_DB_PASSPHRASE, an administrator authenticated for backup and
 * restore, a plaintext database warned about and encrypted on request.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/db/connection.js';
import { isPlaintextDatabase } from '../../../electron/db/encryption.js';
import { createUser } from '../../../electron/services/auth.js';
import { runCli } from '../helpers/cliHarness.js';
import { buildDemoDatabase } from '../helpers/demoDatabase.js';
import { tempDir } from '../helpers/tempDirs.js';

const PASSPHRASE = 'custody cli passphrase';
const PASSWORD = 'a long admin password for the cli';
let work: { dir: string; cleanup: () => void };
let plain: string;
let n = 0;

beforeAll(async () => {
  work = tempDir('cli-custody');
  plain = join(work.dir, 'plain.sqlite');
  const db = await buildDemoDatabase(plain, { citizens: 50, seed: 2 });
  await createUser(db, { username: 'boss', displayName: 'Boss', role: 'admin', password: PASSWORD }, 'test setup');
  await createUser(db, { username: 'reader', displayName: 'Reader', role: 'viewer', password: PASSWORD }, 'test setup');
  db.close();
});
afterAll(() => work?.cleanup());
afterEach(() => {
  for (const k of ['CREDENCE_DB_PASSPHRASE', 'CREDENCE_USER', 'CREDENCE_PASSWORD']) delete process.env[k];
});

function copy(): string {
  const f = join(work.dir, `c-${++n}.sqlite`);
  copyFileSync(plain, f);
  return f;
}

describe('custody on the command line', () => {
  it('warns about a plaintext database, encrypts it on request, then needs the passphrase', async () => {
    const db = copy();
    const warned = await runCli('users', 'list', '--db', db);
    expect(warned.stderr).toMatch(/is not encrypted: .* credence db encrypt --db/);
    process.env.CREDENCE_DB_PASSPHRASE = PASSPHRASE;
    const enc = await runCli('db', 'encrypt', '--db', db);
    expect(enc.code, enc.stderr).toBe(0);
    expect(isPlaintextDatabase(db)).toBe(false);
    const listed = await runCli('users', 'list', '--db', db);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('boss');
    process.env.CREDENCE_DB_PASSPHRASE = 'not the passphrase at all';
    const wrong = await runCli('users', 'list', '--db', db);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong passphrase/);
  });

  it('backup and restore need an administrator; the restore verifies and keeps the old file', async () => {
    const db = copy();
    process.env.CREDENCE_DB_PASSPHRASE = PASSPHRASE;
    await runCli('db', 'encrypt', '--db', db);
    const out = join(work.dir, `b-${n}.backup`);
    process.env.CREDENCE_PASSWORD = PASSWORD;
    const refused = await runCli('backup', '--db', db, '--out', out, '--user', 'reader');
    expect(refused.code).toBe(1);
    const made = await runCli('backup', '--db', db, '--out', out, '--user', 'boss');
    expect(made.code, made.stderr).toBe(0);
    const checked = await runCli('restore', '--db', db, '--from', out, '--check');
    expect(checked.code, checked.stderr).toBe(0);
    const restored = await runCli('restore', '--db', db, '--from', out, '--user', 'boss');
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/the replaced database is kept as/);
    const d = openDatabase(db, { key: { passphrase: PASSPHRASE } });
    expect(d.prepare("SELECT count(*) FROM access_log WHERE action = 'restore' AND username = 'boss'").pluck().get()).toBe(1);
    d.close();
    const previous = /kept as (\S+)/.exec(restored.stdout)![1].replace(/[;.]$/, '');
    const p = openDatabase(previous, { key: { passphrase: PASSPHRASE } });
    expect(p.prepare("SELECT count(*) FROM access_log WHERE action = 'backup' AND username = 'boss'").pluck().get()).toBe(1);
    p.close();
  });
});
