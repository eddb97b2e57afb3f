/**
 * SCORING_MODEL §7 invariants 1-4 as properties over random small
 * populations: each run imports interchange folders into real SQLite files in
 * a temp dir, publishes a ruleset, and compares the stored results with a
 * fresh database that reaches the same data in one import and one publish.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { verifyLedger } from '../../../electron/db/ledger.js';
import { explainCitizen } from '../../../electron/services/explain.js';
import { importFolder, type ImportReport } from '../../../electron/services/import.js';
import { retractEvent } from '../../../electron/services/retract.js';
import { publishRuleset, recomputeScores } from '../../../electron/services/rulesets.js';
import {
  AS_OF,
  databaseSnapshot,
  populationArb,
  POPULATION_RULESET,
  storedScores,
  tempDir,
  writeFolder,
  type FolderContent,
  type Population,
  type RelationshipRow,
} from '../helpers/population.js';

const ACTOR = 'invariant-test';
/** Imports after publishing. Many small batches keep most of them below the full-recompute threshold (10% of citizens dirty). */
const BATCHES = 10;
const NUM_RUNS = 10;
/** Shrinking a failure re-runs whole database scenarios: stop it in time to report the counterexample found. */
const FC_OPTIONS = { numRuns: NUM_RUNS, interruptAfterTimeLimit: 20_000 };

const workspace = tempDir('credence-invariants-');
afterAll(() => workspace.cleanup());

let dirCounter = 0;
function freshPath(name: string): string {
  return join(workspace.dir, `${name}-${++dirCounter}`);
}

interface Scenario {
  pop: Population;
  /** Batch of each citizen, relationship and event: 0 is imported before the ruleset is published. */
  citizenBatch: number[];
  relationshipBatch: number[];
  eventBatch: number[];
  /** Events retracted after all batches, by index into pop.events. */
  retracted: number[];
  /** New dates for some stored friendships, by index into pop.relationships, one import each. */
  dateChanges: { index: number; since: string; until: string }[];
}

type Phase = 'imported' | 'retracted' | 'dates changed' | 'moved asOf';

/** The instant the last phase moves scoring to: some events age out, later ones and friendships start to count. */
const LATER_AS_OF = '2026-03-01T00:00:00.000Z';

const CHANGE_DATES = ['2020-01-01', '2025-06-30', '2025-07-01', '2025-12-31'];

/** Mostly present from the start (so there is a network to update), the rest arriving in later batches. */
const batchArb = (share0: number) => fc.oneof({ weight: share0, arbitrary: fc.constant(0) }, { weight: 10 - share0, arbitrary: fc.integer({ min: 1, max: BATCHES }) });

const scenarioArb: fc.Arbitrary<Scenario> = populationArb(20, 36, 48).chain((pop) => {
  const batches = (length: number, share0: number) => fc.array(batchArb(share0), { minLength: length, maxLength: length });
  return fc.record({
    pop: fc.constant(pop),
    citizenBatch: batches(pop.citizens.length, 8),
    relationshipBatch: batches(pop.relationships.length, 6),
    eventBatch: batches(pop.events.length, 3),
    retracted: pop.events.length ? fc.uniqueArray(fc.integer({ min: 0, max: pop.events.length - 1 }), { minLength: 1, maxLength: 4 }) : fc.constant([]),
    dateChanges: pop.relationships.length
      ? fc.uniqueArray(
          fc.record({ index: fc.integer({ min: 0, max: pop.relationships.length - 1 }), since: fc.constantFrom(...CHANGE_DATES), until: fc.constantFrom('', ...CHANGE_DATES) }),
          { minLength: 1, maxLength: 4, selector: (c) => c.index },
        )
      : fc.constant([]),
  });
});

function openIn(name: string): Db {
  const db = openDatabase(`${freshPath(name)}.sqlite`);
  // Durability is not under test here; fsync per commit would dominate the run time.
  db.pragma('synchronous = OFF');
  return db;
}

async function importOk(db: Db, dir: string): Promise<ImportReport> {
  const report = await importFolder(db, dir, { actor: ACTOR });
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  return report;
}

function publish(db: Db, asOf = AS_OF): void {
  const result = publishRuleset(db, POPULATION_RULESET, { actor: ACTOR, reason: 'test ruleset', asOf });
  expect(result.problems).toEqual([]);
  expect(result.ok).toBe(true);
}

function retract(db: Db, pop: Population, retracted: number[]): void {
  for (const k of retracted) retractEvent(db, pop.events[k].id, { actor: ACTOR, reason: 'appeal upheld' });
}

function changedRelationships(s: Scenario): { changed: RelationshipRow[]; final: RelationshipRow[] } {
  const final = s.pop.relationships.map((r) => ({ ...r }));
  const changed: RelationshipRow[] = [];
  for (const c of s.dateChanges) {
    const until = c.until !== '' && c.until <= c.since ? '' : c.until;
    final[c.index] = { ...final[c.index], since: c.since, until };
    changed.push(final[c.index]);
  }
  return { changed, final };
}

/** The full-recompute reference: everything in one import, retractions, then one publish. */
async function freshScores(s: Scenario, phase: Phase): Promise<ReturnType<typeof storedScores>> {
  const db = openIn('fresh');
  try {
    const relationships = phase === 'dates changed' || phase === 'moved asOf' ? changedRelationships(s).final : s.pop.relationships;
    const dir = writeFolder(freshPath('all'), { kinds: true, citizens: s.pop.citizens, relationships, events: s.pop.events });
    await importOk(db, dir);
    if (phase !== 'imported') retract(db, s.pop, s.retracted);
    publish(db, phase === 'moved asOf' ? LATER_AS_OF : AS_OF);
    return storedScores(db);
  } finally {
    db.close();
  }
}

interface Hooks {
  /** After each import into the incremental database, with the folder imported. */
  afterImport?: (db: Db, dir: string, report: ImportReport) => Promise<void>;
  /** At the end of a phase. */
  afterPhase?: (db: Db, phase: Phase) => Promise<void>;
}

/** Incremental updates per phase over all runs, so a test can show that the path it is about was exercised. */
const incrementalRuns: Record<Phase, number> = { imported: 0, retracted: 0, 'dates changed': 0, 'moved asOf': 0 };

/**
 * The incremental history, up to `until`: kinds and batch-0 rows, publish,
 * batches 1..BATCHES, retractions, friendship date changes (one import per
 * pair), a recompute at LATER_AS_OF.
 */
async function runIncremental(s: Scenario, hooks: Hooks, until: Phase): Promise<void> {
  const db = openIn('incremental');
  try {
    const batch = (b: number): FolderContent => ({
      citizens: s.pop.citizens.filter((_, i) => s.citizenBatch[i] === b),
      // A row goes in the batch where it was drawn or, if later, where its citizens arrive.
      relationships: s.pop.relationships.filter((r, i) => Math.max(s.relationshipBatch[i], batchOf(s, r.a), batchOf(s, r.b)) === b),
      events: s.pop.events.filter((e, i) => Math.max(s.eventBatch[i], batchOf(s, e.citizen)) === b),
    });
    const importAndHook = async (content: FolderContent, phase: Phase) => {
      const dir = writeFolder(freshPath('batch'), content);
      const report = await importOk(db, dir);
      // Only a full recompute reports fixed-point iterations.
      if (report.scoring && report.scoring.iterations === undefined) incrementalRuns[phase]++;
      await hooks.afterImport?.(db, dir, report);
    };
    await importAndHook({ kinds: true, ...batch(0) }, 'imported');
    publish(db);
    for (let b = 1; b <= BATCHES; b++) {
      const content = batch(b);
      if (content.citizens!.length + content.relationships!.length + content.events!.length > 0) await importAndHook(content, 'imported');
    }
    await hooks.afterPhase?.(db, 'imported');
    if (until === 'imported') return;
    for (const k of s.retracted) {
      const result = retractEvent(db, s.pop.events[k].id, { actor: ACTOR, reason: 'appeal upheld' });
      if (result.scoring) incrementalRuns.retracted++;
    }
    await hooks.afterPhase?.(db, 'retracted');
    if (until === 'retracted') return;
    // One import per pair, so each touches two citizens and can take the incremental path.
    for (const row of changedRelationships(s).changed) await importAndHook({ relationships: [row] }, 'dates changed');
    await hooks.afterPhase?.(db, 'dates changed');
    if (until === 'dates changed') return;
    recomputeScores(db, { asOf: LATER_AS_OF, actor: ACTOR, reason: 'move the scoring instant' });
    await hooks.afterPhase?.(db, 'moved asOf');
  } finally {
    db.close();
  }
}

function batchOf(s: Scenario, citizenId: string): number {
  return s.citizenBatch[s.pop.citizens.findIndex((c) => c.id === citizenId)];
}

const ALL_CITIZENS_SCORED = (db: Db) => (db.prepare('SELECT count(*) FROM citizens').pluck().get() as number) === storedScores(db).length;

describe('invariant 1: incremental updates and full recompute store identical scores and tiers', () => {
  it('importing events, citizens and friendships in batches after publishing matches importing everything and then publishing', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        await runIncremental(
          s,
          {
            afterPhase: async (db, phase) => {
              expect(ALL_CITIZENS_SCORED(db)).toBe(true);
              expect(storedScores(db)).toEqual(await freshScores(s, phase));
            },
          },
          'imported',
        );
      }),
      { ...FC_OPTIONS, numRuns: NUM_RUNS * 2 },
    );
    // The batches are small next to the population often enough that the incremental path ran.
    expect(incrementalRuns.imported).toBeGreaterThan(NUM_RUNS * 2);
  });

  it('retracting events after publishing matches a full recompute of the data without them', async () => {
    const before = incrementalRuns.retracted;
    await fc.assert(
      fc.asyncProperty(
        scenarioArb.filter((s) => s.retracted.length > 0),
        async (s) => {
          await runIncremental(
            s,
            {
              afterPhase: async (db, phase) => {
                if (phase === 'retracted') expect(storedScores(db)).toEqual(await freshScores(s, phase));
              },
            },
            'retracted',
          );
        },
      ),
      FC_OPTIONS,
    );
    expect(incrementalRuns.retracted - before).toBeGreaterThan(NUM_RUNS);
  });

  it('re-importing friendships with other dates matches a full recompute with the new dates', async () => {
    const before = incrementalRuns['dates changed'];
    await fc.assert(
      fc.asyncProperty(
        scenarioArb.filter((s) => s.dateChanges.length > 0),
        async (s) => {
          await runIncremental(
            s,
            {
              afterPhase: async (db, phase) => {
                if (phase === 'dates changed') expect(storedScores(db)).toEqual(await freshScores(s, phase));
              },
            },
            'dates changed',
          );
        },
      ),
      FC_OPTIONS,
    );
    expect(incrementalRuns['dates changed'] - before).toBeGreaterThan(NUM_RUNS / 2);
  });

  it('a rule sum that overflows a double is capped alike by publishing (full recompute) and by incremental imports', async () => {
    // Six events of 1.7e308 hours: each is worth a finite 4.25e307 points under
    // `event.hours / 4.0`, their sum is not a finite double. The model caps the
    // rule total at 40, so the citizen's own score is 1040 either way.
    const citizens = Array.from({ length: 12 }, (_, i) => ({ id: `V${i}`, name: `Volunteer ${i}`, district: 'North' }));
    const events = Array.from({ length: 6 }, (_, k) => ({ id: `big${k}`, citizen: 'V1', kind: 'volunteer_service', at: '2025-01-01T00:00:00Z', data: { hours: 1.7e308 } }));
    const expected = { citizen_id: 'V1', cents: 104000, tier: 'AA' };

    const incremental = openIn('overflow-incremental');
    try {
      await importOk(incremental, writeFolder(freshPath('overflow'), { kinds: true, citizens }));
      publish(incremental);
      for (const e of events) await importOk(incremental, writeFolder(freshPath('overflow'), { events: [e] }));
      expect(storedScores(incremental).find((r) => r.citizen_id === 'V1')).toEqual(expected);
    } finally {
      incremental.close();
    }

    const full = openIn('overflow-full');
    try {
      await importOk(full, writeFolder(freshPath('overflow'), { kinds: true, citizens, events }));
      expect(() => publish(full)).not.toThrow();
      expect(storedScores(full).find((r) => r.citizen_id === 'V1')).toEqual(expected);
    } finally {
      full.close();
    }
  });

  it('moving asOf with a recompute matches publishing at that instant', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        await runIncremental(
          s,
          {
            afterPhase: async (db, phase) => {
              if (phase === 'moved asOf') expect(storedScores(db)).toEqual(await freshScores(s, phase));
            },
          },
          'moved asOf',
        );
      }),
      FC_OPTIONS,
    );
  });
});

/** Explaining every citizen is the slow part: do it after retractions and at the very end. */
const EXPLAINED_PHASES = new Set<Phase>(['retracted', 'moved asOf']);

function eachCitizen(db: Db): string[] {
  return db.prepare('SELECT citizen_id FROM citizens ORDER BY citizen_id').pluck().all() as string[];
}

describe('invariant 2: friend penalty attribution', () => {
  it('the friend shares of every explanation add up to the friend penalty (to 1e-9)', async () => {
    let penalised = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        await runIncremental(
          s,
          {
            afterPhase: async (db, phase) => {
              if (!EXPLAINED_PHASES.has(phase)) return;
              for (const id of eachCitizen(db)) {
                const x = explainCitizen(db, id);
                const sum = x.friends.reduce((acc, f) => acc + f.share, 0);
                expect(Math.abs(sum - x.friendPenalty)).toBeLessThanOrEqual(1e-9);
                expect(x.friendPenalty).toBeLessThanOrEqual(POPULATION_RULESET.friend_penalty.cap);
                if (x.friendPenalty > 0) penalised++;
              }
            },
          },
          'moved asOf',
        );
      }),
      FC_OPTIONS,
    );
    expect(penalised).toBeGreaterThan(0);
  });
});

describe('invariant 3: re-importing the same folder', () => {
  async function expectNoChange(db: Db, dir: string): Promise<void> {
    const before = databaseSnapshot(db);
    const again = await importFolder(db, dir, { actor: ACTOR });
    expect(again.problems).toEqual([]);
    expect(again.ok).toBe(true);
    expect(again.operationId).toBeNull();
    expect(again.counts).toMatchObject({ kindsAdded: 0, citizensAdded: 0, citizensUpdated: 0, relationshipsAdded: 0, relationshipsChanged: 0, eventsAdded: 0 });
    expect(databaseSnapshot(db)).toEqual(before);
  }

  it('re-importing a folder just imported changes nothing and writes no ledger entry or operation', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        await runIncremental(s, { afterImport: (db, dir) => expectNoChange(db, dir) }, 'dates changed');
      }),
      FC_OPTIONS,
    );
  });

  it('re-importing every earlier folder after publishing and retracting changes nothing (retracted events stay retracted)', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const folders: string[] = [];
        await runIncremental(
          s,
          {
            afterImport: async (_db, dir) => {
              folders.push(dir);
            },
            afterPhase: async (db, phase) => {
              if (phase !== 'retracted') return;
              for (const dir of folders) await expectNoChange(db, dir);
            },
          },
          'retracted',
        );
      }),
      FC_OPTIONS,
    );
  });
});

describe('invariant 4: the ledger replays to the stored scores', () => {
  it("replaying the ledger's new_score per citizen gives the stored cents and tier", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const check = async (db: Db) => {
          const replayed = new Map<string, { cents: number; tier: string }>();
          const rows = db.prepare('SELECT seq, citizen_id, old_score, new_score, old_tier, new_tier FROM ledger ORDER BY seq').all() as {
            seq: number;
            citizen_id: string;
            old_score: number | null;
            new_score: number;
            old_tier: string | null;
            new_tier: string;
          }[];
          for (const row of rows) {
            // Each entry starts where the previous one of the same citizen ended.
            const prior = replayed.get(row.citizen_id);
            expect({ seq: row.seq, old: row.old_score, tier: row.old_tier }).toEqual({ seq: row.seq, old: prior?.cents ?? null, tier: prior?.tier ?? null });
            replayed.set(row.citizen_id, { cents: row.new_score, tier: row.new_tier });
          }
          const stored = storedScores(db);
          expect(new Map(stored.map((r) => [r.citizen_id, { cents: r.cents, tier: r.tier }]))).toEqual(replayed);
          expect(verifyLedger(db).ok).toBe(true);
        };
        await runIncremental(s, { afterImport: check, afterPhase: check }, 'moved asOf');
      }),
      FC_OPTIONS,
    );
  });
});

describe('explanations add up', () => {
  it('base + rule totals clamped is own, and own - friend penalty clamped is the stored score, to the cent', async () => {
    const { score_min: lo, score_max: hi } = POPULATION_RULESET;
    const clamp = (x: number) => Math.min(hi, Math.max(lo, x));
    let withRules = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        await runIncremental(
          s,
          {
            afterPhase: async (db, phase) => {
              if (!EXPLAINED_PHASES.has(phase)) return;
              for (const id of eachCitizen(db)) {
                const x = explainCitizen(db, id);
                const rules = x.rules.reduce((acc, r) => acc + r.total, 0);
                if (x.rules.length > 0) withRules++;
                // own is not rounded: the parts give it back up to summation order.
                expect(Math.abs(clamp(x.base + rules + x.adjustments) - x.own)).toBeLessThan(1e-6);
                // The score is stored in cents: within half a cent of own - penalty.
                expect(Math.abs(clamp(x.own - x.friendPenalty) - x.score)).toBeLessThanOrEqual(0.005 + 1e-9);
                for (const r of x.rules) expect(r.capped).toBe(r.total !== r.raw);
              }
            },
          },
          'moved asOf',
        );
      }),
      FC_OPTIONS,
    );
    expect(withRules).toBeGreaterThan(0);
  });
});
