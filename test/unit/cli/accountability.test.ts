/**
 * The retention commands end to end through main(argv) (`retention
 * set|show|purge`), with their exit codes: 0 ok, 1 rejected input, 2 usage.
 * The ledger's checkpoint commands are tested in ledger.test.ts.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { CLI_USER, runCli, seedCliAccount, useCliIdentity } from '../helpers/cliHarness.js';
import { buildDemoDatabase } from '../helpers/demoDatabase.js';
import { tempDir } from '../helpers/tempDirs.js';

const AS_OF = '2026-11-01T00:00:00Z';

let work: { dir: string; cleanup: () => void };
let template: string;
let copies = 0;

useCliIdentity();

beforeAll(async () => {
  work = tempDir('cli-accountability');
  template = join(work.dir, 'template.sqlite');
  (await buildDemoDatabase(template, { citizens: 300, seed: 7, asOf: AS_OF })).close();
  await seedCliAccount(template);
});
afterAll(() => work?.cleanup());

function copyOfDemo(): string {
  const file = join(work.dir, `copy-${++copies}.sqlite`);
  copyFileSync(template, file);
  return file;
}

function withDb<T>(file: string, fn: (db: Db) => T): T {
  const db = openDatabase(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('retention', () => {
  it('set, show and purge: the expired events go, scores move under a records_expired operation, the ledger verifies', async () => {
    const db = copyOfDemo();
    const set = await runCli('retention', 'set', 'utility_theft', '365', '--db', db, '--reason', 'court order');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^utility_theft: events kept 365 days; \d+ would be purged now/);
    // Counts in sentences are grouped for the reader's locale (CREDENCE_LANG, --lang: cli/language.test.ts).
    expect(set.stderr).toMatch(/warning: a rule of the current ruleset counts utility_theft events for 1,826 days; they will be purged after 365 days/);

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
    const purged = await runCli('retention', 'purge', '--db', db, '--as-of', AS_OF, '--reason', 'statutory retention');
    expect(purged.code, purged.stderr).toBe(0);
    // Instants in sentences are shown in UTC and say so; counts are grouped (1,234).
    const m = /^purged ([\d,]+) expired events as of 2026-11-01 00:00:00 UTC \(operation (\d+)\): .*utility_theft [\d,]+ \(occurred up to 2025-11-01 00:00:00 UTC\).*; ([\d,]+) scores changed/.exec(purged.stdout);
    expect(m, purged.stdout).not.toBeNull();
    const [deleted, opId, changed] = [m![1], m![2], m![3]].map((x) => Number(x.replace(/,/g, '')));
    expect(deleted).toBe(expired);
    expect(changed).toBeGreaterThan(0);
    withDb(db, (d) => {
      expect(d.prepare('SELECT count(*) FROM events').pluck().get()).toBe(eventsBefore - deleted);
      expect(d.prepare('SELECT kind, actor FROM operations WHERE id = ?').get(opId)).toEqual({ kind: 'records_expired', actor: CLI_USER });
      expect(d.prepare('SELECT count(*) FROM ledger WHERE operation_id = ?').pluck().get(opId)).toBe(changed);
    });
    withDb(db, (d) => expect(verifyIntegrity(d)).toMatchObject({ ok: true }));

    const again = await runCli('retention', 'purge', '--db', db, '--as-of', AS_OF, '--reason', 'statutory retention');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^nothing expired as of 2026-11-01 00:00:00 UTC: nothing purged/);
  });

  it('set back to the default', async () => {
    const db = copyOfDemo();
    expect((await runCli('retention', 'set', 'blood_donation', '30', '--db', db)).code).toBe(0);
    const r = await runCli('retention', 'set', 'blood_donation', 'default', '--db', db);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^blood_donation: events kept 1,826 days \(the default\)/);
  });

  it.each([
    { what: 'an unknown kind', args: ['retention', 'set', 'jaywalking', '30'], code: 1, says: /no event kind 'jaywalking'/ },
    { what: 'zero days', args: ['retention', 'set', 'blood_donation', '0'], code: 2, says: /<days> must be a whole number >= 1/ },
    { what: 'days that are not a number', args: ['retention', 'set', 'blood_donation', 'five'], code: 2, says: /<days> must be a whole number >= 1/ },
    { what: 'a purge without a reason', args: ['retention', 'purge'], code: 2, says: /required option '--reason <text>'/ },
    { what: 'a purge as of a bad instant', args: ['retention', 'purge', '--reason', 'x', '--as-of', '2026-02-30'], code: 2, says: /is not a date YYYY-MM-DD or an RFC 3339 instant/ },
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
