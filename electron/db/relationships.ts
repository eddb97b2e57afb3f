/** Friendships as the engine needs them: the active ones at a date, as edge lists or per citizen. */
import type { Db } from './connection.js';

export interface EdgeList {
  a: Int32Array;
  b: Int32Array;
  count: number;
}

/** Friendships active on `date` (YYYY-MM-DD): since <= date < until. */
export function loadActiveEdges(db: Db, date: string): EdgeList {
  const total = db.prepare('SELECT count(*) FROM relationships').pluck().get() as number;
  const a = new Int32Array(total);
  const b = new Int32Array(total);
  let count = 0;
  const rows = db
    .prepare('SELECT a, b FROM relationships WHERE since <= @d AND (until IS NULL OR @d < until)')
    .raw(true)
    .iterate({ d: date }) as IterableIterator<[number, number]>;
  for (const [x, y] of rows) {
    a[count] = x;
    b[count] = y;
    count++;
  }
  return { a, b, count };
}

export function activeFriendsOf(db: Db): (idx: number, date: string) => number[] {
  const stmt = db
    .prepare(
      `SELECT b FROM relationships WHERE a = @i AND since <= @d AND (until IS NULL OR @d < until)
       UNION ALL
       SELECT a FROM relationships WHERE b = @i AND since <= @d AND (until IS NULL OR @d < until)`,
    )
    .pluck();
  return (idx, date) => stmt.all({ i: idx, d: date }) as number[];
}
