/**
 * A full recompute's rule totals summed on a second connection beside the
 * friend network (scoring.ts totalsBeside, db/committedRead.ts): the same
 * stored rows and ledger as summing them in the recomputing thread, and
 * never a total that misses what the caller's own transaction wrote (the
 * second connection sees only the last commit).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import { answeredCommittedReads } from '../../../electron/db/committedRead.js';
import { usedLedgerBatches } from '../../../electron/db/ledgerHasher.js';
import { recordEvent } from '../../../electron/services/recordEvent.js';
import { recomputeScores } from '../../../electron/services/rulesets.js';
import { adjRuleset, adjWorld, type AdjWorld } from '../helpers/adjWorld.js';

const worlds: AdjWorld[] = [];
afterEach(() => {
  while (worlds.length) worlds.pop()!.close();
});

const CITIZENS = Array.from({ length: 300 }, (_, k) => `C${String(k).padStart(3, '0')}`);
const TTL_RULES = [
  { id: 'adj', name: 'Adjustment event', description: '', dimension: 'test', event_kind: 'adj', condition: 'true', points: 'event.p' },
  { id: 'recent', name: 'Recent setback', description: '', dimension: 'test', event_kind: 'adj', condition: 'event.p < 0.0', points: 'event.p / 3.0', ttl_days: 30 },
];

/** 300 citizens in a chain of friendships; setbacks on and around the 30-day window's edges of 2025-08-01. */
async function world(): Promise<AdjWorld> {
  const w = adjWorld('beside');
  worlds.push(w);
  const events: [string, string, string, number][] = CITIZENS.map((c, k) => [`e${k}`, c, `2025-07-${String(1 + (k % 31)).padStart(2, '0')}T00:00:00Z`, -40 - 17.0000005 * k]);
  events.push(['edge', 'C003', '2025-07-02T00:00:00Z', -333.3333335]);
  await w.import({ kinds: true, citizens: CITIZENS, relationships: CITIZENS.slice(1).map((c, k) => `${CITIZENS[k]},${c},2020-01-01,`), events });
  w.publish('2025-07-15T00:00:00Z', adjRuleset({}, TTL_RULES));
  return w;
}

const scores = (w: AdjWorld) => w.db.prepare('SELECT citizen_idx, cents, tier, s, own, penalty, totals FROM scores ORDER BY citizen_idx').all();
const chainOf = (w: AdjWorld) => w.db.prepare("SELECT seq, row_id, action FROM chain WHERE tbl = 'ledger' ORDER BY seq").all();
const ledger = (w: AdjWorld) => w.db.prepare('SELECT citizen_id, old_score, new_score, old_tier, new_tier, cause, cause_friends FROM ledger ORDER BY seq').all();

describe('rule totals summed beside the friend network, ledger entries hashed beside the writer', () => {
  it('store the same rows, ledger entries and chain as a recompute that does everything in its own thread', async () => {
    const beside = await world();
    const here = await world();
    let ledgerHashed = 0;
    for (const asOf of ['2025-08-01T00:00:00Z', '2025-08-01T00:00:00.001Z', '2025-09-30T00:00:00Z']) {
      const answered = answeredCommittedReads();
      const batches = usedLedgerBatches();
      const a = recomputeScores(beside.db, { asOf, actor: 'tester', totalsBeside: 'always', ledgerAhead: 'always' });
      // The worker read some of the chunks of citizens (the recomputing thread the rest), and another hashed the ledger entries.
      expect(answeredCommittedReads()).toBeGreaterThan(answered);
      if (a.scoring.ledgerEntries >= 64) ledgerHashed += usedLedgerBatches() - batches;
      const b = recomputeScores(here.db, { asOf, actor: 'tester', totalsBeside: 'never', ledgerAhead: 'never' });
      expect({ ...a.scoring, msPerIteration: 0 }).toEqual({ ...b.scoring, msPerIteration: 0 });
    }
    expect(ledgerHashed).toBeGreaterThan(0);
    expect(verifyIntegrity(beside.db).ok).toBe(true);
    expect(scores(beside)).toEqual(scores(here));
    expect(ledger(beside)).toEqual(ledger(here));
    expect(ledger(beside).length).toBeGreaterThan(CITIZENS.length / 2);
    // The chain of the two worlds differs only by their operations' instants: each entry of the ledger's part has the same shape.
    expect(chainOf(beside).length).toBe(chainOf(here).length);
  });

  it("are summed in the recomputing thread inside a caller's transaction, which may have written contributions the second connection cannot see", async () => {
    const w = await world();
    const before = answeredCommittedReads();
    const result = w.db.transaction(() => {
      // A careless caller: an event recorded, then a recompute asked to sum beside, in one outer transaction.
      recordEvent(w.db, { eventId: 'late', citizenId: 'C010', kind: 'adj', occurredAt: '2025-07-10T00:00:00Z', data: { p: -600 } }, { actor: 'tester', reason: 'entered by hand' });
      return recomputeScores(w.db, { asOf: '2025-07-15T00:00:00Z', actor: 'tester', totalsBeside: 'always' });
    })();
    expect(answeredCommittedReads()).toBe(before);
    // The event's incremental update was right, so the recompute at the same instant finds nothing to change.
    expect(result.scoring.ledgerEntries).toBe(0);
    const c10 = w.db.prepare("SELECT own, totals FROM scores JOIN citizens ON idx = citizen_idx WHERE citizen_id = 'C010'").get() as { own: number; totals: string };
    expect(JSON.parse(c10.totals)).toMatchObject({ adj: -600 - 40 - 17.0000005 * 10 });
  });
});
