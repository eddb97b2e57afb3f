/**
 * Event seals: how an import chains its events (THREAT_MODEL guarantee 3).
 *
 * One chain entry per event was most of an import's writing (2M entries of
 * 230 bytes and their index for 2M events: half of the database file). An
 * import instead writes one `event_seals` row per run of at most SEAL_EVENTS
 * events with contiguous indexes: the run's first and last index and the
 * SHA-256 over the content hashes of its events, in index order (each the
 * hash a per-row chain entry would hold: chain.ts contentExpr). The seal row
 * is chained like any record, so it is itself in the chain, in order, with
 * the operation that wrote it.
 *
 * The verifier (chainVerify.ts) treats a seal's chain entry as the insert
 * entry of every index it covers: it recomputes each event's content hash
 * from the row (or, for an event purged since, takes it from its deletion
 * entry, which holds the content it had), rebuilds the digest and compares.
 * So an edited, added, removed or reordered event inside a seal is found as
 * surely as with one entry per event; it is named by its seal (a run of
 * indexes) rather than by its own entry. A retraction or a purge after the
 * import is chained per event, as before.
 *
 * While a sealer is open, the events insert trigger is dropped inside the
 * caller's write transaction and recreated, with the same SQL, when it
 * finishes (like chainAppender.ts): a failed or cancelled import rolls it
 * back into place with everything else.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Db } from './connection.js';
import { chainedColumns, chainContentText, type ChainColumn } from './chainAppender.js';
import { insertTriggerSql, sha256Hex, type ChainedTable } from './chain.js';

/** Events per seal at most: a tampered event is named within a run of this many. */
export const SEAL_EVENTS = 4096;

/** The digest of a seal: SHA-256 over its events' content hashes (64 hex digits each), in index order. */
export function sealDigest(contentHashes: readonly string[]): string {
  return createHash('sha256').update(contentHashes.join('')).digest('hex');
}

export class EventSealer {
  /** The chained columns of events the writer gives, in table order (for a worker that builds content texts). */
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
   * Opens a sealer inside the caller's write transaction, for the events of
   * operation `operationId`, whose writer gives the columns `provided`.
   */
  constructor(
    private readonly db: Db,
    private readonly operationId: number,
    provided: readonly string[],
  ) {
    if (!db.inTransaction) throw new Error('the event sealer runs inside the write transaction of the events it seals');
    const { spec, columns } = chainedColumns(db, 'events', provided);
    this.spec = spec;
    this.columns = columns;
    this.insertSeal = db.prepare('INSERT INTO event_seals (operation_id, first_idx, last_idx, digest) VALUES (?, ?, ?, ?)');
    db.exec('DROP TRIGGER chain_events_insert');
  }

  /** Seals event `idx` (just written, after every index added before it) with these column values. */
  add(idx: number, values: object): void {
    this.addHashed(idx, sha256Hex(chainContentText('events', this.columns, values)));
  }

  /** Seals event `idx` (just written, after every index added before it) whose content text hashes to `content`. */
  addHashed(idx: number, content: string): void {
    if (!this.open) throw new Error('the event sealer is finished');
    if (this.hash !== null && idx !== this.last + 1) {
      if (idx <= this.last) throw new Error(`event ${idx} is sealed after event ${this.last}: events are sealed in index order`);
      this.seal();
    }
    if (this.hash === null) {
      this.hash = createHash('sha256');
      this.first = idx;
    }
    this.hash.update(content);
    this.last = idx;
    if (this.last - this.first + 1 === SEAL_EVENTS) this.seal();
  }

  /**
   * Seals runs of events: `contents[i]` is the content hash of event
   * `indexes[i]` (read at `indexes[i * stride]` when the indexes are a
   * row-major array of `stride` values per event). The same as addHashed
   * for each, with one hash update per run instead of one per event.
   */
  addRun(indexes: ArrayLike<number | string | null>, stride: number, contents: readonly string[]): void {
    let from = 0;
    while (from < contents.length) {
      const idx = indexes[from * stride] as number;
      this.addHashed(idx, contents[from]);
      // The rest of the run that stays in this seal: contiguous indexes, up to the seal's size.
      let to = from + 1;
      const room = SEAL_EVENTS - (this.last - this.first + 1);
      if (this.hash === null) {
        from = to;
        continue;
      }
      while (to < contents.length && to - from <= room && (indexes[to * stride] as number) === idx + (to - from)) to++;
      if (to > from + 1) {
        this.hash.update(contents.slice(from + 1, to).join(''));
        this.last = idx + (to - from - 1);
        if (this.last - this.first + 1 === SEAL_EVENTS) this.seal();
      }
      from = to;
    }
  }

  private seal(): void {
    if (this.hash === null) return;
    this.insertSeal.run(this.operationId, this.first, this.last, this.hash.digest('hex'));
    this.hash = null;
    this.sealed++;
  }

  /** Writes the last seal and puts the events insert trigger back, as it was. */
  finish(): void {
    if (!this.open) return;
    this.open = false;
    this.seal();
    this.db.exec(insertTriggerSql(this.db, this.spec));
  }
}
