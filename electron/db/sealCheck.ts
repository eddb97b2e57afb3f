/**
 * The verifier's side of event seals (eventSeals.ts): each seal's chain
 * entry is the insert entry of every event index it covers, and its digest
 * is rebuilt from the content hash each covered event had when it was
 * sealed, fed in index order by chainVerify.ts as it walks the events.
 * A seal whose events are not all fed, fed out of order, fed as unknown
 * (a row gone without a trace, inserted twice) or whose rebuilt digest
 * differs is named, with its run of indexes.
 */
import { createHash, type Hash } from 'node:crypto';
import { keyed, type ProblemText } from '../../shared/englishText.js';
import type { Db } from './connection.js';
import { CHAINED_TABLES, tableExists } from './chain.js';

/** A seal as the insert of one of its events. */
export interface SealInsert {
  /** The seal's chain entry. */
  seq: number;
  /** The state a new event is chained with (its mutable columns empty). */
  state: string | null;
  /** The content hash event `rowId` had when sealed; null when it cannot be known. */
  feed(rowId: number, content: string | null): void;
}

interface Seal extends SealInsert {
  id: number;
  first: number;
  last: number;
  digest: string;
}

/** The state of a new event, as the insert trigger records it. */
function newEventState(): string | null {
  const mutable = CHAINED_TABLES.find((t) => t.table === 'events')?.mutable ?? [];
  return mutable.length ? `[${mutable.map(() => 'null').join(',')}]` : null;
}

export class SealCheck {
  /** Seals by first index (then chain order); `start` is the first not yet passed. */
  private start = 0;
  /** The next index not yet visited. */
  private at = 1;
  private readonly progress = new Map<Seal, { next: number; hash: Hash; broken: boolean }>();

  private constructor(private readonly seals: Seal[]) {}

  /** The chained seals (a seal row without its chain entry inserts nothing; event_seals' own check names it). */
  static load(db: Db): SealCheck {
    if (!tableExists(db, 'event_seals')) return new SealCheck([]);
    const rows = db
      .prepare(
        `SELECT s.id AS id, s.first_idx AS first, s.last_idx AS last, s.digest AS digest, c.seq AS seq
         FROM event_seals s JOIN chain c ON c.tbl = 'event_seals' AND c.row_id = s.id AND c.action = 'insert'
         ORDER BY s.first_idx, c.seq`,
      )
      .all() as { id: number; first: number; last: number; digest: string; seq: number }[];
    const state = newEventState();
    const check = new SealCheck([]);
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

  /** Names every seal whose events are not the ones sealed. */
  finish(report: (seal: number, text: ProblemText) => void): void {
    for (const s of this.seals) {
      const p = this.progress.get(s);
      const intact = p !== undefined && !p.broken && p.next === s.last + 1 && p.hash.digest('hex') === s.digest;
      if (!intact) report(s.id, keyed('ledger.chain.sealBroken', { seal: s.id, first: s.first, last: s.last }));
    }
  }
}
