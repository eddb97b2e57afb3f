/**
 * A full recompute reads the active friendships and every citizen id as one
 * packed text from SQLite (relationships.ts loadActiveEdges, scoring.ts
 * readCitizenIds) instead of a row at a time. The packed reads must give
 * exactly what reading the rows one by one gives (the same edges in the
 * same order: the order of a citizen's friends is the order of the friend
 * penalty's sum, so of its last bits), whatever the data.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { loadActiveEdges } from '../../../electron/db/relationships.js';
import { readCitizenIds } from '../../../electron/services/scoring.js';

let db: Db;
afterEach(() => db?.close());

function freshDb(): Db {
  db = new Database(':memory:') as unknown as Db;
  db.exec(`
    CREATE TABLE citizens (idx INTEGER PRIMARY KEY, citizen_id TEXT NOT NULL UNIQUE) STRICT;
    CREATE TABLE relationships (a INTEGER NOT NULL, b INTEGER NOT NULL, since TEXT NOT NULL, until TEXT, PRIMARY KEY (a, b)) STRICT, WITHOUT ROWID;
  `);
  return db;
}

const date = fc.integer({ min: 0, max: 40 }).map((d) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));

describe('the packed friendships', () => {
  it('are the active friendships row by row would give, in the same order, for any set of friendships and date', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 3000 }), date, fc.option(date)), { selector: ([a, b]) => `${a} ${b}`, maxLength: 300 }),
        date,
        (rows, on) => {
          const d = freshDb();
          const insert = d.prepare('INSERT INTO relationships (a, b, since, until) VALUES (?, ?, ?, ?)');
          for (const [a, b, since, until] of rows) insert.run(a, b, since, until);
          const expected = d.prepare('SELECT a, b FROM relationships WHERE since <= ? AND (until IS NULL OR ? < until) ORDER BY a, b').raw(true).all(on, on) as [number, number][];
          const got = loadActiveEdges(d, on);
          expect(got.count).toBe(expected.length);
          expect(Array.from(got.a)).toEqual(expected.map(([a]) => a));
          expect(Array.from(got.b)).toEqual(expected.map(([, b]) => b));
          d.close();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the last friendship (the text ends without a separator)', () => {
    const d = freshDb();
    d.exec("INSERT INTO relationships VALUES (1, 2, '2026-01-01', NULL), (1, 3, '2026-01-01', NULL), (7, 9, '2026-01-01', NULL)");
    const got = loadActiveEdges(d, '2026-02-01');
    expect([Array.from(got.a), Array.from(got.b)]).toEqual([[1, 1, 7], [2, 3, 9]]);
  });

});

describe('the packed citizen ids', () => {
  it('are the ids row by row would give, for any ids, including ones with spaces no import writes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), fc.string({ maxLength: 6 }))), { selector: ([i]) => i, maxLength: 60 }),
        (rows) => {
          const d = freshDb();
          const insert = d.prepare('INSERT OR IGNORE INTO citizens (idx, citizen_id) VALUES (?, ?)');
          for (const [i, id] of rows) insert.run(i, id);
          const n = 501;
          const expected = new Array<string | undefined>(n);
          for (const [i, id] of d.prepare('SELECT idx, citizen_id FROM citizens').raw(true).iterate() as IterableIterator<[number, string]>) expected[i] = id;
          expect(readCitizenIds(d, n)).toEqual(expected);
          d.close();
        },
      ),
      { numRuns: 200 },
    );
  });
});
