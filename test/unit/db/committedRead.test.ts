/**
 * A read shared with a worker (committedRead.ts): the worker, on a second
 * read-only connection, answers with the state the writer's transaction
 * began with, on a plaintext or an encrypted file; the two threads take
 * every chunk exactly once and the values come back in chunk order; it
 * refuses to run outside a transaction; a chunk the worker cannot read is
 * read by the caller; a cancel while waiting stops the worker; no worker is
 * left behind.
 */
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { answeredCommittedReads, runningCommittedReads, startCommittedRead, type Params } from '../../../electron/db/committedRead.js';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { tempDir } from '../helpers/tempDirs.js';

const work = tempDir('committed-read');
afterAll(() => work.cleanup());
const open: Db[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

let files = 0;
function database(key?: { passphrase: string }): Db {
  const db = openDatabase(join(work.dir, `db-${++files}.sqlite`), { key });
  open.push(db);
  db.exec('CREATE TABLE t (x INTEGER NOT NULL)');
  db.transaction(() => {
    const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
    for (let x = 1; x <= 1000; x++) insert.run(x);
  })();
  return db;
}

/** The sum of x over [lo, hi): chunk k covers [10k, 10k + 10). */
const SUM = 'SELECT sum(x) FROM t WHERE x >= @lo AND x < @hi';
const CHUNKS: Params[] = Array.from({ length: 100 }, (_, k) => ({ lo: 10 * k, hi: 10 * k + 10 }));
const hereOf = (db: Db, ran: number[] = []) => {
  const statement = db.prepare(SUM).pluck();
  return (params: Params, k: number) => {
    ran.push(k);
    return statement.get(params);
  };
};
const committed = CHUNKS.map((_, k) => Array.from({ length: 10 }, (_, j) => 10 * k + j).reduce((a, b) => a + b, 0) || null);

/** Waits until every worker thread has exited (their exit is seen by the event loop; a stopped worker exits once its statement returns). */
async function noWorkerLeft(): Promise<void> {
  for (let k = 0; k < 1000 && runningCommittedReads() > 0; k++) await new Promise((r) => setTimeout(r, 20));
  expect(runningCommittedReads()).toBe(0);
}

/** Sleeps this thread (a long read of its own, as the recompute does while the worker reads). */
const busy = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('a committed read', () => {
  it("answers with the state the writer's transaction began with, not its own uncommitted rows", async () => {
    const db = database();
    const before = answeredCommittedReads();
    db.transaction(() => {
      // Uncommitted: 1000 more in chunk 0 and in chunk 99.
      db.prepare('INSERT INTO t (x) VALUES (?), (?)').run(1, 991);
      const read = startCommittedRead(db, SUM, CHUNKS)!;
      busy(1500);
      const ran: number[] = [];
      const values = read.finish(hereOf(db, ran));
      // The worker had time to read every chunk: the committed sums, not the writer's own rows.
      expect(ran).toEqual([]);
      expect(values).toEqual(committed);
    })();
    expect(answeredCommittedReads() - before).toBe(CHUNKS.length);
    await noWorkerLeft();
  });

  it('takes every chunk exactly once between the two threads and gives the values in chunk order', async () => {
    const db = database();
    for (const workerFirst of [true, false]) {
      const before = answeredCommittedReads();
      db.transaction(() => {
        const read = startCommittedRead(db, SUM, CHUNKS)!;
        const ran: number[] = [];
        const values = read.finish(hereOf(db, ran), undefined, { workerFirst });
        expect(values).toEqual(committed);
        const byWorker = answeredCommittedReads() - before;
        // This thread took its chunks from the back, in order, and the worker the rest.
        expect(ran.length + byWorker).toBe(CHUNKS.length);
        expect(ran).toEqual(Array.from({ length: ran.length }, (_, j) => CHUNKS.length - 1 - j));
        if (workerFirst) expect(byWorker).toBeGreaterThan(0);
      })();
    }
    await noWorkerLeft();
  });

  it('equals the reading thread on an encrypted file (the writer key is handed over, never the passphrase)', async () => {
    const db = database({ passphrase: 'a passphrase for the committed read' });
    const before = answeredCommittedReads();
    db.transaction(() => {
      const read = startCommittedRead(db, SUM, CHUNKS)!;
      busy(1500);
      expect(read.finish(hereOf(db))).toEqual(committed);
    })();
    expect(answeredCommittedReads() - before).toBe(CHUNKS.length);
    await noWorkerLeft();
  });

  it('refuses to run outside a transaction, where any commit could come between the two connections', () => {
    const db = database();
    expect(() => startCommittedRead(db, SUM, CHUNKS)).toThrow(/inside the write transaction/);
  });

  it('is not started for an in-memory database (no file to share)', () => {
    const db = openDatabase(':memory:');
    open.push(db);
    db.transaction(() => expect(startCommittedRead(db, 'SELECT 1', [{}])).toBeNull())();
  });

  it('reads here, never wrongly, the chunks the worker cannot read', async () => {
    const db = database();
    const before = answeredCommittedReads();
    db.transaction(() => {
      // A file that is not there (any more): the worker takes a chunk and fails.
      const gone = Object.create(db, { name: { value: join(work.dir, 'gone.sqlite') }, memory: { value: false }, inTransaction: { value: true } }) as Db;
      const ran: number[] = [];
      expect(startCommittedRead(gone, SUM, CHUNKS)!.finish(hereOf(db, ran), undefined, { workerFirst: true })).toEqual(committed);
      expect(ran.length).toBe(CHUNKS.length);
      // Encrypted, and the worker is not given the key (a connection object that carries none).
      const locked = database({ passphrase: 'a passphrase for the committed read' });
      const keyless = Object.create(locked, { name: { value: locked.name }, memory: { value: false }, inTransaction: { value: true } }) as Db;
      expect(startCommittedRead(keyless, SUM, CHUNKS)!.finish(hereOf(db), undefined, { workerFirst: true })).toEqual(committed);
    })();
    expect(answeredCommittedReads()).toBe(before);
    await noWorkerLeft();
  });

  it('stops the worker when a cancel is thrown while waiting, and the cancel goes on', { timeout: 30_000 }, async () => {
    const db = database();
    // One chunk that runs for a while (a recursive count to 5 million), taken by the worker first.
    const slow = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000) SELECT count(*) FROM n';
    db.transaction(() => {
      const read = startCommittedRead(db, slow, [{}])!;
      const cancel = () => {
        throw new Error('cancelled');
      };
      expect(() => read.finish(() => 0, cancel, { workerFirst: true })).toThrow('cancelled');
      expect(() => read.finish(() => 0)).toThrow(/stopped/);
    })();
    await noWorkerLeft();
  });

  it('refuses more chunks than its shared counter can hold', () => {
    const db = database();
    db.transaction(() => expect(() => startCommittedRead(db, SUM, Array.from({ length: 70_000 }, () => ({ lo: 0, hi: 1 })))).toThrow(/at most 65535 chunks/));
  });
});
