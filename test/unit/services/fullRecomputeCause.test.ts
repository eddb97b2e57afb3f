/**
 * The friends a full recompute names as the cause of a score change
 * (SCORING_MODEL §6): for an entry of cause `friends`, exactly the citizen's
 * active friends whose score moved and was or is below the threshold, by
 * id, sorted. Checked against the stored rows before and after each moved
 * instant, so a recompute that reads another citizen's friends, or names a
 * friend whose shortfall did not move, is caught.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { recomputeScores } from '../../../electron/services/rulesets.js';
import { adjRuleset, adjWorld, type AdjWorld } from '../helpers/adjWorld.js';

const worlds: AdjWorld[] = [];
afterEach(() => {
  while (worlds.length) worlds.pop()!.close();
});

const THRESHOLD = 850;
const CITIZENS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'];
const RULES = [
  { id: 'adj', name: 'Adjustment event', description: '', dimension: 'test', event_kind: 'adj', condition: 'true', points: 'event.p' },
  { id: 'recent', name: 'Recent setback', description: '', dimension: 'test', event_kind: 'adj', condition: 'event.p < 0.0', points: 'event.p / 3.0', ttl_days: 30 },
];

async function world(): Promise<AdjWorld> {
  const w = adjWorld('cause');
  worlds.push(w);
  await w.import({
    kinds: true,
    citizens: CITIZENS,
    // Chains and a star, so that neighbouring citizen indexes have different friends.
    relationships: ['A,B,2020-01-01,', 'B,C,2020-01-01,', 'C,D,2020-01-01,', 'D,E,2020-01-01,', 'F,G,2020-01-01,', 'F,H,2020-01-01,', 'F,I,2020-01-01,', 'I,J,2020-01-01,'],
    events: [
      ['t1', 'A', '2025-06-20T00:00:00Z', -330],
      ['t2', 'C', '2025-06-25T00:00:00Z', -420],
      ['t3', 'F', '2025-06-28T00:00:00Z', -390],
      ['t4', 'J', '2025-06-10T00:00:00Z', -500],
      ['t5', 'E', '2024-01-01T00:00:00Z', -120],
    ],
  });
  w.publish('2025-07-01T00:00:00Z', adjRuleset({}, RULES));
  return w;
}

const scoresById = (w: AdjWorld) =>
  new Map((w.db.prepare('SELECT c.citizen_id, s.s FROM scores s JOIN citizens c ON c.idx = s.citizen_idx').raw(true).all() as [string, number][]).map(([id, s]) => [id, s]));

function activeFriends(w: AdjWorld, id: string, date: string): string[] {
  return w.db
    .prepare(
      `SELECT cb.citizen_id FROM relationships r JOIN citizens ca ON ca.idx = r.a JOIN citizens cb ON cb.idx = r.b WHERE ca.citizen_id = @id AND r.since <= @d AND (r.until IS NULL OR @d < r.until)
       UNION ALL
       SELECT ca.citizen_id FROM relationships r JOIN citizens ca ON ca.idx = r.a JOIN citizens cb ON cb.idx = r.b WHERE cb.citizen_id = @id AND r.since <= @d AND (r.until IS NULL OR @d < r.until)`,
    )
    .pluck()
    .all({ id, d: date }) as string[];
}

describe('a full recompute names the friends that moved a score', () => {
  it('as the friends whose score moved across or below the threshold, sorted by id', async () => {
    const w = await world();
    let friendsEntries = 0;
    for (const asOf of ['2025-07-22T00:00:00Z', '2025-07-27T00:00:00Z', '2025-07-31T00:00:00Z', '2025-07-10T00:00:00Z', '2025-08-05T00:00:00Z']) {
      const before = scoresById(w);
      const r = recomputeScores(w.db, { asOf, actor: 'test', path: 'full' });
      const after = scoresById(w);
      const entries = w.db.prepare("SELECT citizen_id, cause_friends FROM ledger WHERE operation_id = ? AND cause = 'friends'").all(r.operationId) as { citizen_id: string; cause_friends: string }[];
      for (const e of entries) {
        const expected = activeFriends(w, e.citizen_id, asOf.slice(0, 10))
          .filter((j) => before.get(j) !== after.get(j) && (before.get(j)! < THRESHOLD || after.get(j)! < THRESHOLD))
          .sort();
        expect(expected.length).toBeGreaterThan(0);
        expect(JSON.parse(e.cause_friends), `${asOf}: ${e.citizen_id}`).toEqual(expected);
        friendsEntries++;
      }
    }
    // The world is built so that scores move through friends: the check above ran.
    expect(friendsEntries).toBeGreaterThanOrEqual(3);
  });
});
