/**
 * The scoring path option: `incremental` and `full` force one path whatever
 * share of the population is dirty, `auto` keeps the 10% rule, and both
 * forced paths reach the same stored rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { recomputeScores } from '../../../electron/services/rulesets.js';
import { updateScores, loadScoringState } from '../../../electron/services/scoring.js';
import { adjRuleset, adjWorld, type AdjWorld } from '../helpers/adjWorld.js';

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

describe('moving the scoring instant on the incremental path', () => {
  const TTL_RULES = [
    { id: 'adj', name: 'Adjustment event', description: '', dimension: 'test', event_kind: 'adj', condition: 'true', points: 'event.p' },
    { id: 'recent', name: 'Recent setback', description: '', dimension: 'test', event_kind: 'adj', condition: 'event.p < 0.0', points: 'event.p / 3.0', ttl_days: 30 },
  ];
  /** Events on and around the 30-day ttl boundaries of both instants; friendships that start or end between them. */
  async function movingWorld(): Promise<AdjWorld> {
    const w = adjWorld('move');
    worlds.push(w);
    await w.import({
      kinds: true,
      citizens: CITIZENS,
      relationships: ['A,B,2020-01-01,2025-07-15', 'B,C,2025-07-10,', 'C,D,2020-01-01,', 'D,E,2025-07-31,', 'E,F,2020-01-01,2025-08-01', 'G,H,2020-01-01,'],
      events: [
        ['t1', 'A', '2025-06-01T00:00:00Z', -300], // exactly 30 days before the first instant: out of the window at it
        ['t2', 'B', '2025-06-01T00:00:01Z', -450.0000015],
        ['t3', 'C', '2025-07-01T00:00:00Z', -200], // exactly 30 days before the second instant
        ['t4', 'D', '2025-07-20T00:00:00Z', -500], // between the instants
        ['t5', 'E', '2025-07-31T00:00:00Z', -120.5555555], // exactly on the second instant
        ['t6', 'G', '2025-05-01T00:00:00Z', -400], // counts at both, in no window
      ],
    });
    w.publish('2025-07-01T00:00:00Z', adjRuleset({}, TTL_RULES));
    return w;
  }
  const rowsWithIds = (w: AdjWorld) =>
    w.db.prepare('SELECT c.citizen_id, s.cents, s.tier, s.own, s.penalty, s.totals FROM scores s JOIN citizens c ON c.idx = s.citizen_idx ORDER BY c.citizen_id').all();
  const ledger = (w: AdjWorld) => w.db.prepare('SELECT citizen_id, old_score, new_score, old_tier, new_tier, cause FROM ledger ORDER BY citizen_id, seq').all();

  it('gives the rows and ledger entries of a full recompute, and leaves nothing for one to repair', async () => {
    const inc = await movingWorld();
    const full = await movingWorld();
    for (const asOf of ['2025-07-31T00:00:00Z', '2025-07-15T00:00:00Z', '2025-08-01T00:00:00Z', '2025-06-30T00:00:00Z']) {
      const a = recomputeScores(inc.db, { asOf, actor: 'test', path: 'incremental' });
      const b = recomputeScores(full.db, { asOf, actor: 'test', path: 'full' });
      expect(a.scoring.iterations).toBeUndefined();
      expect(b.scoring.iterations).toBeGreaterThan(0);
      expect(a.scoring.ledgerEntries).toBe(b.scoring.ledgerEntries);
      expect(rowsWithIds(inc)).toEqual(rowsWithIds(full));
      expect(loadScoringState(inc.db)!.asOf).toBe(loadScoringState(full.db)!.asOf);
    }
    expect(ledger(inc)).toEqual(ledger(full));
    const repair = recomputeScores(inc.db, { asOf: loadScoringState(inc.db)!.asOf, actor: 'test' });
    expect(repair.scoring.rowsRewritten).toBe(0);
    expect(repair.operationId).toBeNull();
  });

  it('touches only the citizens the move reaches', async () => {
    const w = await movingWorld();
    // Half a second later: t1..t6 keep their status, no friendship starts or ends.
    const quiet = recomputeScores(w.db, { asOf: '2025-07-01T00:00:00.500Z', actor: 'test', path: 'incremental' });
    expect(quiet.scoring.citizens).toBe(0);
    // A day later t2 (2025-06-01T00:00:01Z) leaves its 30-day window: B is dirty, A (its friend) is reached.
    const next = recomputeScores(w.db, { asOf: '2025-07-02T00:00:00Z', actor: 'test', path: 'incremental' });
    expect(next.scoring.citizens).toBe(2);
    // -> 2025-07-16: A-B ends (A and B dirty), B-C starts (C dirty), t2 leaves its window (B): the rest only through friends.
    const moved = recomputeScores(w.db, { asOf: '2025-07-16T00:00:00Z', actor: 'test', path: 'incremental' });
    expect(moved.scoring.citizens).toBeGreaterThanOrEqual(3);
    expect(moved.scoring.citizens).toBeLessThan(CITIZENS.length);
  });
});
