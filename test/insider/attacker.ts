/**
 * The bad-faith administrator with write access to the database file: drops
 * every append-only trigger, edits or deletes rows, then makes the record
 * consistent again — the ledger's hash chain recomputed, the chain of every
 * record rebuilt from scratch from the edited tables (imported events chained
 * one by one, their seals removed), stored scores set to
 * the edited ledger — so that nothing inside the database betrays the edit.
 * Only a checkpoint held by the auditor outside the machine can.
 */
import type { Db } from '../../electron/db/connection.js';
import { CHAIN_GENESIS, CHAINED_TABLES, chainEntryText, contentExpr, HASH_FUNCTION, sha256Hex, stateExpr, tableExists } from '../../electron/db/chain.js';
import { rehashChainFrom } from '../unit/helpers/ledgerAttacker.js';

/** Drop every BEFORE UPDATE/DELETE trigger that keeps a table append-only (the chain's own included). */
export function dropAppendOnlyTriggers(db: Db): void {
  const names = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND (name LIKE '%\\_no\\_update' ESCAPE '\\' OR name LIKE '%\\_no\\_delete' ESCAPE '\\')").pluck().all() as string[];
  for (const n of names) db.exec(`DROP TRIGGER ${n}`);
}

/** Rebuild the whole chain from the tables as they are now: consistent, with every hash recomputed. */
export function rebuildChain(db: Db): void {
  db.transaction(() => {
    // Seals vouch for imported events by their content: the attacker removes them and chains every event on its own.
    if (tableExists(db, 'chain_seals')) db.exec('DROP TRIGGER IF EXISTS chain_seals_no_delete; DELETE FROM chain_seals;');
    db.exec('DELETE FROM chain');
    let seq = 0;
    let prev = CHAIN_GENESIS;
    const insert = db.prepare('INSERT INTO chain (seq, tbl, row_id, action, content_hash, state, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (const spec of CHAINED_TABLES) {
      if (!tableExists(db, spec.table)) continue;
      const rows = db.prepare(`SELECT rowid AS id, ${HASH_FUNCTION}(${contentExpr(db, spec, 't')}) AS c, ${stateExpr(spec, 't')} || '' AS s FROM ${spec.table} t ORDER BY rowid`).all() as {
        id: number;
        c: string;
        s: string | null;
      }[];
      for (const r of rows) {
        seq++;
        const hash = sha256Hex(chainEntryText({ seq, tbl: spec.table, row_id: r.id, action: 'insert', content_hash: r.c, state: r.s, prev_hash: prev }));
        insert.run(seq, spec.table, r.id, 'insert', r.c, r.s, prev, hash);
        prev = hash;
      }
    }
  })();
}

/** Make stored scores agree with the (edited) ledger's last entry per citizen. */
export function alignScoresWithLedger(db: Db): void {
  db.exec(`UPDATE scores SET cents = l.new_score, tier = l.new_tier
           FROM citizens c JOIN ledger l ON l.seq = (SELECT max(seq) FROM ledger WHERE citizen_id = c.citizen_id)
           WHERE scores.citizen_idx = c.idx`);
}

/** Edit, then cover the tracks: ledger rehashed from `ledgerFrom` (if given), scores aligned, chain rebuilt. */
export function editAndRehash(db: Db, edit: () => void, ledgerFrom?: number): void {
  dropAppendOnlyTriggers(db);
  edit();
  if (ledgerFrom !== undefined) rehashChainFrom(db, ledgerFrom);
  alignScoresWithLedger(db);
  rebuildChain(db);
}
