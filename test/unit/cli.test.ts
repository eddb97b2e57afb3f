/**
 * The command line end to end, in process through main(argv): exit codes
 * (0 ok, 1 rejected input, 2 usage), the deterministic demo, the scores
 * export, rules validation, import errors, ledger checkpoints, explanations,
 * retraction and recomputation. One test spawns the real process.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../electron/cli.js';
import { verifyIntegrity } from '../../electron/db/chainVerify.js';
import { openDatabase, type Db } from '../../electron/db/connection.js';
import { testAuditor } from './helpers/auditor.js';
import { defaultRuleset, DEFAULT_KINDS_FILE } from './helpers/defaultResources.js';
import { CLI_USER, parseScores, runCli, scoresById, seedCliAccount, useCliIdentity } from './helpers/cliHarness.js';
import { tempDir } from './helpers/tempDirs.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const AS_OF = '2026-11-01T00:00:00Z';
const AS_OF_MS = Date.parse(AS_OF);
const DAY = 86_400_000;
const DEMO_ARGS = ['--citizens', '300', '--seed', '7', '--as-of', AS_OF];

let work: { dir: string; cleanup: () => void };
/** A demo database made once; tests that change data work on copies. */
let demoDb: string;
let demoExport: string;
let copies = 0;

useCliIdentity();

beforeAll(async () => {
  work = tempDir('cli');
  demoDb = join(work.dir, 'demo-a.sqlite');
  await seedCliAccount(demoDb);
  const demo = await runCli('demo', '--db', demoDb, ...DEMO_ARGS);
  expect(demo, demo.stderr).toMatchObject({ code: 0 });
  const exported = await runCli('export', 'scores', '--db', demoDb);
  expect(exported.code).toBe(0);
  demoExport = exported.stdout;
});

afterAll(() => work?.cleanup());

function copyOfDemo(): string {
  const file = join(work.dir, `copy-${++copies}.sqlite`);
  copyFileSync(demoDb, file);
  return file;
}

/** Every database this file makes through the command line is encrypted under this passphrase. */
const PASSPHRASE = 'cli test database passphrase';
process.env.CREDENCE_DB_PASSPHRASE = PASSPHRASE;

function withDb<T>(file: string, fn: (db: Db) => T): T {
  const db = openDatabase(file, { key: { passphrase: PASSPHRASE } });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

async function exportScores(db: string): Promise<string> {
  const r = await runCli('export', 'scores', '--db', db);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** Every command path of the program, e.g. ['rules', 'validate']. */
function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return [path, ...commandPaths(c, path)];
  });
}
const ALL_COMMANDS = commandPaths(buildProgram());

describe('usage', () => {
  it('knows every documented command', () => {
    const names = ALL_COMMANDS.map((p) => p.join(' '));
    for (const expected of ['init', 'import', 'rules validate', 'rules publish', 'recompute', 'events retract', 'export scores', 'explain', 'ledger verify', 'ledger checkpoint', 'demo']) {
      expect(names).toContain(expected);
    }
  });

  it.each([[] as string[], ...ALL_COMMANDS].map((path) => ({ path, name: path.join(' ') || '(top level)' })))('--help on $name exits 0 and prints its usage', async ({ path }) => {
    const r = await runCli(...path, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: credence${path.length ? ` ${path.join(' ')}` : ''}`);
    expect(r.stderr).toBe('');
  });

  const usageErrors: { what: string; args: () => string[]; says: RegExp }[] = [
    { what: 'an unknown command', args: () => ['frobnicate'], says: /unknown command 'frobnicate'/ },
    { what: 'an unknown subcommand', args: () => ['ledger', 'shred'], says: /unknown command 'shred'/ },
    { what: 'explain without a citizen id', args: () => ['explain'], says: /missing required argument 'citizen_id'/ },
    { what: 'import without a folder', args: () => ['import', '--provider', 'Yatou registry'], says: /missing required argument 'dir'/ },
    { what: 'import without a provider', args: () => ['import', work.dir, '--db', join(work.dir, 'unused.sqlite')], says: /required option '--provider <name>'/ },
    { what: 'rules validate without a file', args: () => ['rules', 'validate'], says: /missing required argument 'file'/ },
    { what: 'events retract without an event id', args: () => ['events', 'retract', '--reason', 'x'], says: /missing required argument 'event_id'/ },
    { what: 'events retract without a reason', args: () => ['events', 'retract', 'E000000001', '--db', join(work.dir, 'unused.sqlite')], says: /required option '--reason <text>'/ },
    { what: 'rules publish without a reason', args: () => ['rules', 'publish', 'ruleset.json', '--db', join(work.dir, 'unused.sqlite')], says: /required option '--reason <text>'/ },
    { what: 'ledger checkpoint without --out', args: () => ['ledger', 'checkpoint', '--db', join(work.dir, 'unused.sqlite')], says: /required option '--out <file>'/ },
    { what: 'an unknown option', args: () => ['export', 'scores', '--format', 'xlsx'], says: /unknown option '--format'/ },
    { what: 'demo --citizens 0', args: () => ['demo', '--db', join(work.dir, 'unused.sqlite'), '--citizens', '0'], says: /--citizens must be an integer >= 1/ },
    { what: 'demo --citizens many', args: () => ['demo', '--db', join(work.dir, 'unused.sqlite'), '--citizens', 'many'], says: /--citizens must be an integer/ },
  ];

  it.each(usageErrors)('$what exits 2 and says why on stderr', async ({ args, says }) => {
    const r = await runCli(...args());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(says);
    expect(r.stdout).toBe('');
  });

  it('sets the exit status of the real process (usage error 2, success 0)', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli.ts', ...args], { cwd: REPO, encoding: 'utf8', timeout: 30_000 });
    const unknown = run('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    // verification without an auditor's checkpoint and pinned key fails, however consistent the record
    const verify = run('ledger', 'verify', '--db', copyOfDemo());
    expect(verify.status).toBe(1);
    expect(verify.stderr).toMatch(/verification FAILED: not checked against an auditor's checkpoint .* the record is consistent/);
  });
});

describe('demo and export scores', () => {
  it('the same seed and instant give byte-identical exports from two databases', async () => {
    const other = join(work.dir, 'demo-b.sqlite');
    await seedCliAccount(other);
    const demo = await runCli('demo', '--db', other, ...DEMO_ARGS);
    expect(demo.code, demo.stderr).toBe(0);
    const exported = await exportScores(other);
    expect(exported.split('\n').length).toBe(302); // header, 300 rows, final newline
    expect(exported).toBe(demoExport);
  });

  it('another seed gives another population', async () => {
    const other = join(work.dir, 'demo-seed8.sqlite');
    await seedCliAccount(other);
    const demo = await runCli('demo', '--db', other, '--citizens', '300', '--seed', '8', '--as-of', AS_OF);
    expect(demo.code, demo.stderr).toBe(0);
    expect(await exportScores(other)).not.toBe(demoExport);
  });

  it('writes the header citizen_id,score,tier,own,penalty and one row per citizen sorted by id', () => {
    const lines = demoExport.split('\n');
    expect(lines[0]).toBe('citizen_id,score,tier,own,penalty');
    expect(lines[lines.length - 1]).toBe('');
    const ids = parseScores(demoExport).map((r) => r.citizen_id);
    expect(ids).toHaveLength(300);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(300);
  });

  it('prints score, own and penalty with exactly two decimals and a tier of the ruleset', () => {
    const tiers = new Set((defaultRuleset().tiers as { name: string }[]).map((t) => t.name));
    for (const row of parseScores(demoExport)) {
      expect(row.score).toMatch(/^-?\d+\.\d{2}$/);
      expect(row.own).toMatch(/^-?\d+\.\d{2}$/);
      expect(row.penalty).toMatch(/^\d+\.\d{2}$/);
      expect(tiers).toContain(row.tier);
      expect(Math.abs(Number(row.score) - (Number(row.own) - Number(row.penalty)))).toBeLessThanOrEqual(0.0100001);
    }
  });

  it('--out writes the same bytes as stdout', async () => {
    const file = join(work.dir, 'scores.csv');
    const r = await runCli('export', 'scores', '--db', demoDb, '--out', file);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(readFileSync(file, 'utf8')).toBe(demoExport);
  });
});

describe('rules validate', () => {
  it('accepts the default ruleset', async () => {
    const r = await runCli('rules', 'validate', join(REPO, 'resources/default/ruleset.json'), '--db', demoDb);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/valid \(9 rules\)/);
  });

  const protectedReads = [
    { ruleId: 'court-judgment', field: 'condition', kind: 'court_judgment', expr: 'event.case_type == "civil" && event.defendant_ethnicity == "x"', read: 'event.defendant_ethnicity' },
    { ruleId: 'volunteering', field: 'points', kind: 'volunteer_service', expr: 'event.hours / 4.0 + (has(event.health_condition) ? 1.0 : 0.0)', read: 'event.health_condition' },
  ];

  it.each(protectedReads)('refuses a rule reading a protected field in its $field, exiting 1 and naming rule and column', async ({ ruleId, field, kind, expr, read }) => {
    const ruleset = defaultRuleset() as { rules: Record<string, unknown>[] };
    const rule = ruleset.rules.find((r) => r.id === ruleId)!;
    expect(rule.event_kind).toBe(kind);
    rule[field] = expr;
    const file = join(work.dir, `protected-${ruleId}.json`);
    writeFileSync(file, JSON.stringify(ruleset, null, 2));

    const r = await runCli('rules', 'validate', file, '--db', demoDb);

    expect(r.code).toBe(1);
    const line = r.stderr.split('\n').find((l) => l.includes(`rule ${ruleId}`));
    expect(line, r.stderr).toBeDefined();
    expect(line).toContain(field);
    expect(line).toMatch(/protected/);
    const column = Number(/column (\d+)/.exec(line!)?.[1]);
    const start = expr.indexOf(read) + 1;
    expect(column).toBeGreaterThanOrEqual(start);
    expect(column).toBeLessThanOrEqual(start + read.length - 1);
  });
});

describe('import', () => {
  function folder(name: string, citizensCsv: string): string {
    const dir = join(work.dir, name);
    mkdirSync(dir);
    copyFileSync(DEFAULT_KINDS_FILE, join(dir, 'event_kinds.json'));
    writeFileSync(join(dir, 'citizens.csv'), citizensCsv);
    return dir;
  }

  it('rejects a folder with a bad row, exits 1 naming file and line, and writes nothing', async () => {
    const dir = folder('bad-import', 'citizen_id,name,district,birth_date\nC1,Zhang Wei,Yatou,1980-01-01\nC2,Li Na,Yatou,1991-07-15\nC3,Wang Fang,Yatou,1990-02-30\nC4,Chen Jie,Yatou,\n');
    const db = join(work.dir, 'bad-import.sqlite');
    await seedCliAccount(db);

    const r = await runCli('import', dir, '--db', db, '--provider', 'Yatou registry');

    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/import rejected: 1 problem/);
    expect(r.stderr).toMatch(/citizens\.csv, line 4: birth_date '1990-02-30'/);
    withDb(db, (d) => {
      expect(d.prepare('SELECT count(*) FROM citizens').pluck().get()).toBe(0);
      expect(d.prepare('SELECT count(*) FROM event_kinds').pluck().get()).toBe(0);
      expect(d.prepare('SELECT count(*) FROM operations').pluck().get()).toBe(0);
    });
  });

  it('imports the same folder once the row is fixed', async () => {
    const dir = folder('good-import', 'citizen_id,name,district,birth_date\nC1,Zhang Wei,Yatou,1980-01-01\nC2,Li Na,Yatou,1991-07-15\nC3,Wang Fang,Yatou,1990-02-28\n');
    const db = join(work.dir, 'good-import.sqlite');
    await seedCliAccount(db);
    const r = await runCli('import', dir, '--db', db, '--provider', 'Yatou registry');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 citizens added/);
  });
});

describe('ledger checkpoint and verify', () => {
  /** The auditor's key file and public key, written outside the database folder. */
  function auditorFiles(): { key: string; pub: string } {
    const a = testAuditor();
    const key = join(work.dir, 'auditor.key.json');
    const pub = join(work.dir, 'auditor.pub.pem');
    writeFileSync(key, JSON.stringify(a.file));
    writeFileSync(pub, a.publicKeyPem);
    process.env.CREDENCE_AUDITOR_PASSPHRASE = a.passphrase;
    return { key, pub };
  }

  it('a checkpoint signed with the auditor key verifies against the pinned public key, and fixes both heads', async () => {
    const { key, pub } = auditorFiles();
    const db = copyOfDemo();
    const file = join(work.dir, 'checkpoint-ok.json');
    const written = await runCli('ledger', 'checkpoint', '--db', db, '--key', key, '--out', file);
    expect(written.code, written.stderr).toBe(0);
    const cp = JSON.parse(readFileSync(file, 'utf8'));
    expect(cp).toEqual({
      format: 'credence-checkpoint/2',
      count: 300,
      head: expect.stringMatching(/^[0-9a-f]{64}$/),
      chainCount: expect.any(Number),
      chainHead: expect.stringMatching(/^[0-9a-f]{64}$/),
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      keyId: testAuditor().keyId,
      publicKey: testAuditor().publicKeyPem,
      signature: expect.any(String),
    });

    const verified = await runCli('ledger', 'verify', '--db', db, '--checkpoint', file, '--public-key', pub);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^verified: signed by the trusted auditor key/);
    const unpinned = await runCli('ledger', 'verify', '--db', db, '--checkpoint', file);
    expect(unpinned.code).toBe(1);
    expect(unpinned.stderr).toMatch(/cannot be trusted without the auditor's public key/);
  });

  it('after the tail is cut, verify against the checkpoint exits 1 and names the cut', async () => {
    const { key, pub } = auditorFiles();
    const db = copyOfDemo();
    const file = join(work.dir, 'checkpoint-cut.json');
    expect((await runCli('ledger', 'checkpoint', '--db', db, '--key', key, '--out', file)).code).toBe(0);
    withDb(db, (d) => {
      d.exec('DROP TRIGGER ledger_no_delete');
      d.prepare('DELETE FROM ledger WHERE seq > 295').run();
    });
    const r = await runCli('ledger', 'verify', '--db', db, '--checkpoint', file, '--public-key', pub);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the ledger has 295 entries but the checkpoint .* fixed 300/);
  });

  it('a wrong passphrase signs nothing; a file that is not a checkpoint is refused; both exit 1', async () => {
    const { key, pub } = auditorFiles();
    process.env.CREDENCE_AUDITOR_PASSPHRASE = 'the administrator guesses';
    const db = copyOfDemo();
    const wrong = await runCli('ledger', 'checkpoint', '--db', db, '--key', key, '--out', join(work.dir, 'never.json'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong passphrase/);
    withDb(db, (d) => expect(d.prepare('SELECT count(*) FROM ledger_checkpoints').pluck().get()).toBe(0));

    const file = join(work.dir, 'not-a-checkpoint.json');
    writeFileSync(file, JSON.stringify({ count: '300', head: 'abc' }));
    const r = await runCli('ledger', 'verify', '--db', demoDb, '--checkpoint', file, '--public-key', pub);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not-a-checkpoint.json: a checkpoint made before the chain/);
  });
});

describe('explain', () => {
  it('--json parses, and its score and tier equal the exported ones', async () => {
    const rows = parseScores(demoExport);
    const withPenalty = rows.find((r) => Number(r.penalty) > 0);
    const lowest = [...rows].sort((a, b) => Number(a.score) - Number(b.score))[0];
    const picks = [rows[0], lowest, ...(withPenalty ? [withPenalty] : [])];
    for (const row of picks) {
      const r = await runCli('explain', row.citizen_id, '--json', '--db', demoDb);
      expect(r.code, r.stderr).toBe(0);
      const e = JSON.parse(r.stdout);
      expect(e.citizenId).toBe(row.citizen_id);
      expect(e.score).toBe(Number(row.score));
      expect(e.tier).toBe(row.tier);
      expect(Math.abs(e.own - Number(row.own))).toBeLessThanOrEqual(0.005);
    }
  });

  it('exits 1 for an unknown citizen', async () => {
    const r = await runCli('explain', 'C9999999', '--db', demoDb);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no citizen with id 'C9999999'");
  });
});

describe('events retract', () => {
  /** An event counted in its citizen's score under a rule without a cap (so removing it must move the score). */
  function contributingEvent(db: string): { eventId: string; citizenId: string; points: number } {
    const rules = defaultRuleset().rules as { cap?: unknown; ttl_days?: number }[];
    const uncapped = rules.flatMap((r, i) => (r.cap ? [] : [{ i, ttlMs: (r.ttl_days ?? 1e6) * DAY }]));
    const window = uncapped.map((r) => `(ct.rule_index = ${r.i} AND ct.occurred_ms > ${AS_OF_MS - r.ttlMs})`).join(' OR ');
    return withDb(db, (d) => {
      const row = d
        .prepare(
          `SELECT e.event_id AS eventId, c.citizen_id AS citizenId, ct.points AS points FROM contributions ct
           JOIN events e ON e.idx = ct.event_idx JOIN citizens c ON c.idx = ct.citizen_idx
           WHERE ct.error IS NULL AND ct.points <> 0 AND ct.occurred_ms <= ${AS_OF_MS} AND (${window})
           ORDER BY e.event_id LIMIT 1`,
        )
        .get() as { eventId: string; citizenId: string; points: number } | undefined;
      if (!row) throw new Error('the demo population has no contributing event under an uncapped rule');
      return row;
    });
  }

  it("changes the citizen's score by the event's points and writes a ledger entry for it", async () => {
    const db = copyOfDemo();
    const { eventId, citizenId, points } = contributingEvent(db);
    const before = scoresById(demoExport).get(citizenId)!;

    const r = await runCli('events', 'retract', eventId, '--db', db, '--reason', 'appeal upheld');

    expect(r.code, r.stderr).toBe(0);
    const opId = Number(/\(operation (\d+)\)/.exec(r.stdout)?.[1]);
    expect(opId).toBeGreaterThan(0);
    const after = scoresById(await exportScores(db)).get(citizenId)!;
    expect(after.score).not.toBe(before.score);
    expect(Number(after.own)).toBeCloseTo(Number(before.own) - points, 2);

    withDb(db, (d) => {
      expect(d.prepare('SELECT kind, actor, reason FROM operations WHERE id = ?').get(opId)).toEqual({ kind: 'event_retracted', actor: CLI_USER, reason: 'appeal upheld' });
      const entry = d.prepare('SELECT old_score, new_score, cause FROM ledger WHERE operation_id = ? AND citizen_id = ?').get(opId, citizenId);
      expect(entry).toEqual({ old_score: Math.round(Number(before.score) * 100), new_score: Math.round(Number(after.score) * 100), cause: 'own' });
      expect(d.prepare('SELECT retracted_by FROM events WHERE event_id = ?').pluck().get(eventId)).toBe(opId);
    });
    withDb(db, (d) => expect(verifyIntegrity(d)).toMatchObject({ ok: true }));
  });

  it('a full recompute at the same instant after a retraction changes no exported score', async () => {
    const db = copyOfDemo();
    const { eventId } = contributingEvent(db);
    expect((await runCli('events', 'retract', eventId, '--db', db, '--reason', 'data-entry error')).code).toBe(0);
    const incremental = await exportScores(db);

    const r = await runCli('recompute', '--as-of', AS_OF, '--db', db, '--reason', 'check');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/: 0 scores changed/);
    expect(await exportScores(db)).toBe(incremental);
  });

  it('exits 1 when the event was already retracted', async () => {
    const db = copyOfDemo();
    const { eventId } = contributingEvent(db);
    expect((await runCli('events', 'retract', eventId, '--db', db, '--reason', 'first')).code).toBe(0);
    const again = await runCli('events', 'retract', eventId, '--db', db, '--reason', 'second');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already retracted/);
  });

  it('exits 1 for an unknown event id and records nothing', async () => {
    const db = copyOfDemo();
    const ops = () => withDb(db, (d) => d.prepare('SELECT count(*) FROM operations').pluck().get());
    const before = ops();
    const r = await runCli('events', 'retract', 'E-NO-SUCH-EVENT', '--db', db, '--reason', 'typo');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no event with id 'E-NO-SUCH-EVENT'");
    expect(ops()).toBe(before);
    expect(await exportScores(db)).toBe(demoExport);
  });
});

describe('recompute', () => {
  it('a later --as-of lets ttl-limited records expire, moves scores and exits 0', async () => {
    const db = copyOfDemo();
    const billRules = withDb(db, (d) => d.prepare("SELECT count(*) FROM scores WHERE totals LIKE '%bills%'").pluck().get() as number);
    expect(billRules).toBeGreaterThan(0);

    // A year on, every bill payment (ttl 365 days) of the demo is out of its window.
    const r = await runCli('recompute', '--as-of', '2027-11-01T00:00:00Z', '--db', db);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/as of 2027-11-01 00:00:00 UTC/);
    const changed = Number(/([\d,]+) scores changed/.exec(r.stdout)?.[1].replace(/,/g, ''));
    expect(changed).toBeGreaterThan(0);
    const after = await exportScores(db);
    expect(after).not.toBe(demoExport);
    withDb(db, (d) => {
      expect(d.prepare("SELECT count(*) FROM scores WHERE totals LIKE '%bills%'").pluck().get()).toBe(0);
      const op = d.prepare('SELECT id, kind FROM operations ORDER BY id DESC LIMIT 1').get() as { id: number; kind: string };
      expect(op.kind).toBe('records_expired');
      expect(d.prepare('SELECT count(*) FROM ledger WHERE operation_id = ?').pluck().get(op.id)).toBe(changed);
    });
  });

  it.each(['yesterday', '2026-13-01', '2026-02-30', '2026-11-01T00:00:00', '2026-11-01T25:00:00Z', '01/11/2026', '2026-11-01T00:00Z', '2026-11-01T00:00:00.0004Z'])(
    '--as-of %s exits 2 and changes nothing',
    async (bad) => {
      const db = copyOfDemo();
      const r = await runCli('recompute', '--as-of', bad, '--db', db);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`'${bad}' is not a date YYYY-MM-DD or an RFC 3339 instant`);
      expect(await exportScores(db)).toBe(demoExport);
      withDb(db, (d) => expect(d.prepare('SELECT count(*) FROM operations').pluck().get()).toBe(2));
    },
  );
});

describe('consent record', () => {
  it('appends a consent record under a consent_changed operation with the logged-in author and reason', async () => {
    const db = copyOfDemo();
    const citizenId = withDb(db, (d) => d.prepare('SELECT citizen_id FROM citizens ORDER BY idx LIMIT 1').pluck().get() as string);
    const r = await runCli('consent', 'record', citizenId, '--db', db, '--status', 'withdrawn', '--at', '2026-10-01T09:00:00Z', '--evidence', 'letter 7', '--reason', 'withdrawal letter received');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/recorded withdrawn for .* \(operation \d+\): in scope/);
    withDb(db, (d) => {
      expect(d.prepare("SELECT o.actor, o.reason, c.status, c.evidence FROM consents c JOIN operations o ON o.id = c.operation_id WHERE o.kind = 'consent_changed'").get()).toEqual({
        actor: CLI_USER,
        reason: 'withdrawal letter received',
        status: 'withdrawn',
        evidence: 'letter 7',
      });
      expect(verifyIntegrity(d)).toMatchObject({ ok: true });
    });
  });

  it.each([
    ['a status outside the model', ['--status', 'revoked', '--at', '2026-10-01T09:00:00Z'], /status "revoked" must be one of given, withdrawn, refused/],
    ['an instant without seconds', ['--status', 'given', '--at', '2026-10-01T09:00Z'], /is not an RFC 3339 instant/],
  ])('exits 1 on %s and writes nothing', async (_what, args, says) => {
    const db = copyOfDemo();
    const r = await runCli('consent', 'record', 'C0000001', '--db', db, '--evidence', 'form 1', '--reason', 'form received', ...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(says);
    withDb(db, (d) => expect(d.prepare('SELECT count(*) FROM consents').pluck().get()).toBe(0));
  });
});
