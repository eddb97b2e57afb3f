/**
 * Chain seals of events (electron/db/chainSeals.ts, sealCheck.ts): an import chains its
 * events in seals of contiguous indexes, one chain entry per seal. The
 * verifier treats a seal's entry as the insert of every event it covers and
 * rebuilds its digest from the events, so an insider who edits, removes,
 * adds, reorders or re-seals events behind the triggers' back is found, and
 * the changes the console makes after an import (a retraction, a purge under
 * records_expired, a new event taking a freed index) are not flagged.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import type { Db } from '../../../electron/db/connection.js';
import { ChainSealer, SEAL_ROWS, sealDigest } from '../../../electron/db/chainSeals.js';
import { eventsWorld, removeTempDirs } from '../helpers/importFixtures.js';
import { EVENT_COLUMNS } from '../../../electron/services/eventBatch.js';

afterEach(removeTempDirs);

const COLUMNS = EVENT_COLUMNS;

function row(idx: number) {
  return { idx, event_id: `E${idx}`, citizen_idx: 1, kind: 'k', occurred_at: '2026-01-01T00:00:00Z', occurred_ms: 1767225600000 + idx, data: `{"n":${idx},"note":"红 \\"${idx}\\""}`, operation_id: 1 };
}

/** Writes events with these indexes (increasing) and seals them, in one transaction, as an import does. */
function sealEvents(db: Db, indexes: readonly number[], byRuns = false): number {
  const insert = db.prepare(`INSERT INTO events (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`);
  let sealed = 0;
  db.transaction(() => {
    const sealer = new ChainSealer(db, 'events', 1, COLUMNS);
    if (byRuns) {
      const flat: number[] = [];
      const contents: string[] = [];
      for (const idx of indexes) {
        insert.run(row(idx));
        flat.push(idx, 0);
        contents.push(contentHashOf(db, idx));
      }
      sealer.addRun(flat, 2, contents);
    } else {
      for (const idx of indexes) {
        insert.run(row(idx));
        sealer.add(idx, row(idx));
      }
    }
    sealer.finish();
    sealed = sealer.sealed;
  }).immediate();
  return sealed;
}

/** An event's content hash as the chain's SQL computes it (contentExpr). */
function contentHashOf(db: Db, idx: number): string {
  return db.prepare("SELECT credence_sha256(json_patch('{}', json_object('idx', idx, 'event_id', event_id, 'citizen_idx', citizen_idx, 'kind', kind, 'occurred_at', occurred_at, 'occurred_ms', occurred_ms, 'data', data, 'operation_id', operation_id))) FROM events WHERE idx = ?").pluck().get(idx) as string;
}

function problems(db: Db) {
  return verifyIntegrity(db, { skipScores: true }).problems.map((p) => `${p.where} ${p.at ?? '-'}: ${p.message}`);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const brokenSeal = (id: number, first: number, last: number, table = 'events') => `chain_seals ${id}: seal ${id} (${table} rows ${first} to ${last}): the rows differ from what was sealed (a row edited, added, removed or reordered)`;

describe('chain seals of events', () => {
  it('seal runs of at most SEAL_ROWS contiguous events, one chain entry each, whose digest is the content hashes in order', () => {
    const db = eventsWorld();
    const indexes = [...range(1, SEAL_ROWS + 10), ...range(SEAL_ROWS + 12, SEAL_ROWS + 20)];
    expect(sealEvents(db, indexes)).toBe(3);
    expect(db.prepare('SELECT id, first_row AS first, last_row AS last FROM chain_seals ORDER BY id').all()).toEqual([
      { id: 1, first: 1, last: SEAL_ROWS },
      { id: 2, first: SEAL_ROWS + 1, last: SEAL_ROWS + 10 },
      { id: 3, first: SEAL_ROWS + 12, last: SEAL_ROWS + 20 },
    ]);
    expect(db.prepare("SELECT tbl, count(*) AS n FROM chain WHERE tbl IN ('events', 'chain_seals') GROUP BY tbl").all()).toEqual([{ tbl: 'chain_seals', n: 3 }]);
    const second = range(SEAL_ROWS + 1, SEAL_ROWS + 10).map((i) => contentHashOf(db, i));
    expect(db.prepare('SELECT digest FROM chain_seals WHERE id = 2').pluck().get()).toBe(sealDigest(second));
    expect(problems(db)).toEqual([]);
  });

  it('refuse events out of index order, and run only inside a transaction', () => {
    const db = eventsWorld();
    expect(() => new ChainSealer(db, 'events', 1, COLUMNS)).toThrow(/inside the write transaction/);
    db.exec('BEGIN');
    const sealer = new ChainSealer(db, 'events', 1, COLUMNS);
    sealer.add(5, row(5));
    expect(() => sealer.add(5, row(5))).toThrow(/events row 5 is sealed after row 5/);
    expect(() => sealer.add(3, row(3))).toThrow(/in order/);
    db.exec('ROLLBACK');
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'chain_events_insert'").pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM chain_seals').pluck().get()).toBe(0);
  });

  it('by runs, give the seals event by event gives, at every run and seal boundary', () => {
    fc.assert(
      fc.property(
        // Lengths of runs of contiguous indexes and the gaps between them, around the seal size.
        fc.array(fc.tuple(fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom(SEAL_ROWS - 1, SEAL_ROWS, SEAL_ROWS + 1)), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 4 }),
        (runs) => {
          const indexes: number[] = [];
          let next = 1;
          for (const [length, gap] of runs) {
            for (let i = 0; i < length; i++) indexes.push(next++);
            next += gap;
          }
          const one = eventsWorld();
          const many = eventsWorld();
          sealEvents(one, indexes);
          sealEvents(many, indexes, true);
          const seals = (db: Db) => db.prepare('SELECT * FROM chain_seals ORDER BY id').raw(true).all();
          expect(seals(many)).toEqual(seals(one));
          for (const s of seals(one) as [number, string, number, number, number, string][]) expect(s[4] - s[3] + 1).toBeLessThanOrEqual(SEAL_ROWS);
          expect(problems(many)).toEqual([]);
          one.close();
          many.close();
        },
      ),
      { numRuns: 12 },
    );
  });

  describe('an insider behind the triggers', () => {
    function sealed(): Db {
      const db = eventsWorld();
      sealEvents(db, range(1, 100));
      sealEvents(db, range(101, 110));
      expect(problems(db)).toEqual([]);
      return db;
    }
    const dropTriggers = (db: Db) => db.exec('DROP TRIGGER chain_events_insert; DROP TRIGGER chain_events_update; DROP TRIGGER chain_events_delete; DROP TRIGGER chain_chain_seals_insert; DROP TRIGGER chain_chain_seals_update; DROP TRIGGER chain_chain_seals_delete; DROP TRIGGER chain_seals_no_update; DROP TRIGGER chain_seals_no_delete;');
    const missingTriggers = (p: string[]) => p.filter((x) => !x.includes('is missing: rows written without it'));

    it('who edits an event breaks its seal', () => {
      const db = sealed();
      dropTriggers(db);
      db.prepare('UPDATE events SET data = ? WHERE idx = 42').run('{"n":4200}');
      expect(missingTriggers(problems(db))).toEqual([brokenSeal(1, 1, 100)]);
    });

    it('who deletes an event without a trace breaks its seal', () => {
      const db = sealed();
      dropTriggers(db);
      db.prepare('DELETE FROM events WHERE idx = 50').run();
      expect(missingTriggers(problems(db))).toEqual(['events 50: row 50 is in the chain but missing from the table (deleted without a trace)', brokenSeal(1, 1, 100)]);
    });

    it('who swaps two events breaks their seal', () => {
      const db = sealed();
      dropTriggers(db);
      db.exec("UPDATE events SET idx = -1 WHERE idx = 7; UPDATE events SET idx = 7 WHERE idx = 8; UPDATE events SET idx = 8 WHERE idx = -1;");
      expect(missingTriggers(problems(db))).toEqual([brokenSeal(1, 1, 100)]);
    });

    it('who adds an event after a seal leaves it unchained; who stretches the seal to cover it edits the seal', () => {
      const db = sealed();
      dropTriggers(db);
      db.prepare(`INSERT INTO events (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`).run(row(111));
      expect(missingTriggers(problems(db))).toEqual(['events 111: row 111 has no chain entry (written while the chain trigger was off)']);
      db.prepare('UPDATE chain_seals SET last_row = 111 WHERE id = 2').run();
      expect(missingTriggers(problems(db))).toEqual([brokenSeal(2, 101, 111), 'chain_seals 2: row 2 differs from what the chain recorded (edited)']);
      // Even with the digest recomputed over the 11 events, the seal row is not what the chain recorded.
      db.prepare('UPDATE chain_seals SET digest = ? WHERE id = 2').run(sealDigest(range(101, 111).map((i) => contentHashOf(db, i))));
      expect(missingTriggers(problems(db))).toEqual(['chain_seals 2: row 2 differs from what the chain recorded (edited)']);
    });

    it('who forges a seal without its chain entry seals nothing', () => {
      const db = sealed();
      dropTriggers(db);
      db.prepare(`INSERT INTO events (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`).run(row(111));
      db.prepare("INSERT INTO chain_seals (tbl, operation_id, first_row, last_row, digest) VALUES ('events', 1, 111, 111, ?)").run(sealDigest([contentHashOf(db, 111)]));
      expect(missingTriggers(problems(db))).toEqual(['events 111: row 111 has no chain entry (written while the chain trigger was off)', 'chain_seals 3: row 3 has no chain entry (written while the chain trigger was off)']);
    });

    it('who removes a seal leaves its events unchained', () => {
      const db = sealed();
      dropTriggers(db);
      db.prepare('DELETE FROM chain_seals WHERE id = 2').run();
      const found = missingTriggers(problems(db));
      expect(found).toContain('chain_seals 2: row 2 is in the chain but missing from the table (deleted without a trace)');
      expect(found).toContain('events 101: row 101 has no chain entry (written while the chain trigger was off)');
      expect(found.filter((p) => p.startsWith('events ')).length).toBe(10);
    });

    it('who seals sealed events again, through the chain, inserts them twice', () => {
      const db = sealed();
      db.prepare("INSERT INTO chain_seals (tbl, operation_id, first_row, last_row, digest) VALUES ('events', 1, 110, 110, ?)").run(sealDigest([contentHashOf(db, 110)]));
      // The first seal can no longer vouch for the row's content alone.
      expect(problems(db)).toEqual([expect.stringMatching(/^events 110: chain entry \d+ inserts row 110 again while it exists$/), brokenSeal(2, 101, 110)]);
    });

    it('who deletes sealed events through the triggers without a records_expired operation is named, the seal stays whole', () => {
      const db = sealed();
      db.prepare('DELETE FROM events WHERE idx = 60').run();
      expect(problems(db)).toEqual([expect.stringMatching(/^events 60: chain entry \d+: event 60 deleted without a records_expired operation before it$/)]);
    });
  });

  it('a retraction, a purge under records_expired and a new event taking a freed index leave the chain whole', () => {
    const db = eventsWorld();
    sealEvents(db, range(1, 30));
    db.exec(`
      INSERT INTO operations (kind, actor, at, reason, details) VALUES ('event_retracted', 'li', '2026-11-02T00:00:00Z', 'wrong person', '{"event_id":"E5"}');
      UPDATE events SET retracted_by = 2 WHERE idx = 5;
      INSERT INTO operations (kind, actor, at, reason, details) VALUES ('records_expired', 'system', '2026-11-03T00:00:00Z', 'retention', '{"events_deleted":3}');
      DELETE FROM events WHERE idx IN (5, 29, 30);
    `);
    expect(problems(db)).toEqual([]);
    // Index 29 is free again: an event recorded one at a time takes it, chained by the trigger.
    db.prepare("INSERT INTO events (event_id, citizen_idx, kind, occurred_at, occurred_ms, data, operation_id) VALUES ('later', 1, 'k', '2026-11-04T00:00:00Z', 0, '{}', 1)").run();
    expect(db.prepare("SELECT idx FROM events WHERE event_id = 'later'").pluck().get()).toBe(29);
    expect(problems(db)).toEqual([]);
    // And an import after it seals from 30 on, over the index the purge freed.
    sealEvents(db, range(30, 31));
    expect(problems(db)).toEqual([]);
  });
});
