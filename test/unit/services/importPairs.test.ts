/**
 * Friendships are written in multi-row statements (import.ts PairBatch):
 * each pair's outcome (added, changed, unchanged) must be the one a
 * row-by-row import reaches, in full batches where some pairs are stored
 * already and in the last, partial batch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { adjWorld, type AdjWorld } from '../helpers/adjWorld.js';

const worlds: AdjWorld[] = [];
afterEach(() => {
  while (worlds.length) worlds.pop()!.close();
});

const CITIZENS = Array.from({ length: 60 }, (_, k) => `P${String(k).padStart(2, '0')}`);
/** Every pair of the 60 citizens (1770), in a fixed order. */
const ALL_PAIRS: [string, string][] = [];
for (let i = 0; i < CITIZENS.length; i++) for (let j = i + 1; j < CITIZENS.length; j++) ALL_PAIRS.push([CITIZENS[i], CITIZENS[j]]);

const stored = (w: AdjWorld) =>
  w.db
    .prepare('SELECT ca.citizen_id AS a, cb.citizen_id AS b, r.since, r.until FROM relationships r JOIN citizens ca ON ca.idx = r.a JOIN citizens cb ON cb.idx = r.b ORDER BY a, b')
    .all() as { a: string; b: string; since: string; until: string | null }[];

describe('friendships written in batches', () => {
  it('adds new pairs, changes pairs with other dates and leaves identical ones alone, as row by row', async () => {
    const w = adjWorld('pairs');
    worlds.push(w);
    await w.import({ kinds: true, citizens: CITIZENS });
    // 700 pairs first: two full batches of 256 and a partial one.
    const first = ALL_PAIRS.slice(0, 700);
    const r1 = await w.import({ relationships: first.map(([a, b]) => `${a},${b},2020-01-01,`) });
    expect(r1.counts.relationshipsAdded).toBe(700);
    expect(r1.counts.relationshipsChanged).toBe(0);
    // Then a file mixing, inside full batches: 300 unchanged, 200 with an end date, 500 new (one written b,a).
    const unchanged = first.slice(0, 300).map(([a, b]) => `${a},${b},2020-01-01,`);
    const changed = first.slice(300, 500).map(([a, b]) => `${b},${a},2020-01-01,2026-01-01`);
    const added = ALL_PAIRS.slice(700, 1200).map(([a, b]) => `${a},${b},2021-06-01,`);
    const mixed: string[] = [];
    for (let k = 0; k < 500; k++) {
      if (k < 300) mixed.push(unchanged[k]);
      if (k < 200) mixed.push(changed[k]);
      mixed.push(added[k]);
    }
    const r2 = await w.import({ relationships: mixed });
    expect(r2.counts.relationshipsAdded).toBe(500);
    expect(r2.counts.relationshipsChanged).toBe(200);
    const expected = new Map<string, { since: string; until: string | null }>();
    first.forEach(([a, b], k) => expected.set(`${a},${b}`, { since: '2020-01-01', until: k >= 300 && k < 500 ? '2026-01-01' : null }));
    ALL_PAIRS.slice(700, 1200).forEach(([a, b]) => expected.set(`${a},${b}`, { since: '2021-06-01', until: null }));
    const rows = stored(w);
    expect(rows).toHaveLength(expected.size);
    for (const r of rows) expect({ since: r.since, until: r.until }).toEqual(expected.get(`${r.a},${r.b}`));
    // The friends whose friendship changed or began are dirty: the changed pairs' members carry the new dates in their scoring.
    expect(r2.operationId).not.toBeNull();
    // The same file again changes nothing and records nothing.
    const r3 = await w.import({ relationships: mixed });
    expect(r3.counts.relationshipsAdded + r3.counts.relationshipsChanged).toBe(0);
    expect(r3.operationId).toBeNull();
    expect(stored(w)).toEqual(rows);
  });
});
