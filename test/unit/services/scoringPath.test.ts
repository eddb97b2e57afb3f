/**
 * The scoring path option: `incremental` and `full` force one path whatever
 * share of the population is dirty, `auto` keeps the 10% rule, and both
 * forced paths reach the same stored rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { updateScores, loadScoringState } from '../../../electron/services/scoring.js';
import { adjWorld, type AdjWorld } from '../helpers/adjWorld.js';

const worlds: AdjWorld[] = [];
afterEach(() => {
  while (worlds.length) worlds.pop()!.close();
});

const CITIZENS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'];

async function world(): Promise<AdjWorld> {
  const w = adjWorld('path');
  worlds.push(w);
  await w.import({ kinds: true, citizens: CITIZENS, relationships: ['A,B,2020-01-01,', 'B,C,2020-01-01,', 'C,D,2020-01-01,', 'E,F,2020-01-01,'] });
  w.publish('2025-07-01T00:00:00Z');
  return w;
}

/** Stored figures (the penalty is stored in micro-points: the same on both paths). */
const rows = (w: AdjWorld) => w.db.prepare('SELECT citizen_idx, cents, tier, own, penalty, totals FROM scores ORDER BY citizen_idx').all();
/** Every citizen dirty: `auto` would recompute everyone. */
const everyone = CITIZENS.map((c, k): [string, string, string, number] => [`e${k}`, c, '2024-01-01T00:00:00Z', -100 - 37 * k]);

describe('scoring path option', () => {
  it('incremental is taken even when every citizen is dirty, and gives the same rows as full', async () => {
    const inc = await world();
    const full = await world();
    const a = await inc.import({ events: everyone }, 'incremental');
    const b = await full.import({ events: everyone }, 'full');
    // Only the full path runs fixed-point sweeps.
    expect(a.scoring?.iterations).toBeUndefined();
    expect(b.scoring?.iterations).toBeGreaterThan(0);
    expect(rows(inc)).toEqual(rows(full));
  });

  it('auto keeps the 10% rule; full is taken for a single dirty citizen when forced', async () => {
    const w = await world();
    expect((await w.import({ events: everyone })).scoring?.iterations).toBeGreaterThan(0);
    expect((await w.import({ events: [['x1', 'A', '2024-03-01T00:00:00Z', -5]] })).scoring?.iterations).toBeUndefined();
    expect((await w.import({ events: [['x2', 'A', '2024-03-02T00:00:00Z', -5]] }, 'full')).scoring?.iterations).toBeGreaterThan(0);
  });

  it('refuses an unknown path', async () => {
    const w = await world();
    const state = loadScoringState(w.db)!;
    expect(() => updateScores(w.db, state, new Set([1]), 1, { path: 'fast' as never })).toThrow(/unknown scoring path 'fast'/);
  });
});
