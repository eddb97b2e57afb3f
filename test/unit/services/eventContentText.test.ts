/**
 * An import's worker writes each event's chain content text in one template
 * (eventContentText) instead of column by column: the text must be the one
 * the chain's SQL builds for the stored row, byte for byte, whatever the
 * values (plain or needing escapes, any data JSON), or the chain breaks.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { chainContentText, type ChainColumn } from '../../../electron/db/chainContent.js';
import { ChainSealer } from '../../../electron/db/chainSeals.js';
import { contentExpr } from '../../../electron/db/chain.js';
import type { Db } from '../../../electron/db/connection.js';
import { EVENT_COLUMNS, eventChainRow, eventContentText } from '../../../electron/services/eventBatch.js';
import type { ValidEvent } from '../../../electron/services/eventRows.js';
import { openTempDb, removeTempDirs } from '../helpers/importFixtures.js';

afterEach(removeTempDirs);

function world(): { db: Db; columns: ChainColumn[] } {
  const { db } = openTempDb();
  db.pragma('foreign_keys = OFF');
  db.exec('BEGIN');
  const columns = new ChainSealer(db, 'events', 1, EVENT_COLUMNS).columns;
  db.exec('ROLLBACK');
  return { db, columns };
}

/** Text with what JSON escapes, non-ASCII and astral characters, and the characters of plain ids and instants. */
const text = fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\t', '\u0000', '\u001f', '\u2028', 'é', '中', '😀', 'a', 'Z', '0', '9', '_', '.', ':', '+', '-', ' ', '/', "'") });
const plain = fc.stringMatching(/^[\w.:+-]{0,24}$/);
/** Data as checkEventData writes it: JSON.stringify of an object of numbers, text and booleans. */
const data = fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), text, fc.boolean())).map((o) => JSON.stringify(o));

function event(id: string, citizenIdx: number, kind: string, at: string, ms: number, json: string): ValidEvent {
  return { line: 2, id, citizenIdx, kind, at, ms, json, value: {} };
}

describe('the chain content text of an event, written in one template', () => {
  it("is the text the chain's SQL builds for the stored row, for plain values and values that need escapes", () => {
    const { db, columns } = world();
    const texter = eventContentText(columns);
    const insert = db.prepare(`INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    const sql = db.prepare(`SELECT ${contentExpr(db, { table: 'events', mutable: ['retracted_by'] }, 'x')} FROM events AS x WHERE idx = ?`).pluck();
    let idx = 0;
    fc.assert(
      fc.property(fc.oneof(plain, text), fc.oneof(plain, text), fc.oneof(plain, text), fc.maxSafeInteger(), fc.integer(), data, fc.integer({ min: 1 }), (id, kind, at, ms, citizen, json, op) => {
        idx++;
        const e = event(id, citizen, kind, at, ms, json);
        db.exec('BEGIN');
        try {
          insert.run(idx, id, citizen, kind, at, ms, json, op);
          expect(texter(e, idx, op)).toBe(sql.get(idx));
        } finally {
          db.exec('ROLLBACK');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('is the general text for values it does not write itself, and refuses what the general function refuses', () => {
    const { columns } = world();
    const texter = eventContentText(columns);
    const general = (e: ValidEvent, idx: number, op: number) => chainContentText('events', columns, eventChainRow(e, idx, op));
    const e = event('E1', 7, 'bill_payment', '2026-01-01T00:00:00Z', 1767225600000, '{"amount":3,"provider":"中国移动 \\"A\\""}');
    expect(texter(e, 1, 3)).toBe(general(e, 1, 3));
    expect(texter(e, 1, 3)).toBe('{"idx":1,"event_id":"E1","citizen_idx":7,"kind":"bill_payment","occurred_at":"2026-01-01T00:00:00Z","occurred_ms":1767225600000,"data":"{\\"amount\\":3,\\"provider\\":\\"中国移动 \\\\\\"A\\\\\\"\\"}","operation_id":3}');
    expect(texter({ ...e, id: 'E "1"' }, 1, 3)).toBe(general({ ...e, id: 'E "1"' }, 1, 3));
    expect(() => texter({ ...e, id: 'E\ud800' }, 1, 3)).toThrow(/lone surrogate/);
    expect(() => texter({ ...e, ms: 1.5 }, 1, 3)).toThrow(/not a whole number/);
    expect(() => texter(e, 2 ** 60, 3)).toThrow(/not a whole number/);
    // Columns in another order (a table rebuilt by a later migration): the general function writes them.
    const reordered = [...columns].reverse();
    expect(eventContentText(reordered)(e, 1, 3)).toBe(chainContentText('events', reordered, eventChainRow(e, 1, 3)));
    expect(eventContentText(reordered)(e, 1, 3)).not.toBe(texter(e, 1, 3));
  });
});
