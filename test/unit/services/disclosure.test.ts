/**
 * The score disclosure PDF, read back as a citizen's reader would, with pdf.js
 * (no system package needed): its words in layout order (score, range, tier,
 * reasons, calculation, disputes, how to contest, who produced it and when),
 * its pages and what they draw. It must name no other person.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { getRuleset } from '../../../electron/db/rulesets.js';
import { CONTEST_ANSWER_DAYS, renderDisclosure } from '../../../electron/services/disclosure.js';
import { printable } from '../../../electron/services/disclosurePdf.js';
import { explainCitizen } from '../../../electron/services/explain.js';
import { recordEvent } from '../../../electron/services/recordEvent.js';
import { CLI_USER, runCli, seedCliAccount, useCliIdentity } from '../helpers/cliHarness.js';
import { buildDemoDatabase, openCopy } from '../helpers/demoDatabase.js';
import { readPdf } from '../helpers/pdfReader.js';
import { tempDir } from '../helpers/tempDirs.js';

const NOW = new Date('2026-11-02T09:15:00Z');
const OFFICIAL = 'Officer Hannelore Testwright';

let work: { dir: string; cleanup: () => void };
let template: string;
let copies = 0;

beforeAll(async () => {
  work = tempDir('disclosure');
  template = join(work.dir, 'template.sqlite');
  (await buildDemoDatabase(template)).close();
});

afterAll(() => work?.cleanup());

function copy(): Db {
  return openCopy(template, join(work.dir, `copy-${++copies}.sqlite`));
}

/**
 * Write the PDF (kept beside the test's database for a look) and return its
 * text in layout order (a table row stays one line), whitespace runs folded to
 * one space: line breaks fall where the layout puts them.
 */
async function pdfText(pdf: Buffer, name: string): Promise<{ file: string; text: string; pages: number }> {
  const file = join(work.dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  const doc = await readPdf(pdf);
  return { file, text: doc.text, pages: doc.pages.length };
}

/** Citizens with a friend penalty and at least two negative rule totals: all four kinds of reason on one page. */
function citizenWithFriendsBelowAndNegativeRules(db: Db): string {
  const ids = db.prepare('SELECT citizen_id FROM citizens ORDER BY citizen_id').pluck().all() as string[];
  for (const id of ids) {
    const e = explainCitizen(db, id);
    if (e.friendPenalty > 0 && e.reasonCodes.some((r) => r.code === 'friend_penalty') && e.rules.filter((r) => r.total < 0).length >= 2) return id;
  }
  throw new Error('the demo population has no citizen with friends below the threshold and two negative rules');
}

/** Everyone the citizen has a relationship with, active or not. */
function relationsOf(db: Db, citizenId: string): { idx: number; citizen_id: string; name: string }[] {
  return db
    .prepare(
      `SELECT o.idx, o.citizen_id, o.name FROM citizens c JOIN relationships r ON c.idx IN (r.a, r.b)
       JOIN citizens o ON o.idx = CASE WHEN r.a = c.idx THEN r.b ELSE r.a END WHERE c.citizen_id = ?`,
    )
    .all(citizenId) as { idx: number; citizen_id: string; name: string }[];
}

describe('renderDisclosure', () => {
  let db: Db;
  let subject: string;
  let text: string;
  let file: string;
  let friendMarkers: string[];
  let friendIds: string[];

  beforeAll(async () => {
    db = copy();
    subject = citizenWithFriendsBelowAndNegativeRules(db);
    // Give every friend a name nothing else in the document could contain, so
    // finding it in the text can only mean a friend was named.
    const friends = relationsOf(db, subject);
    expect(friends.length).toBeGreaterThan(0);
    const rename = db.prepare('UPDATE citizens SET name = ? WHERE idx = ?');
    friendMarkers = friends.map((f, i) => {
      const marker = `Quillfeather Friendmark${i + 1}`;
      rename.run(marker, f.idx);
      return marker;
    });
    friendIds = friends.map((f) => f.citizen_id);
    ({ file, text } = await pdfText(renderDisclosure(db, subject, { generatedBy: OFFICIAL, now: NOW }), 'subject'));
  });

  afterAll(() => db?.close());

  it('is a PDF whose text names the citizen and states the score, the range and the tier', () => {
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const e = explainCitizen(db, subject);
    const spec = getRuleset(db, e.rulesetVersion)!.spec;
    expect(text).toContain('Score disclosure');
    expect(text).toContain(e.name);
    expect(text).toContain(subject);
    expect(text).toContain(e.district);
    expect(text).toContain(e.score.toFixed(2));
    expect(text).toContain(`Possible range: ${spec.score_min} to ${spec.score_max}`);
    expect(text).toContain(`Tier ${e.tier}`);
    // The tier bands, with the citizen's own marked.
    for (const t of spec.tiers) expect(text).toContain(`${t.name} `);
    expect(text).toContain('1050 or more');
    expect(text).toContain('your tier');
  });

  it('lists the up-to-4 main reasons with their label, code and points', () => {
    const e = explainCitizen(db, subject);
    expect(e.reasonCodes.length).toBeGreaterThanOrEqual(3);
    expect(e.reasonCodes.length).toBeLessThanOrEqual(4);
    e.reasonCodes.forEach((r, i) => {
      expect(text).toContain(`${i + 1}. ${r.label}: -${Math.abs(r.points).toFixed(2)} points`);
      expect(text).toContain(`Reason code ${r.code}.`);
    });
  });

  it("puts the points each record actually got beside a rule's description (a stale description cannot mislead)", () => {
    const e = explainCitizen(db, subject);
    const ruleReasons = e.reasonCodes.filter((r) => r.code !== 'friend_penalty');
    expect(ruleReasons.length).toBeGreaterThan(0);
    for (const reason of ruleReasons) {
      const rule = e.rules.find((r) => r.ruleId === reason.code)!;
      const each = [...new Set(rule.events.map((ev) => ev.points))].sort((a, b) => a - b);
      const sign = (x: number) => `${x > 0 ? '+' : '-'}${Math.abs(x).toFixed(2)}`;
      const range = each.length === 1 ? sign(each[0]) : `${sign(each[0])} to ${sign(each[each.length - 1])}`;
      const records = rule.eventCount === 1 ? '1 record' : `${rule.eventCount} records`;
      expect(text).toContain(`Reason code ${reason.code}.`);
      expect(text).toContain(`Points applied: ${range} per record (${records}`);
    }
  });

  it('shows the contribution of every rule: name, dimension, total, cap and record count', () => {
    const e = explainCitizen(db, subject);
    for (const r of e.rules) {
      const total = `${r.total > 0 ? '+' : '-'}${Math.abs(r.total).toFixed(2)}`;
      expect(text).toContain(`${r.ruleName} (${r.ruleId}) ${r.dimension} ${r.eventCount} ${total} ${r.capped ? 'capped' : 'not capped'}`);
      for (const ev of r.events) expect(text).toContain(ev.eventId);
    }
    expect(text).toContain(`Score from your own records ${e.own.toFixed(2)}`);
    expect(text).toContain(`Friend penalty friends -${e.friendPenalty.toFixed(2)}`);
  });

  it('states the friend penalty as a total and names no friend, by name or id', () => {
    const e = explainCitizen(db, subject);
    expect(text).toContain(`Active friendships ${e.activeFriendCount}`);
    expect(text).toContain(`Friend penalty -${e.friendPenalty.toFixed(2)} points`);
    for (const marker of friendMarkers) expect(text).not.toContain(marker);
    for (const id of friendIds) expect(text).not.toContain(id);
    // Nor their individual shares.
    for (const f of e.friends.filter((f) => f.share > 0 && Math.abs(f.share - e.friendPenalty) > 0.005)) expect(text).not.toContain(f.share.toFixed(2));
  });

  it('says there are no open disputes when the citizen has none', () => {
    expect(text).toContain('Open disputes No open disputes.');
  });

  it('explains how to contest: the right, a human review, the deadline, never the sole basis', () => {
    expect(text).toContain('How to contest');
    expect(text).toContain('You have the right to contest this score');
    expect(text).toContain('reviewed by a person');
    expect(text).toContain(`written answer within ${CONTEST_ANSWER_DAYS} days`);
    expect(CONTEST_ANSWER_DAYS).toBe(30);
    expect(text).toContain('A score is never the sole basis of a decision about you');
  });

  it('says when it was generated (UTC), by whom, under which ruleset version and as of when', () => {
    const e = explainCitizen(db, subject);
    expect(text).toContain(`Generated 2026-11-02 09:15:00 UTC by ${OFFICIAL}`);
    expect(text).toContain(`Ruleset version ${e.rulesetVersion}`);
    expect(text).toContain(`ruleset version ${e.rulesetVersion} - page 1 of`);
    expect(text).toContain(`Scores as of ${e.asOf.slice(0, 10)} ${e.asOf.slice(11, 19)} UTC`);
  });

  it('is laid out on A4 pages that all carry ink (text and rules drawn)', async () => {
    const doc = await readPdf(readFileSync(file));
    expect(doc.pages.length).toBeGreaterThanOrEqual(1);
    for (const page of doc.pages) {
      // A4 is 595.28 x 841.89 pt.
      expect(page.width).toBeCloseTo(595.28, 1);
      expect(page.height).toBeCloseTo(841.89, 1);
      expect(page.inkOps).toBeGreaterThan(20);
      expect(page.lines.length).toBeGreaterThan(3);
    }
  });
});

describe('renderDisclosure on long and unusual content', () => {
  it('breaks a long record list over pages without losing a record, and prints a name its fonts lack as readable text', async () => {
    const db = copy();
    try {
      const id = 'C0000003';
      db.prepare('UPDATE citizens SET name = ? WHERE citizen_id = ?').run('Zhāng Wěi 张伟 \u{1D11E}', id);
      for (let k = 0; k < 90; k++) {
        const day = String(1 + (k % 28)).padStart(2, '0');
        const month = String(1 + Math.floor(k / 28)).padStart(2, '0');
        recordEvent(db, { eventId: `LONG-${k}`, citizenId: id, kind: 'bill_payment', occurredAt: `2026-${month}-${day}T10:00:00Z`, data: { on_time: k % 3 !== 0 } }, { actor: 'test', reason: 'long record list' });
      }
      const e = explainCitizen(db, id);
      const { text, pages } = await pdfText(renderDisclosure(db, id, { generatedBy: OFFICIAL, now: NOW }), 'long');
      expect(pages).toBeGreaterThanOrEqual(3);
      for (let p = 1; p <= pages; p++) expect(text).toContain(`page ${p} of ${pages}`);
      for (const r of e.rules) for (const ev of r.events) expect(text).toContain(ev.eventId);
      // The records table repeats its header on each page it continues on.
      expect(text.split('Date Record ID Rule Points').length - 1).toBeGreaterThanOrEqual(2);
      // Pinyin and Chinese in the embedded font; a character no font here has (a musical symbol) is marked.
      expect(text).toContain('Zhāng Wěi 张伟 ? (some characters of the name cannot be printed');
      expect(text).toContain('capped; records add up to');
    } finally {
      db.close();
    }
  });

  it('says "no open disputes" on a database without a disputes table', async () => {
    const db = copy();
    try {
      db.exec('DROP TABLE IF EXISTS dispute_history; DROP TABLE IF EXISTS disputes;');
      expect(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'disputes'").get()).toBeUndefined();
      const { text } = await pdfText(renderDisclosure(db, 'C0000005', { generatedBy: OFFICIAL, now: NOW }), 'no-disputes-table');
      expect(text).toContain('Open disputes No open disputes.');
    } finally {
      db.close();
    }
  });

  it('lists open disputes of the dispute store (event or measure, under review) with their deadline, not closed ones nor other citizens\' ones', async () => {
    const db = copy();
    try {
      const id = 'C0000005';
      const idx = (cid: string) => db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(cid) as number;
      const events = db.prepare('SELECT idx, event_id FROM events WHERE citizen_idx = ? ORDER BY idx LIMIT 2').all(idx(id)) as { idx: number; event_id: string }[];
      const otherEvent = db.prepare('SELECT idx FROM events WHERE citizen_idx = ? LIMIT 1').pluck().get(idx('C0000006')) as number;
      // The shape of the disputes feature's table (migration 0080), made here so the test does not depend on it.
      db.exec(`DROP TABLE IF EXISTS dispute_history; DROP TABLE IF EXISTS disputes;
        CREATE TABLE disputes (id INTEGER PRIMARY KEY, citizen_idx INTEGER NOT NULL, event_idx INTEGER, measure_decision_id INTEGER, statement TEXT NOT NULL,
          status TEXT NOT NULL, opened_by TEXT NOT NULL, opened_at TEXT NOT NULL, deadline TEXT NOT NULL, operation_id INTEGER) STRICT;`);
      const add = db.prepare('INSERT INTO disputes (id, citizen_idx, event_idx, statement, status, opened_by, opened_at, deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      add.run(71, idx(id), events[0].idx, 'not my debt', 'under_review', 'clerk', '2026-10-20T08:00:00Z', '2026-11-30T08:00:00Z');
      add.run(72, idx(id), events[1].idx, 'paid on time', 'rejected', 'clerk', '2026-09-01T08:00:00Z', '2026-10-01T08:00:00Z');
      add.run(73, idx('C0000006'), otherEvent, 'other person', 'open', 'clerk', '2026-10-21T08:00:00Z', '2026-11-20T08:00:00Z');
      const { text } = await pdfText(renderDisclosure(db, id, { generatedBy: OFFICIAL, now: NOW }), 'store-disputes');
      expect(text).toContain(`Dispute Opened About Status Answer due by 71 2026-10-20 record ${events[0].event_id} under review 2026-11-30`);
      expect(text).not.toContain(`record ${events[1].event_id}`);
      expect(text).not.toContain('2026-11-20');
      expect(text).not.toContain('No open disputes');
    } finally {
      db.close();
    }
  });

  it('reads a disputes table of another shape by its citizen id column, and dates the answer from the opening', async () => {
    const db = copy();
    try {
      const id = 'C0000005';
      db.exec(`DROP TABLE IF EXISTS dispute_history; DROP TABLE IF EXISTS disputes;
        CREATE TABLE disputes (id TEXT PRIMARY KEY, citizen_id TEXT NOT NULL, event_id TEXT, status TEXT NOT NULL, opened_at TEXT NOT NULL) STRICT;`);
      const add = db.prepare('INSERT INTO disputes VALUES (?, ?, ?, ?, ?)');
      add.run('D-OPEN', id, 'E000000042', 'open', '2026-10-20T08:00:00Z');
      add.run('D-CLOSED', id, 'E000000043', 'resolved', '2026-09-01T08:00:00Z');
      add.run('D-OTHER', 'C0000006', 'E000000099', 'open', '2026-10-21T08:00:00Z');
      const { text } = await pdfText(renderDisclosure(db, id, { generatedBy: OFFICIAL, now: NOW }), 'disputes');
      expect(text).toContain(`D-OPEN 2026-10-20 record E000000042 open 2026-11-19`);
      expect(text).not.toContain('D-CLOSED');
      expect(text).not.toContain('D-OTHER');
    } finally {
      db.close();
    }
  });

  it('does not claim "no open disputes" when a disputes table exists but cannot be read per citizen', async () => {
    const db = copy();
    try {
      db.exec('DROP TABLE IF EXISTS dispute_history; DROP TABLE IF EXISTS disputes; CREATE TABLE disputes (id INTEGER PRIMARY KEY, about TEXT) STRICT;');
      const { text } = await pdfText(renderDisclosure(db, 'C0000005', { generatedBy: OFFICIAL, now: NOW }), 'disputes-unknown');
      expect(text).not.toContain('No open disputes');
      expect(text).toContain('The status of your disputes could not be read');
    } finally {
      db.close();
    }
  });

  it('promises the answer deadline the console is set to, where it has the setting', async () => {
    const db = copy();
    try {
      db.exec("CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT; INSERT OR REPLACE INTO settings (key, value) VALUES ('dispute_deadline_days', '20');");
      const { text } = await pdfText(renderDisclosure(db, 'C0000005', { generatedBy: OFFICIAL, now: NOW }), 'deadline-20');
      expect(text).toContain('written answer within 20 days');
      expect(text).not.toContain(`within ${CONTEST_ANSWER_DAYS} days`);
    } finally {
      db.close();
    }
  });
});

describe('printable', () => {
  it('keeps Windows-1252 text, drops accents the fonts lack, and marks what it cannot print', () => {
    expect(printable('Müller – “Ærø” €5')).toEqual({ text: 'Müller – “Ærø” €5', changed: false });
    expect(printable('Zhāng Wěi')).toEqual({ text: 'Zhang Wei', changed: true });
    expect(printable('张伟')).toEqual({ text: '??', changed: true });
  });
});

describe('credence disclose', () => {
  useCliIdentity();

  it('writes the PDF, and rejects an unknown citizen with exit 1', async () => {
    const dbFile = join(work.dir, `cli-${++copies}.sqlite`);
    openCopy(template, dbFile).close();
    await seedCliAccount(dbFile);
    const out = join(work.dir, 'cli.pdf');
    const ok = await runCli('disclose', 'C0000007', '--db', dbFile, '--out', out);
    expect(ok, ok.stderr).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain(`written to ${out}`);
    expect((await pdfText(readFileSync(out), 'cli-read')).text).toContain(`by ${CLI_USER}`);
    const missing = await runCli('disclose', 'C9999999', '--db', dbFile, '--out', join(work.dir, 'none.pdf'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no citizen with id 'C9999999'");
    expect(existsSync(join(work.dir, 'none.pdf'))).toBe(false);
  });
});
