/**
 * A draft ruleset's reach when it changes the friend-penalty settings
 * (issue 13, part 2). With the rules unchanged no citizen's own score moves,
 * so every citizen whose stored score changes was moved through friendships
 * and must be counted: reach.citizens equals the simulation's changed count,
 * and the draft, once published, stores exactly that many different cents.
 * Populations from the §7 invariant generator (clusters of low scorers whose
 * penalty travels several hops); the draft's threshold is put exactly on a
 * stored score (a boundary: that friend's shortfall is 0 under the draft) or
 * moved by a fraction of a point, its weight and cap on their bounds.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { importFolder } from '../../../electron/services/import.js';
import { simulateRuleset } from '../../../electron/services/ruleLab.js';
import { publishRuleset } from '../../../electron/services/rulesets.js';
import { buildScenario, scenarioParamsArb, tempDir, writeFolder } from '../helpers/population.js';

const workspace = tempDir('credence-draft-reach-');
afterAll(() => workspace.cleanup());
let counter = 0;
const seen = { runs: 0, moved: 0, farthest: 0 };

const settingsArb = fc.record({
  /** Threshold: on a stored score (at this quantile), or that score plus a fraction of a point, or 25 points above. */
  thresholdQuantile: fc.constantFrom(0.02, 0.3, 0.6, 0.95),
  thresholdOffset: fc.constantFrom(0, 0, 0.004, -0.5, 25),
  weight: fc.constantFrom(0, 0.05, 0.5, 0.95),
  cap: fc.constantFrom(0, 0.01, 60, 200),
});

describe("a draft that changes only the friend-penalty settings: its reach is every citizen it moves", () => {
  it('reach.citizens equals the changed count, and publishing stores that many different cents', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioParamsArb(60, 160), settingsArb, async (p, settings) => {
        const s = buildScenario(p);
        const db: Db = openDatabase(join(workspace.dir, `reach-${++counter}.sqlite`));
        db.pragma('synchronous = OFF');
        try {
          const dir = writeFolder(join(workspace.dir, `in-${counter}`), { kinds: true, ...s.initial });
          expect((await importFolder(db, dir, { actor: 'test' })).problems).toEqual([]);
          expect(publishRuleset(db, s.ruleset.spec, { actor: 'test', reason: 'reach property', asOf: s.asOf }).problems).toEqual([]);
          const ranked = db.prepare('SELECT s FROM scores ORDER BY s').pluck().all() as number[];
          const threshold = Math.round((ranked[Math.floor(settings.thresholdQuantile * (ranked.length - 1))] + settings.thresholdOffset) * 1e6) / 1e6;
          const draft = structuredClone(s.ruleset.spec) as { friend_penalty: { threshold: number; weight: number; cap: number } };
          draft.friend_penalty = { threshold, weight: settings.weight, cap: settings.cap };
          const before = new Map(db.prepare('SELECT citizen_idx, cents FROM scores').raw(true).all() as [number, number][]);
          const result = simulateRuleset(db, draft);
          expect(result.problems).toEqual([]);
          expect(result.reach?.viaSettings).toBe(true);
          expect(result.reach?.citizens, `threshold ${threshold}, w ${settings.weight}, P ${settings.cap}`).toBe(result.changed);
          expect(result.reach?.byHop.reduce((n, h) => n + h.citizens, 0)).toBe(result.changed);
          if (result.changed > 0) expect(result.reach?.byHop[0].hops).toBe(1);
          expect(publishRuleset(db, draft, { actor: 'test', reason: 'settings' }).problems).toEqual([]);
          const after = db.prepare('SELECT citizen_idx, cents FROM scores').raw(true).all() as [number, number][];
          expect(after.filter(([i, c]) => before.get(i) !== c).length).toBe(result.changed);
          seen.runs++;
          seen.moved += result.changed;
          seen.farthest = Math.max(seen.farthest, result.reach?.maxHops ?? 0);
        } finally {
          db.close();
        }
      }),
      { numRuns: 8, seed: 1330, endOnFailure: true },
    );
    // A run cut short, or one where no draft moved anyone, or none beyond the first friendship, fails.
    expect(seen.runs).toBe(8);
    expect(seen.moved).toBeGreaterThan(50);
    expect(seen.farthest).toBeGreaterThan(1);
  });
});
