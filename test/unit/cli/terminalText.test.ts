/**
 * Names on their way to a terminal (electron/cli/terminalText.ts and the CLI's
 * output): a name made of escape sequences or bidi overrides, as an import
 * file or an administrator could write it, cannot move the cursor, clear the
 * screen, forge a line or show text reversed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field, terminalSafe } from '../../../electron/cli/terminalText.js';
import { createUser } from '../../../electron/services/auth.js';
import { CLI_PASSWORD, CLI_USER, runCli, useCliIdentity } from '../helpers/cliHarness.js';
import { openApiContext, TEST_PASSWORD, type ApiContext } from '../helpers/apiContext.js';

/** What must never reach a terminal raw. */
const DANGEROUS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const EVIL = 'Ann\u202Eelbuod\u202C \u001b[2J\u001b[31mROOT\u0007\u009b1A';

let api: ApiContext;
let citizenId: string;

beforeAll(async () => {
  api = await openApiContext({ demo: true });
  citizenId = api.db.prepare('SELECT citizen_id FROM citizens ORDER BY idx LIMIT 1').pluck().get() as string;
  api.db.prepare('UPDATE citizens SET name = ?, district = ? WHERE citizen_id = ?').run(EVIL, 'North\nforged line\tcolumn', citizenId);
  await createUser(api.db, { username: 'evil-name', displayName: `${EVIL}\nmallory\tadmin`, role: 'viewer', password: TEST_PASSWORD }, 'test');
  await createUser(api.db, { username: CLI_USER, displayName: CLI_USER, role: 'admin', password: CLI_PASSWORD }, 'test');
});

useCliIdentity();

afterAll(() => api?.close());

describe('terminal-safe text', () => {
  it('escapes C0/C1 controls, DEL and bidi controls as \\uXXXX, keeping lines and tabs of the whole output', () => {
    expect(terminalSafe('a\u202Eb\u001bc\n\td')).toBe('a\\u202eb\\u001bc\n\td');
    expect(field('a\nb\tc\u2028d')).toBe('a\\u000ab\\u0009c\\u2028d');
  });

  it('no string comes out with a dangerous character, and field() output has no line break or tab either', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(terminalSafe(s)).not.toMatch(DANGEROUS);
        expect(field(s)).not.toMatch(DANGEROUS);
        expect(field(s)).not.toMatch(/[\n\t\r\u2028\u2029]/);
      }),
      { numRuns: 500 },
    );
  });

  it('escaped JSON is still the same JSON', () => {
    const value = { name: EVIL };
    expect(JSON.parse(terminalSafe(JSON.stringify(value)))).toEqual(value);
  });
});

describe('the CLI prints names escaped', () => {
  it('explain: the name and district appear escaped, on their own line, and nothing raw reaches stdout', async () => {
    const r = await runCli('explain', citizenId, '--db', api.dbFile);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(DANGEROUS);
    expect(r.stdout.split('\n')[0]).toBe(`${citizenId} Ann\\u202eelbuod\\u202c \\u001b[2J\\u001b[31mROOT\\u0007\\u009b1A (North\\u000aforged line\\u0009column)`);
    expect(r.stdout).not.toMatch(/^forged line/m);
  });

  it('explain --json: still valid JSON with the exact name, and no raw bidi character', async () => {
    const r = await runCli('explain', citizenId, '--json', '--db', api.dbFile);
    expect(r.stdout).not.toMatch(DANGEROUS);
    expect(JSON.parse(r.stdout).name).toBe(EVIL);
  });

  it('users list: a display name cannot forge a line or a column', async () => {
    const r = await runCli('users', 'list', '--db', api.dbFile);
    expect(r.stdout).not.toMatch(DANGEROUS);
    const line = r.stdout.split('\n').find((l) => l.startsWith('evil-name\t'))!;
    expect(line.split('\t')).toHaveLength(4);
    expect(r.stdout).not.toMatch(/^mallory/m);
  });
});
