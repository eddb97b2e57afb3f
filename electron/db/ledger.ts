/**
 * The ledger (SCORING_MODEL §6): one append-only, hash-chained entry per change
 * of a citizen's stored score or tier. The verifier recomputes the chain from
 * the rows alone and names the first entry that does not match.
 */
import { keyed, type Said } from '../../shared/englishText.js';
import { sha256Hex } from './chain.js';
import { ChainSealer } from './chainSeals.js';
import type { Db } from './connection.js';
import { getOperation, operationDigest, type OperationRow } from './operations.js';
import type { LedgerHashes } from './ledgerHasher.js';

/** Entries per INSERT statement (12 parameters each). */
const ROWS_PER_STATEMENT = 64;
/** Entries per batch hashed beside the writer (ledgerHasher.ts), a whole number of statements; and the width of a batch's reply per entry: two SHA-256 in hex. */
export const LEDGER_HASH_BATCH = 64 * ROWS_PER_STATEMENT;
export const LEDGER_HASHES_WIDTH = 128;

export const GENESIS_HASH = '0'.repeat(64);

export interface LedgerEntryInput {
  citizenId: string;
  operationId: number;
  oldCents: number | null;
  /** Null when the citizen left scope (cause `scope`). */
  newCents: number | null;
  oldTier: string | null;
  newTier: string | null;
  rulesetVersion: number;
  /** `scope`: the citizen entered or left scope (SCORING_MODEL §6); old or new score is then null. */
  cause: LedgerCause;
  causeFriends: string[];
}

export type LedgerCause = 'own' | 'friends' | 'scope';

export interface LedgerRow {
  seq: number;
  citizen_id: string;
  operation_id: number;
  old_score: number | null;
  new_score: number | null;
  old_tier: string | null;
  new_tier: string | null;
  ruleset_version: number;
  cause: LedgerCause;
  cause_friends: string;
  prev_hash: string;
  hash: string;
}

/** Canonical serialisation: a JSON array in fixed field order, including the operation's digest. */
export function entryHash(row: Omit<LedgerRow, 'hash'>, opDigest: string): string {
  const canonical = JSON.stringify([
    row.seq,
    row.citizen_id,
    row.operation_id,
    opDigest,
    row.old_score,
    row.new_score,
    row.old_tier,
    row.new_tier,
    row.ruleset_version,
    row.cause,
    row.cause_friends,
    row.prev_hash,
  ]);
  return sha256Hex(canonical);
}

export function ledgerHead(db: Db): { count: number; head: string; lastSeq: number } {
  const row = db.prepare('SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  const count = (db.prepare('SELECT count(*) AS n FROM ledger').pluck().get() as number) ?? 0;
  return { count, head: row?.hash ?? GENESIS_HASH, lastSeq: row?.seq ?? 0 };
}

export const LEDGER_COLUMNS = ['seq', 'citizen_id', 'operation_id', 'old_score', 'new_score', 'old_tier', 'new_tier', 'ruleset_version', 'cause', 'cause_friends', 'prev_hash', 'hash'] as const;
/** From this many entries of one operation on, they are chained in seals (chainSeals.ts) rather than one by one by the per-row trigger. */
const BULK_FROM = 64;

/** The last entry's sequence number and hash (0 and the genesis hash for an empty ledger). */
export function ledgerTail(db: Db): { head: string; lastSeq: number } {
  const row = db.prepare('SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  return { head: row?.hash ?? GENESIS_HASH, lastSeq: row?.seq ?? 0 };
}

/**
 * Appends entries in order; call inside the transaction that changed the
 * scores. A recompute appends tens of thousands at once: each row is built
 * once (no copies), its parameters go straight into the multi-row
 * statement's array, and the rows are chained in seals (chainSeals.ts),
 * their content hashes computed in the same pass. With `ahead` (a worker
 * hashing the entries beside this thread), a batch's two hashes per entry
 * (ledger hash, content hash) come from the worker, provided it started
 * from the ledger's head this append starts from; the first entry of every
 * batch is hashed here too and compared, and any batch the worker does not
 * give is hashed here.
 */
export function appendLedgerEntries(db: Db, entries: LedgerEntryInput[], ahead: LedgerHashes | null = null): void {
  if (entries.length === 0) return;
  let { head, lastSeq } = ledgerTail(db);
  const sql = `INSERT INTO ledger (${LEDGER_COLUMNS.join(', ')}) VALUES `;
  const row = `(${LEDGER_COLUMNS.map(() => '?').join(', ')})`;
  const width = LEDGER_COLUMNS.length;
  const insertOne = db.prepare(sql + row);
  const insertMany = entries.length >= ROWS_PER_STATEMENT ? db.prepare(sql + Array(ROWS_PER_STATEMENT).fill(row).join(', ')) : null;
  // A seal names one operation: entries of several (never from one recompute) are chained one by one.
  const oneOperation = entries.every((e) => e.operationId === entries[0].operationId);
  const chain = entries.length >= BULK_FROM && oneOperation ? new ChainSealer(db, 'ledger', entries[0].operationId, LEDGER_COLUMNS) : null;
  const linked = ahead !== null && chain !== null && ahead.ledger.seq === lastSeq && ahead.ledger.hash === head;
  if (linked) ahead.send(entries);
  const digests = new Map<number, string>();
  let params: (string | number | null)[] = [];
  let rows = 0;
  /** Per row of `params`, its chain content hash (sealed). */
  let contents: string[] = [];
  let batch: string | null = null;
  const flush = () => {
    if (insertMany && rows === ROWS_PER_STATEMENT) insertMany.run(params);
    else for (let k = 0; k < rows; k++) insertOne.run(params.slice(k * width, k * width + width));
    chain?.addRun(params, width, contents);
    params = [];
    rows = 0;
    contents = [];
  };
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    let digest = digests.get(e.operationId);
    if (!digest) {
      const op = getOperation(db, e.operationId);
      if (!op) throw new Error(`ledger entry refers to unknown operation ${e.operationId}`);
      digest = operationDigest(op);
      digests.set(e.operationId, digest);
    }
    const r: LedgerRow = {
      seq: lastSeq + 1,
      citizen_id: e.citizenId,
      operation_id: e.operationId,
      old_score: e.oldCents,
      new_score: e.newCents,
      old_tier: e.oldTier,
      new_tier: e.newTier,
      ruleset_version: e.rulesetVersion,
      cause: e.cause,
      cause_friends: JSON.stringify(e.causeFriends),
      prev_hash: head,
      hash: '',
    };
    const at = (i % LEDGER_HASH_BATCH) * LEDGER_HASHES_WIDTH;
    if (linked && at === 0) {
      batch = ahead.take(i / LEDGER_HASH_BATCH);
      // The batch's first entry hashed here as well (its ledger hash and content hash; the rows before it are all appended,
      // as a batch is a whole number of statements): a batch that does not agree is hashed here whole.
      if (batch !== null) {
        const hash = entryHash(r, digest);
        if (batch.slice(0, 64) !== hash || batch.slice(64, 128) !== sha256Hex(chain.contentOf({ ...r, hash }))) {
          ahead.rejected();
          batch = null;
        }
      }
    }
    if (batch !== null) {
      r.hash = batch.slice(at, at + 64);
      contents.push(batch.slice(at + 64, at + 128));
    } else {
      r.hash = entryHash(r, digest);
      if (chain) contents.push(sha256Hex(chain.contentOf(r)));
    }
    // In LEDGER_COLUMNS order.
    params.push(r.seq, r.citizen_id, r.operation_id, r.old_score, r.new_score, r.old_tier, r.new_tier, r.ruleset_version, r.cause, r.cause_friends, r.prev_hash, r.hash);
    if (++rows === ROWS_PER_STATEMENT) flush();
    head = r.hash;
    lastSeq = r.seq;
  }
  flush();
  chain?.finish();
}

export interface Checkpoint {
  count: number;
  head: string;
  at: string;
}

export type VerifyResult =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; firstBroken: number | null; message: string; key?: Said['key']; params?: Said['params'] };

/**
 * Recompute the whole chain. With a checkpoint, also require that the first
 * `checkpoint.count` entries still end in the checkpoint's head hash (a
 * rewritten or truncated history since the checkpoint is detected).
 */
export function verifyLedger(db: Db, checkpoint?: Checkpoint): VerifyResult {
  const ops = new Map<number, string>();
  const digestOf = (id: number): string | null => {
    let d = ops.get(id);
    if (d === undefined) {
      const op = getOperation(db, id) as OperationRow | undefined;
      if (!op) return null;
      d = operationDigest(op);
      ops.set(id, d);
    }
    return d;
  };
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  const broken = (firstBroken: number, said: Said): VerifyResult => ({ ok: false, count, firstBroken, ...said });
  const rows = db.prepare('SELECT * FROM ledger ORDER BY seq').iterate() as IterableIterator<LedgerRow>;
  for (const row of rows) {
    const fail = (problem: Said): VerifyResult => broken(row.seq, keyed('ledger.entry', { seq: row.seq, problem }));
    if (row.seq !== expectedSeq) return broken(row.seq, keyed('ledger.sequence', { seq: row.seq, expected: expectedSeq }));
    if (row.prev_hash !== prev) return fail(keyed('ledger.prevHash'));
    const digest = digestOf(row.operation_id);
    if (digest === null) return fail(keyed('ledger.operationMissing', { operation: row.operation_id }));
    const { hash, ...rest } = row;
    if (entryHash(rest, digest) !== hash) return fail(keyed('ledger.hash'));
    if (checkpoint && row.seq === checkpoint.count && hash !== checkpoint.head) {
      return fail(keyed('ledger.checkpointHead', { at: checkpoint.at, count: checkpoint.count }));
    }
    prev = hash;
    expectedSeq++;
    count++;
  }
  if (checkpoint && count < checkpoint.count) {
    return broken(count + 1, keyed('ledger.truncated', { count, at: checkpoint.at, recorded: checkpoint.count, from: count + 1 }));
  }
  return { ok: true, count, head: prev };
}
