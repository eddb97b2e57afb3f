/**
 * Chain seals: how an import chains its events and a recompute its ledger
 * entries (THREAT_MODEL guarantee 3).
 *
 * One chain entry per row was most of an import's writing (2M entries of
 * 230 bytes and their index for 2M events: half of the database file) and
 * much of a recompute's. A bulk writer instead writes one `chain_seals` row
 * per run of at most SEAL_ROWS rows with contiguous row ids: the table, the
 * run's first and last row id and the SHA-256 over the content hashes of its
 * rows, in row order (each the hash a per-row chain entry would hold:
 * chain.ts contentExpr). The seal row is chained like any record, so it is
 * itself in the chain, in order, after the operation that wrote it.
 *
 * The verifier (chainVerify.ts, sealCheck.ts) treats a seal's chain entry as
 * the insert entry of every row it covers: it recomputes each row's content
 * hash from the row (or, for an event purged since, takes it from its
 * deletion entry, which holds the content it had), rebuilds the digest and
 * compares. So an edited, added, removed or reordered row inside a seal is
 * found as surely as with one entry per row; it is named by its seal (a run
 * of row ids) rather than by its own entry. A retraction or a purge after
 * the import is chained per row, as before.
 *
 * While a sealer is open, the table's insert trigger is dropped inside the
 * caller's write transaction and recreated, with the same SQL, when it
 * finishes (like chainContent.ts): a failed or cancelled run rolls it back
 * into place with everything else.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Db } from './connection.js';
import { chainedColumns, chainContentText, type ChainColumn } from './chainContent.js';
import { insertTriggerSql, sha256Hex, type ChainedTable } from './chain.js';

/** Rows per seal at most: a tampered row is named within a run of this many. */
export const SEAL_ROWS = 4096;

/** The tables whose rows may be sealed (the CHECK of chain_seals.tbl). */
export const SEALED_TABLES: ReadonlySet<string> = new Set(['events', 'ledger']);

/** The digest of a seal: SHA-256 over its rows' content hashes (64 hex digits each), in row order. */
export function sealDigest(contentHashes: readonly string[]): string {
  return createHash('sha256').update(contentHashes.join('')).digest('hex');
}

export class ChainSealer {
  /** The chained columns of the table the writer gives, in table order (for a thread that builds content texts). */
  readonly columns: ChainColumn[];
  private readonly spec: ChainedTable;
  private readonly insertSeal;
  private first = 0;
  private last = 0;
  private hash: Hash | null = null;
  private open = true;
  /** Seals written. */
  sealed = 0;

  /**
   * Opens a sealer inside the caller's write transaction, for the rows of
   * `table` that operation `operationId` writes, whose writer gives the
   * columns `provided`.
   */
  constructor(
    private readonly db: Db,
    private readonly table: string,
    private readonly operationId: number,
    provided: readonly string[],
  ) {
    if (!db.inTransaction) throw new Error('the chain sealer runs inside the write transaction of the rows it seals');
    if (!SEALED_TABLES.has(table)) throw new Error(`${table} rows are not sealed`);
    const { spec, columns } = chainedColumns(db, table, provided);
    this.spec = spec;
    this.columns = columns;
    this.insertSeal = db.prepare('INSERT INTO chain_seals (tbl, operation_id, first_row, last_row, digest) VALUES (?, ?, ?, ?, ?)');
    db.exec(`DROP TRIGGER chain_${table}_insert`);
  }

  /** The content text of a row (its values by column name), exactly as contentExpr() builds it in SQL. */
  contentOf(values: object): string {
    return chainContentText(this.table, this.columns, values);
  }

  /** Seals row `rowId` (just written, after every row added before it) with these column values. */
  add(rowId: number, values: object): void {
    this.addHashed(rowId, sha256Hex(this.contentOf(values)));
  }

  /** Seals row `rowId` (just written, after every row added before it) whose content text hashes to `content`. */
  addHashed(rowId: number, content: string): void {
    if (!this.open) throw new Error('the chain sealer is finished');
    if (this.hash !== null && rowId !== this.last + 1) {
      if (rowId <= this.last) throw new Error(`${this.table} row ${rowId} is sealed after row ${this.last}: rows are sealed in order`);
      this.seal();
    }
    if (this.hash === null) {
      this.hash = createHash('sha256');
      this.first = rowId;
    }
    this.hash.update(content);
    this.last = rowId;
    if (this.last - this.first + 1 === SEAL_ROWS) this.seal();
  }

  /**
   * Seals runs of rows: `contents[i]` is the content hash of the row whose
   * id is `ids[i * stride]` (ids in a row-major array of `stride` values
   * per row). The same as addHashed for each, with one hash update per run
   * instead of one per row.
   */
  addRun(ids: ArrayLike<number | string | null>, stride: number, contents: readonly string[]): void {
    let from = 0;
    while (from < contents.length) {
      const id = ids[from * stride] as number;
      this.addHashed(id, contents[from]);
      let to = from + 1;
      if (this.hash !== null) {
        // The rest of the run that stays in this seal: contiguous ids, up to the seal's size.
        const room = SEAL_ROWS - (this.last - this.first + 1);
        while (to < contents.length && to - from <= room && (ids[to * stride] as number) === id + (to - from)) to++;
        if (to > from + 1) {
          this.hash.update(contents.slice(from + 1, to).join(''));
          this.last = id + (to - from - 1);
          if (this.last - this.first + 1 === SEAL_ROWS) this.seal();
        }
      }
      from = to;
    }
  }

  private seal(): void {
    if (this.hash === null) return;
    this.insertSeal.run(this.table, this.operationId, this.first, this.last, this.hash.digest('hex'));
    this.hash = null;
    this.sealed++;
  }

  /** Writes the last seal and puts the table's insert trigger back, as it was. */
  finish(): void {
    if (!this.open) return;
    this.open = false;
    this.seal();
    this.db.exec(insertTriggerSql(this.db, this.spec));
  }
}
