/**
 * Retention: per-kind periods (default five years), and the purge that really
 * deletes expired events and their contributions under one records_expired
 * operation, moves the scores they counted in (incrementally, or by a full
 * recompute when many citizens are concerned), leaves the ledger verifiable,
 * does nothing the second time, and leaves everything as it was when it
 * fails or is cancelled.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { verifyLedger } from '../../../electron/db/ledger.js';
import { createCheckpoint, verifyAgainstCheckpoint } from '../../../electron/services/checkpoints.js';
import { testAuditor } from '../helpers/auditor.js';
import { NotFoundError } from '../../../electron/services/explain.js';
import { importFolder } from '../../../electron/services/import.js';
import { DEFAULT_RETENTION_DAYS, purgeExpiredRecords, retentionPolicy, RetentionError, setRetention } from '../../../electron/services/retention.js';
import { retractEvent } from '../../../electron/services/retract.js';
import { publishRuleset, recomputeScores } from '../../../electron/services/rulesets.js';
import { CancelledError } from '../../../electron/services/scoring.js';
import { buildDemoDatabase } from '../helpers/demoDatabase.js';
import { dbSnapshot, DEFAULT_RULESET, eventRow, folder, KINDS_JSON, removeTempDirs } from '../helpers/importFixtures.js';
import { tempDir } from '../helpers/tempDirs.js';

const AS_OF = '2026-11-01T00:00:00.000Z';
const DAY = 86_400_000;
const FIVE_YEARS_BEFORE = '2021-11-01T00:00:00Z'; // 1826 days before AS_OF (29 Feb 2024 included)
const ONE_YEAR_BEFORE = '2025-11-01T00:00:00Z';

/**
 * Five citizens scored as of AS_OF under the default ruleset:
 * C1 880 (two utility thefts, one exactly a year old, one a millisecond younger),
 * C2 990 (arrears exactly five years old, outside every window, and a millisecond younger, -10),
 * C3 1000 (old volunteering, out of its window; E06 retracted),
 * C4 990 (donation +5, penalty 15 from friend C5), C5 820 (three utility thefts in 2024).
 */
const FIXTURE = {
  'event_kinds.json': KINDS_JSON,
  'citizens.csv': ['citizen_id,name,district,birth_date', 'C1,Ann Lee,Chengxi,', 'C2,Bo Wang,Chengxi,', 'C3,Cy Zhao,Dongshan,', 'C4,Di Sun,Dongshan,', 'C5,Ed Hu,Yatou,', ''].join('\n'),
  'relationships.csv': ['a,b,since,until', 'C4,C5,2020-01-01,', ''].join('\n'),
  'events.csv': [
    'event_id,citizen_id,kind,occurred_at,data',
    eventRow('E01', 'C1', 'utility_theft', ONE_YEAR_BEFORE, { value: 100 }),
    eventRow('E02', 'C1', 'utility_theft', '2025-11-01T00:00:00.001Z', { value: 100 }),
    eventRow('E03', 'C2', 'bank_arrears', FIVE_YEARS_BEFORE, { months_overdue: 1 }),
    eventRow('E04', 'C2', 'bank_arrears', '2021-11-01T00:00:00.001Z', { months_overdue: 1 }),
    eventRow('E05', 'C3', 'volunteer_service', '2019-05-01T10:00:00Z', { hours: 8 }),
    eventRow('E06', 'C3', 'volunteer_service', '2019-06-01T10:00:00Z', { hours: 8 }),
    eventRow('E07', 'C4', 'blood_donation', '2026-10-01T10:00:00Z', { ml: 400 }),
    eventRow('E08', 'C5', 'utility_theft', '2024-01-01T00:00:00Z', { value: 10 }),
    eventRow('E09', 'C5', 'utility_theft', '2024-02-01T00:00:00Z', { value: 10 }),
    eventRow('E10', 'C5', 'utility_theft', '2024-03-01T00:00:00Z', { value: 10 }),
    '',
  ].join('\n'),
};

let work: { dir: string; cleanup: () => void };
let fixture: string;
let demo: string;

beforeAll(async () => {
  work = tempDir('retention');
  fixture = join(work.dir, 'fixture.sqlite');
  const db = openDatabase(fixture);
  try {
    const report = await importFolder(db, folder(FIXTURE), { actor: 'test', reason: 'retention fixture' });
    expect(report.ok, JSON.stringify(report.problems)).toBe(true);
    expect(publishRuleset(db, DEFAULT_RULESET, { actor: 'test', reason: 'default ruleset', asOf: AS_OF }).ok).toBe(true);
    retractEvent(db, 'E06', { actor: 'test', reason: 'data-entry error' });
  } finally {
    db.close();
  }
  demo = join(work.dir, 'demo.sqlite');
  (await buildDemoDatabase(demo, { citizens: 300, seed: 7, asOf: AS_OF })).close();
});
afterAll(() => {
  removeTempDirs();
  work?.cleanup();
});

const opened: Db[] = [];
let copies = 0;
function copyOf(template: string): { db: Db; file: string } {
  const file = join(work.dir, `copy-${++copies}.sqlite`);
  copyFileSync(template, file);
  const db = openDatabase(file);
  opened.push(db);
  return { db, file };
}
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
});

const scoresOf = (db: Db) =>
  Object.fromEntries(db.prepare('SELECT c.citizen_id, s.cents FROM scores s JOIN citizens c ON c.idx = s.citizen_idx ORDER BY c.citizen_id').raw(true).all() as [string, number][]);
const eventIds = (db: Db) => db.prepare('SELECT event_id FROM events ORDER BY event_id').pluck().all() as string[];
const operationCount = (db: Db) => db.prepare('SELECT count(*) FROM operations').pluck().get() as number;
/** Every row of every table a purge or a retention change could touch. */
const snapshot = (db: Db) => ({ ...dbSnapshot(db), retention_changes: db.prepare('SELECT * FROM retention_changes ORDER BY id').all() });
const purge = (db: Db, extra: Partial<Parameters<typeof purgeExpiredRecords>[1]> = {}) => purgeExpiredRecords(db, { asOf: AS_OF, actor: 'dpo', reason: 'statutory retention', ...extra });

describe('the fixture', () => {
  it('is scored as documented', () => {
    const { db } = copyOf(fixture);
    expect(scoresOf(db)).toEqual({ C1: 88000, C2: 99000, C3: 100000, C4: 99000, C5: 82000 });
  });
});

describe('retention settings', () => {
  it('default to five years for every kind, and a setting per kind replaces the default', () => {
    const { db } = copyOf(fixture);
    expect(DEFAULT_RETENTION_DAYS).toBe(1826);
    expect(retentionPolicy(db, AS_OF).kinds.every((k) => k.isDefault && k.retentionDays === 1826)).toBe(true);

    expect(setRetention(db, 'utility_theft', 365, { actor: 'dpo', reason: 'court order' })).toEqual({ kind: 'utility_theft', oldDays: null, newDays: 365 });
    const theft = retentionPolicy(db, AS_OF).kinds.find((k) => k.kind === 'utility_theft')!;
    expect(theft).toMatchObject({ retentionDays: 365, isDefault: false, cutOff: '2025-11-01T00:00:00.000Z', events: 5, expired: 4, longestRuleTtlDays: 1826 });

    setRetention(db, 'utility_theft', null, { actor: 'dpo' });
    expect(retentionPolicy(db, AS_OF).kinds.find((k) => k.kind === 'utility_theft')).toMatchObject({ retentionDays: 1826, isDefault: true, expired: 0 });
  });

  it('logs every change with its actor, and nothing when the period is unchanged', () => {
    const { db } = copyOf(fixture);
    setRetention(db, 'bank_arrears', 2557, { actor: 'dpo', reason: 'seven years (FCRA)' });
    setRetention(db, 'bank_arrears', 2557, { actor: 'dpo' });
    setRetention(db, 'bank_arrears', null, { actor: 'admin' });
    expect(db.prepare('SELECT kind, old_days, new_days, actor, reason FROM retention_changes ORDER BY id').all()).toEqual([
      { kind: 'bank_arrears', old_days: null, new_days: 2557, actor: 'dpo', reason: 'seven years (FCRA)' },
      { kind: 'bank_arrears', old_days: 2557, new_days: null, actor: 'admin', reason: null },
    ]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s days and changes nothing', (days) => {
    const { db } = copyOf(fixture);
    const before = snapshot(db);
    expect(() => setRetention(db, 'utility_theft', days, { actor: 'dpo' })).toThrow(RetentionError);
    expect(snapshot(db)).toEqual(before);
  });

  it('refuses an unknown kind', () => {
    const { db } = copyOf(fixture);
    expect(() => setRetention(db, 'jaywalking', 30, { actor: 'dpo' })).toThrow(NotFoundError);
  });
});

describe('purging expired records', () => {
  it('deletes exactly the events at or before their cut-off, and their contributions', () => {
    const { db } = copyOf(fixture);
    setRetention(db, 'utility_theft', 365, { actor: 'dpo' });
    const preview = retentionPolicy(db, AS_OF).kinds.reduce((n, k) => n + k.expired, 0);

    const r = purge(db);

    expect(eventIds(db)).toEqual(['E02', 'E04', 'E07']);
    expect(r.eventsDeleted).toBe(7);
    expect(preview).toBe(7);
    expect(r.byKind).toEqual({
      utility_theft: { retentionDays: 365, cutOff: '2025-11-01T00:00:00.000Z', events: 4, retracted: 0, held: 0 },
      bank_arrears: { retentionDays: 1826, cutOff: '2021-11-01T00:00:00.000Z', events: 1, retracted: 0, held: 0 },
      volunteer_service: { retentionDays: 1826, cutOff: '2021-11-01T00:00:00.000Z', events: 2, retracted: 1, held: 0 },
    });
    const orphans = db.prepare('SELECT count(*) FROM contributions WHERE event_idx NOT IN (SELECT idx FROM events)').pluck().get();
    expect(orphans).toBe(0);
    expect(r.contributionsDeleted).toBeGreaterThanOrEqual(6); // every deleted, non-retracted event had a contribution
  });

  it('writes one records_expired operation with counts and cut-offs per kind, and no event data', () => {
    const { db } = copyOf(fixture);
    setRetention(db, 'utility_theft', 365, { actor: 'dpo' });
    const r = purge(db);

    const op = db.prepare('SELECT kind, actor, reason, details FROM operations WHERE id = ?').get(r.operationId) as { kind: string; actor: string; reason: string; details: string };
    expect(op).toMatchObject({ kind: 'records_expired', actor: 'dpo', reason: 'statutory retention' });
    const details = JSON.parse(op.details);
    expect(details).toMatchObject({ as_of: AS_OF, default_retention_days: 1826, events_deleted: 7 });
    expect(details.kinds.utility_theft).toEqual({ retention_days: 365, cut_off: '2025-11-01T00:00:00.000Z', events: 4, retracted: 0, held: 0 });
    expect(op.details).not.toMatch(/E0\d|C\d|value|months_overdue/);
  });

  it('moves the scores the purged events counted in, with a ledger entry for each citizen whose score moved', () => {
    const { db } = copyOf(fixture);
    setRetention(db, 'utility_theft', 365, { actor: 'dpo' });
    const r = purge(db);

    expect(scoresOf(db)).toEqual({ C1: 94000, C2: 99000, C3: 100000, C4: 100500, C5: 100000 });
    expect(db.prepare('SELECT citizen_id, old_score, new_score, cause, cause_friends FROM ledger WHERE operation_id = ? ORDER BY citizen_id').all(r.operationId)).toEqual([
      { citizen_id: 'C1', old_score: 88000, new_score: 94000, cause: 'own', cause_friends: '[]' },
      { citizen_id: 'C4', old_score: 99000, new_score: 100500, cause: 'friends', cause_friends: '["C5"]' },
      { citizen_id: 'C5', old_score: 82000, new_score: 100000, cause: 'own', cause_friends: '[]' },
    ]);
    expect(r.scoring).toMatchObject({ scoresChanged: 3, ledgerEntries: 3 });
  });

  it('leaves the ledger verifiable, also against a checkpoint signed before the purge', () => {
    const { db } = copyOf(fixture);
    const cp = createCheckpoint(db, testAuditor().signer, { actor: 'auditor' });
    setRetention(db, 'utility_theft', 365, { actor: 'dpo' });
    purge(db);

    expect(verifyLedger(db)).toMatchObject({ ok: true });
    const r = verifyAgainstCheckpoint(db, cp, testAuditor().publicKeyPem);
    expect(r.mismatches).toEqual([]);
    expect(r).toMatchObject({ ok: true, signature: { status: 'valid' } });
  });

  it('a second purge at the same instant does nothing and records nothing', () => {
    const { db } = copyOf(fixture);
    setRetention(db, 'utility_theft', 365, { actor: 'dpo' });
    purge(db);
    const before = snapshot(db);

    expect(purge(db)).toEqual({ asOf: AS_OF, operationId: null, eventsDeleted: 0, eventsHeld: 0, contributionsDeleted: 0, byKind: {}, scoring: null });
    expect(snapshot(db)).toEqual(before);
  });

  it('one millisecond earlier, the events exactly at their cut-off are kept', () => {
    const { db } = copyOf(fixture);
    setRetention(db, 'utility_theft', 365, { actor: 'dpo' });
    const r = purge(db, { asOf: new Date(Date.parse(AS_OF) - 1).toISOString() });
    expect(eventIds(db)).toEqual(['E01', 'E02', 'E03', 'E04', 'E07']);
    expect(r.eventsDeleted).toBe(5);
  });

  it('with the default retention, deletes only what is five years old, and scores that no rule counted do not move', () => {
    const { db } = copyOf(fixture);
    const scores = scoresOf(db);
    const ops = operationCount(db);
    const r = purge(db);
    expect(eventIds(db)).toEqual(['E01', 'E02', 'E04', 'E07', 'E08', 'E09', 'E10']);
    expect(operationCount(db)).toBe(ops + 1);
    expect(scoresOf(db)).toEqual(scores);
    expect(db.prepare('SELECT count(*) FROM ledger WHERE operation_id = ?').pluck().get(r.operationId)).toBe(0);
  });

  it('holds an expired event that another record still refers to (a dispute), and says so', () => {
    const { db } = copyOf(fixture);
    setRetention(db, 'utility_theft', 365, { actor: 'dpo' });
    db.exec('CREATE TABLE test_disputes (id INTEGER PRIMARY KEY, event_idx INTEGER NOT NULL REFERENCES events(idx)) STRICT');
    db.prepare("INSERT INTO test_disputes (event_idx) SELECT idx FROM events WHERE event_id = 'E08'").run();
    expect(retentionPolicy(db, AS_OF).kinds.find((k) => k.kind === 'utility_theft')).toMatchObject({ expired: 3, held: 1 });

    const r = purge(db);

    expect(eventIds(db)).toEqual(['E02', 'E04', 'E07', 'E08']);
    expect(r).toMatchObject({ eventsDeleted: 6, eventsHeld: 1 });
    expect(r.byKind.utility_theft).toMatchObject({ events: 3, held: 1 });
    expect(scoresOf(db).C5).toBe(94000); // the held theft still counts
    expect(JSON.parse(db.prepare('SELECT details FROM operations WHERE id = ?').pluck().get(r.operationId) as string)).toMatchObject({ events_held: 1 });
    expect(purge(db)).toMatchObject({ operationId: null, eventsHeld: 1 });
  });

  it('records no operation when nothing is expired', () => {
    const { db } = copyOf(fixture);
    const before = snapshot(db);
    expect(purge(db, { asOf: '2020-01-01T00:00:00Z' }).operationId).toBeNull();
    expect(snapshot(db)).toEqual(before);
  });

  it('refuses an instant in the future, and a purge without a reason, writing nothing', () => {
    const { db } = copyOf(fixture);
    setRetention(db, 'utility_theft', 365, { actor: 'dpo' });
    const before = snapshot(db);
    expect(() => purge(db, { asOf: '2026-11-02T00:00:00Z', now: () => Date.parse(AS_OF) })).toThrow(/in the future/);
    expect(() => purge(db, { reason: '  ' })).toThrow(/needs a written reason/);
    expect(snapshot(db)).toEqual(before);
  });

  it('on a larger population, recomputes fully when most citizens are concerned, incrementally when few are, and matches a full recompute', () => {
    const { db } = copyOf(demo);
    // The demo's records go six years back: most citizens have some older than five years.
    const first = purge(db);
    expect(first.scoring!.iterations).toBeGreaterThan(0); // the full path
    expect(verifyLedger(db).ok).toBe(true);
    setRetention(db, 'utility_theft', 365, { actor: 'dpo' });
    const concerned = db
      .prepare("SELECT count(DISTINCT citizen_idx) FROM events WHERE kind = 'utility_theft' AND retracted_by IS NULL AND occurred_ms <= ?")
      .pluck()
      .get(Date.parse(AS_OF) - 365 * DAY) as number;
    expect(concerned).toBeGreaterThan(0);
    expect(concerned * 10).toBeLessThan(300);

    const r = purge(db);

    expect(r.scoring).toBeDefined();
    expect(r.scoring!.iterations).toBeUndefined(); // the incremental path
    expect(r.scoring!.scoresChanged).toBeGreaterThanOrEqual(concerned);
    expect(verifyLedger(db).ok).toBe(true);
    const afterPurge = scoresOf(db);
    const recompute = recomputeScores(db, { asOf: AS_OF, actor: 'test', reason: 'check' });
    expect(recompute.operationId).toBeNull();
    expect(scoresOf(db)).toEqual(afterPurge);
  });

  it('on the small fixture, recomputes fully and matches a later full recompute', () => {
    const { db } = copyOf(fixture);
    setRetention(db, 'utility_theft', 365, { actor: 'dpo' });
    const r = purge(db);
    expect(r.scoring!.iterations).toBeGreaterThan(0); // the full path: 4 of 5 citizens concerned
    const afterPurge = scoresOf(db);
    expect(recomputeScores(db, { asOf: AS_OF, actor: 'test', reason: 'check' }).operationId).toBeNull();
    expect(scoresOf(db)).toEqual(afterPurge);
  });
});

describe('a purge that does not finish', () => {
  it.each(['deleting expired records', 'scoring', 'writing scores', 'committing'])('cancelled during %s leaves everything as before', (phase) => {
    const { db } = copyOf(fixture);
    setRetention(db, 'utility_theft', 365, { actor: 'dpo' });
    const before = snapshot(db);
    const controller = new AbortController();
    const seen: string[] = [];

    expect(() =>
      purge(db, {
        signal: controller.signal,
        onProgress: (p) => {
          seen.push(p);
          if (p === phase) controller.abort();
        },
      }),
    ).toThrow(CancelledError);

    expect(seen).toContain(phase);
    expect(snapshot(db)).toEqual(before);
    expect(db.inTransaction).toBe(false);
  });

  it('failing while writing the ledger leaves everything as before', () => {
    const { db } = copyOf(fixture);
    setRetention(db, 'utility_theft', 365, { actor: 'dpo' });
    const before = snapshot(db);
    db.exec("CREATE TEMP TRIGGER ledger_write_fails BEFORE INSERT ON main.ledger BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END");

    expect(() => purge(db)).toThrow(/disk full \(simulated\)/);

    db.exec('DROP TRIGGER temp.ledger_write_fails');
    expect(snapshot(db)).toEqual(before);
    expect(purge(db).eventsDeleted).toBe(7); // and the same purge then succeeds
  });
});
