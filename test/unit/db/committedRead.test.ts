/**
 * A read beside the writer (committedRead.ts): a worker thread on a second,
 * read-only connection answers with the state the writer's transaction
 * began with, on a plaintext or an encrypted file; it refuses to run outside
 * a transaction; a worker that cannot answer gives null (the caller reads
 * in its own thread); a cancel while waiting stops the worker; no worker is
 * left behind.
 */
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { answeredCommittedReads, runningCommittedReads, startCommittedRead } from '../../../electron/db/committedRead.js';
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

const SUM = 'SELECT sum(x) FROM t WHERE x <= @upTo';

/** Waits until every worker thread has exited (their exit is seen by the event loop; a stopped worker exits once its statement returns). */
async function noWorkerLeft(): Promise<void> {
  for (let k = 0; k < 1000 && runningCommittedReads() > 0; k++) await new Promise((r) => setTimeout(r, 20));
  expect(runningCommittedReads()).toBe(0);
}

describe('a committed read', () => {
  it("answers with the state the writer's transaction began with, not its own uncommitted rows", async () => {
    const db = database();
    const before = answeredCommittedReads();
    db.transaction(() => {
      db.prepare('INSERT INTO t (x) VALUES (?)').run(1);
      const read = startCommittedRead(db, SUM, { upTo: 10 });
      expect(read).not.toBeNull();
      // The writer sees its own row (55 + 1); the second connection sees the last commit (55).
      expect(db.prepare(SUM).pluck().get({ upTo: 10 })).toBe(56);
      expect(read!.wait()).toEqual({ value: 55 });
    })();
    expect(answeredCommittedReads()).toBe(before + 1);
    await noWorkerLeft();
  });

  it('equals the reading thread on an encrypted file (the writer key is handed over, never the passphrase)', async () => {
    const db = database({ passphrase: 'a passphrase for the committed read' });
    db.transaction(() => {
      const read = startCommittedRead(db, SUM, { upTo: 1000 });
      expect(read!.wait()).toEqual({ value: db.prepare(SUM).pluck().get({ upTo: 1000 }) });
    })();
    await noWorkerLeft();
  });

  it('refuses to run outside a transaction, where any commit could come between the two connections', () => {
    const db = database();
    expect(() => startCommittedRead(db, SUM, { upTo: 1 })).toThrow(/inside the write transaction/);
  });

  it('is not started for an in-memory database (no file to share)', () => {
    const db = openDatabase(':memory:');
    open.push(db);
    db.transaction(() => expect(startCommittedRead(db, 'SELECT 1', {})).toBeNull())();
  });

  it('gives null, never a wrong answer, when the worker cannot answer', async () => {
    const db = database();
    const before = answeredCommittedReads();
    db.transaction(() => {
      // A query the worker cannot run.
      expect(startCommittedRead(db, 'SELECT sum(y) FROM no_such_table', {})!.wait()).toBeNull();
      // A file that is not there (any more).
      const gone = Object.create(db, { name: { value: join(work.dir, 'gone.sqlite') }, memory: { value: false }, inTransaction: { value: true } }) as Db;
      expect(startCommittedRead(gone, SUM, { upTo: 1 })!.wait()).toBeNull();
    })();
    expect(answeredCommittedReads()).toBe(before);
    await noWorkerLeft();
  });

  it('gives null when the file is encrypted and the worker is not given the key that opens it', async () => {
    const db = database({ passphrase: 'a passphrase for the committed read' });
    db.transaction(() => {
      // The same file through a connection object that carries no key: the worker opens it without one and cannot read it.
      const keyless = Object.create(db, { name: { value: db.name }, memory: { value: false }, inTransaction: { value: true } }) as Db;
      expect(startCommittedRead(keyless, SUM, { upTo: 1 })!.wait()).toBeNull();
    })();
    await noWorkerLeft();
  });

  it('stops the worker when a cancel is thrown while waiting, and the cancel goes on', { timeout: 30_000 }, async () => {
    const db = database();
    // A query that runs for a while: a recursive count to 5 million.
    const slow = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000) SELECT count(*) FROM n';
    db.transaction(() => {
      const read = startCommittedRead(db, slow, {})!;
      expect(() =>
        read.wait(() => {
          throw new Error('cancelled');
        }),
      ).toThrow('cancelled');
      expect(() => read.wait()).toThrow(/stopped/);
    })();
    await noWorkerLeft();
  });
});
