/**
 * What someone with raw write access to the database file can do to the
 * ledger: drop the append-only triggers, edit rows, and recompute the hash
 * chain so that it is consistent again.
 */
import type { Db } from '../../../electron/db/connection.js';
import { entryHash, GENESIS_HASH, type LedgerRow } from '../../../electron/db/ledger.js';
import { getOperation, operationDigest } from '../../../electron/db/operations.js';

export const IMMUTABILITY_TRIGGERS = ['ledger_no_update', 'ledger_no_delete', 'operations_no_update', 'operations_no_delete'] as const;

export function dropImmutabilityTriggers(db: Db): void {
  for (const name of IMMUTABILITY_TRIGGERS) db.exec(`DROP TRIGGER ${name}`);
}

export function ledgerRow(db: Db, seq: number): LedgerRow {
  const row = db.prepare('SELECT * FROM ledger WHERE seq = ?').get(seq) as LedgerRow | undefined;
  if (!row) throw new Error(`no ledger entry ${seq}`);
  return row;
}

/** Swap everything but `seq` between two entries, as if the rows had been reordered. */
export function swapEntries(db: Db, x: number, y: number): void {
  const a = ledgerRow(db, x);
  const b = ledgerRow(db, y);
  const write = db.prepare(
    `UPDATE ledger SET citizen_id = @citizen_id, operation_id = @operation_id, old_score = @old_score, new_score = @new_score,
       old_tier = @old_tier, new_tier = @new_tier, ruleset_version = @ruleset_version, cause = @cause,
       cause_friends = @cause_friends, prev_hash = @prev_hash, hash = @hash WHERE seq = @target`,
  );
  db.transaction(() => {
    write.run({ ...b, target: x });
    write.run({ ...a, target: y });
  })();
}

/** Recompute prev_hash and hash of every entry from `fromSeq` on, so the chain verifies again. */
export function rehashChainFrom(db: Db, fromSeq: number): void {
  const rows = db.prepare('SELECT * FROM ledger WHERE seq >= ? ORDER BY seq').all(fromSeq) as LedgerRow[];
  let prev = fromSeq === 1 ? GENESIS_HASH : ledgerRow(db, fromSeq - 1).hash;
  const update = db.prepare('UPDATE ledger SET prev_hash = ?, hash = ? WHERE seq = ?');
  db.transaction(() => {
    for (const row of rows) {
      const op = getOperation(db, row.operation_id);
      if (!op) throw new Error(`operation ${row.operation_id} is missing`);
      const { hash: _old, ...rest } = { ...row, prev_hash: prev };
      const hash = entryHash(rest, operationDigest(op));
      update.run(prev, hash, row.seq);
      prev = hash;
    }
  })();
}

/** Flip one hex character of a hash (0<->1, a<->b ...), keeping it a plausible hash. */
export function flipHexChar(hash: string, at: number): string {
  const c = hash[at];
  const flipped = (parseInt(c, 16) ^ 1).toString(16);
  return hash.slice(0, at) + flipped + hash.slice(at + 1);
}
