/**
 * A row's chain content computed in JavaScript, for writers of many rows at
 * once (an import's events, a recompute's ledger entries: chainSeals.ts) and
 * the worker threads that hash them. The per-row trigger builds each row's
 * content in SQL and calls back into JavaScript to hash it; here the same
 * text is built in a tight loop.
 *
 * The content text is the one contentExpr() builds in SQL (the JSON object
 * of the row's columns in table order, NULL members left out, strings
 * escaped as SQLite's JSON functions escape them), so its hash is the one
 * the verifier recomputes from the row.
 */
import type { Db } from './connection.js';
import { CHAINED_TABLES, type ChainedTable } from './chain.js';

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
    if (!provided.includes(c.name) && (c.required || c.dflt !== null)) throw new Error(`${table}.${c.name} has a value the writer does not give: its content hash would differ`);
  }
  for (const p of provided) if (!content.some((c) => c.name === p)) throw new Error(`${table} has no chained column ${p}`);
  const columns = content.filter((c) => provided.includes(c.name)).map((c) => ({ name: c.name, integer: c.type.toUpperCase() === 'INTEGER', key: `${JSON.stringify(c.name)}:` }));
  // A new row's mutable state, as the trigger records it: the JSON array of its (empty) mutable columns.
  const state = spec.mutable?.length ? `[${spec.mutable.map(() => 'null').join(',')}]` : null;
  return { spec, columns, state };
}
