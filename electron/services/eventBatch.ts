/**
 * Writes an import's validated events in batches: multi-row INSERTs (one
 * statement per 128 rows instead of one per row), chained in seals of
 * contiguous events (chainSeals.ts) instead of one chain entry per row by the
 * trigger. Problems and outcomes are reported in file order, as rows come.
 *
 * Each event gets the next free index in file order; an event id already
 * stored (a re-import, or a repeat inside the file) is left alone by the
 * insert and then looked up, exactly as a row-by-row import would.
 */
import { keyed, type ProblemText } from '../../shared/englishText.js';
import type { Db } from '../db/connection.js';
import { chainContentText, type ChainColumn } from '../db/chainContent.js';
import { sha256Hex } from '../db/chain.js';
import { ChainSealer } from '../db/chainSeals.js';
import type { ValidEvent } from './eventRows.js';
import type { PhaseTimer } from './phaseClock.js';

/** A checked row, and what a worker thread already computed for it (eventWorker.ts). */
export interface BatchEvent extends ValidEvent {
  /** Its index, assigned by the worker from firstIdx on, in file order. */
  idx?: number;
  /** SHA-256 of its chain content text (chainContentText). */
  contentHash?: string;
  /** Its non-zero contributions under the scoring ruleset: [rule index, points, error]. */
  contributions?: [number, number, string | null][];
}

/**
 * Up to ROWS_PER_STATEMENT valid rows of an events file, in file order, as a
 * worker thread prepared them (eventWorker.ts): column-shaped, each array
 * the parameters of one statement, so the writer binds them as they are.
 */
export interface EventChunk {
  /** The file line of each row. */
  lines: number[];
  /** Per row, the EVENT_COLUMNS values (its index assigned by the worker), flat. */
  events: (string | number)[];
  /** Per row, the SHA-256 of its chain content text (eventContentText); null when the worker left the hashing to this thread, which seals the rows written, in index order. */
  contents: string[] | null;
  /** Per contribution, the contributions table's values (citizen_idx, rule_index, event_idx, occurred_ms, points, error), flat, rows in order. */
  contributions: (string | number | null)[];
  /** Per row, how many contributions it has. */
  contributionCounts: number[];
}

/**
 * An EventChunk as the worker thread posts it: what a structured clone
 * copies value by value (four strings and four numbers a row, a content
 * hash each) packed into one string, one array of numbers (transferred, not
 * copied) and one string of hashes. Posting 2M events this way costs the
 * worker about a second less than posting the values (`npm run bench`).
 */
export interface PackedEventChunk {
  /** Per row: line, index, citizen index, occurred_ms. */
  numbers: Float64Array;
  /** Per row: event id, kind, occurred_at and data, each followed by a NUL (no field holds one: ids, kind names and instants are checked against patterns without it, and the data is JSON.stringify's text, which escapes it). */
  text: string;
  /** Per row, 64 hex digits (EventChunk.contents), concatenated; null when left to the writing thread. */
  contents: string | null;
  /** Per contribution, the contributions table's values but the error: citizen_idx, rule_index, event_idx, occurred_ms, points. */
  contributions: Float64Array;
  /** The contributions that have an error: [its position among them, the error], in order. */
  errors: [number, string][];
  contributionCounts: number[];
}

const PACKED_NUMBERS = 4;
const PACKED_TEXTS = 4;
const HASH_HEX = 64;
const PACKED_CONTRIBUTION_NUMBERS = 5;

/** Builds a PackedEventChunk row by row, in the worker thread. */
export class ChunkPacker {
  private numbers: number[] = [];
  private texts: string[] = [];
  private contents: string | null;
  private contributions: number[] = [];
  private errors: [number, string][] = [];
  private contributionCounts: number[] = [];
  rows = 0;

  constructor(hashed: boolean) {
    this.contents = hashed ? '' : null;
  }

  /** Whether this chunk's rows carry their content hash (else the writing thread hashes them). */
  get hashed(): boolean {
    return this.contents !== null;
  }

  add(line: number, idx: number, e: ChainedEvent, contentHash: string | null): void {
    this.numbers.push(line, idx, e.citizenIdx, e.ms);
    this.texts.push(e.id, e.kind, e.at, e.json);
    if (this.contents !== null) this.contents += contentHash;
    this.rows++;
  }

  /** A contribution of the row added last, as the contributions table's values. */
  contribution(citizenIdx: number, rule: number, eventIdx: number, ms: number, points: number, error: string | null): void {
    if (error !== null) this.errors.push([this.contributions.length / PACKED_CONTRIBUTION_NUMBERS, error]);
    this.contributions.push(citizenIdx, rule, eventIdx, ms, points);
  }

  /** How many contributions the row added last has. */
  counted(n: number): void {
    this.contributionCounts.push(n);
  }

  packed(): PackedEventChunk {
    // Joined, not concatenated as rows come: a rope of a few thousand short strings costs more to flatten when posted than join's one pass.
    return { numbers: Float64Array.from(this.numbers), text: this.rows === 0 ? '' : `${this.texts.join('\0')}\0`, contents: this.contents, contributions: Float64Array.from(this.contributions), errors: this.errors, contributionCounts: this.contributionCounts };
  }
}

/** The EventChunk a PackedEventChunk holds (in the writing thread); throws when its parts do not agree in length. */
export function unpackChunk(p: PackedEventChunk, operationId: number): EventChunk {
  const rows = p.numbers.length / PACKED_NUMBERS;
  const texts = p.text.split('\0');
  const counted = p.contributionCounts.reduce((a, b) => a + b, 0);
  const contributed = p.contributions.length / PACKED_CONTRIBUTION_NUMBERS;
  if (
    !Number.isInteger(rows) ||
    texts.length !== rows * PACKED_TEXTS + 1 ||
    texts[rows * PACKED_TEXTS] !== '' ||
    (p.contents !== null && p.contents.length !== rows * HASH_HEX) ||
    p.contributionCounts.length !== rows ||
    counted !== contributed ||
    p.errors.some(([at], k) => !Number.isInteger(at) || at < 0 || at >= contributed || (k > 0 && at <= p.errors[k - 1][0]))
  ) {
    throw new Error(`a chunk of events from the worker thread is malformed (${rows} rows, ${texts.length - 1} fields, ${contributed} contributions)`);
  }
  const contributions: (string | number | null)[] = new Array(contributed * CONTRIBUTION_VALUES);
  let error = 0;
  for (let k = 0; k < contributed; k++) {
    const from = k * PACKED_CONTRIBUTION_NUMBERS;
    const to = k * CONTRIBUTION_VALUES;
    for (let j = 0; j < PACKED_CONTRIBUTION_NUMBERS; j++) contributions[to + j] = p.contributions[from + j];
    contributions[to + PACKED_CONTRIBUTION_NUMBERS] = error < p.errors.length && p.errors[error][0] === k ? p.errors[error++][1] : null;
  }
  const lines: number[] = new Array(rows);
  const events: (string | number)[] = new Array(rows * EVENT_VALUES);
  const contents: string[] | null = p.contents === null ? null : new Array(rows);
  for (let i = 0; i < rows; i++) {
    const n = i * PACKED_NUMBERS;
    const t = i * PACKED_TEXTS;
    const v = i * EVENT_VALUES;
    lines[i] = p.numbers[n];
    events[v] = p.numbers[n + 1];
    events[v + 1] = texts[t];
    events[v + 2] = p.numbers[n + 2];
    events[v + 3] = texts[t + 1];
    events[v + 4] = texts[t + 2];
    events[v + 5] = p.numbers[n + 3];
    events[v + 6] = texts[t + 3];
    events[v + 7] = operationId;
    if (contents !== null) contents[i] = p.contents!.slice(i * HASH_HEX, (i + 1) * HASH_HEX);
  }
  return { lines, events, contents, contributions, contributionCounts: p.contributionCounts };
}

/** Values per row of EventChunk.events and EventChunk.contributions. */
export const EVENT_VALUES = 8;
export const CONTRIBUTION_VALUES = 6;

export interface EventBatchHooks {
  problem(line: number, message: ProblemText): void;
  /** A new event is stored, with this index (called after the batch's problems). */
  added(event: BatchEvent, idx: number): void;
  /** A new event of a worker's chunk is stored: its citizen, and its contributions (chunk.contributions from `from` to `to`, in values). */
  addedEvaluated(citizenIdx: number, contributions: readonly (string | number | null)[], from: number, to: number): void;
  /** The same event was already stored by an earlier import. */
  unchanged(): void;
}

export const EVENT_COLUMNS = ['idx', 'event_id', 'citizen_idx', 'kind', 'occurred_at', 'occurred_ms', 'data', 'operation_id'] as const;
/** Rows per INSERT statement (8 parameters each); a worker's chunks hold as many. */
export const ROWS_PER_STATEMENT = 128;
/** Rows held before they are written: a bound on memory whatever the file's size. */
const BATCH_ROWS = ROWS_PER_STATEMENT * 16;

type Item = BatchEvent | { line: number; problem: ProblemText };

/** What an event's chain content holds besides its index and operation. */
export type ChainedEvent = Pick<ValidEvent, 'id' | 'citizenIdx' | 'kind' | 'at' | 'ms' | 'json'>;

/** An event row by column name, as its chain content holds it. */
export function eventChainRow(e: ChainedEvent, idx: number, operationId: number): Record<(typeof EVENT_COLUMNS)[number], string | number> {
  return { idx, event_id: e.id, citizen_idx: e.citizenIdx, kind: e.kind, occurred_at: e.at, occurred_ms: e.ms, data: e.json, operation_id: operationId };
}

/** EVENT_COLUMNS that are INTEGER in the table (the others are TEXT). */
const INTEGER_COLUMNS: ReadonlySet<string> = new Set(['idx', 'citizen_idx', 'occurred_ms', 'operation_id']);
/** Text that JSON (and SQLite's json_object) writes as it is: event ids (EVENT_ID), kind names, ISO instants. */
const PLAIN_TEXT = /^[\w.:+-]*$/;

/**
 * The chain content text of a new event, for a thread that hashes many:
 * the text chainContentText('events', columns, eventChainRow(e, idx,
 * operationId)) gives (tested), written in one template instead of column
 * by column with a check and an escape each. Only when `columns` are
 * EVENT_COLUMNS in table order; otherwise, and for any value that is not a
 * whole number or plain text, the general function writes it. `e.json` is
 * JSON.stringify's output (checkEventData), which holds no lone surrogate
 * and no raw control character, so JSON.stringify quotes it exactly as
 * SQLite's json_object does.
 */
export function eventContentText(columns: readonly ChainColumn[]): (e: ChainedEvent, idx: number, operationId: number) => string {
  const general = (e: ChainedEvent, idx: number, operationId: number) => chainContentText('events', columns, eventChainRow(e, idx, operationId));
  const inOrder = columns.length === EVENT_COLUMNS.length && columns.every((c, i) => c.name === EVENT_COLUMNS[i] && c.integer === INTEGER_COLUMNS.has(c.name));
  if (!inOrder) return general;
  return (e, idx, operationId) => {
    if (!Number.isSafeInteger(idx) || !Number.isSafeInteger(e.citizenIdx) || !Number.isSafeInteger(e.ms) || !Number.isSafeInteger(operationId)) return general(e, idx, operationId);
    if (!PLAIN_TEXT.test(e.id) || !PLAIN_TEXT.test(e.kind) || !PLAIN_TEXT.test(e.at)) return general(e, idx, operationId);
    return `{"idx":${idx},"event_id":"${e.id}","citizen_idx":${e.citizenIdx},"kind":"${e.kind}","occurred_at":"${e.at}","occurred_ms":${e.ms},"data":${JSON.stringify(e.json)},"operation_id":${operationId}}`;
  };
}

export class EventBatchWriter {
  private items: Item[] = [];
  private events = 0;
  private nextIdx: number;
  private readonly chain: ChainSealer;
  private contentText: ((e: ChainedEvent, idx: number, operationId: number) => string) | null = null;
  private readonly insertMany;
  private readonly insertOne;
  private readonly stored;

  constructor(
    private readonly db: Db,
    private readonly operationId: number,
    private readonly hooks: EventBatchHooks,
    private readonly clock: PhaseTimer,
  ) {
    this.nextIdx = ((db.prepare('SELECT max(idx) FROM events').pluck().get() as number | null) ?? 0) + 1;
    const row = `(${EVENT_COLUMNS.map(() => '?').join(', ')})`;
    const sql = `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES `;
    this.insertMany = db.prepare(`${sql}${Array(ROWS_PER_STATEMENT).fill(row).join(', ')} ON CONFLICT(event_id) DO NOTHING`);
    this.insertOne = db.prepare(`${sql}${row} ON CONFLICT(event_id) DO NOTHING`);
    this.stored = db.prepare('SELECT idx, citizen_idx, kind, occurred_ms, data, operation_id FROM events WHERE event_id = ?');
    this.chain = clock.within('chain', () => new ChainSealer(db, 'events', operationId, EVENT_COLUMNS));
  }

  /** The index the next event gets (a worker assigns them from here on). */
  get firstFreeIdx(): number {
    return this.nextIdx;
  }

  /** The chain columns of events, for a worker that hashes content texts. */
  get chainColumns() {
    return this.chain.columns;
  }

  /**
   * A worker's batch: its problems [line, message] and chunks of valid rows,
   * each in line order. Outcomes are reported in file order, as event() and
   * problem() would: each row written is sealed here, in index order, with
   * the content hash the worker computed (the worker hashes each row's
   * content, this thread only hashes the run of them), and takes the
   * contributions the worker evaluated; in a chunk where some row was not
   * written, each row is looked up first (an id stored before).
   */
  chunks(problems: readonly [number, ProblemText][], chunks: readonly EventChunk[]): void {
    this.flush();
    let p = 0;
    for (const c of chunks) {
      const rows = c.lines.length;
      if (rows === 0) continue;
      const clean = this.clock.within('write', () => this.insertChunk(c.events, rows));
      if (clean) {
        const last = c.lines[rows - 1];
        while (p < problems.length && problems[p][0] < last) this.hooks.problem(...problems[p++]);
        this.clock.within('chain', () => this.chain.addRun(c.events, EVENT_VALUES, this.contentsOf(c)));
        this.clock.within('evaluate', () => {
          let from = 0;
          for (let i = 0; i < rows; i++) {
            const to = from + c.contributionCounts[i] * CONTRIBUTION_VALUES;
            this.hooks.addedEvaluated(c.events[i * EVENT_VALUES + 2] as number, c.contributions, from, to);
            from = to;
          }
        });
        continue;
      }
      const contents = this.contentsOf(c);
      let from = 0;
      for (let i = 0; i < rows; i++) {
        const line = c.lines[i];
        while (p < problems.length && problems[p][0] < line) this.hooks.problem(...problems[p++]);
        const v = i * EVENT_VALUES;
        const e = { line, id: c.events[v + 1] as string, citizenIdx: c.events[v + 2] as number, kind: c.events[v + 3] as string, ms: c.events[v + 5] as number, json: c.events[v + 6] as string };
        const to = from + c.contributionCounts[i] * CONTRIBUTION_VALUES;
        const idx = c.events[v] as number;
        if (this.wasInserted(e, idx)) {
          this.clock.within('chain', () => this.chain.addHashed(idx, contents[i]));
          this.hooks.addedEvaluated(e.citizenIdx, c.contributions, from, to);
        }
        from = to;
      }
    }
    while (p < problems.length) this.hooks.problem(...problems[p++]);
  }

  /** The content hash of each row of a chunk: as the worker gave them, or computed here when it left them to this thread. */
  private contentsOf(c: EventChunk): string[] {
    if (c.contents !== null) return c.contents;
    const text = (this.contentText ??= eventContentText(this.chain.columns));
    const contents: string[] = [];
    for (let v = 0; v < c.events.length; v += EVENT_VALUES) {
      const e = { id: c.events[v + 1] as string, citizenIdx: c.events[v + 2] as number, kind: c.events[v + 3] as string, at: c.events[v + 4] as string, ms: c.events[v + 5] as number, json: c.events[v + 6] as string };
      contents.push(sha256Hex(text(e, c.events[v] as number, c.events[v + 7] as number)));
    }
    return contents;
  }

  /** Writes a chunk's rows (their values flat); true when every row was inserted. */
  private insertChunk(values: (string | number)[], rows: number): boolean {
    if (rows === ROWS_PER_STATEMENT) return this.insertMany.run(values).changes === rows;
    let changes = 0;
    for (let i = 0; i < rows; i++) changes += this.insertOne.run(values.slice(i * EVENT_VALUES, i * EVENT_VALUES + EVENT_VALUES)).changes;
    return changes === rows;
  }

  problem(line: number, message: ProblemText): void {
    this.items.push({ line, problem: message });
    if (this.items.length >= BATCH_ROWS) this.flush();
  }

  event(e: BatchEvent): void {
    this.items.push(e);
    if (++this.events >= BATCH_ROWS) this.flush();
  }

  /** Writes what is held and its last seal, then puts the chain trigger back. */
  finish(): void {
    this.flush();
    this.clock.within('chain', () => this.chain.finish());
  }

  private flush(): void {
    const items = this.items;
    this.items = [];
    this.events = 0;
    const rows = items.filter((x): x is BatchEvent => !('problem' in x));
    const idx = new Float64Array(rows.length);
    const clean = this.clock.within('write', () => this.insert(rows, idx));
    // In file order: problems, and which rows were written (the usual case: all, nothing to look up).
    const added: number[] = [];
    let k = 0;
    for (const item of items) {
      if ('problem' in item) this.hooks.problem(item.line, item.problem);
      else {
        const at = k++;
        if (clean[Math.floor(at / ROWS_PER_STATEMENT)] || this.wasInserted(item, idx[at])) added.push(at);
      }
    }
    this.clock.within('chain', () => {
      for (const at of added) {
        const e = rows[at];
        if (e.contentHash !== undefined) this.chain.addHashed(idx[at], e.contentHash);
        else this.chain.add(idx[at], eventChainRow(e, idx[at], this.operationId));
      }
    });
    this.clock.within('evaluate', () => {
      for (const at of added) this.hooks.added(rows[at], idx[at]);
    });
  }

  private insert(rows: BatchEvent[], idx: Float64Array): boolean[] {
    const clean: boolean[] = [];
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const end = Math.min(rows.length, start + ROWS_PER_STATEMENT);
      const params: (string | number)[] = [];
      for (let i = start; i < end; i++) {
        const e = rows[i];
        idx[i] = e.idx ?? this.nextIdx++;
        params.push(idx[i], e.id, e.citizenIdx, e.kind, e.at, e.ms, e.json, this.operationId);
      }
      if (end - start === ROWS_PER_STATEMENT) clean.push(this.insertMany.run(params).changes === ROWS_PER_STATEMENT);
      else {
        let changes = 0;
        for (let i = 0; i < end - start; i++) changes += this.insertOne.run(params.slice(i * 8, i * 8 + 8)).changes;
        clean.push(changes === end - start);
      }
    }
    return clean;
  }

  /** After a statement that left some rows out: this row's outcome, problems reported. */
  private wasInserted(e: Pick<BatchEvent, 'line' | 'id' | 'citizenIdx' | 'kind' | 'ms' | 'json'>, idx: number): boolean {
    const prior = this.stored.get(e.id) as { idx: number; citizen_idx: number; kind: string; occurred_ms: number; data: string; operation_id: number };
    if (prior.idx === idx) return true;
    if (prior.operation_id === this.operationId) this.hooks.problem(e.line, keyed('import.eventIdTwice', { id: e.id }));
    else if (prior.citizen_idx !== e.citizenIdx || prior.kind !== e.kind || prior.occurred_ms !== e.ms || prior.data !== e.json) {
      this.hooks.problem(e.line, keyed('import.eventReused', { id: e.id }));
    } else this.hooks.unchanged();
    return false;
  }
}
