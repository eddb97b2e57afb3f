/**
 * Bulk appends to the chain (chain.ts) for writers of many rows at once: an
 * import's events, a recompute's ledger entries. The per-row trigger builds
 * each row's content in SQL and calls back into JavaScript twice per row to
 * hash it, most of an import's time; here the same entries are computed in a
 * tight loop and written in multi-row statements.
 *
 * The result is the chain the trigger would have written, entry for entry:
 * the content text is the one contentExpr() builds in SQL (the JSON object of
 * the row's columns in table order, NULL members left out, strings escaped as
 * SQLite's JSON functions escape them), hashed and linked the same way. While
 * the appender is open, the table's insert trigger is dropped inside the
 * caller's write transaction and recreated, with the same SQL, when it
 * finishes; the transaction is all-or-nothing, so a failed or cancelled run
 * rolls the trigger back into place with everything else, and no other
 * connection can write in between (the caller holds the write lock).
 * Nothing changes for the verifier: it recomputes every hash from the rows.
 */
import type { Db } from './connection.js';
import { CHAIN_GENESIS, CHAINED_TABLES, chainEntryText, insertTriggerSql, sha256Hex, type ChainedTable } from './chain.js';

/** Entries per INSERT statement (8 parameters each: well under SQLite's limit). */
const ROWS_PER_STATEMENT = 128;

/** A column value as the chain content holds it: NULL (left out), an integer, or text. */
export type ChainValue = string | number | null | undefined;

/** A column of a chained table as its content text holds it. */
export interface ChainColumn {
  name: string;
  /** Declared type (STRICT tables): an INTEGER column's value must be a whole number. */
  integer: boolean;
  /** `"name":`, as the member starts in the content JSON. */
  key: string;
}

/** A UTF-16 surrogate without its pair (in a `u` regex, a paired one is a single code point). */
const LONE_SURROGATE = /\p{Cs}/u;
/** Any surrogate, paired or not: a quick test that almost all text passes. */
const ANY_SURROGATE = /[\ud800-\udfff]/;
/** What JSON.stringify escapes or a surrogate: text without any is quoted as it is. */
const ESCAPED_OR_SURROGATE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Text of a column value inside the content JSON, as SQLite's json_object writes it. */
function jsonValue(table: string, column: ChainColumn, value: string | number): string {
  if (typeof value === 'string') {
    if (!ESCAPED_OR_SURROGATE.test(value)) return `"${value}"`;
    // Identical to SQLite's jsonAppendString for well-formed text: it escapes
    // '"', '\\' and the control characters exactly as JSON.stringify does.
    // A lone surrogate cannot be stored as UTF-8 at all: refused, never guessed.
    if (ANY_SURROGATE.test(value) && LONE_SURROGATE.test(value)) throw new Error(`${table}.${column.name}: text with a lone surrogate cannot be chained`);
    return JSON.stringify(value);
  }
  if (!Number.isSafeInteger(value)) throw new Error(`${table}.${column.name}: ${value} is not a whole number; only integer and text columns are chained here`);
  return String(value);
}

/** The content text of a row of `table` (its values by column name), exactly as contentExpr() builds it in SQL. */
export function chainContentText(table: string, columns: readonly ChainColumn[], row: object): string {
  const values = row as Readonly<Record<string, ChainValue>>;
  let text = '';
  for (const c of columns) {
    const v = values[c.name];
    if (v === null || v === undefined) continue;
    if (c.integer && typeof v !== 'number') throw new Error(`${table}.${c.name} is an integer column, given ${typeof v}`);
    text += `${text === '' ? '{' : ','}${c.key}${jsonValue(table, c, v)}`;
  }
  return text === '' ? '{}' : `${text}}`;
}

/** The hash of the insert entry `seq` of row `rowId` of `table` whose content hashes to `content`, after `prev`: what the trigger computes. */
export function insertEntryHash(table: string, seq: number, rowId: number, content: string, state: string | null, prev: string): string {
  return sha256Hex(chainEntryText({ seq, tbl: table, row_id: rowId, action: 'insert', content_hash: content, state, prev_hash: prev }));
}

/**
 * The content columns of `table` a writer gives values for (`provided`), in
 * table order, and a new row's mutable state, as the insert trigger records
 * them; refuses a set of columns whose content would not be the row's
 * (every other column must be nullable without a default).
 */
export function chainedColumns(db: Db, table: string, provided: readonly string[]): { spec: ChainedTable; columns: ChainColumn[]; state: string | null } {
  const spec = CHAINED_TABLES.find((t) => t.table === table);
  if (!spec) throw new Error(`${table} is not a chained table`);
  if (spec.mutable?.length) {
    // Rows start with their mutable columns NULL (an event is retracted later, by an update the trigger chains).
    for (const c of spec.mutable) if (provided.includes(c)) throw new Error(`${table}.${c} is mutable: a new row is chained with it empty`);
  }
  const info = db.prepare('SELECT name, type, "notnull" AS required, dflt_value AS dflt FROM pragma_table_info(?) ORDER BY cid').all(table) as {
    name: string;
    type: string;
    required: number;
    dflt: string | null;
  }[];
  const content = info.filter((c) => /^[a-z_][a-z0-9_]*$/.test(c.name) && !spec.mutable?.includes(c.name));
  for (const c of content) {
    if (!provided.includes(c.name) && (c.required || c.dflt !== null)) throw new Error(`${table}.${c.name} has a value the appender is not given: its content hash would differ`);
  }
  for (const p of provided) if (!content.some((c) => c.name === p)) throw new Error(`${table} has no chained column ${p}`);
  const columns = content.filter((c) => provided.includes(c.name)).map((c) => ({ name: c.name, integer: c.type.toUpperCase() === 'INTEGER', key: `${JSON.stringify(c.name)}:` }));
  // A new row's mutable state, as the trigger records it: the JSON array of its (empty) mutable columns.
  const state = spec.mutable?.length ? `[${spec.mutable.map(() => 'null').join(',')}]` : null;
  return { spec, columns, state };
}

/** The chain's head: its last entry's seq and hash (0 and the genesis hash when empty). */
export function chainHead(db: Db): { seq: number; hash: string } {
  const head = db.prepare('SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  return { seq: head?.seq ?? 0, hash: head?.hash ?? CHAIN_GENESIS };
}

export class ChainAppender {
  /** The columns given, in table order (for a worker that builds content texts: chainContentText). */
  readonly columns: ChainColumn[];
  private readonly spec: ChainedTable;
  private seq: number;
  private prev: string;
  private pending: (string | number | null)[] = [];
  private pendingRows = 0;
  private readonly insertMany;
  private readonly insertOne;
  private open = true;
  private readonly state: string | null;

  /**
   * Opens an appender for `table` inside the caller's write transaction.
   * `provided` names the columns the caller gives values for; every other
   * column must be one the chain leaves out (nullable, no default), or the
   * appender refuses to start: its content would not be the row's.
   */
  constructor(
    private readonly db: Db,
    table: string,
    provided: readonly string[],
  ) {
    if (!db.inTransaction) throw new Error('the chain appender runs inside the write transaction of the rows it chains');
    const { spec, columns, state } = chainedColumns(db, table, provided);
    this.spec = spec;
    this.columns = columns;
    this.state = state;
    const head = chainHead(db);
    this.seq = head.seq;
    this.prev = head.hash;
    const row = `(?, '${table}', ?, 'insert', ?, ?, ?, ?)`;
    const sql = 'INSERT INTO chain (seq, tbl, row_id, action, content_hash, state, prev_hash, hash) VALUES ';
    this.insertMany = db.prepare(sql + Array(ROWS_PER_STATEMENT).fill(row).join(', '));
    this.insertOne = db.prepare(sql + row);
    db.exec(`DROP TRIGGER chain_${table}_insert`);
  }

  /** The content text of a row (its values by column name), exactly as contentExpr() builds it in SQL. */
  contentOf(row: object): string {
    return chainContentText(this.spec.table, this.columns, row);
  }

  /** Appends the insert entry of row `rowId` (just written, in row order) with these column values. */
  append(rowId: number, values: object): void {
    this.appendHashed(rowId, sha256Hex(this.contentOf(values)));
  }

  /** Appends the insert entry of row `rowId` whose content text (chainContentText) hashes to `content`. */
  appendHashed(rowId: number, content: string): void {
    if (!this.open) throw new Error('the chain appender is finished');
    const seq = ++this.seq;
    const state = this.state;
    const hash = insertEntryHash(this.spec.table, seq, rowId, content, state, this.prev);
    this.pending.push(seq, rowId, content, state, this.prev, hash);
    this.prev = hash;
    if (++this.pendingRows === ROWS_PER_STATEMENT) this.flush();
  }

  /** The seq and hash of this appender's last entry. */
  get head(): { seq: number; hash: string } {
    return { seq: this.seq, hash: this.prev };
  }

  /** The hash the next insert entry, of row `rowId` whose content hashes to `content`, would get here (to check an entry computed elsewhere). */
  nextEntryHash(rowId: number, content: string): string {
    return insertEntryHash(this.spec.table, this.seq + 1, rowId, content, this.state, this.prev);
  }

  /**
   * Appends the insert entry of row `rowId` whose content hashes to
   * `content` and whose entry hash `hash` was computed ahead, linked after
   * this appender's head (insertEntryHash with the next seq, this state and
   * the head's hash): for a thread that hashed the entries beside the
   * writer, once the writer has checked that it started from this head.
   */
  appendLinked(rowId: number, content: string, hash: string): void {
    if (!this.open) throw new Error('the chain appender is finished');
    this.pending.push(++this.seq, rowId, content, this.state, this.prev, hash);
    this.prev = hash;
    if (++this.pendingRows === ROWS_PER_STATEMENT) this.flush();
  }

  private flush(): void {
    if (this.pendingRows === ROWS_PER_STATEMENT) this.insertMany.run(this.pending);
    else for (let k = 0; k < this.pendingRows; k++) this.insertOne.run(this.pending.slice(k * 6, k * 6 + 6));
    this.pending = [];
    this.pendingRows = 0;
  }

  /** Writes what is pending and puts the insert trigger back, as it was. */
  finish(): void {
    if (!this.open) return;
    this.open = false;
    this.flush();
    this.db.exec(insertTriggerSql(this.db, this.spec));
  }
}
