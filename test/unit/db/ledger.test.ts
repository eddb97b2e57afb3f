/**
 * The hash-chained ledger (SCORING_MODEL §6) on a real scored population:
 * the chain verifies when untouched, the triggers refuse edits through SQL,
 * and every edit someone with raw file access could make is caught by the
 * verifier at the entry where it was made (or by a checkpoint).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { GENESIS_HASH, ledgerHead, verifyLedger, type Checkpoint, type LedgerRow } from '../../../electron/db/ledger.js';
import { recomputeScores } from '../../../electron/services/rulesets.js';
import { buildDemoDatabase, openCopy } from '../helpers/demoDatabase.js';
import { tempDir } from '../helpers/tempDirs.js';
import { dropImmutabilityTriggers, flipHexChar, ledgerRow, rehashChainFrom, swapEntries } from '../helpers/ledgerAttacker.js';

const CITIZENS = 300;
const PUBLISH_OP = 2;
const EXPIRY_OP = 3;

let workDir: { dir: string; cleanup: () => void };
let template: string;
/** Facts about the untouched template chain. */
let total: number;
let firstExpirySeq: number;
let lastExpirySeq: number;

beforeAll(async () => {
  workDir = tempDir('ledger');
  template = join(workDir.dir, 'template.sqlite');
  const db = await buildDemoDatabase(template, { citizens: CITIZENS, seed: 7, asOf: '2026-11-01T00:00:00Z' });
  try {
    // A second operation, so entries belong to more than one operation: bills age out of their 1-year window.
    const r = recomputeScores(db, { asOf: '2027-03-01T00:00:00Z', actor: 'test', reason: 'four months later' });
    expect(r.operationId).toBe(EXPIRY_OP);
    total = db.prepare('SELECT count(*) FROM ledger').pluck().get() as number;
    const span = db.prepare('SELECT min(seq) AS lo, max(seq) AS hi FROM ledger WHERE operation_id = ?').get(EXPIRY_OP) as { lo: number; hi: number };
    firstExpirySeq = span.lo;
    lastExpirySeq = span.hi;
  } finally {
    db.close();
  }
  // The tests below need both operations to own several entries.
  expect(firstExpirySeq).toBe(CITIZENS + 1);
  expect(lastExpirySeq - firstExpirySeq).toBeGreaterThan(10);
});

afterAll(() => workDir?.cleanup());

const opened: Db[] = [];
let copies = 0;
/** A private copy of the template database for one test. */
function freshCopy(): Db {
  const db = openCopy(template, join(workDir.dir, `copy-${++copies}.sqlite`));
  opened.push(db);
  return db;
}
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
});

function checkpointOf(db: Db): Checkpoint {
  const head = ledgerHead(db);
  return { count: head.count, head: head.head, at: '2026-11-02T00:00:00.000Z' };
}

function expectBrokenAt(db: Db, seq: number, checkpoint?: Checkpoint): string {
  const result = verifyLedger(db, checkpoint);
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.firstBroken).toBe(seq);
  expect(result.message).toMatch(new RegExp(`^entry ${seq}:`));
  return result.message;
}

describe('an untouched ledger', () => {
  it('verifies, ending in the head hash that ledgerHead reports', () => {
    const db = freshCopy();
    const result = verifyLedger(db);
    expect(result).toEqual({ ok: true, count: total, head: ledgerHead(db).head });
    expect(ledgerHead(db)).toMatchObject({ count: total, lastSeq: total });
  });

  it('starts from the genesis hash and links every entry to the one before', () => {
    const db = freshCopy();
    const rows = db.prepare('SELECT seq, prev_hash, hash FROM ledger ORDER BY seq').all() as Pick<LedgerRow, 'seq' | 'prev_hash' | 'hash'>[];
    expect(rows[0]).toMatchObject({ seq: 1, prev_hash: GENESIS_HASH });
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i].seq).toBe(i + 1);
      expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    }
    for (const r of rows) expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('holds one initial entry per citizen from the publish, with no old score', () => {
    const db = freshCopy();
    const initial = db.prepare('SELECT count(*) AS n, count(DISTINCT citizen_id) AS people, count(old_score) AS withOld FROM ledger WHERE operation_id = ?').get(PUBLISH_OP);
    expect(initial).toEqual({ n: CITIZENS, people: CITIZENS, withOld: 0 });
  });

  it("replays to the stored scores: each citizen's last new_score is the current score", () => {
    const db = freshCopy();
    const mismatches = db
      .prepare(
        `SELECT c.citizen_id, s.cents, l.new_score, l.new_tier, s.tier FROM scores s JOIN citizens c ON c.idx = s.citizen_idx
         LEFT JOIN ledger l ON l.seq = (SELECT max(seq) FROM ledger WHERE citizen_id = c.citizen_id)
         WHERE l.new_score IS NOT s.cents OR l.new_tier IS NOT s.tier`,
      )
      .all();
    expect(mismatches).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM scores').pluck().get()).toBe(CITIZENS);
  });
});

describe('the append-only triggers', () => {
  it('refuse an UPDATE of a ledger entry and leave it unchanged', () => {
    const db = freshCopy();
    const before = ledgerRow(db, 10);
    expect(() => db.prepare('UPDATE ledger SET new_score = new_score + 1 WHERE seq = 10').run()).toThrow(/append-only/);
    expect(ledgerRow(db, 10)).toEqual(before);
  });

  it('refuse a DELETE of a ledger entry', () => {
    const db = freshCopy();
    expect(() => db.prepare('DELETE FROM ledger WHERE seq = ?').run(total)).toThrow(/append-only/);
    expect(db.prepare('SELECT count(*) FROM ledger').pluck().get()).toBe(total);
  });

  it('refuse an UPDATE of an operation', () => {
    const db = freshCopy();
    expect(() => db.prepare("UPDATE operations SET reason = 'nothing to see' WHERE id = ?").run(PUBLISH_OP)).toThrow(/immutable/);
    expect(db.prepare('SELECT reason FROM operations WHERE id = ?').pluck().get(PUBLISH_OP)).toBe('default ruleset for tests');
  });

  it('refuse a DELETE of an operation', () => {
    const db = freshCopy();
    db.pragma('foreign_keys = OFF'); // the trigger, not the foreign key, must be what refuses
    expect(() => db.prepare('DELETE FROM operations WHERE id = ?').run(EXPIRY_OP)).toThrow(/immutable/);
    expect(db.prepare('SELECT count(*) FROM operations').pluck().get()).toBe(3);
  });

  it('refuse an INSERT OR REPLACE that overwrites an existing ledger entry', () => {
    const db = freshCopy();
    const row = ledgerRow(db, 5);
    const replace = db.prepare(
      `INSERT OR REPLACE INTO ledger (seq, citizen_id, operation_id, old_score, new_score, old_tier, new_tier, ruleset_version, cause, cause_friends, prev_hash, hash)
       VALUES (@seq, @citizen_id, @operation_id, @old_score, @new_score, @old_tier, @new_tier, @ruleset_version, @cause, @cause_friends, @prev_hash, @hash)`,
    );
    expect(() => replace.run({ ...row, new_score: (row.new_score ?? 0) + 10_000 })).toThrow(/append-only/);
    expect(ledgerRow(db, 5)).toEqual(row);
  });

  it('refuse an INSERT OR REPLACE that overwrites an existing operation', () => {
    const db = freshCopy();
    const op = db.prepare('SELECT * FROM operations WHERE id = ?').get(PUBLISH_OP) as Record<string, unknown>;
    const replace = db.prepare('INSERT OR REPLACE INTO operations (id, kind, actor, at, reason, details) VALUES (@id, @kind, @actor, @at, @reason, @details)');
    expect(() => replace.run({ ...op, reason: 'rewritten' })).toThrow(/immutable/);
    expect(db.prepare('SELECT reason FROM operations WHERE id = ?').pluck().get(PUBLISH_OP)).toBe('default ruleset for tests');
  });
});

describe('tampering with raw file access (triggers dropped)', () => {
  type Edit = { what: string; seq: () => number; edit: (db: Db, seq: number) => void };
  const sql = (set: string) => (db: Db, seq: number) => {
    expect(db.prepare(`UPDATE ledger SET ${set} WHERE seq = ?`).run(seq).changes).toBe(1);
  };
  const middle = () => firstExpirySeq + 3;
  const edits: Edit[] = [
    { what: 'new_score + 1 cent', seq: middle, edit: sql('new_score = new_score + 1') },
    { what: 'old_score + 1 cent', seq: middle, edit: sql('old_score = old_score + 1') },
    { what: 'old_score null -> 0 on an initial entry', seq: () => 17, edit: sql('old_score = 0') },
    { what: 'old_tier null -> D on an initial entry', seq: () => 17, edit: sql("old_tier = 'D'") },
    { what: 'new_tier', seq: middle, edit: sql("new_tier = CASE new_tier WHEN 'D' THEN 'C' ELSE 'D' END") },
    { what: 'citizen_id', seq: middle, edit: sql("citizen_id = 'C9999999'") },
    { what: 'operation_id (to another real operation)', seq: middle, edit: sql(`operation_id = ${PUBLISH_OP}`) },
    { what: 'ruleset_version', seq: middle, edit: sql('ruleset_version = ruleset_version + 1') },
    { what: 'cause', seq: middle, edit: sql("cause = CASE cause WHEN 'own' THEN 'friends' ELSE 'own' END") },
    { what: 'cause_friends', seq: middle, edit: sql(`cause_friends = CASE cause_friends WHEN '[]' THEN '["C0000001"]' ELSE '[]' END`) },
    { what: 'one character of hash', seq: middle, edit: (db, seq) => sql(`hash = '${flipHexChar(ledgerRow(db, seq).hash, 40)}'`)(db, seq) },
    { what: 'one character of prev_hash', seq: middle, edit: (db, seq) => sql(`prev_hash = '${flipHexChar(ledgerRow(db, seq).prev_hash, 0)}'`)(db, seq) },
    { what: 'new_score of the very last entry', seq: () => total, edit: sql('new_score = new_score - 1') },
    { what: 'new_score of the very first entry', seq: () => 1, edit: sql('new_score = new_score + 1') },
  ];

  it.each(edits)('an edit of $what fails verification at that entry', ({ seq, edit }) => {
    const db = freshCopy();
    dropImmutabilityTriggers(db);
    const at = seq();
    edit(db, at);
    expectBrokenAt(db, at);
  });

  it('a one-character edit of the last hash in the file bytes fails verification at that entry', () => {
    const db = freshCopy();
    const file = db.name;
    const last = ledgerRow(db, total);
    db.close(); // checkpoints the WAL into the main file
    const bytes = readFileSync(file);
    const needle = Buffer.from(last.hash, 'ascii');
    const at = bytes.indexOf(needle);
    expect(at).toBeGreaterThan(0);
    expect(bytes.indexOf(needle, at + 1)).toBe(-1); // the head hash is stored once
    Buffer.from(flipHexChar(last.hash, 10), 'ascii').copy(bytes, at);
    writeFileSync(file, bytes);
    const reopened = openDatabase(file);
    opened.push(reopened);
    expectBrokenAt(reopened, total);
  });

  it('deleting an entry fails at the entry after the gap, naming the missing sequence number', () => {
    const db = freshCopy();
    dropImmutabilityTriggers(db);
    db.prepare('DELETE FROM ledger WHERE seq = 120').run();
    expect(expectBrokenAt(db, 121)).toMatch(/expected sequence number 120\b/);
  });

  it('deleting an entry and renumbering the rest fails at the gap', () => {
    const db = freshCopy();
    dropImmutabilityTriggers(db);
    db.prepare('DELETE FROM ledger WHERE seq = 120').run();
    // Shift down in ascending order so the primary key never collides.
    const seqs = db.prepare('SELECT seq FROM ledger WHERE seq > 120 ORDER BY seq').pluck().all() as number[];
    const renumber = db.prepare('UPDATE ledger SET seq = seq - 1 WHERE seq = ?');
    for (const s of seqs) renumber.run(s);
    expectBrokenAt(db, 120);
  });

  it('swapping the contents of two distant entries fails at the earlier one', () => {
    const db = freshCopy();
    dropImmutabilityTriggers(db);
    swapEntries(db, 40, firstExpirySeq + 5);
    expectBrokenAt(db, 40);
  });

  it('swapping the contents of two neighbouring entries fails at the first of them', () => {
    const db = freshCopy();
    dropImmutabilityTriggers(db);
    swapEntries(db, 200, 201);
    expectBrokenAt(db, 200);
  });

  type OpEdit = { field: string; set: string };
  const opEdits: OpEdit[] = [
    { field: 'reason', set: "reason = 'routine maintenance'" },
    { field: 'actor', set: "actor = 'someone-else'" },
    { field: 'at', set: "at = '2027-03-02T00:00:00.000Z'" },
    { field: 'details', set: `details = '{}'` },
    { field: 'kind', set: "kind = 'manual_adjustment'" },
  ];

  it.each(opEdits)("rewriting an operation's $field fails at the first entry of that operation", ({ set }) => {
    const db = freshCopy();
    dropImmutabilityTriggers(db);
    expect(db.prepare(`UPDATE operations SET ${set} WHERE id = ?`).run(EXPIRY_OP).changes).toBe(1);
    expectBrokenAt(db, firstExpirySeq);
  });

  it('rewriting the reason of the publishing operation fails at entry 1', () => {
    const db = freshCopy();
    dropImmutabilityTriggers(db);
    db.prepare("UPDATE operations SET reason = 'approved by the committee' WHERE id = ?").run(PUBLISH_OP);
    expectBrokenAt(db, 1);
  });

  it('deleting an operation that entries refer to fails at its first entry, naming the operation', () => {
    const db = freshCopy();
    dropImmutabilityTriggers(db);
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM operations WHERE id = ?').run(EXPIRY_OP);
    expect(expectBrokenAt(db, firstExpirySeq)).toMatch(new RegExp(`operation ${EXPIRY_OP} is missing`));
  });
});

describe('checkpoints', () => {
  it('truncating the tail after a checkpoint passes plain verification but fails against the checkpoint', () => {
    const db = freshCopy();
    const checkpoint = checkpointOf(db);
    expect(verifyLedger(db, checkpoint).ok).toBe(true);
    dropImmutabilityTriggers(db);
    db.prepare('DELETE FROM ledger WHERE seq > ?').run(total - 7);

    const plain = verifyLedger(db);
    expect(plain).toMatchObject({ ok: true, count: total - 7 });

    const against = verifyLedger(db, checkpoint);
    expect(against.ok).toBe(false);
    if (against.ok) return;
    expect(against.firstBroken).toBe(total - 6);
    expect(against.message).toContain(String(checkpoint.count));
    expect(against.message).toContain(checkpoint.at);
  });

  it('a checkpoint still verifies after legitimate entries are appended', () => {
    const db = freshCopy();
    const checkpoint = checkpointOf(db);
    const r = recomputeScores(db, { asOf: '2027-11-01T00:00:00Z', actor: 'test', reason: 'a year later' });
    expect(r.scoring.ledgerEntries).toBeGreaterThan(0);
    const result = verifyLedger(db, checkpoint);
    expect(result).toMatchObject({ ok: true, count: checkpoint.count + r.scoring.ledgerEntries });
  });

  it('a consistently rehashed rewrite passes plain verification but fails against an earlier checkpoint', () => {
    const db = freshCopy();
    const checkpoint = checkpointOf(db);
    dropImmutabilityTriggers(db);
    db.prepare('UPDATE ledger SET new_score = new_score + 5000 WHERE seq = 42').run();
    expectBrokenAt(db, 42); // before rehashing, the edit shows
    rehashChainFrom(db, 42);

    expect(verifyLedger(db)).toMatchObject({ ok: true, count: total });
    expect(expectBrokenAt(db, checkpoint.count, checkpoint)).toMatch(/checkpoint/);
  });

  it('a rehashed rewrite that also drops the tail fails against the checkpoint', () => {
    const db = freshCopy();
    const checkpoint = checkpointOf(db);
    dropImmutabilityTriggers(db);
    db.prepare('DELETE FROM ledger WHERE seq > ?').run(total - 3);
    db.prepare("UPDATE operations SET reason = 'rewritten' WHERE id = ?").run(EXPIRY_OP);
    rehashChainFrom(db, firstExpirySeq);

    expect(verifyLedger(db)).toMatchObject({ ok: true, count: total - 3 });
    const against = verifyLedger(db, checkpoint);
    expect(against.ok).toBe(false);
  });
});
