/**
 * Index builds deferred to the end of a bulk write (deferredIndexes.ts), as
 * a full recompute uses them on the scores: the indexes come back with
 * their exact SQL, a failed or cancelled run leaves them (and everything
 * else) as before, and the ledger written in bulk still verifies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import { deferIndexes } from '../../../electron/db/deferredIndexes.js';
import { verifyLedger } from '../../../electron/db/ledger.js';
import { recomputeScores } from '../../../electron/services/rulesets.js';
import { adjWorld, type AdjWorld } from '../helpers/adjWorld.js';

const worlds: AdjWorld[] = [];
afterEach(() => {
  while (worlds.length) worlds.pop()!.close();
});

const indexSql = (w: AdjWorld, table: string) =>
  w.db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? ORDER BY name").all(table) as { name: string; sql: string | null }[];
const scoreRows = (w: AdjWorld) => w.db.prepare('SELECT * FROM scores ORDER BY citizen_idx').all();

/** 120 citizens in a ring of friendships, each with a setback that leaves its one-year window on 2026-02-01. */
async function population(): Promise<AdjWorld> {
  const w = adjWorld('deferred');
  worlds.push(w);
  const citizens = Array.from({ length: 120 }, (_, k) => `C${String(k).padStart(3, '0')}`);
  await w.import({
    kinds: true,
    citizens,
    relationships: citizens.map((c, k) => `${c},${citizens[(k + 1) % citizens.length]},2020-01-01,`),
    events: citizens.map((c, k): [string, string, string, number] => [`e${k}`, c, '2025-01-15T00:00:00Z', -150 - k]),
  });
  w.publish('2025-06-01T00:00:00Z', {
    ...adjRulesetWithTtl(),
  });
  return w;
}

function adjRulesetWithTtl() {
  return {
    base_score: 1000,
    score_min: 0,
    score_max: 2000,
    friend_penalty: { threshold: 850, weight: 0.5, cap: 100 },
    tiers: [
      { name: 'AAA', min: 1050 },
      { name: 'AA', min: 1030 },
      { name: 'A', min: 960 },
      { name: 'B', min: 850 },
      { name: 'C', min: 600 },
      { name: 'D', min: 0 },
    ],
    rules: [{ id: 'adj', name: 'Setback', description: '', dimension: 'test', event_kind: 'adj', condition: 'true', points: 'event.p', ttl_days: 365 }],
  };
}

describe('deferred index builds', () => {
  it('are refused outside a write transaction', async () => {
    const w = await population();
    expect(() => deferIndexes(w.db, 'scores')).toThrow(/inside the write transaction/);
    expect(indexSql(w, 'scores').filter((i) => i.sql !== null)).toHaveLength(2);
  });

  it('refuse an index the table does not have, dropping nothing', async () => {
    const w = await population();
    const before = indexSql(w, 'scores');
    w.db.exec('BEGIN IMMEDIATE');
    expect(() => deferIndexes(w.db, 'scores', ['scores_by_cents', 'scores_by_nothing'])).toThrow(/no index scores_by_nothing/);
    w.db.exec('COMMIT');
    expect(indexSql(w, 'scores')).toEqual(before);
  });

  it('come back with their exact SQL, after a commit or a rollback; constraint indexes are never dropped', async () => {
    const w = await population();
    const before = indexSql(w, 'citizens');
    expect(before.some((i) => i.sql === null)).toBe(true); // the UNIQUE citizen_id
    for (const end of ['COMMIT', 'ROLLBACK']) {
      w.db.exec('BEGIN IMMEDIATE');
      const d = deferIndexes(w.db, 'citizens');
      expect(d.names).toEqual(before.filter((i) => i.sql !== null).map((i) => i.name));
      expect(indexSql(w, 'citizens')).toEqual(before.filter((i) => i.sql === null));
      if (end === 'COMMIT') d.restore();
      d.restore(); // idempotent
      w.db.exec(end);
      expect(indexSql(w, 'citizens')).toEqual(before);
    }
    expect(w.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('a full recompute that rewrites most scores keeps the score indexes and writes a ledger that verifies', async () => {
    const w = await population();
    const before = indexSql(w, 'scores');
    const result = recomputeScores(w.db, { asOf: '2026-02-01T00:00:00Z', actor: 'test', path: 'full' });
    // Every setback left its window: every score moved, well past the deferral threshold (an eighth).
    expect(result.scoring.scoresChanged).toBe(120);
    expect(indexSql(w, 'scores')).toEqual(before);
    expect(w.db.pragma('integrity_check', { simple: true })).toBe('ok');
    // The indexes answer as the table does.
    const byIndex = w.db.prepare('SELECT citizen_idx FROM scores INDEXED BY scores_by_cents WHERE cents >= 100000 ORDER BY citizen_idx').pluck().all();
    const byScan = w.db.prepare('SELECT citizen_idx FROM scores NOT INDEXED WHERE cents >= 100000 ORDER BY citizen_idx').pluck().all();
    expect(byIndex).toEqual(byScan);
    expect(byIndex.length).toBeGreaterThan(0);
    expect(verifyLedger(w.db).ok).toBe(true);
    expect(verifyIntegrity(w.db).ok).toBe(true);
  });

  it('a recompute cancelled while its ledger is written leaves scores, indexes, ledger and chain exactly as before', async () => {
    const w = await population();
    const indexes = indexSql(w, 'scores');
    const scores = scoreRows(w);
    const ledger = w.db.prepare('SELECT count(*) FROM ledger').pluck().get();
    const chain = w.db.prepare('SELECT max(seq) FROM chain').pluck().get();
    const triggers = w.db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name").all();
    const cancel = (phase: string) => {
      if (phase === 'ledger') throw new Error('cancelled');
    };
    expect(() => recomputeScores(w.db, { asOf: '2026-02-01T00:00:00Z', actor: 'test', path: 'full', onProgress: cancel })).toThrow('cancelled');
    expect(w.db.inTransaction).toBe(false);
    expect(indexSql(w, 'scores')).toEqual(indexes);
    expect(scoreRows(w)).toEqual(scores);
    expect(w.db.prepare('SELECT count(*) FROM ledger').pluck().get()).toBe(ledger);
    expect(w.db.prepare('SELECT max(seq) FROM chain').pluck().get()).toBe(chain);
    expect(w.db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name").all()).toEqual(triggers);
    expect(verifyIntegrity(w.db).ok).toBe(true);
  });
});
