/**
 * The anchors the headline figures are measured against, in the same run on
 * the same machine (issue 11): a raw better-sqlite3 insert of the rows an
 * import wrote, and a raw scan of the events a recompute reads.
 *
 * Raw insert: the same rows (citizens, friendships, events), read back from
 * the imported database (untimed), inserted into tables of the same columns,
 * keys and indexes (no triggers, no chain, no full-text index) of a fresh
 * file with the same pragmas, one prepared statement per table, one row per
 * call, one transaction, commit included. Only the inserts and the commit
 * are timed.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { rmSync } from 'node:fs';
import type { Db } from '../../electron/db/connection.js';

const PAGE = 50_000;

const SCHEMA = `
  CREATE TABLE citizens (idx INTEGER PRIMARY KEY, citizen_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, district TEXT NOT NULL, birth_date TEXT) STRICT;
  CREATE INDEX citizens_by_district ON citizens(district);
  CREATE TABLE relationships (a INTEGER NOT NULL, b INTEGER NOT NULL, since TEXT NOT NULL, until TEXT, PRIMARY KEY (a, b)) STRICT, WITHOUT ROWID;
  CREATE INDEX relationships_by_b ON relationships(b, a);
  CREATE TABLE events (idx INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, citizen_idx INTEGER NOT NULL, kind TEXT NOT NULL, occurred_at TEXT NOT NULL,
    occurred_ms INTEGER NOT NULL, data TEXT NOT NULL, operation_id INTEGER NOT NULL, retracted_by INTEGER) STRICT;
  CREATE INDEX events_by_citizen ON events(citizen_idx, occurred_ms);
`;

interface Table {
  name: string;
  columns: string[];
  /** Keyset paging over the source: the key columns, in order. */
  key: string[];
}

const TABLES: Table[] = [
  { name: 'citizens', columns: ['idx', 'citizen_id', 'name', 'district', 'birth_date'], key: ['idx'] },
  { name: 'relationships', columns: ['a', 'b', 'since', 'until'], key: ['a', 'b'] },
  { name: 'events', columns: ['idx', 'event_id', 'citizen_idx', 'kind', 'occurred_at', 'occurred_ms', 'data', 'operation_id'], key: ['idx'] },
];

export interface RawInsert {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

/** Insert the rows of `source`'s citizens, relationships and events into a fresh file with a raw prepared statement per table. */
export function rawInsert(source: Db, file: string, minOperation = 0): RawInsert {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('cache_size = -262144');
  raw.pragma('temp_store = MEMORY');
  raw.exec(SCHEMA);
  let rows = 0;
  let ms = 0;
  raw.exec('BEGIN');
  for (const t of TABLES) {
    const insert = raw.prepare(`INSERT INTO ${t.name} (${t.columns.join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`);
    const keyTuple = `(${t.key.join(', ')})`;
    const filter = t.name === 'events' ? `AND operation_id >= ${minOperation}` : '';
    const first = source.prepare(`SELECT ${t.columns.join(', ')} FROM ${t.name} WHERE 1 ${filter} ORDER BY ${t.key.join(', ')} LIMIT ${PAGE}`).raw(true);
    const next = source
      .prepare(`SELECT ${t.columns.join(', ')} FROM ${t.name} WHERE ${keyTuple} > (${t.key.map(() => '?').join(', ')}) ${filter} ORDER BY ${t.key.join(', ')} LIMIT ${PAGE}`)
      .raw(true);
    const keyAt = t.key.map((k) => t.columns.indexOf(k));
    let page = first.all() as unknown[][];
    while (page.length > 0) {
      const start = performance.now();
      for (const r of page) insert.run(r);
      ms += performance.now() - start;
      rows += page.length;
      const last = page[page.length - 1];
      page = next.all(...keyAt.map((i) => last[i])) as unknown[][];
    }
  }
  const start = performance.now();
  raw.exec('COMMIT');
  ms += performance.now() - start;
  raw.close();
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  return { rows, seconds: ms / 1000, rowsPerSecond: rows / (ms / 1000) };
}

/** Read every column of every event row, as objects (better-sqlite3's plain iterate). */
export function rawScan(db: Db): { rows: number; seconds: number } {
  const start = performance.now();
  let rows = 0;
  for (const row of db.prepare('SELECT * FROM events').iterate()) if (row) rows++;
  return { rows, seconds: (performance.now() - start) / 1000 };
}
