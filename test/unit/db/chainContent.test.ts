/**
 * Chain content built in JavaScript (electron/db/chainContent.ts) is the
 * text the chain's SQL builds for any row, and the bulk writers that use it
 * (chainSeals.ts) write seals the verifier recomputes, put the trigger back
 * with the same SQL whether the run commits, fails or is cancelled, and an
 * edited row is still found.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ChainSealer } from '../../../electron/db/chainSeals.js';
import { contentExpr, insertTriggerSql } from '../../../electron/db/chain.js';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import type { Db } from '../../../electron/db/connection.js';
import { importFolder } from '../../../electron/services/import.js';
import { CancelledError } from '../../../electron/services/scoring.js';
import { DEFAULT_RULESET, eventsWorld, folder, KINDS_FILE, openTempDb, removeTempDirs } from '../helpers/importFixtures.js';
import { EVENT_COLUMNS } from '../../../electron/services/eventBatch.js';
import { publishRuleset } from '../../../electron/services/rulesets.js';
import { verifyLedger } from '../../../electron/db/ledger.js';
import { readFileSync } from 'node:fs';

afterEach(removeTempDirs);

const EVENTS = { table: 'events', mutable: ['retracted_by'] } as const;
const COLUMNS = EVENT_COLUMNS;

function triggerSql(db: Db): string | undefined {
  return db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'chain_events_insert'").pluck().get() as string | undefined;
}

/** The sealer tests' world, without foreign keys. */
function world(): Db {
  const db = eventsWorld();
  db.pragma('foreign_keys = OFF');
  return db;
}

/** Any text SQLite can store: quotes, backslashes, control characters, non-ASCII, astral characters. */
const text = fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\t', '\u0000', '\u0001', '\u001f', '\u007f', '\u2028', 'é', '中', '😀', 'a', ' ', '/', "'", '<') });

describe('chain content built in JavaScript, and the bulk writers that use it', () => {
  it("builds the content text of any row exactly as the chain's SQL does", () => {
    const db = world();
    const insert = db.prepare('INSERT INTO events (idx, event_id, citizen_idx, kind, occurred_at, occurred_ms, data, operation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const sql = db.prepare(`SELECT ${contentExpr(db, EVENTS, 'x')} FROM events AS x WHERE idx = ?`).pluck();
    let idx = 0;
    fc.assert(
      fc.property(text, text, text, fc.maxSafeInteger(), fc.integer(), (eventId, at, data, ms, citizen) => {
        idx++;
        db.exec('BEGIN');
        try {
          const sealer = new ChainSealer(db, 'events', 1, COLUMNS);
          const values = { idx, event_id: eventId, citizen_idx: citizen, kind: 'k', occurred_at: at, occurred_ms: ms, data, operation_id: 1 };
          insert.run(idx, eventId, citizen, 'k', at, ms, data, 1);
          expect(sealer.contentOf(values)).toBe(sql.get(idx));
          sealer.finish();
        } finally {
          db.exec('ROLLBACK');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses text with a lone surrogate (SQLite cannot store it as it is), wherever it sits, and quotes plain text as JSON does', () => {
    const db = world();
    db.exec('BEGIN');
    const sealer = new ChainSealer(db, 'events', 1, COLUMNS);
    const row = { idx: 1, event_id: 'E1', citizen_idx: 1, kind: 'k', occurred_at: '2026-01-01T00:00:00Z', occurred_ms: 0, data: '{}', operation_id: 1 };
    for (const bad of ['\ud800', 'a\udc00', 'x\ud83dy', '\ude00😀']) {
      expect(() => sealer.contentOf({ ...row, event_id: bad })).toThrow(/lone surrogate/);
      expect(() => sealer.contentOf({ ...row, data: `{"a":"${bad}"}` })).toThrow(/lone surrogate/);
    }
    expect(sealer.contentOf({ ...row, event_id: 'E-1.a:b_😀中' })).toContain('"event_id":"E-1.a:b_😀中"');
    db.exec('ROLLBACK');
  });

  it('a sealer writes seals the verifier recomputes, and puts the trigger back with the same SQL', () => {
    const db = world();
    const before = triggerSql(db);
    db.exec('BEGIN');
    const sealer = new ChainSealer(db, 'events', 1, COLUMNS);
    expect(triggerSql(db)).toBeUndefined();
    const insert = db.prepare('INSERT INTO events (idx, event_id, citizen_idx, kind, occurred_at, occurred_ms, data, operation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (let i = 1; i <= 300; i++) {
      const row = { idx: i, event_id: `E${i}`, citizen_idx: 1, kind: 'k', occurred_at: '2026-01-01T00:00:00Z', occurred_ms: i * 1000, data: `{"note":"\\"${i}\\" 中"}`, operation_id: 1 };
      insert.run(...Object.values(row));
      sealer.add(i, row);
    }
    sealer.finish();
    db.exec('COMMIT');
    expect(triggerSql(db)).toBe(before);
    expect(triggerSql(db)).toBe(insertTriggerSql(db, EVENTS));
    // The trigger chains the next row after the sealed ones.
    db.prepare("INSERT INTO events (event_id, citizen_idx, kind, occurred_at, occurred_ms, data, operation_id) VALUES ('after', 1, 'k', '2026-01-01T00:00:00Z', 0, '{}', 1)").run();
    const report = verifyIntegrity(db);
    expect(report.problems).toEqual([]);
    // The operation, one seal over the 300 events, the row after them.
    expect(report.chain.count).toBe(1 + 1 + 1);
  });

  it('refuses to run outside a transaction, or on a table whose rows it is not given every value of', () => {
    const db = world();
    expect(() => new ChainSealer(db, 'events', 1, COLUMNS)).toThrow(/inside the write transaction/);
    db.exec('BEGIN');
    expect(() => new ChainSealer(db, 'events', 1, COLUMNS.filter((c) => c !== 'data'))).toThrow(/events\.data has a value the writer does not give/);
    expect(() => new ChainSealer(db, 'events', 1, [...COLUMNS, 'retracted_by'])).toThrow(/mutable/);
    expect(() => new ChainSealer(db, 'citizens', 1, ['idx'])).toThrow(/citizens rows are not sealed/);
    db.exec('ROLLBACK');
    expect(triggerSql(db)).toBe(insertTriggerSql(db, EVENTS));
  });

  const files = {
    'event_kinds.json': readFileSync(KINDS_FILE, 'utf8'),
    'citizens.csv': 'citizen_id,name,district,birth_date\nC1,Wang Wei,Yatou,1980-01-01\nC2,Li Na,Yatou,\n',
    'events.csv': [
      'event_id,citizen_id,kind,occurred_at,data',
      ...Array.from({ length: 700 }, (_, i) => `E${i},C${1 + (i % 2)},volunteer_service,2024-05-01T10:00:00Z,"{""hours"":${1 + (i % 9)},""organisation"":""Red Cross 红十字 \\""${i}\\""""}"`),
    ].join('\n'),
  };

  it('an import seals every event it writes; an event edited afterwards breaks its seal, which is named', async () => {
    const { db } = openTempDb();
    const report = await importFolder(db, folder(files), { actor: 'tester' });
    expect(report).toMatchObject({ ok: true, counts: { eventsAdded: 700 } });
    expect(triggerSql(db)).toBe(insertTriggerSql(db, EVENTS));
    // One seal over the 700 events, itself in the chain; no entry per event.
    expect(db.prepare('SELECT tbl, first_row, last_row FROM chain_seals').all()).toEqual([{ tbl: 'events', first_row: 1, last_row: 700 }]);
    expect(db.prepare("SELECT tbl, count(*) AS n FROM chain WHERE tbl IN ('events', 'chain_seals') GROUP BY tbl").all()).toEqual([{ tbl: 'chain_seals', n: 1 }]);
    expect(verifyIntegrity(db).problems).toEqual([]);
    // An insider edits one event's data behind the triggers' back.
    db.exec('DROP TRIGGER chain_events_update');
    db.prepare("UPDATE events SET data = '{\"hours\":99}' WHERE event_id = 'E345'").run();
    expect(verifyIntegrity(db).problems).toEqual([
      expect.objectContaining({ where: 'events', message: 'the chain trigger chain_events_update is missing: rows written without it are not chained' }),
      expect.objectContaining({ where: 'chain_seals', at: '1', message: 'seal 1 (events rows 1 to 700): the rows differ from what was sealed (a row edited, added, removed or reordered)' }),
    ]);
  });

  it('a cancelled or failed import leaves the trigger in place and nothing in the chain', async () => {
    const { db } = openTempDb();
    const sql = triggerSql(db);
    const head = () => db.prepare('SELECT count(*) FROM chain').pluck().get();
    const before = head();
    const controller = new AbortController();
    let reports = 0;
    await expect(
      importFolder(db, folder(files), {
        actor: 'tester',
        signal: controller.signal,
        onProgress: (phase) => {
          // The second report is the first row of events.csv (the first: citizens.csv): the sealer is open.
          if (phase === 'reading files' && ++reports === 2) controller.abort();
        },
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(triggerSql(db)).toBe(sql);
    expect(head()).toBe(before);
    const bad = await importFolder(db, folder({ ...files, 'events.csv': `${files['events.csv']}\nE9999,C404,volunteer_service,2024-05-01T10:00:00Z,{}` }), { actor: 'tester' });
    expect(bad.ok).toBe(false);
    expect(triggerSql(db)).toBe(sql);
    expect(head()).toBe(before);
    expect(verifyIntegrity(db).problems).toEqual([]);
  });

  it('a publish over many citizens seals its ledger entries; an entry edited afterwards is named by the ledger and its seal', async () => {
    const { db } = openTempDb();
    const citizens = Array.from({ length: 150 }, (_, i) => `C${i},Name ${i},Yatou,`).join('\n');
    const report = await importFolder(db, folder({ 'event_kinds.json': files['event_kinds.json'], 'citizens.csv': `citizen_id,name,district,birth_date\n${citizens}\n` }), { actor: 'tester' });
    expect(report.ok).toBe(true);
    const published = publishRuleset(db, DEFAULT_RULESET, { actor: 'tester', reason: 'test', asOf: '2026-11-01T00:00:00Z' });
    expect(published.scoring?.ledgerEntries).toBe(150);
    expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'chain_ledger_insert'").pluck().get()).toBe(insertTriggerSql(db, { table: 'ledger' }));
    expect(verifyIntegrity(db).problems).toEqual([]);
    db.exec('DROP TRIGGER ledger_no_update; DROP TRIGGER chain_ledger_update');
    db.prepare('UPDATE ledger SET new_score = new_score + 1 WHERE seq = 77').run();
    expect(verifyLedger(db)).toMatchObject({ ok: false, firstBroken: 77 });
    expect(db.prepare('SELECT tbl, first_row, last_row FROM chain_seals').all()).toEqual([{ tbl: 'ledger', first_row: 1, last_row: 150 }]);
    expect(verifyIntegrity(db).problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ where: 'ledger', at: '77' }),
        expect.objectContaining({ where: 'chain_seals', at: '1', message: 'seal 1 (ledger rows 1 to 150): the rows differ from what was sealed (a row edited, added, removed or reordered)' }),
      ]),
    );
  });
});
