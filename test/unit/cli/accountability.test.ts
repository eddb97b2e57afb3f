/**
 * The accountability commands end to end through main(argv): signed
 * checkpoints and their verification against a trusted key (`ledger
 * checkpoint`, `ledger verify --checkpoint --public-key`, `ledger key`) and
 * retention (`retention set|show|purge`), with their exit codes: 0 ok,
 * 1 rejected input or failed verification, 2 usage.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { runCli } from '../helpers/cliHarness.js';
import { buildDemoDatabase } from '../helpers/demoDatabase.js';
import { tempDir } from '../helpers/tempDirs.js';

const AS_OF = '2026-11-01T00:00:00Z';

let work: { dir: string; cleanup: () => void };
let template: string;
let copies = 0;

beforeAll(async () => {
  work = tempDir('cli-accountability');
  template = join(work.dir, 'template.sqlite');
  (await buildDemoDatabase(template, { citizens: 300, seed: 7, asOf: AS_OF })).close();
});
afterAll(() => work?.cleanup());

function copyOfDemo(): string {
  const file = join(work.dir, `copy-${++copies}.sqlite`);
  copyFileSync(template, file);
  return file;
}
const path = (name: string) => join(work.dir, `${copies}-${name}`);

function withDb<T>(file: string, fn: (db: Db) => T): T {
  const db = openDatabase(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** A database with a signed checkpoint and its exported public key. */
async function signedSetup(): Promise<{ db: string; checkpoint: string; key: string }> {
  const db = copyOfDemo();
  const checkpoint = path('checkpoint.json');
  const key = path('key.pem');
  const written = await runCli('ledger', 'checkpoint', '--db', db, '--out', checkpoint, '--actor', 'auditor');
  expect(written.code, written.stderr).toBe(0);
  expect((await runCli('ledger', 'key', '--db', db, '--out', key)).code).toBe(0);
  return { db, checkpoint, key };
}

describe('ledger checkpoint, key and verify', () => {
  it('a signed checkpoint verifies against the exported key, naming the key', async () => {
    const db = copyOfDemo();
    const checkpoint = path('checkpoint.json');
    const written = await runCli('ledger', 'checkpoint', '--db', db, '--out', checkpoint, '--actor', 'auditor');
    expect(written.code, written.stderr).toBe(0);
    expect(written.stderr).toMatch(/generated the installation signing key .*\.signing-key\.pem/);
    const cp = JSON.parse(readFileSync(checkpoint, 'utf8'));
    expect(written.stdout).toContain(`signed checkpoint written to ${checkpoint}: 300 entries, head ${cp.head}, key ${cp.keyId}`);

    const key = path('key.pem');
    const exported = await runCli('ledger', 'key', '--db', db, '--out', key);
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    expect(exported.stdout).toContain(`public key ${cp.keyId} written to ${key}`);
    expect(readFileSync(key, 'utf8')).toBe(cp.publicKey);

    const verified = await runCli('ledger', 'verify', '--db', db, '--checkpoint', checkpoint, '--public-key', key);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`matches the checkpoint of ${cp.at} (300 entries), signed by the trusted key ${cp.keyId}`);
    withDb(db, (d) => expect(d.prepare('SELECT count, head, key_id, actor FROM ledger_checkpoints').all()).toEqual([{ count: 300, head: cp.head, key_id: cp.keyId, actor: 'auditor' }]));
  });

  it('without a trusted key, says whose key signed and how to check it', async () => {
    const { db, checkpoint } = await signedSetup();
    const r = await runCli('ledger', 'verify', '--db', db, '--checkpoint', checkpoint);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/signed by key [0-9a-f]{16} \(this installation's key; pass --public-key/);
  });

  it('ledger key without --out prints the PEM', async () => {
    const { db, key } = await signedSetup();
    const r = await runCli('ledger', 'key', '--db', db);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(key, 'utf8'));
  });

  it.each([
    { field: 'count', edit: (cp: Record<string, unknown>) => ({ ...cp, count: 299 }) },
    { field: 'head', edit: (cp: Record<string, unknown>) => ({ ...cp, head: 'f'.repeat(64) }) },
    { field: 'at', edit: (cp: Record<string, unknown>) => ({ ...cp, at: '2020-01-01T00:00:00.000Z' }) },
    { field: 'signature', edit: (cp: Record<string, unknown>) => ({ ...cp, signature: Buffer.alloc(64, 1).toString('base64') }) },
  ])('a checkpoint file with its $field changed is rejected with exit 1', async ({ edit }) => {
    const { db, checkpoint, key } = await signedSetup();
    writeFileSync(checkpoint, JSON.stringify(edit(JSON.parse(readFileSync(checkpoint, 'utf8')))));
    for (const extra of [[], ['--public-key', key]]) {
      const r = await runCli('ledger', 'verify', '--db', db, '--checkpoint', checkpoint, ...extra);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/checkpoint .* REJECTED: the signature by key [0-9a-f]{16} does not match count, head and time/);
      expect(r.stdout).toBe('');
    }
  });

  it("a checkpoint signed by another installation's key fails against the trusted key", async () => {
    const { db, key } = await signedSetup();
    const other = copyOfDemo();
    const foreign = path('foreign.json');
    expect((await runCli('ledger', 'checkpoint', '--db', other, '--out', foreign)).code).toBe(0);

    const r = await runCli('ledger', 'verify', '--db', db, '--checkpoint', foreign, '--public-key', key);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/REJECTED: signed by key [0-9a-f]{16}, not by the trusted key [0-9a-f]{16}/);
    const plain = await runCli('ledger', 'verify', '--db', db, '--checkpoint', foreign);
    expect(plain.code).toBe(0); // same demo data, same chain: only the key tells them apart
    expect(plain.stdout).toMatch(/a key this database does not know/);
  });

  it('a tail cut after the checkpoint fails verification, naming the entries', async () => {
    const { db, checkpoint, key } = await signedSetup();
    withDb(db, (d) => {
      d.exec('DROP TRIGGER ledger_no_delete');
      d.prepare('DELETE FROM ledger WHERE seq > 296').run();
    });
    const r = await runCli('ledger', 'verify', '--db', db, '--checkpoint', checkpoint, '--public-key', key);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ledger verification FAILED: ledger has 296 entries but the checkpoint of .* recorded 300: entries from 297 on were removed \[checkpoint signed by the trusted key/);
  });

  it('an old unsigned checkpoint is still accepted, said to be unsigned, and refused against a trusted key', async () => {
    const { db, checkpoint, key } = await signedSetup();
    const { count, head, at } = JSON.parse(readFileSync(checkpoint, 'utf8'));
    const unsigned = path('unsigned.json');
    writeFileSync(unsigned, JSON.stringify({ count, head, at }));

    const r = await runCli('ledger', 'verify', '--db', db, '--checkpoint', unsigned);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/matches the checkpoint .* UNSIGNED checkpoint/);
    expect(r.stderr).toMatch(/warning: .* is an unsigned checkpoint/);

    const strict = await runCli('ledger', 'verify', '--db', db, '--checkpoint', unsigned, '--public-key', key);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/REJECTED: it is unsigned/);
  });

  it('--public-key without --checkpoint is a usage error; an unreadable or wrong key file is rejected', async () => {
    const { db, checkpoint } = await signedSetup();
    const usage = await runCli('ledger', 'verify', '--db', db, '--public-key', 'key.pem');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--public-key needs --checkpoint/);

    const missing = await runCli('ledger', 'verify', '--db', db, '--checkpoint', checkpoint, '--public-key', path('nope.pem'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.pem/);
    const garbage = path('garbage.pem');
    writeFileSync(garbage, 'hello');
    const wrong = await runCli('ledger', 'verify', '--db', db, '--checkpoint', checkpoint, '--public-key', garbage);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/not a public key/);
  });
});

describe('retention', () => {
  it('set, show and purge: the expired events go, scores move under a records_expired operation, the ledger verifies', async () => {
    const db = copyOfDemo();
    const set = await runCli('retention', 'set', 'utility_theft', '365', '--db', db, '--actor', 'dpo', '--reason', 'court order');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^utility_theft: events kept 365 days; \d+ would be purged now/);
    expect(set.stderr).toMatch(/warning: a rule of the current ruleset counts utility_theft events for 1826 days; they will be purged after 365/);

    const show = await runCli('retention', 'show', '--db', db, '--as-of', AS_OF, '--json');
    expect(show.code).toBe(0);
    const policy = JSON.parse(show.stdout) as { kinds: { kind: string; retentionDays: number; isDefault: boolean; expired: number }[] };
    expect(policy.kinds.find((k) => k.kind === 'utility_theft')).toMatchObject({ retentionDays: 365, isDefault: false });
    const expired = policy.kinds.reduce((n, k) => n + k.expired, 0);
    expect(expired).toBeGreaterThan(0);
    const text = await runCli('retention', 'show', '--db', db, '--as-of', AS_OF);
    expect(text.stdout).toMatch(/^utility_theft\s+365 /m);
    expect(text.stdout).toMatch(/^bank_arrears\s+1826\* /m);

    const eventsBefore = withDb(db, (d) => d.prepare('SELECT count(*) FROM events').pluck().get() as number);
    const purged = await runCli('retention', 'purge', '--db', db, '--as-of', AS_OF, '--actor', 'dpo', '--reason', 'statutory retention');
    expect(purged.code, purged.stderr).toBe(0);
    const m = /^purged (\d+) expired events as of 2026-11-01T00:00:00\.000Z \(operation (\d+)\): .*utility_theft \d+ \(occurred up to 2025-11-01T00:00:00\.000Z\).*; (\d+) scores changed/.exec(purged.stdout);
    expect(m, purged.stdout).not.toBeNull();
    const [deleted, opId, changed] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(deleted).toBe(expired);
    expect(changed).toBeGreaterThan(0);
    withDb(db, (d) => {
      expect(d.prepare('SELECT count(*) FROM events').pluck().get()).toBe(eventsBefore - deleted);
      expect(d.prepare('SELECT kind, actor FROM operations WHERE id = ?').get(opId)).toEqual({ kind: 'records_expired', actor: 'dpo' });
      expect(d.prepare('SELECT count(*) FROM ledger WHERE operation_id = ?').pluck().get(opId)).toBe(changed);
    });
    expect((await runCli('ledger', 'verify', '--db', db)).code).toBe(0);

    const again = await runCli('retention', 'purge', '--db', db, '--as-of', AS_OF, '--reason', 'statutory retention');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^nothing expired as of 2026-11-01T00:00:00\.000Z: nothing purged/);
  });

  it('set back to the default', async () => {
    const db = copyOfDemo();
    expect((await runCli('retention', 'set', 'blood_donation', '30', '--db', db)).code).toBe(0);
    const r = await runCli('retention', 'set', 'blood_donation', 'default', '--db', db);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^blood_donation: events kept 1826 days \(the default\)/);
  });

  it.each([
    { what: 'an unknown kind', args: ['retention', 'set', 'jaywalking', '30'], code: 1, says: /no event kind 'jaywalking'/ },
    { what: 'zero days', args: ['retention', 'set', 'blood_donation', '0'], code: 2, says: /<days> must be a whole number >= 1/ },
    { what: 'days that are not a number', args: ['retention', 'set', 'blood_donation', 'five'], code: 2, says: /<days> must be a whole number >= 1/ },
    { what: 'a purge without a reason', args: ['retention', 'purge'], code: 2, says: /required option '--reason <text>'/ },
    { what: 'a purge as of a bad instant', args: ['retention', 'purge', '--reason', 'x', '--as-of', '2026-02-30'], code: 2, says: /not an ISO 8601 instant/ },
    { what: 'a purge as of the future', args: ['retention', 'purge', '--reason', 'x', '--as-of', '2999-01-01T00:00:00Z'], code: 1, says: /in the future/ },
  ])('$what exits $code and changes nothing', async ({ args, code, says }) => {
    const db = copyOfDemo();
    const before = withDb(db, (d) => [d.prepare('SELECT count(*) FROM operations').pluck().get(), d.prepare('SELECT count(*) FROM events').pluck().get(), d.prepare('SELECT count(*) FROM retention_changes').pluck().get()]);
    const r = await runCli(...args, '--db', db);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(says);
    const after = withDb(db, (d) => [d.prepare('SELECT count(*) FROM operations').pluck().get(), d.prepare('SELECT count(*) FROM events').pluck().get(), d.prepare('SELECT count(*) FROM retention_changes').pluck().get()]);
    expect(after).toEqual(before);
  });
});
