/**
 * Index builds deferred to the end of a bulk write. Keeping a secondary index
 * up to date costs a random B-tree descent per written row; when a write
 * touches a large share of a table (a full recompute rewriting half the
 * scores), dropping the index and building it once afterwards (one sort) is
 * several times cheaper.
 *
 * The indexes are dropped inside the caller's write transaction and
 * recreated with their exact SQL before it commits; the transaction is
 * all-or-nothing, so a failed or cancelled run rolls them back into place
 * with everything else, and other connections never see the table without
 * them (they read the last committed snapshot). Indexes that back a
 * constraint (UNIQUE, PRIMARY KEY) cannot be dropped and are left alone.
 */
import type { Db } from './connection.js';

export interface DeferredIndexes {
  /** Names of the indexes dropped. */
  readonly names: readonly string[];
  /** Builds the dropped indexes again, with the SQL they had. Idempotent. */
  restore(): void;
}

/** Drops the secondary indexes of `table` (or those named in `only`); call restore() before the transaction ends. */
export function deferIndexes(db: Db, table: string, only?: readonly string[]): DeferredIndexes {
  if (!db.inTransaction) throw new Error(`the indexes of ${table} are deferred only inside the write transaction that rebuilds them`);
  const indexes = (
    db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name").all(table) as { name: string; sql: string }[]
  ).filter((i) => !only || only.includes(i.name));
  if (only) {
    const missing = only.filter((name) => !indexes.some((i) => i.name === name));
    if (missing.length > 0) throw new Error(`${table} has no index ${missing.join(', ')} that can be deferred`);
  }
  for (const i of indexes) db.exec(`DROP INDEX "${i.name.replaceAll('"', '""')}"`);
  let restored = false;
  return {
    names: indexes.map((i) => i.name),
    restore() {
      if (restored) return;
      restored = true;
      for (const i of indexes) db.exec(i.sql);
    },
  };
}
