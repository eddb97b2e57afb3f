/** Migration 0140: the chain table; every existing append-only row chained in row order; checkpoints gain the chain's heads. */
import { describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../../../electron/db/chainVerify.js';
import { MIGRATIONS } from '../../../../electron/db/migrations/index.js';
import m0140 from '../../../../electron/db/migrations/0140-chain.js';
import { columnsOf, insertOperation, isStrict, userVersion, useVersionedDatabases } from '../../helpers/migrationDb.js';

const atVersion = useVersionedDatabases('m0140');
const PREVIOUS = MIGRATIONS[MIGRATIONS.indexOf(m0140) - 1].version;

describe('migration 0140-chain', () => {
  it('chains the rows written before it, in table and row order, and the result verifies', () => {
    const { db, migrateTo } = atVersion(PREVIOUS);
    const op1 = insertOperation(db, 'first');
    const op2 = insertOperation(db, 'second');
    db.prepare("INSERT INTO access_log (at, username, action, detail, outcome) VALUES ('2026-11-01T00:00:00Z', 'viewer', 'search', '{}', 'allowed')").run();

    migrateTo(m0140.version);

    expect(userVersion(db)).toBe(m0140.version);
    expect(isStrict(db, 'chain')).toBe(true);
    expect(db.prepare('SELECT tbl, row_id, action FROM chain ORDER BY seq').all()).toEqual([
      { tbl: 'operations', row_id: op1, action: 'insert' },
      { tbl: 'operations', row_id: op2, action: 'insert' },
      { tbl: 'access_log', row_id: 1, action: 'insert' },
    ]);
    expect(columnsOf(db, 'ledger_checkpoints').map((c) => c.name)).toEqual(expect.arrayContaining(['chain_count', 'chain_head']));
    expect(verifyIntegrity(db)).toMatchObject({ ok: true, chain: { count: 3 } });
    // and writes after it are chained by the triggers
    insertOperation(db, 'third');
    expect(verifyIntegrity(db)).toMatchObject({ ok: true, chain: { count: 4 } });
  });
});
