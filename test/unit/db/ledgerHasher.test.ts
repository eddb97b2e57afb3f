/**
 * Ledger entries hashed beside the writer (ledgerHasher.ts): the rows of the
 * ledger, its seals and the chain are the very ones hashing in the writing
 * thread gives, over several batches and with values that need escaping; a
 * worker whose starting head is no longer the ledger's head, a batch that does not line
 * up with its entries and a worker that fails are all caught, and the
 * entries are then hashed in the writing thread; no worker is left behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import { appendLedgerEntries, verifyLedger, type LedgerEntryInput } from '../../../electron/db/ledger.js';
import { usedLedgerBatches, runningLedgerHashers, startLedgerHasher, type LedgerHashes } from '../../../electron/db/ledgerHasher.js';
import { recordOperation } from '../../../electron/db/operations.js';
import type { Db } from '../../../electron/db/connection.js';
import { adjWorld, type AdjWorld } from '../helpers/adjWorld.js';

const worlds: AdjWorld[] = [];
afterEach(() => {
  while (worlds.length) worlds.pop()!.close();
});

async function world(): Promise<Db> {
  const w = adjWorld('ledger-hasher');
  worlds.push(w);
  await w.import({ kinds: true, citizens: ['A', 'B', 'C'] });
  w.publish('2025-07-01T00:00:00Z');
  return w.db;
}

/** 9,000 entries (three batches): every cause, scores leaving scope, tiers and ids that need escaping in the chain's JSON. */
function entries(operationId: number): LedgerEntryInput[] {
  return Array.from({ length: 9000 }, (_, k): LedgerEntryInput => {
    const leaves = k % 97 === 0;
    return {
      citizenId: k % 11 === 0 ? `C"${k}\\é` : `C${k}`,
      operationId,
      oldCents: k % 13 === 0 && !leaves ? null : 90_000 + k,
      newCents: leaves ? null : 85_000 + k,
      oldTier: k % 13 === 0 && !leaves ? null : 'A',
      newTier: leaves ? null : k % 7 === 0 ? 'B "plus"\n' : 'B',
      rulesetVersion: 1,
      cause: leaves ? 'scope' : k % 3 === 0 ? 'friends' : 'own',
      causeFriends: k % 3 === 0 && !leaves ? [`F${k}`, `G"${k}`] : [],
    };
  });
}

class Rollback extends Error {}

/** Appends the entries under a new operation (at a fixed instant) with `hashes`, and gives what was written; everything is rolled back. */
function append(db: Db, hashes: (db: Db, operationId: number) => LedgerHashes | null, between?: () => void) {
  let written: unknown;
  try {
    db.transaction(() => {
      const op = recordOperation(db, { kind: 'records_expired', actor: 'tester', reason: 'ledger hashing', details: {}, at: '2026-11-30T12:00:00.000Z' });
      const hasher = hashes(db, op.id);
      between?.();
      appendLedgerEntries(db, entries(op.id), hasher);
      hasher?.stop();
      written = {
        ledger: db.prepare('SELECT * FROM ledger ORDER BY seq').all(),
        chain: db.prepare('SELECT * FROM chain ORDER BY seq').all(),
        seals: db.prepare('SELECT * FROM chain_seals ORDER BY id').all(),
        ledgerOk: verifyLedger(db).ok,
        // The chain recomputed from the rows (the synthetic entries name citizens that do not exist: that is all it may report).
        chainOk: verifyIntegrity(db).problems.every((p) => p.key === 'ledger.chain.orphans'),
      };
      throw new Rollback();
    })();
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return written as { ledger: unknown[]; chain: unknown[]; seals: unknown[]; ledgerOk: boolean; chainOk: boolean };
}

/** Waits until every worker thread has exited. */
async function noWorkerLeft(): Promise<void> {
  for (let k = 0; k < 500 && runningLedgerHashers() > 0; k++) await new Promise((r) => setTimeout(r, 20));
  expect(runningLedgerHashers()).toBe(0);
}

describe('ledger entries hashed beside the writer', () => {
  it('write the very ledger, seal and chain rows hashing here writes', async () => {
    const db = await world();
    const here = append(db, () => null);
    expect([here.ledgerOk, here.chainOk]).toEqual([true, true]);
    // 9,000 entries: three seals (4,096 + 4,096 + 808); the only ledger rows chained one by one are the publish's three.
    expect((here.seals as { tbl: string; first_row: number; last_row: number }[]).map((s) => [s.tbl, s.last_row - s.first_row + 1])).toEqual([['ledger', 4096], ['ledger', 4096], ['ledger', 808]]);
    expect((here.chain as { tbl: string }[]).filter((c) => c.tbl === 'ledger')).toHaveLength(3);
    const before = usedLedgerBatches();
    const beside = append(db, startLedgerHasher);
    expect(usedLedgerBatches() - before).toBe(3);
    expect(beside).toEqual(here);
    await noWorkerLeft();
  });

  it("are not used when an entry was appended after the worker read the ledger's head, and the rows are this thread's", async () => {
    const db = await world();
    const here = append(db, () => null, () => undefined);
    const before = usedLedgerBatches();
    // One more ledger entry after the worker started: its head is stale.
    const stale = append(db, startLedgerHasher, () => appendLedgerEntries(db, entries(1).slice(1, 2)));
    expect(usedLedgerBatches()).toBe(before);
    expect(stale.ledgerOk && stale.chainOk).toBe(true);
    expect(stale.ledger).toHaveLength(here.ledger.length + 1);
    await noWorkerLeft();
  });

  it('are hashed here when a batch does not line up with its entries', async () => {
    const db = await world();
    const here = append(db, () => null);
    const before = usedLedgerBatches();
    // A worker whose batches are off by one entry: each batch is the hashes of the entries one further on.
    const shifted = append(db, (d, operationId) => {
      const real = startLedgerHasher(d, operationId)!;
      let all: string | null = null;
      return {
        ledger: real.ledger,
        send: (e) => real.send(e),
        take(batch) {
          if (all === null) all = [0, 1, 2].map((b) => real.take(b) ?? '').join('');
          return all.slice((batch * 4096 + 1) * 128, ((batch + 1) * 4096 + 1) * 128);
        },
        rejected: () => real.rejected(),
        stop: () => real.stop(),
      };
    });
    expect(usedLedgerBatches()).toBe(before);
    expect(shifted).toEqual(here);
    await noWorkerLeft();
  });

  it('are hashed here when the worker fails (an operation it was not given)', async () => {
    const db = await world();
    const here = append(db, () => null);
    const before = usedLedgerBatches();
    const failed = append(db, (d) => {
      // Started for another operation: the entries name one the worker was not given, and it refuses the first batch.
      const other = recordOperation(d, { kind: 'records_expired', actor: 'tester', reason: 'another', details: {}, at: '2026-11-30T12:00:00.000Z' });
      return startLedgerHasher(d, other.id);
    });
    expect(usedLedgerBatches()).toBe(before);
    expect(failed.ledgerOk && failed.chainOk).toBe(true);
    expect(failed.ledger).toEqual(here.ledger);
    await noWorkerLeft();
  });

  it('are refused outside the transaction that appends them', async () => {
    const db = await world();
    expect(() => startLedgerHasher(db, 1)).toThrow(/inside the write transaction/);
  });
});
