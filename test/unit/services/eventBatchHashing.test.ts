/**
 * The events worker hashes a chunk's chain contents only while the writing
 * thread has batches queued; otherwise it sends the chunk unhashed and the
 * writing thread hashes it (eventWorker.ts HASH_FROM_QUEUED). Whichever
 * thread hashed which chunk, the events, their seals and the chain are the
 * same, and a chunk whose hashes are wrong gives seals the verifier refuses.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../electron/db/chain.js';
import { chainedColumns } from '../../../electron/db/chainContent.js';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import type { Db } from '../../../electron/db/connection.js';
import { EVENT_COLUMNS, EVENT_VALUES, EventBatchWriter, eventContentText, ROWS_PER_STATEMENT, type EventChunk } from '../../../electron/services/eventBatch.js';
import { NO_CLOCK } from '../../../electron/services/phaseClock.js';
import { openTempDb, removeTempDirs } from '../helpers/importFixtures.js';

afterEach(removeTempDirs);

function world(): Db {
  const { db } = openTempDb();
  db.exec(`
    INSERT INTO event_kinds (kind, fields) VALUES ('k', '{}');
    INSERT INTO citizens (citizen_id, name, district) VALUES ('C1', 'A', 'D'), ('C2', 'B', 'D');
    INSERT INTO operations (kind, actor, at, reason, details) VALUES ('events_imported', 'tester', '2026-11-01T00:00:00Z', 'test', '{}');
  `);
  return db;
}

/** `rows` events in chunks of ROWS_PER_STATEMENT, hashed by the worker where `hashed(k)` says so for chunk k. */
function chunksOf(db: Db, rows: number, hashed: (k: number) => boolean): EventChunk[] {
  const text = eventContentText(chainedColumns(db, 'events', EVENT_COLUMNS).columns);
  const chunks: EventChunk[] = [];
  for (let from = 0, k = 0; from < rows; from += ROWS_PER_STATEMENT, k++) {
    const c: EventChunk = { lines: [], events: [], contents: hashed(k) ? [] : null, contributions: [], contributionCounts: [] };
    for (let i = from; i < Math.min(rows, from + ROWS_PER_STATEMENT); i++) {
      // Plain ids and data that needs escapes, so both ways of building the content text are taken.
      const e = { id: `E${i}`, citizenIdx: 1 + (i % 2), kind: 'k', at: '2026-01-01T00:00:00Z', ms: 1767225600000 + i, json: i % 5 === 0 ? `{"note":"\\"${i}\\" 中"}` : `{"n":${i}}` };
      c.lines.push(i + 2);
      c.events.push(i + 1, e.id, e.citizenIdx, e.kind, e.at, e.ms, e.json, 1);
      c.contents?.push(sha256Hex(text(e, i + 1, 1)));
      c.contributionCounts.push(0);
    }
    chunks.push(c);
  }
  return chunks;
}

/** Writes the chunks in one transaction and gives the events, seals and chain it left; rolled back. */
function written(db: Db, chunks: EventChunk[]): { rows: unknown; problems: string[] } {
  let out: { rows: unknown; problems: string[] } | undefined;
  db.exec('BEGIN IMMEDIATE');
  try {
    const writer = new EventBatchWriter(db, 1, { problem: () => {}, added: () => {}, addedEvaluated: () => {}, unchanged: () => {} }, NO_CLOCK);
    writer.chunks([], chunks);
    writer.finish();
    out = {
      rows: {
        events: db.prepare('SELECT * FROM events ORDER BY idx').raw(true).all(),
        seals: db.prepare('SELECT * FROM chain_seals ORDER BY id').raw(true).all(),
        chain: db.prepare('SELECT * FROM chain ORDER BY seq').raw(true).all(),
      },
      problems: verifyIntegrity(db, { skipScores: true }).problems.map((p) => `${p.where}: ${p.message}`),
    };
  } finally {
    db.exec('ROLLBACK');
  }
  return out;
}

describe('chain contents hashed by the worker or by the writing thread', () => {
  it('give the same events, seals and chain, whichever thread hashed which chunk', () => {
    const db = world();
    const rows = 5000; // two seals, 40 chunks
    const byWorker = written(db, chunksOf(db, rows, () => true));
    expect(byWorker.problems).toEqual([]);
    expect((byWorker.rows as { seals: unknown[] }).seals).toHaveLength(2);
    expect(written(db, chunksOf(db, rows, () => false))).toEqual(byWorker);
    expect(written(db, chunksOf(db, rows, (k) => k % 3 === 1))).toEqual(byWorker);
  });

  it('a chunk whose hashes are not its rows gives a seal the verifier refuses', () => {
    const db = world();
    const chunks = chunksOf(db, 300, () => true);
    chunks[1].contents![5] = sha256Hex('something else');
    expect(chunks[1].events.length).toBe(ROWS_PER_STATEMENT * EVENT_VALUES);
    expect(written(db, chunks).problems).toEqual(['chain_seals: seal 1 (events rows 1 to 300): the rows differ from what was sealed (a row edited, added, removed or reordered)']);
  });
});
