/**
 * The subject-access export: every event of the citizen (retracted ones
 * too, with the operations behind them), every ledger entry, the score and
 * its explanation, friendships, rows of other tables about the citizen; and
 * nothing about anyone else beyond the ids of the other party of a
 * friendship and of the friends a ledger entry names as its cause.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { centsToScore } from '../../../electron/engine/scoring.js';
import { tableExists } from '../../../electron/services/citizenTables.js';
import { explainCitizen } from '../../../electron/services/explain.js';
import { recordEvent } from '../../../electron/services/recordEvent.js';
import { retractEvent } from '../../../electron/services/retract.js';
import { SUBJECT_ACCESS_FORMAT, subjectAccessExport, type SubjectAccessExport } from '../../../electron/services/subjectAccess.js';
import { runCli, seedCliAccount, useCliIdentity } from '../helpers/cliHarness.js';
import { buildDemoDatabase, openCopy } from '../helpers/demoDatabase.js';
import { tempDir } from '../helpers/tempDirs.js';

const NOW = new Date('2026-11-02T09:15:00Z');
const FRIEND_EVENT = 'FRIEND-EVENT-7731';
const FRIEND_REASON = 'breach reported about the friend zq-marker';

let work: { dir: string; cleanup: () => void };
let template: string;

beforeAll(async () => {
  work = tempDir('subject-access');
  template = join(work.dir, 'template.sqlite');
  (await buildDemoDatabase(template)).close();
});

afterAll(() => work?.cleanup());

/** Every string in a JSON value, with its path (`ledger[3].causeFriends[0]`). */
function strings(value: unknown, path = ''): { path: string; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

describe('subjectAccessExport', () => {
  let db: Db;
  let subject: string;
  let subjectIdx: number;
  let retracted: string;
  let retractOp: number;
  let friendOp: number;
  let x: SubjectAccessExport;

  beforeAll(() => {
    db = openCopy(template, join(work.dir, 'subject.sqlite'));
    // A citizen with friends below the threshold, an uncapped penalty and a few events.
    const ids = db.prepare('SELECT citizen_id FROM citizens ORDER BY citizen_id').pluck().all() as string[];
    let friend: string | undefined;
    for (const id of ids) {
      const e = explainCitizen(db, id);
      const events = db.prepare('SELECT count(*) FROM events e JOIN citizens c ON c.idx = e.citizen_idx WHERE c.citizen_id = ?').pluck().get(id) as number;
      const below = e.friends.find((f) => f.share > 0);
      if (below && e.friendPenaltyUncapped < 60 && events >= 3 && e.rules.some((r) => r.total !== 0)) {
        subject = id;
        friend = below.citizenId;
        break;
      }
    }
    expect(friend, 'the demo population has a citizen with a friend below the threshold').toBeDefined();
    subjectIdx = db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(subject) as number;

    // A friend's record moves the subject's score: a ledger entry of the subject whose operation concerns someone else.
    friendOp = recordEvent(
      db,
      { eventId: FRIEND_EVENT, citizenId: friend!, kind: 'contract_breach', occurredAt: '2026-10-01T00:00:00Z', data: { court_confirmed: true, counterparty: 'zq-counterparty' } },
      { actor: 'clerk', reason: FRIEND_REASON },
    ).operationId;
    // One of the subject's own events that counts is retracted: the score moves again.
    retracted = explainCitizen(db, subject).rules.find((r) => r.total !== 0)!.events[0].eventId;
    retractOp = retractEvent(db, retracted, { actor: 'reviewer', reason: 'appeal upheld: data-entry error' }).operationId;

    // Rows about the subject (and someone else) in tables other features add.
    const other = db.prepare("SELECT idx FROM citizens WHERE citizen_id <> ? ORDER BY idx LIMIT 1").pluck().get(subject) as number;
    db.exec(`CREATE TABLE case_notes (id INTEGER PRIMARY KEY, citizen_idx INTEGER NOT NULL, note TEXT NOT NULL, scan BLOB) STRICT;
      DROP TABLE IF EXISTS dispute_history; DROP TABLE IF EXISTS disputes;
      CREATE TABLE disputes (id INTEGER PRIMARY KEY, citizen_idx INTEGER NOT NULL, statement TEXT NOT NULL, status TEXT NOT NULL, opened_at TEXT NOT NULL) STRICT;
      CREATE TABLE dispute_history (id INTEGER PRIMARY KEY, dispute_id INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL) STRICT;`);
    db.prepare('INSERT INTO case_notes (citizen_idx, note, scan) VALUES (?, ?, ?), (?, ?, NULL)').run(subjectIdx, 'note about the subject', Buffer.from([1, 2, 3]), other, 'zq-note about someone else');
    db.prepare('INSERT INTO disputes VALUES (1, ?, ?, ?, ?), (2, ?, ?, ?, ?)').run(subjectIdx, 'not mine', 'open', '2026-10-20', other, 'zq-statement of someone else', 'open', '2026-10-21');
    db.prepare("INSERT INTO dispute_history VALUES (1, 1, 'open', 'recorded'), (2, 2, 'open', 'zq-history of someone else')").run();
    // adjustments (which scoring reads) may reference proposals; it has no rows here, so the table can be replaced.
    db.exec('DROP TABLE IF EXISTS proposals; CREATE TABLE proposals (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL) STRICT;');
    const otherId = db.prepare('SELECT citizen_id FROM citizens WHERE idx = ?').pluck().get(other) as string;
    db.prepare("INSERT INTO proposals (kind, payload, status) VALUES ('adjustment', ?, 'pending'), ('adjustment', ?, 'pending'), ('ruleset', '{}', 'pending')").run(
      JSON.stringify({ citizenId: subject, points: 5 }),
      JSON.stringify({ citizenId: otherId, points: -7 }),
    );

    x = subjectAccessExport(db, subject, { now: NOW });
  });

  afterAll(() => db?.close());

  it('says what it is, in which format version, and when it was made', () => {
    expect(x.format).toBe(SUBJECT_ACCESS_FORMAT);
    expect(x.formatVersion).toBe(1);
    expect(x.generatedAt).toBe(NOW.toISOString());
    expect(x.citizen).toEqual(
      db.prepare('SELECT citizen_id AS citizenId, name, name_latin AS nameLatin, district, birth_date AS birthDate FROM citizens WHERE idx = ?').get(subjectIdx),
    );
  });

  it('holds every event of the citizen, retracted ones too, with the operations that recorded and retracted them', () => {
    const stored = db.prepare('SELECT event_id, operation_id, retracted_by FROM events WHERE citizen_idx = ?').all(subjectIdx) as { event_id: string; operation_id: number; retracted_by: number | null }[];
    expect(x.events).toHaveLength(stored.length);
    expect(new Set(x.events.map((e) => e.eventId))).toEqual(new Set(stored.map((e) => e.event_id)));
    for (const s of stored) {
      const e = x.events.find((ev) => ev.eventId === s.event_id)!;
      expect(e.recordedBy.id).toBe(s.operation_id);
      expect(e.status).toBe(s.retracted_by === null ? 'active' : 'retracted');
    }
    const r = x.events.find((e) => e.eventId === retracted)!;
    expect(r.status).toBe('retracted');
    expect(r.retractedBy).toMatchObject({ id: retractOp, kind: 'event_retracted', actor: 'reviewer', reason: 'appeal upheld: data-entry error' });
    expect(r.contributions).toEqual([]);
    expect(x.events.filter((e) => e.status === 'active').some((e) => e.contributions.some((c) => c.counts))).toBe(true);
  });

  it('holds every ledger entry of the citizen with its operation, and withholds an operation about someone else', () => {
    const stored = db.prepare('SELECT seq, operation_id, hash FROM ledger WHERE citizen_id = ? ORDER BY seq').all(subject) as { seq: number; operation_id: number; hash: string }[];
    expect(stored.length).toBeGreaterThanOrEqual(3);
    expect(x.ledger.map((l) => [l.seq, l.operation.id, l.hash])).toEqual(stored.map((l) => [l.seq, l.operation_id, l.hash]));
    const byFriend = x.ledger.find((l) => l.operation.id === friendOp);
    expect(byFriend, "the friend's record moved the subject's score").toBeDefined();
    expect(byFriend!.cause).toBe('friends');
    expect(byFriend!.operation).toEqual({ id: friendOp, kind: 'event_recorded', at: expect.any(String), withheld: 'concerns another person' });
    expect(x.ledger.find((l) => l.operation.id === retractOp)?.operation).toMatchObject({ kind: 'event_retracted', reason: 'appeal upheld: data-entry error' });
  });

  it('holds the current score and its explanation, without the per-friend list', () => {
    const row = db.prepare('SELECT cents, tier FROM scores WHERE citizen_idx = ?').get(subjectIdx) as { cents: number; tier: string };
    expect(x.score).toMatchObject({ score: centsToScore(row.cents), tier: row.tier, rulesetVersion: 1 });
    const e = explainCitizen(db, subject);
    expect(x.explanation).toMatchObject({ score: e.score, tier: e.tier, friendPenalty: e.friendPenalty, reasonCodes: e.reasonCodes, rules: e.rules });
    expect(x.explanation).not.toHaveProperty('friends');
  });

  it('holds every friendship with the other party by id only', () => {
    const stored = db
      .prepare("SELECT CASE WHEN a = ? THEN b ELSE a END FROM relationships WHERE a = ? OR b = ?")
      .pluck()
      .all(subjectIdx, subjectIdx, subjectIdx) as number[];
    expect(x.relationships).toHaveLength(stored.length);
    const ids = db.prepare('SELECT citizen_id FROM citizens WHERE idx = ?').pluck();
    expect(new Set(x.relationships.map((r) => r.otherCitizenId))).toEqual(new Set(stored.map((i) => ids.get(i))));
    expect(Object.keys(x.relationships[0]).sort()).toEqual(['activeAtAsOf', 'otherCitizenId', 'since', 'until']);
  });

  it("holds the citizen's rows of other tables, and only theirs", () => {
    expect(x.otherTables.case_notes).toMatchObject({ status: 'read', citizenColumn: 'citizen_idx', rows: [{ note: 'note about the subject', scan: 'base64:AQID' }] });
    expect(x.otherTables.disputes).toMatchObject({ status: 'read', rows: [{ id: 1, statement: 'not mine' }] });
    expect(x.otherTables.dispute_history).toMatchObject({ status: 'read', rows: [{ dispute_id: 1 }] });
    expect(x.otherTables.proposals).toMatchObject({ status: 'read', rows: [{ kind: 'adjustment', payload: JSON.stringify({ citizenId: subject, points: 5 }) }] });
    for (const table of ['access_log', 'adjustments']) {
      expect(x.otherTables[table].status).toBe(tableExists(db, table) ? 'read' : 'absent');
    }
  });

  it('names no other person beyond friendship and ledger-cause ids, and holds nothing of their records', () => {
    const others = db.prepare('SELECT citizen_id, name FROM citizens WHERE idx <> ?').all(subjectIdx) as { citizen_id: string; name: string }[];
    const otherIds = new Set(others.map((o) => o.citizen_id));
    const otherNames = new Set(others.map((o) => o.name).filter((n) => n !== x.citizen.name));
    const otherEvents = new Set(db.prepare('SELECT event_id FROM events WHERE citizen_idx <> ?').pluck().all(subjectIdx) as string[]);
    const allowedId = /^(relationships\[\d+\]\.otherCitizenId|ledger\[\d+\]\.causeFriends\[\d+\])$/;
    const found = strings(x);
    expect(found.length).toBeGreaterThan(50);
    for (const s of found) {
      if (otherIds.has(s.value)) expect(s.path).toMatch(allowedId);
      expect(otherNames.has(s.value), `${s.path} holds another citizen's name`).toBe(false);
      expect(otherEvents.has(s.value), `${s.path} holds another citizen's event id`).toBe(false);
    }
    const text = JSON.stringify(x);
    for (const marker of ['zq-', FRIEND_EVENT, FRIEND_REASON]) expect(text).not.toContain(marker);
  });

  it('is plain JSON: it survives a round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(x))).toEqual(x);
  });
});

describe('credence export subject', () => {
  useCliIdentity();

  it('prints the export as JSON or writes it to --out, and rejects an unknown citizen with exit 1', async () => {
    const dbFile = join(work.dir, 'cli.sqlite');
    openCopy(template, dbFile).close();
    await seedCliAccount(dbFile);
    const printed = await runCli('export', 'subject', 'C0000002', '--db', dbFile);
    expect(printed, printed.stderr).toMatchObject({ code: 0 });
    const parsed = JSON.parse(printed.stdout) as SubjectAccessExport;
    expect(parsed.citizen.citizenId).toBe('C0000002');
    const count = openDatabase(dbFile);
    try {
      expect(parsed.events).toHaveLength(count.prepare("SELECT count(*) FROM events e JOIN citizens c ON c.idx = e.citizen_idx WHERE c.citizen_id = 'C0000002'").pluck().get() as number);
    } finally {
      count.close();
    }
    const file = join(work.dir, 'subject.json');
    const written = await runCli('export', 'subject', 'C0000002', '--db', dbFile, '--out', file);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(`written to ${file}`);
    expect((JSON.parse(readFileSync(file, 'utf8')) as SubjectAccessExport).events).toHaveLength(parsed.events.length);
    const missing = await runCli('export', 'subject', 'C9999999', '--db', dbFile);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no citizen with id 'C9999999'");
    expect(missing.stdout).toBe('');
  });
});
