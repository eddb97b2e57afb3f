/**
 * Widening the set of operation kinds. The kinds are a CHECK constraint of
 * the immutable `operations` table, which SQLite cannot alter in place, so the
 * table is rebuilt: its rows copied aside, the table dropped and created
 * again with the wider CHECK, the rows copied back, its triggers and indexes
 * restored. The foreign keys of the ledger, events, ... keep naming
 * `operations` throughout (a rename would rewrite them); they are checked at
 * commit (`defer_foreign_keys`), when every referenced row is back. The new list is the union of the kinds already allowed and the
 * new ones, so migrations of several features can widen it in any order.
 * Runs inside the migration transaction: all or nothing.
 */
import type { Db } from '../connection.js';

const KIND_CHECK = /kind TEXT NOT NULL CHECK \(kind IN \(([^)]*)\)\)/;

export function operationKindsAllowed(db: Db): string[] {
  const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'operations'").pluck().get() as string | undefined;
  const m = sql ? KIND_CHECK.exec(sql) : null;
  if (!sql || !m) throw new Error('the operations table has no CHECK of its kinds to widen');
  return [...m[1].matchAll(/'([a-z_]+)'/g)].map((k) => k[1]);
}

export function addOperationKinds(db: Db, kinds: readonly string[]): void {
  for (const k of kinds) if (!/^[a-z_]+$/.test(k)) throw new Error(`operation kind '${k}' must be lower-case letters and _`);
  const existing = operationKindsAllowed(db);
  const all = [...new Set([...existing, ...kinds])];
  if (all.length === existing.length) return;
  const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'operations'").pluck().get() as string;
  const widened = sql.replace(KIND_CHECK, `kind TEXT NOT NULL CHECK (kind IN (${all.map((k) => `'${k}'`).join(',')}))`);
  const attached = db.prepare("SELECT sql FROM sqlite_schema WHERE type IN ('index', 'trigger') AND tbl_name = 'operations' AND sql IS NOT NULL").pluck().all() as string[];
  const count = db.prepare('SELECT count(*) FROM operations').pluck().get() as number;
  db.pragma('defer_foreign_keys = ON');
  db.exec('CREATE TEMP TABLE operations_aside AS SELECT * FROM operations');
  db.exec('DROP TABLE operations');
  db.exec(widened);
  db.exec('INSERT INTO operations SELECT * FROM temp.operations_aside ORDER BY id');
  db.exec('DROP TABLE temp.operations_aside');
  for (const s of attached) db.exec(s);
  if ((db.prepare('SELECT count(*) FROM operations').pluck().get() as number) !== count) throw new Error('widening the operation kinds lost operations');
  const broken = db.pragma('foreign_key_check') as unknown[];
  if (broken.length > 0) throw new Error(`widening the operation kinds broke ${broken.length} foreign keys`);
}
