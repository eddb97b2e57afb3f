/**
 * One hash chain over every append-only record (THREAT_MODEL guarantee 3).
 *
 * Each insert into a chained table (operations, ledger entries, the access
 * log, events, rulesets, checkpoints, ...) appends one `chain` row in the same
 * statement, by an AFTER trigger: the table, the row id, the SHA-256 of the
 * row's content, the row's mutable state (for events: who retracted it), the
 * previous entry's hash and this entry's hash. So no record can be written
 * without its chain entry, whoever writes it. Updates and deletes append
 * entries too; the verifier then decides which were allowed (an event's
 * retraction, its deletion by a retention purge) and flags the rest.
 *
 * A row's content is the JSON object of its columns with NULL members left
 * out (json_patch drops them), so a later migration may add a nullable column
 * to a chained table without changing the hashes of older rows. The triggers
 * are generated from the live column list and regenerated when it changes.
 */
import { hash as digest } from 'node:crypto';
import type { Db } from './connection.js';

export const CHAIN_GENESIS = '0'.repeat(64);

export interface ChainedTable {
  table: string;
  /** Columns that may change once, from NULL to a value (an event's retraction); not part of the content hash. */
  mutable?: readonly string[];
  /** Rows may be deleted (events, by a retention purge); the deletion is a chain entry. */
  deletable?: boolean;
}

/** Every append-only table. Tables that do not exist (yet) are skipped; a migration that creates one chains it. */
export const CHAINED_TABLES: readonly ChainedTable[] = [
  { table: 'operations' },
  { table: 'ledger' },
  { table: 'access_log' },
  { table: 'events', mutable: ['retracted_by'], deletable: true },
  { table: 'rulesets' },
  { table: 'installation_keys' },
  { table: 'ledger_checkpoints' },
  { table: 'adjustments' },
  { table: 'measure_decisions' },
  { table: 'dispute_history' },
  { table: 'retention_changes' },
  { table: 'account_events' },
  { table: 'access_reads' },
  { table: 'import_batches' },
  { table: 'import_files' },
  { table: 'consents' },
  { table: 'fairness_reports' },
  { table: 'chain_seals' },
];

/** The SQL function the triggers and the verifier hash with (registered on every connection). */
export const HASH_FUNCTION = 'credence_sha256';

export function sha256Hex(text: string): string {
  return digest('sha256', text);
}

export function registerChainFunctions(db: Db): void {
  db.function(HASH_FUNCTION, { deterministic: true }, (text: unknown) => sha256Hex(String(text)));
}

/** The text an entry's hash is taken over: plain concatenation, identical in SQL and here. */
export function chainEntryText(e: { seq: number; tbl: string; row_id: number; action: string; content_hash: string; state: string | null; prev_hash: string }): string {
  return `${e.seq}|${e.tbl}|${e.row_id}|${e.action}|${e.content_hash}|${e.state ?? ''}|${e.prev_hash}`;
}

export function tableExists(db: Db, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

function columnsOf(db: Db, table: string): string[] {
  return (db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all(table) as string[]).filter((c) => /^[a-z_][a-z0-9_]*$/.test(c));
}

/** SQL for the content JSON of a row of `spec` seen as `alias` (NEW, OLD or a table alias). */
export function contentExpr(db: Db, spec: ChainedTable, alias: string): string {
  const cols = columnsOf(db, spec.table).filter((c) => !spec.mutable?.includes(c));
  return `json_patch('{}', json_object(${cols.map((c) => `'${c}', ${alias}.${c}`).join(', ')}))`;
}

/** SQL for the mutable state of a row (a JSON array of the mutable columns), or NULL. */
export function stateExpr(spec: ChainedTable, alias: string): string {
  return spec.mutable?.length ? `json_array(${spec.mutable.map((c) => `${alias}.${c}`).join(', ')})` : 'NULL';
}

function triggerSql(db: Db, spec: ChainedTable, action: 'insert' | 'update' | 'delete'): string {
  const row = action === 'delete' ? 'OLD' : 'NEW';
  const name = `chain_${spec.table}_${action}`;
  return `CREATE TRIGGER ${name} AFTER ${action.toUpperCase()} ON ${spec.table} BEGIN
  INSERT INTO chain (seq, tbl, row_id, action, content_hash, state, prev_hash, hash)
  SELECT q, '${spec.table}', ${row}.rowid, '${action}', c, s, p,
         ${HASH_FUNCTION}(q || '|${spec.table}|' || ${row}.rowid || '|${action}|' || c || '|' || coalesce(s, '') || '|' || p)
  FROM (SELECT coalesce((SELECT max(seq) FROM chain), 0) + 1 AS q,
               coalesce((SELECT hash FROM chain ORDER BY seq DESC LIMIT 1), '${CHAIN_GENESIS}') AS p,
               ${HASH_FUNCTION}(${contentExpr(db, spec, row)}) AS c,
               ${stateExpr(spec, row)} || '' AS s);
END`;
}

export const CHAIN_ACTIONS = ['insert', 'update', 'delete'] as const;

/** The insert trigger of a chained table, as syncChain installs it (a chain sealer puts it back with this). */
export function insertTriggerSql(db: Db, spec: ChainedTable): string {
  return triggerSql(db, spec, 'insert');
}

/** The trigger names a chained table must have. */
export function chainTriggerNames(table: string): string[] {
  return CHAIN_ACTIONS.map((a) => `chain_${table}_${a}`);
}

/** Create the chain table (migration 0140). */
export function createChainTable(db: Db): void {
  db.exec(`
    CREATE TABLE chain (
      seq INTEGER PRIMARY KEY,
      tbl TEXT NOT NULL,
      row_id INTEGER NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
      content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
      state TEXT,
      prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
      hash TEXT NOT NULL CHECK (length(hash) = 64)
    ) STRICT;
    CREATE INDEX chain_by_row ON chain(tbl, row_id, seq);
    CREATE TRIGGER chain_no_update BEFORE UPDATE ON chain BEGIN SELECT RAISE(ABORT, 'the chain is append-only'); END;
    CREATE TRIGGER chain_no_delete BEFORE DELETE ON chain BEGIN SELECT RAISE(ABORT, 'the chain is append-only'); END;
    CREATE TABLE chain_tables (
      tbl TEXT PRIMARY KEY,
      since_seq INTEGER NOT NULL
    ) STRICT;
  `);
}

/**
 * Bring the chain up to the schema. A chained table that exists but is not
 * registered yet (created by the migration that just ran) gets its existing
 * rows appended, in row order, and is registered: only migrations do this,
 * inside their transaction. For registered tables, triggers that are
 * missing or stale (columns changed) are recreated; rows are never
 * back-filled outside a migration, so rows written while a trigger was
 * dropped stay unchained and the verifier names them.
 */
export function syncChain(db: Db, options: { backfillNew: boolean }): void {
  if (!tableExists(db, 'chain')) return;
  const registered = new Set(db.prepare('SELECT tbl FROM chain_tables').pluck().all() as string[]);
  const existing = new Map(
    (db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'chain\\_%' ESCAPE '\\'").all() as { name: string; sql: string }[]).map((t) => [t.name, t.sql]),
  );
  for (const spec of CHAINED_TABLES) {
    if (!tableExists(db, spec.table)) continue;
    const isNew = !registered.has(spec.table);
    if (isNew && !options.backfillNew) continue;
    for (const action of CHAIN_ACTIONS) {
      const name = `chain_${spec.table}_${action}`;
      const sql = triggerSql(db, spec, action);
      if (existing.get(name) === sql) continue;
      if (existing.has(name)) db.exec(`DROP TRIGGER ${name}`);
      if (!isNew) db.exec(sql);
    }
    if (isNew) {
      const since = (db.prepare('SELECT coalesce(max(seq), 0) + 1 FROM chain').pluck().get() as number) ?? 1;
      backfill(db, spec);
      for (const action of CHAIN_ACTIONS) db.exec(triggerSql(db, spec, action));
      db.prepare('INSERT INTO chain_tables (tbl, since_seq) VALUES (?, ?)').run(spec.table, since);
    }
  }
}

function backfill(db: Db, spec: ChainedTable): void {
  const rows = db.prepare(`SELECT rowid AS id, ${HASH_FUNCTION}(${contentExpr(db, spec, 't')}) AS c, ${stateExpr(spec, 't')} || '' AS s FROM ${spec.table} AS t ORDER BY rowid`).iterate() as IterableIterator<{
    id: number;
    c: string;
    s: string | null;
  }>;
  const head = db.prepare('SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? CHAIN_GENESIS;
  const insert = db.prepare('INSERT INTO chain (seq, tbl, row_id, action, content_hash, state, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const pending: [number, number, string, string | null, string, string][] = [];
  for (const r of rows) {
    seq++;
    const hash = sha256Hex(chainEntryText({ seq, tbl: spec.table, row_id: r.id, action: 'insert', content_hash: r.c, state: r.s, prev_hash: prev }));
    pending.push([seq, r.id, r.c, r.s, prev, hash]);
    prev = hash;
  }
  for (const [s, id, c, st, p, h] of pending) insert.run(s, spec.table, id, 'insert', c, st, p, h);
}

export function chainHead(db: Db): { count: number; head: string } {
  if (!tableExists(db, 'chain')) return { count: 0, head: CHAIN_GENESIS };
  const row = db.prepare('SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  return { count: row?.seq ?? 0, head: row?.hash ?? CHAIN_GENESIS };
}
