/**
 * A large events file is read, checked, evaluated and content-hashed in a
 * worker thread (eventWorker.ts) while the importing thread writes. The
 * result must be the one the importing thread reaches alone: every table,
 * the chain, the scores and ledger, the report and its problems, the
 * provenance hashes; a cancel stops it without a trace.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import type { Db } from '../../../electron/db/connection.js';
import { importFolder, type EventWorkerUse } from '../../../electron/services/import.js';
import { publishRuleset } from '../../../electron/services/rulesets.js';
import { CancelledError } from '../../../electron/services/scoring.js';
import { PhaseClock } from '../../../electron/services/phaseClock.js';
import { runningEventWorkers } from '../../../electron/services/eventsInWorker.js';
import { dbSnapshot, DEFAULT_RULESET, folder, KINDS_FILE, openTempDb, removeTempDirs } from '../helpers/importFixtures.js';

afterEach(() => {
  vi.useRealTimers();
  folders.clear();
  removeTempDirs();
});

const kinds = readFileSync(KINDS_FILE, 'utf8');
const citizens = ['citizen_id,name,district,birth_date', ...Array.from({ length: 40 }, (_, i) => `C${i},Name ${i},Yatou,1980-01-01`)].join('\n');
const kindsOf = ['bill_payment', 'volunteer_service', 'bank_arrears'];
function eventRows(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const kind = kindsOf[i % 3];
    const data = kind === 'bill_payment' ? `{""amount"":${i % 90},""on_time"":${i % 4 !== 0},""provider"":""water""}` : kind === 'volunteer_service' ? `{""hours"":${1 + (i % 9)},""organisation"":""红十字""}` : `{""amount"":900,""months_overdue"":${1 + (i % 5)},""lender"":""ABC""}`;
    return `E${i},C${i % 40},${kind},2026-${String(1 + (i % 9)).padStart(2, '0')}-0${1 + (i % 8)}T10:00:00Z,"${data}"`;
  });
}
const header = 'event_id,citizen_id,kind,occurred_at,data';

/** The same folders for every world: operations record the folder they read. */
const folders = new Map<string, { base: string; events: string }>();
function foldersFor(events: string): { base: string; events: string } {
  let f = folders.get(events);
  if (!f) {
    f = { base: folder({ 'event_kinds.json': kinds, 'citizens.csv': citizens }), events: folder({ 'events.csv': events }) };
    folders.set(events, f);
  }
  return f;
}

async function world(use: EventWorkerUse, events: string): Promise<{ db: Db; report: Awaited<ReturnType<typeof importFolder>> }> {
  const { db } = openTempDb();
  const dirs = foldersFor(events);
  await importFolder(db, dirs.base, { actor: 'tester' });
  publishRuleset(db, DEFAULT_RULESET, { actor: 'tester', reason: 'test', asOf: '2026-11-01T00:00:00Z' });
  const report = await importFolder(db, dirs.events, { actor: 'tester', eventWorker: use });
  return { db, report };
}

/** A report without the solver's wall-clock time. */
function report(r: Awaited<ReturnType<typeof importFolder>>): unknown {
  return { ...r, scoring: r.scoring && { ...r.scoring, msPerIteration: undefined } };
}

/** Every table and the chain, without the wall-clock times of operations (and what hashes them). */
function state(db: Db): unknown {
  const snapshot = dbSnapshot(db) as Record<string, unknown[][]>;
  return {
    ...snapshot,
    operations: db.prepare('SELECT id, kind, actor, reason, details FROM operations ORDER BY id').raw(true).all(),
    ledger: db.prepare('SELECT seq, citizen_id, operation_id, old_score, new_score, old_tier, new_tier, cause, cause_friends FROM ledger ORDER BY seq').raw(true).all(),
    chain: db.prepare("SELECT seq, tbl, row_id, action, content_hash, state FROM chain WHERE tbl NOT IN ('operations', 'ledger') ORDER BY seq").raw(true).all(),
  };
}

describe('events read in a worker thread', () => {
  it('give the database, chain, scores and report the importing thread reaches alone', async () => {
    const events = [header, ...eventRows(9000)].join('\n');
    const alone = await world('never', events);
    const worker = await world('always', events);
    expect(report(worker.report)).toEqual(report(alone.report));
    expect(worker.report).toMatchObject({ ok: true, counts: { eventsAdded: 9000 } });
    expect(state(worker.db)).toEqual(state(alone.db));
    expect(verifyIntegrity(worker.db).problems).toEqual([]);
    const sha = createHash('sha256').update(events).digest('hex');
    expect(worker.db.prepare("SELECT sha256, bytes FROM import_files WHERE name = 'events.csv'").get()).toEqual({ sha256: sha, bytes: Buffer.byteLength(events) });
  });

  it('write seals and chain entries byte-identical to those the importing thread computes, hashes included', async () => {
    // The same instant for both worlds, so their operations (and the chain through them) match too.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-02T08:00:00Z') });
    const events = [header, ...eventRows(1000)].join('\n');
    const alone = await world('never', events);
    const worker = await world('always', events);
    const chain = (db: Db) => db.prepare('SELECT * FROM chain ORDER BY seq').raw(true).all();
    const seals = (db: Db) => db.prepare('SELECT * FROM chain_seals ORDER BY id').raw(true).all();
    expect(worker.db.prepare("SELECT count(*) FROM chain WHERE tbl = 'events'").pluck().get()).toBe(0);
    expect(seals(worker.db)).toEqual([[1, 'events', expect.any(Number), 1, 1000, expect.stringMatching(/^[0-9a-f]{64}$/)]]);
    expect(seals(worker.db)).toEqual(seals(alone.db));
    expect(chain(worker.db)).toEqual(chain(alone.db));
  });

  it('a file mixing stored events with new ones gives the chain and outcome the importing thread reaches alone', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-02T08:00:00Z') });
    // Stored ones first (no row of their statements is written), then one in the middle of new ones.
    const stored = eventRows(300);
    const events = [header, ...stored, ...eventRows(700, 300), stored[7], ...eventRows(2000, 1000)].join('\n');
    const worlds = [];
    for (const use of ['never', 'always'] as const) {
      const w = await world(use, [header, ...stored].join('\n'));
      const again = await importFolder(w.db, foldersFor(events).events, { actor: 'tester', eventWorker: use });
      worlds.push({ db: w.db, again });
    }
    const [alone, worker] = worlds;
    expect(worker.again).toMatchObject({ ok: true, counts: { eventsAdded: 2700, eventsUnchanged: 301 } });
    expect(report(worker.again)).toEqual(report(alone.again));
    const chain = (db: Db) => db.prepare('SELECT * FROM chain ORDER BY seq').raw(true).all();
    expect(chain(worker.db)).toEqual(chain(alone.db));
    expect(state(worker.db)).toEqual(state(alone.db));
    expect(verifyIntegrity(worker.db).problems).toEqual([]);
  });

  it('list the same problems, in file order, and keep nothing', async () => {
    const rows = eventRows(6000);
    rows[10] = 'E10,C404,bill_payment,2026-01-01T10:00:00Z,{}'; // unknown citizen
    rows[4999] = 'E4999,C405,bill_payment,2026-01-01T10:00:00Z,{}'; // unknown citizen, just before a repeated id in the same statement
    rows[5000] = rows[4998]; // the same id twice
    rows[5500] = 'E5500,C1,bill_payment,2026-01-01T10:00,{}'; // no seconds
    const events = [header, ...rows, 'E9,C1,bill_payment,2026-01-01T10:00:00Z,{}'].join('\n'); // reuses an id with other content
    const alone = await world('never', events);
    const worker = await world('always', events);
    expect(alone.report.ok).toBe(false);
    expect(report(worker.report)).toEqual(report(alone.report));
    expect(worker.report.problems.map((p) => p.line)).toEqual([12, 5001, 5002, 5502, 6002]);
    expect(state(worker.db)).toEqual(state(alone.db));
  });

  it('a re-import of the same file through the worker changes nothing', async () => {
    const events = [header, ...eventRows(3000)].join('\n');
    const { db } = await world('always', events);
    const before = state(db);
    const again = await importFolder(db, folder({ 'events.csv': events }), { actor: 'tester', eventWorker: 'always' });
    expect(again).toMatchObject({ ok: true, operationId: null, counts: { eventsAdded: 0, eventsUnchanged: 3000 } });
    expect(state(db)).toEqual(before);
  });

  it('a cancel while the worker reads leaves the database as it was', async () => {
    const events = [header, ...eventRows(20000)].join('\n');
    const { db } = await world('always', [header, ...eventRows(10)].join('\n'));
    const before = state(db);
    const controller = new AbortController();
    let reports = 0;
    await expect(
      importFolder(db, folder({ 'events.csv': events }), {
        actor: 'tester',
        eventWorker: 'always',
        signal: controller.signal,
        onProgress: () => {
          if (++reports === 2) controller.abort();
        },
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(state(db)).toEqual(before);
    expect(verifyIntegrity(db).problems).toEqual([]);
  });

  it('the worker starts with the import and is stopped whatever the outcome (a cancel before the events file, a refused import); nothing is kept', async () => {
    const events = [header, ...eventRows(3000)].join('\n');
    const { db } = await world('always', [header, ...eventRows(10)].join('\n'));
    await vi.waitFor(() => expect(runningEventWorkers()).toBe(0));
    const before = state(db);
    const more = Array.from({ length: 3000 }, (_, i) => `D${i},Name ${i},Yatou,1980-01-01`);
    const dir = folder({ 'citizens.csv': ['citizen_id,name,district,birth_date', ...more].join('\n'), 'events.csv': events });
    const controller = new AbortController();
    const cancelled = importFolder(db, dir, {
      actor: 'tester',
      eventWorker: 'always',
      signal: controller.signal,
      onProgress: (phase) => {
        if (phase === 'reading files') {
          expect(runningEventWorkers()).toBe(1);
          controller.abort();
        }
      },
    });
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    await vi.waitFor(() => expect(runningEventWorkers()).toBe(0));
    // A file the import refuses outright (a duplicated citizen) is reported; the worker, started, is stopped.
    const refused = await importFolder(db, folder({ 'citizens.csv': 'citizen_id,name,district,birth_date\nC1,A,B,\nC1,A,B,', 'events.csv': events }), { actor: 'tester', eventWorker: 'always' });
    expect(refused.ok).toBe(false);
    await vi.waitFor(() => expect(runningEventWorkers()).toBe(0));
    expect(state(db)).toEqual(before);
  });

  /** A folder of 3000 citizens, then one of their friendships (a file the reader takes in more than one chunk) and events. */
  async function besideFriendships(use: EventWorkerUse, pairs: string[], events: string, signal?: AbortSignal, onProgress?: () => void) {
    const { db } = openTempDb();
    const people = Array.from({ length: 3000 }, (_, i) => `C${i},Name ${i},Yatou,1980-01-01`);
    const key = `${pairs.length}:${events.length}`;
    let dirs = folders.get(key);
    if (!dirs) {
      dirs = {
        base: folder({ 'event_kinds.json': kinds, 'citizens.csv': ['citizen_id,name,district,birth_date', ...people].join('\n') }),
        events: folder({ 'relationships.csv': ['a,b,since,until', ...pairs].join('\n'), 'events.csv': events }),
      };
      folders.set(key, dirs);
    }
    await importFolder(db, dirs.base, { actor: 'tester' });
    publishRuleset(db, DEFAULT_RULESET, { actor: 'tester', reason: 'test', asOf: '2026-11-01T00:00:00Z' });
    return { db, run: () => importFolder(db, dirs.events, { actor: 'tester', eventWorker: use, signal, onProgress }) };
  }
  /** 70,000 friendships among the 3000 citizens (about 1.6 MB). */
  const pairs = Array.from({ length: 70000 }, (_, k) => `C${k % 3000},C${((k % 3000) + 1 + Math.floor(k / 3000)) % 3000},2020-01-0${1 + (k % 9)},`);

  it('read while relationships.csv is written: the same database and report, the events problems listed after the friendships ones', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-02T08:00:00Z') });
    const rows = eventRows(20000);
    rows[10] = 'E10,C4040,bill_payment,2026-01-01T10:00:00Z,{}'; // unknown citizen
    rows[19000] = 'E19000,C1,bill_payment,2026-01-01T10:00,{}'; // no seconds
    const friends = [...pairs];
    friends[60000] = 'C1,C5000,2020-01-01,'; // unknown citizen, late in the file
    const events = [header, ...rows].join('\n');
    const results = [];
    for (const use of ['never', 'always'] as const) {
      // At the first progress report of relationships.csv, this thread pauses (the worker does not): its first batches, the first problem in them, wait to be written between the friendships' chunks.
      let paused = false;
      const pause = () => {
        if (paused) return;
        paused = true;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
      };
      const w = await besideFriendships(use, friends, events, undefined, pause);
      results.push({ db: w.db, report: await w.run() });
    }
    const [alone, worker] = results;
    expect(report(worker.report)).toEqual(report(alone.report));
    expect(worker.report.problems.map((p) => [p.file, p.line])).toEqual([
      ['relationships.csv', 60002],
      ['events.csv', 12],
      ['events.csv', 19002],
    ]);
    expect(state(worker.db)).toEqual(state(alone.db));
    // And without the problems: every table and the chain, hashes included.
    const clean = [header, ...eventRows(20000)].join('\n');
    const chain = (db: Db) => db.prepare('SELECT * FROM chain ORDER BY seq').raw(true).all();
    const worlds = [];
    for (const use of ['never', 'always'] as const) {
      const w = await besideFriendships(use, pairs, clean);
      worlds.push({ db: w.db, report: await w.run() });
    }
    expect(worlds[1].report).toMatchObject({ ok: true, counts: { relationshipsAdded: 70000, eventsAdded: 20000 } });
    expect(report(worlds[1].report)).toEqual(report(worlds[0].report));
    expect(state(worlds[1].db)).toEqual(state(worlds[0].db));
    expect(chain(worlds[1].db)).toEqual(chain(worlds[0].db));
    expect(verifyIntegrity(worlds[1].db).problems).toEqual([]);
  });

  it('reads the full recompute\'s friend network while the worker still reads events, once the friendships are written, and scores as the importing thread alone does', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-02T08:00:00Z') });
    // Thefts take ten citizens below the penalty threshold, so their friends' scores depend on the friendships just written.
    const thefts = Array.from({ length: 30 }, (_, k) => `T${k},C${k % 10},utility_theft,2026-10-0${1 + (k % 9)}T10:00:00Z,"{""value"":10,""utility"":""water""}"`);
    const events = [header, ...eventRows(20000), ...thefts].join('\n');
    const worlds = [];
    for (const use of ['never', 'always'] as const) {
      const w = await besideFriendships(use, pairs, events);
      const clock = new PhaseClock();
      const dirs = folders.get(`${pairs.length}:${events.length}`)!;
      worlds.push({ db: w.db, report: await importFolder(w.db, dirs.events, { actor: 'tester', eventWorker: use, clock }), phases: [...clock.ms.keys()] });
    }
    const [alone, worker] = worlds;
    // Friends of the citizens the thefts took below the threshold carry a penalty: the network counts.
    expect(worker.db.prepare('SELECT count(*) FROM scores WHERE penalty > 0').pluck().get()).toBeGreaterThan(40);
    // With the worker, the scoring's first part runs before this thread waits for the worker's last batches; alone, after every event.
    expect(worker.phases.indexOf('scoring')).toBeLessThan(worker.phases.indexOf('waiting for the worker'));
    expect(alone.phases.indexOf('scoring')).toBeGreaterThan(alone.phases.indexOf('write'));
    expect(worker.report).toMatchObject({ ok: true, counts: { relationshipsAdded: 70000, eventsAdded: 20030 }, scoring: { citizens: 3000 } });
    expect(report(worker.report)).toEqual(report(alone.report));
    expect(state(worker.db)).toEqual(state(alone.db));
  });

  it('a cancel while relationships.csv is written and the worker reads the events leaves the database as it was and no worker running', async () => {
    const controller = new AbortController();
    let reports = 0;
    const w = await besideFriendships('always', pairs, [header, ...eventRows(20000)].join('\n'), controller.signal, () => {
      if (++reports === 3) controller.abort();
    });
    const before = state(w.db);
    await expect(w.run()).rejects.toBeInstanceOf(CancelledError);
    await vi.waitFor(() => expect(runningEventWorkers()).toBe(0));
    expect(state(w.db)).toEqual(before);
    expect(verifyIntegrity(w.db).problems).toEqual([]);
  });

  it('a malformed spot stops the file with its line, after the rows before it', async () => {
    const rows = eventRows(5000);
    rows.splice(4500, 0, 'E-bad,C1,bill_payment,2026-01-01T10:00:00Z,"{""amount"":1}');
    const events = [header, ...rows].join('\n');
    const alone = await world('never', events);
    const worker = await world('always', events);
    expect(report(worker.report)).toEqual(report(alone.report));
    expect(worker.report.problems.at(-1)).toMatchObject({ file: 'events.csv', line: 4502 });
  });
});
