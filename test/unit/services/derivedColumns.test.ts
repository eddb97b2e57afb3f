/**
 * Stored derived columns (own, penalty, totals, tier) follow the model after
 * every incremental update, not only when the score moves, and a recompute at
 * the same as-of repairs any stored figure that differs from the model
 * (issue 7, wrong figure 1).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { explainCitizen } from '../../../electron/services/explain.js';
import { scoreRows } from '../../../electron/services/exportScores.js';
import { retractEvent } from '../../../electron/services/retract.js';
import { recomputeScores } from '../../../electron/services/rulesets.js';
import { adjWorld, type AdjWorld } from '../helpers/adjWorld.js';

const worlds: AdjWorld[] = [];
afterEach(() => {
  while (worlds.length) worlds.pop()!.close();
});

const AS_OF = '2025-07-01T00:00:00Z';
const CITIZENS = ['K', 'J', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8'];
const E1: [string, string, string, number] = ['e1', 'K', '2024-01-01T00:00:00Z', -960];
const E2: [string, string, string, number] = ['e2', 'J', '2024-01-01T00:00:00Z', -200];
const E3: [string, string, string, number] = ['e3', 'J', '2024-02-01T00:00:00Z', -100];

function world(): AdjWorld {
  const w = adjWorld('derived');
  worlds.push(w);
  return w;
}

function exported(w: AdjWorld): Map<string, string> {
  return new Map([...scoreRows(w.db)].slice(1).map((line) => [line.split(',')[0], line]));
}

/** The repro up to batch 1 and the publish. */
async function repro(): Promise<AdjWorld> {
  const w = world();
  await w.import({ kinds: true, citizens: CITIZENS, relationships: ['K,J,2020-01-01,'], events: [E1, E2] });
  w.publish(AS_OF);
  return w;
}

describe('stored derived columns after incremental updates', () => {
  it('K clamped at score_min gets the new penalty when J drops further (incremental import)', async () => {
    const w = await repro();
    expect(exported(w).get('K')).toBe('K,0.00,D,40.00,75.00');
    const report = await w.import({ events: [E3] });
    expect(report.scoring?.iterations).toBeUndefined(); // the incremental path ran
    expect(exported(w).get('K')).toBe('K,0.00,D,40.00,100.00');

    const fresh = world();
    await fresh.import({ kinds: true, citizens: CITIZENS, relationships: ['K,J,2020-01-01,'], events: [E1, E2, E3] });
    fresh.publish(AS_OF);
    expect([...scoreRows(w.db)]).toEqual([...scoreRows(fresh.db)]);
  });

  it('retracting e3 brings the exported penalty back to 75.00, as explain says', async () => {
    const w = await repro();
    // Batch 2 scored from scratch gives K the model's 100.00; the retraction is incremental.
    await w.import({ events: [E3] }, 'full');
    expect(exported(w).get('K')).toBe('K,0.00,D,40.00,100.00');
    retractEvent(w.db, 'e3', { actor: 'test', reason: 'data-entry error' });
    expect(exported(w).get('K')).toBe('K,0.00,D,40.00,75.00');
    expect(explainCitizen(w.db, 'K').friendPenalty).toBe(75);
  });

  it('recompute at the same as-of repairs a stale stored figure and records why', async () => {
    const w = await repro();
    const before = w.db.prepare('SELECT count(*) FROM operations').pluck().get() as number;
    // A stale row as an earlier version of the engine left it.
    w.db.prepare("UPDATE scores SET penalty = 12.5, own = 41, totals = '{}' WHERE citizen_idx = (SELECT idx FROM citizens WHERE citizen_id = 'K')").run();
    const result = recomputeScores(w.db, { asOf: AS_OF, actor: 'test' });
    expect(result.operationId).not.toBeNull();
    expect(result.scoring.rowsRewritten).toBe(1);
    expect(exported(w).get('K')).toBe('K,0.00,D,40.00,75.00');
    expect(w.db.prepare("SELECT totals FROM scores WHERE citizen_idx = (SELECT idx FROM citizens WHERE citizen_id = 'K')").pluck().get()).toBe('{"adj":-960}');
    expect(w.db.prepare('SELECT count(*) FROM operations').pluck().get()).toBe(before + 1);
    // Nothing left to repair: the next recompute records nothing.
    const again = recomputeScores(w.db, { asOf: AS_OF, actor: 'test' });
    expect(again.operationId).toBeNull();
    expect(w.db.prepare('SELECT count(*) FROM operations').pluck().get()).toBe(before + 1);
  });
});
