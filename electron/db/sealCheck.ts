/**
 * The verifier's side of chain seals (chainSeals.ts): each seal's chain
 * entry is the insert entry of every row it covers, and its digest is
 * rebuilt from the content hash each covered row had when it was sealed,
 * fed in row order by chainVerify.ts as it walks the table. A seal whose
 * rows are not all fed, fed out of order, fed as unknown (a row gone
 * without a trace, inserted twice) or whose rebuilt digest differs is
 * named, with its run of rows.
 */
import { createHash, type Hash } from 'node:crypto';
import { keyed, type ProblemText } from '../../shared/englishText.js';
import type { Db } from './connection.js';
import { CHAINED_TABLES, tableExists } from './chain.js';

/** A seal as the insert of one of its rows. */
export interface SealInsert {
  /** The seal's chain entry. */
  seq: number;
  /** The state a new row is chained with (its mutable columns empty). */
  state: string | null;
  /** The content hash row `rowId` had when sealed; null when it cannot be known. */
  feed(rowId: number, content: string | null): void;
}

interface Seal extends SealInsert {
  id: number;
  first: number;
  last: number;
  digest: string;
}

/** The state of a new row of `table`, as the insert trigger records it. */
function newRowState(table: string): string | null {
  const mutable = CHAINED_TABLES.find((t) => t.table === table)?.mutable ?? [];
  return mutable.length ? `[${mutable.map(() => 'null').join(',')}]` : null;
}

export class SealCheck {
  /** Seals by first index (then chain order); `start` is the first not yet passed. */
  private start = 0;
  /** The next index not yet visited. */
  private at = 1;
  private readonly progress = new Map<Seal, { next: number; hash: Hash; broken: boolean }>();

  private constructor(
    readonly table: string,
    private readonly seals: Seal[],
  ) {}

  /** The chained seals of `table` (a seal row without its chain entry inserts nothing; chain_seals' own check names it). */
  static load(db: Db, table: string): SealCheck {
    if (!tableExists(db, 'chain_seals')) return new SealCheck(table, []);
    const rows = db
      .prepare(
        `SELECT s.id AS id, s.first_row AS first, s.last_row AS last, s.digest AS digest, c.seq AS seq
         FROM chain_seals s JOIN chain c ON c.tbl = 'chain_seals' AND c.row_id = s.id AND c.action = 'insert'
         WHERE s.tbl = ?
         ORDER BY s.first_row, c.seq`,
      )
      .all(table) as { id: number; first: number; last: number; digest: string; seq: number }[];
    const state = newRowState(table);
    const check = new SealCheck(table, []);
    for (const r of rows) {
      const seal: Seal = { ...r, state, feed: (rowId, content) => check.feed(seal, rowId, content) };
      check.seals.push(seal);
    }
    return check;
  }

  /** The smallest index from the next unvisited one on that a seal covers. */
  nextRowId(): number {
    while (this.start < this.seals.length && this.seals[this.start].last < this.at) this.start++;
    for (let k = this.start; k < this.seals.length; k++) {
      const s = this.seals[k];
      if (s.first > this.at) return s.first;
      if (s.last >= this.at) return this.at;
    }
    return Number.MAX_SAFE_INTEGER;
  }

  /** The seals that insert `rowId`, in chain order; the walk moves past it. */
  insertsOf(rowId: number): Seal[] {
    this.at = rowId + 1;
    const found: Seal[] = [];
    for (let k = this.start; k < this.seals.length && this.seals[k].first <= rowId; k++) {
      const s = this.seals[k];
      if (s.last >= rowId) found.push(s);
    }
    return found.sort((a, b) => a.seq - b.seq);
  }

  private feed(seal: Seal, rowId: number, content: string | null): void {
    let p = this.progress.get(seal);
    if (!p) {
      p = { next: seal.first, hash: createHash('sha256'), broken: false };
      this.progress.set(seal, p);
    }
    if (content === null || rowId !== p.next) p.broken = true;
    else p.hash.update(content);
    p.next = rowId + 1;
  }

  /** Names every seal whose rows are not the ones sealed. */
  finish(report: (seal: number, text: ProblemText) => void): void {
    for (const s of this.seals) {
      const p = this.progress.get(s);
      const intact = p !== undefined && !p.broken && p.next === s.last + 1 && p.hash.digest('hex') === s.digest;
      if (!intact) report(s.id, keyed('ledger.chain.sealBroken', { seal: s.id, table: this.table, first: s.first, last: s.last }));
    }
  }
}
