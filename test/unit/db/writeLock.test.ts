/**
 * Two writers on one database file (the console and the command line, or a
 * job): a transaction that reads before it writes must not fail because the
 * other committed in between. Every transaction of a writable connection
 * takes the write lock when it begins, and the other writer waits its turn.
 */
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { tempDir } from '../helpers/tempDirs.js';

const open: Db[] = [];
let cleanup: (() => void) | undefined;
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  cleanup?.();
});

function twoConnections(): [Db, Db] {
  const dir = tempDir('write-lock');
  cleanup = dir.cleanup;
  const file = join(dir.dir, 'credence.sqlite');
  const a = openDatabase(file);
  const b = openDatabase(file);
  open.push(a, b);
  for (const db of [a, b]) db.pragma('busy_timeout = 0');
  a.exec('CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT');
  a.prepare("INSERT INTO counters VALUES ('x', 0)").run();
  return [a, b];
}

it('a read-then-write transaction holds the write lock from its start: the other writer waits (here: is told busy), the transaction commits', () => {
  const [a, b] = twoConnections();
  const bump = a.transaction(() => {
    const n = a.prepare("SELECT n FROM counters WHERE name = 'x'").pluck().get() as number;
    // Another writer tries to commit while this transaction is open.
    expect(() => b.prepare("UPDATE counters SET n = n + 100 WHERE name = 'x'").run()).toThrow(/database is locked|busy/i);
    a.prepare("UPDATE counters SET n = ? WHERE name = 'x'").run(n + 1);
  });
  bump();
  expect(a.prepare("SELECT n FROM counters WHERE name = 'x'").pluck().get()).toBe(1);
  // Its turn now: the other writer commits.
  b.prepare("UPDATE counters SET n = n + 100 WHERE name = 'x'").run();
  expect(a.prepare("SELECT n FROM counters WHERE name = 'x'").pluck().get()).toBe(101);
});

it('a deferred transaction (what this replaces) fails at its first write when another writer committed after its read', () => {
  const [a, b] = twoConnections();
  const bump = a.transaction(() => {
    a.prepare("SELECT n FROM counters WHERE name = 'x'").pluck().get();
    b.prepare("UPDATE counters SET n = n + 100 WHERE name = 'x'").run();
    a.prepare("UPDATE counters SET n = n + 1 WHERE name = 'x'").run();
  });
  expect(() => bump.deferred()).toThrow(/database is locked|busy/i);
  expect(a.prepare("SELECT n FROM counters WHERE name = 'x'").pluck().get()).toBe(100);
});

it('nested transactions still become savepoints: an inner failure rolls back the inner part only', () => {
  const [a] = twoConnections();
  const inner = a.transaction(() => {
    a.prepare("UPDATE counters SET n = n + 10 WHERE name = 'x'").run();
    throw new Error('inner refused');
  });
  a.transaction(() => {
    a.prepare("UPDATE counters SET n = n + 1 WHERE name = 'x'").run();
    expect(() => inner()).toThrow('inner refused');
  })();
  expect(a.prepare("SELECT n FROM counters WHERE name = 'x'").pluck().get()).toBe(1);
});
