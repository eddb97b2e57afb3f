/**
 * Verifies the chain of every append-only record (chain.ts), the ledger's own
 * hash chain (SCORING_MODEL §6) and the stored scores against the ledger,
 * from the rows alone. Nothing here trusts a stored hash: each is recomputed.
 *
 * 1. The chain: sequence numbers 1..n without gaps, each entry's prev_hash the
 *    previous hash, each hash recomputed from its fields.
 * 2. Each chained table against the chain, merged in row order: every row
 *    has an insert entry with its content hash (an imported event, a
 *    recompute's ledger entry: the entry of the seal that covers it,
 *    chainSeals.ts, whose digest is rebuilt from the rows); content never
 *    changes; only
 *    the mutable columns change, once, from NULL to a value; only deletable
 *    tables lose rows, and each deletion is an entry; the chain triggers
 *    are in place.
 * 3. The ledger chain (ledger.ts), and the latest new_score and new_tier of
 *    each citizen equal to the stored score and tier.
 */
import { keyed, problemFields, type ProblemText } from '../../shared/englishText.js';
import type { Db } from './connection.js';
import { CHAIN_GENESIS, CHAINED_TABLES, chainEntryText, chainTriggerNames, contentExpr, HASH_FUNCTION, sha256Hex, stateExpr, tableExists, type ChainedTable } from './chain.js';
import { verifyLedger, type VerifyResult } from './ledger.js';
import { SEALED_TABLES } from './chainSeals.js';
import { SealCheck, type SealInsert } from './sealCheck.js';

/** At most this many problems are listed; the count says how many there were. */
const MAX_LISTED = 50;

export interface IntegrityProblem {
  /** Where: `chain`, a table name, `ledger` or `scores`. */
  where: string;
  /** The chain entry, row id, ledger seq or citizen concerned, when there is one. */
  at: string | null;
  /** English. */
  message: string;
  /** The message as a `server` catalog key and its parameters, for the reader's language. */
  key?: string;
  params?: Record<string, unknown>;
}

export interface IntegrityReport {
  ok: boolean;
  chain: { count: number; head: string };
  ledger: VerifyResult;
  problems: IntegrityProblem[];
  problemCount: number;
}

class Problems {
  list: IntegrityProblem[] = [];
  count = 0;
  add(where: string, at: string | number | null, text: ProblemText): void {
    this.count++;
    if (this.list.length < MAX_LISTED) this.list.push({ where, at: at === null ? null : String(at), ...problemFields(text) });
  }
}

interface ChainRow {
  seq: number;
  tbl: string;
  row_id: number;
  action: 'insert' | 'update' | 'delete';
  content_hash: string;
  state: string | null;
  prev_hash: string;
  hash: string;
}

/**
 * Recompute the chain itself, and check that each change of an event after
 * it was recorded is owned by the operation recorded just before it: a
 * retraction names that operation, a deletion follows a records_expired
 * operation and their number is the one the operation states. So raw SQL
 * cannot retract or delete an event without leaving an operation (with an
 * actor and a reason) in the record.
 */
function verifyLinks(db: Db, problems: Problems): { count: number; head: string } {
  let prev = CHAIN_GENESIS;
  let expected = 1;
  let broken = false;
  const opKind = tableExists(db, 'operations') ? new Map((db.prepare('SELECT id, kind FROM operations').raw(true).all() as [number, string][]).map(([id, kind]) => [id, kind])) : new Map<number, string>();
  let lastOp: number | null = null;
  const retractionTarget = db.prepare("SELECT json_extract(details, '$.event_id') FROM operations WHERE id = ?").pluck();
  // (an event purged since keeps no id to compare; its deletion is checked on its own)
  const eventIdOf = db.prepare('SELECT event_id FROM events WHERE idx = ?').pluck();
  const deletesByOp = new Map<number, number>();
  const rows = db.prepare('SELECT seq, tbl, row_id, action, content_hash, state, prev_hash, hash FROM chain ORDER BY seq').iterate() as IterableIterator<ChainRow>;
  for (const row of rows) {
    if (!broken) {
      if (row.seq !== expected) {
        problems.add('chain', row.seq, keyed('ledger.chain.missing', { expected }));
        broken = true;
      } else if (row.prev_hash !== prev) {
        problems.add('chain', row.seq, keyed('ledger.chain.prevHash'));
        broken = true;
      } else if (sha256Hex(chainEntryText(row)) !== row.hash) {
        problems.add('chain', row.seq, keyed('ledger.chain.hash', { table: row.tbl, row: row.row_id, action: row.action }));
        broken = true;
      }
    }
    if (row.tbl === 'operations' && row.action === 'insert') lastOp = row.row_id;
    else if (row.tbl === 'events' && row.action === 'update') {
      const by = parseState(row.state)[0];
      if (by !== null && by !== lastOp) problems.add('events', row.row_id, keyed('ledger.chain.retractedOther', { seq: row.seq, row: row.row_id, operation: String(by), last: String(lastOp ?? 'none') }));
      else if (by !== null && eventIdOf.get(row.row_id) !== undefined && retractionTarget.get(by) !== eventIdOf.get(row.row_id)) problems.add('events', row.row_id, keyed('ledger.chain.retractedWrong', { seq: row.seq, row: row.row_id, operation: String(by) }));
    } else if (row.tbl === 'events' && row.action === 'delete') {
      if (lastOp === null || opKind.get(lastOp) !== 'records_expired') problems.add('events', row.row_id, keyed('ledger.chain.deletedWithoutExpiry', { seq: row.seq, row: row.row_id }));
      else deletesByOp.set(lastOp, (deletesByOp.get(lastOp) ?? 0) + 1);
    }
    prev = row.hash;
    expected = row.seq + 1;
  }
  const stated = db.prepare('SELECT json_extract(details, \'$.events_deleted\') FROM operations WHERE id = ?').pluck();
  for (const [op, n] of deletesByOp) {
    const claimed = stated.get(op) as number | null;
    if (claimed !== n) problems.add('operations', op, keyed('ledger.chain.deletionCount', { operation: op, claimed: claimed ?? 'no', count: n }));
  }
  return { count: expected - 1, head: prev };
}

function parseState(state: string | null): unknown[] {
  if (state === null) return [];
  try {
    const v = JSON.parse(state);
    return Array.isArray(v) ? v : [v];
  } catch {
    return [Symbol('unreadable')];
  }
}

/** Each element either unchanged or from null to a value. */
function allowedTransition(from: string | null, to: string | null): boolean {
  const a = parseState(from);
  const b = parseState(to);
  if (a.length !== b.length) return false;
  return a.every((x, i) => x === b[i] || (x === null && b[i] !== null && typeof b[i] !== 'symbol'));
}

interface Lifecycle {
  live: boolean;
  /** The content hash recorded; null while only a seal recorded the row (its content hash is then what the seal must hold). */
  content: string | null;
  state: string | null;
  /** The seal that inserted the row, when one did. */
  seal?: SealInsert;
}

/** Merge a table's rows with its chain entries, both in row-id order. */
function verifyTable(db: Db, spec: ChainedTable, problems: Problems): void {
  const t = spec.table;
  const triggers = new Set(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?").pluck().all(t) as string[]);
  for (const name of chainTriggerNames(t)) if (!triggers.has(name)) problems.add(t, null, keyed('ledger.chain.triggerMissing', { trigger: name }));

  const rows = db
    .prepare(`SELECT rowid AS id, ${HASH_FUNCTION}(${contentExpr(db, spec, 'x')}) AS c, ${stateExpr(spec, 'x')} || '' AS s FROM ${t} AS x ORDER BY rowid`)
    .iterate() as IterableIterator<{ id: number; c: string; s: string | null }>;
  // Both cursors stream (reads may interleave on one connection): memory stays flat at millions of events.
  type Entry = Pick<ChainRow, 'seq' | 'row_id' | 'action' | 'content_hash' | 'state'>;
  const cursor = db.prepare('SELECT seq, row_id, action, content_hash, state FROM chain WHERE tbl = ? ORDER BY row_id, seq').iterate(t) as IterableIterator<Entry>;
  let current: Entry | undefined = cursor.next().value;
  // Imported events and a recompute's ledger entries are inserted by the seals that cover them: their entries merge with the row's own, by seq.
  const seals = SEALED_TABLES.has(t) ? SealCheck.load(db, t) : null;
  const nextRowId = () => Math.min(current?.row_id ?? Number.MAX_SAFE_INTEGER, seals?.nextRowId() ?? Number.MAX_SAFE_INTEGER);
  /** Resolves a row the seal inserted: its content then was `content`. */
  const resolve = (rowId: number, life: Lifecycle, content: string | null) => {
    if (life.content === null && life.seal) life.seal.feed(rowId, content);
    life.content = content;
  };

  const lifecycleOf = (rowId: number): Lifecycle | null => {
    let life: Lifecycle | null = null;
    const sealed = seals?.insertsOf(rowId) ?? [];
    let k = 0;
    for (;;) {
      const own = current?.row_id === rowId ? current : undefined;
      const seal = sealed[k];
      if (!own && !seal) break;
      if (seal && (!own || seal.seq < own.seq)) {
        k++;
        if (life?.live) problems.add(t, rowId, keyed('ledger.chain.insertedAgain', { seq: seal.seq, row: rowId }));
        if (life?.live) resolve(rowId, life, null);
        life = { live: true, content: null, state: seal.state, seal };
        continue;
      }
      const x = own!;
      current = cursor.next().value;
      if (x.action === 'insert') {
        if (life?.live) problems.add(t, rowId, keyed('ledger.chain.insertedAgain', { seq: x.seq, row: rowId }));
        if (life?.live) resolve(rowId, life, null);
        life = { live: true, content: x.content_hash, state: x.state };
      } else if (!life?.live) {
        problems.add(t, rowId, keyed('ledger.chain.neverInserted', { seq: x.seq, action: x.action, row: rowId }));
        life = { live: x.action === 'update', content: x.content_hash, state: x.state };
      } else if (x.action === 'update') {
        // A row only a seal recorded had, until this update, the content this entry holds: the seal's digest checks it.
        if (life.content === null) resolve(rowId, life, x.content_hash);
        if (x.content_hash !== life.content) problems.add(t, rowId, keyed('ledger.chain.contentChanged', { seq: x.seq, row: rowId }));
        else if (!spec.mutable?.length || !allowedTransition(life.state, x.state)) problems.add(t, rowId, keyed('ledger.chain.updated', { seq: x.seq, row: rowId }));
        life = { live: true, content: x.content_hash, state: x.state };
      } else {
        if (!spec.deletable) problems.add(t, rowId, keyed('ledger.chain.deleted', { seq: x.seq, row: rowId }));
        if (life.content === null) resolve(rowId, life, x.content_hash);
        life = { live: false, content: x.content_hash, state: x.state };
      }
    }
    return life;
  };
  const skipTo = (rowId: number) => {
    // Rows the chain knows but the table no longer holds.
    for (let id = nextRowId(); id < rowId; id = nextRowId()) {
      const life = lifecycleOf(id);
      if (life?.live) {
        problems.add(t, id, keyed('ledger.chain.missingFromTable', { row: id }));
        resolve(id, life, null);
      }
    }
  };

  for (const row of rows) {
    skipTo(row.id);
    const life = nextRowId() === row.id ? lifecycleOf(row.id) : null;
    if (!life || !life.live) {
      problems.add(t, row.id, keyed('ledger.chain.unchained', { row: row.id }));
      continue;
    }
    // A row only a seal recorded: its content now is what the seal's digest must hold (checked once the seal is complete).
    if (life.content === null) resolve(row.id, life, row.c);
    if (life.content !== row.c) problems.add(t, row.id, keyed('ledger.chain.edited', { row: row.id }));
    else if (life.state !== row.s) problems.add(t, row.id, keyed('ledger.chain.stateEdited', { row: row.id, columns: spec.mutable?.join(', ') ?? '' }));
  }
  skipTo(Number.MAX_SAFE_INTEGER);
  seals?.finish((seal, text) => problems.add('chain_seals', seal, text));
}

/** Latest ledger entry per citizen against the stored score and tier. */
function verifyScores(db: Db, problems: Problems): void {
  if (!tableExists(db, 'scores')) return;
  const rows = db
    .prepare(
      `SELECT c.citizen_id AS id, s.cents AS cents, s.tier AS tier, l.new_score AS ledgerCents, l.new_tier AS ledgerTier
       FROM citizens c
       LEFT JOIN scores s ON s.citizen_idx = c.idx
       LEFT JOIN ledger l ON l.seq = (SELECT max(seq) FROM ledger WHERE citizen_id = c.citizen_id)
       WHERE s.citizen_idx IS NOT NULL OR l.citizen_id IS NOT NULL`,
    )
    .iterate() as IterableIterator<{ id: string; cents: number | null; tier: string | null; ledgerCents: number | null; ledgerTier: string | null }>;
  for (const r of rows) {
    // A last entry without a new score (cause `scope`: the citizen left scope) explains a citizen with no stored score.
    if (r.cents === null && r.ledgerCents === null) continue;
    if (r.cents === null) problems.add('scores', r.id, keyed('ledger.chain.noScore', { id: r.id, cents: String(r.ledgerCents), tier: String(r.ledgerTier) }));
    else if (r.ledgerCents === null) problems.add('scores', r.id, keyed('ledger.chain.unexplainedScore', { id: r.id, cents: String(r.cents) }));
    else if (r.cents !== r.ledgerCents || r.tier !== r.ledgerTier)
      problems.add('scores', r.id, keyed('ledger.chain.scoreMismatch', { id: r.id, cents: String(r.cents), tier: String(r.tier), ledgerCents: String(r.ledgerCents), ledgerTier: String(r.ledgerTier) }));
  }
  const orphans = db.prepare('SELECT count(*) FROM ledger WHERE citizen_id NOT IN (SELECT citizen_id FROM citizens)').pluck().get() as number;
  if (orphans > 0) problems.add('ledger', null, keyed('ledger.chain.orphans', { count: orphans }));
}

export interface IntegrityOptions {
  /** Leave out the comparison of stored scores with the ledger. */
  skipScores?: boolean;
}

/** Verify everything. Reads only; run it inside a read transaction for a consistent view. */
export function verifyIntegrity(db: Db, options: IntegrityOptions = {}): IntegrityReport {
  const problems = new Problems();
  if (!tableExists(db, 'chain')) {
    problems.add('chain', null, keyed('ledger.chain.noChain'));
    return { ok: false, chain: { count: 0, head: CHAIN_GENESIS }, ledger: verifyLedger(db), problems: problems.list, problemCount: problems.count };
  }
  return db.transaction(() => {
    const links = verifyLinks(db, problems);
    const registered = new Set(db.prepare('SELECT tbl FROM chain_tables').pluck().all() as string[]);
    for (const spec of CHAINED_TABLES) {
      if (!tableExists(db, spec.table)) continue;
      if (!registered.has(spec.table)) problems.add(spec.table, null, keyed('ledger.chain.unregistered', { table: spec.table }));
      verifyTable(db, spec, problems);
    }
    const ledger = verifyLedger(db);
    if (!ledger.ok) problems.add('ledger', ledger.firstBroken, ledger.key ? { key: ledger.key, params: ledger.params, message: ledger.message } : ledger.message);
    if (!options.skipScores) verifyScores(db, problems);
    return { ok: problems.count === 0, chain: { count: links.count, head: links.head }, ledger, problems: problems.list, problemCount: problems.count };
  }).deferred();
}

/** The hash of chain entry `seq`, as stored (the caller compares it with a checkpoint after verifyIntegrity recomputed the chain). */
export function chainHashAt(db: Db, seq: number): string | undefined {
  if (seq === 0) return CHAIN_GENESIS;
  return db.prepare('SELECT hash FROM chain WHERE seq = ?').pluck().get(seq) as string | undefined;
}
