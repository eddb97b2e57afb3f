/**
 * Fairness reports through the services (issue 13, part 3): a simulation
 * reports the draft against the published ruleset by district and age band;
 * an approval of a ruleset whose report has flags is refused without an
 * acknowledgement with a reason (the careless or hostile approver), and the
 * report is stored with the published version in the publish's transaction.
 *
 * Population, as of 2025-06-01: North, 40 citizens born 1990-01-01, each one
 * bill paid on time (default ruleset: 1001, tier A); South, 30 citizens born
 * 1960-06-01 with one late bill (998, A) and 10 born 2000-06-01 paying on
 * time (1001, A). The draft makes a late bill -200: the 30 drop to 800 (C),
 * so South's favourable rate is 10/40 = 0.25 against North's 1: flagged.
 * By age: 18-29 (10, all favourable) and 30-44 (40) are judged, 60+ (30,
 * none favourable) is judged too and flagged; 45-59 and under-18 are empty.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import { verifyIntegrity } from '../../../electron/db/chainVerify.js';
import { exportFairness, FairnessAcknowledgementError, fairnessOf, storedFairnessReport } from '../../../electron/services/fairness.js';
import { importFolder } from '../../../electron/services/import.js';
import { approveRuleset, getProposal, proposalSimulation, proposeRuleset } from '../../../electron/services/proposals.js';
import { simulateRuleset } from '../../../electron/services/ruleLab.js';
import { publishRuleset } from '../../../electron/services/rulesets.js';
import { defaultRuleset } from '../helpers/defaultResources.js';
import { BASELINE_FILES, eventRow, writeFolder } from '../helpers/importFixtures.js';
import { tempDir } from '../helpers/tempDirs.js';

const AS_OF = '2025-06-01T00:00:00.000Z';
let work: ReturnType<typeof tempDir>;
let template: string;
let db: Db;
let copies = 0;

function population(): Record<string, string> {
  const citizens = ['citizen_id,name,district,birth_date'];
  const events = ['event_id,citizen_id,kind,occurred_at,data'];
  for (let i = 0; i < 40; i++) {
    citizens.push(`N${i},North ${i},North,1990-01-01`);
    events.push(eventRow(`EN${i}`, `N${i}`, 'bill_payment', '2025-03-01T10:00:00Z', { on_time: true }));
  }
  for (let i = 0; i < 30; i++) {
    citizens.push(`S${i},South ${i},South,1960-06-01`);
    events.push(eventRow(`ES${i}`, `S${i}`, 'bill_payment', '2025-03-01T10:00:00Z', { on_time: false }));
  }
  for (let i = 30; i < 40; i++) {
    citizens.push(`S${i},South ${i},South,2000-06-01`);
    events.push(eventRow(`ES${i}`, `S${i}`, 'bill_payment', '2025-03-01T10:00:00Z', { on_time: true }));
  }
  return { 'event_kinds.json': BASELINE_FILES['event_kinds.json'], 'citizens.csv': `${citizens.join('\n')}\n`, 'relationships.csv': 'a,b,since,until\n', 'events.csv': `${events.join('\n')}\n` };
}

/** The default ruleset with a late bill costing 200 points. */
function harshDraft(): unknown {
  const spec = defaultRuleset() as { rules: { id: string; points: string; cap?: unknown }[] };
  const late = spec.rules.find((r) => r.id === 'late-bills')!;
  late.points = '-200';
  late.cap = { min: -200 };
  return spec;
}

beforeAll(async () => {
  work = tempDir('fairness');
  template = join(work.dir, 'template.sqlite');
  const t = openDatabase(template);
  const report = await importFolder(t, writeFolder(join(work.dir, 'in'), population()), { actor: 'test', reason: 'fairness population' });
  if (!report.ok) throw new Error(JSON.stringify(report.problems.slice(0, 3)));
  const published = publishRuleset(t, defaultRuleset(), { actor: 'test', reason: 'default ruleset', asOf: AS_OF });
  if (!published.ok) throw new Error(JSON.stringify(published.problems));
  t.close();
});
afterAll(() => {
  db?.close();
  work.cleanup();
});
beforeEach(() => {
  if (db?.open) db.close();
  const file = join(work.dir, `copy-${++copies}.sqlite`);
  copyFileSync(template, file);
  db = openDatabase(file);
});

const count = (sql: string) => db.prepare(sql).pluck().get() as number;

describe("the simulation's district table discloses no one", () => {
  it('a district of one citizen shows its size only, and so does the next smallest; the others show every figure', () => {
    // The curious official: move one North citizen into a district of their own, then simulate.
    db.prepare("UPDATE citizens SET district = 'Lone' WHERE citizen_id = 'S0'").run();
    const rows = Object.fromEntries(simulateRuleset(db, harshDraft()).districts.map((d) => [d.district, d]));
    expect(rows.Lone).toEqual({ district: 'Lone', citizens: 1, changed: null, meanBefore: null, meanAfter: null, withheld: true });
    // 1 withheld citizen is fewer than 10: the smallest other district (South, 39) is withheld with it.
    expect(rows.South).toEqual({ district: 'South', citizens: 39, changed: null, meanBefore: null, meanAfter: null, withheld: true });
    expect(rows.North).toEqual({ district: 'North', citizens: 40, changed: 0, meanBefore: 1001, meanAfter: 1001, withheld: false });
  });

  it('districts of 10 or more are all shown: South has 30 changed, its mean 998.75 before and 850.25 after', () => {
    const rows = Object.fromEntries(simulateRuleset(db, harshDraft()).districts.map((d) => [d.district, d]));
    expect(rows.South).toMatchObject({ citizens: 40, changed: 30, withheld: false });
    expect(rows.South.meanBefore).toBeCloseTo(998.75, 9);
    expect(rows.South.meanAfter).toBeCloseTo(850.25, 9);
    expect(rows.North).toMatchObject({ citizens: 40, changed: 0, withheld: false });
  });

  it("a proposal's simulation kept with every district's figures is withheld when read", () => {
    const sim = simulateRuleset(db, harshDraft());
    const id = proposeRuleset(db, harshDraft(), 'late bills must weigh more', 'alice', sim);
    // A simulation stored before withholding: a one-citizen district with its figures, no withheld flag.
    const kept = JSON.parse(db.prepare('SELECT simulation FROM proposals WHERE id = ?').pluck().get(id) as string) as { result: { districts: unknown[] } };
    kept.result.districts = [{ district: 'Lone', citizens: 1, changed: 1, meanBefore: 998, meanAfter: 800 }, ...kept.result.districts.map((d) => ({ ...(d as object), withheld: undefined }))];
    db.prepare('UPDATE proposals SET simulation = ? WHERE id = ?').run(JSON.stringify(kept), id);
    const districts = proposalSimulation(db, getProposal(db, id))!.result.districts;
    expect(districts.find((d) => d.district === 'Lone')).toEqual({ district: 'Lone', citizens: 1, changed: null, meanBefore: null, meanAfter: null, withheld: true });
    // North and South have 40 each: the first of them is withheld with Lone.
    expect(districts.filter((d) => d.withheld).map((d) => d.district)).toEqual(['Lone', 'North']);
  });
});

describe('the simulation reports the draft against the published ruleset', () => {
  it('by district: South falls to 10/40 favourable, ratio 0.25 against North, flagged; the published ruleset had no flag', () => {
    const sim = simulateRuleset(db, harshDraft());
    const f = sim.fairness!;
    expect(f).toMatchObject({ asOf: AS_OF, minGroupSize: 30, threshold: 0.8 });
    expect(f.before!.rulesetVersion).toBe(1);
    const district = (side: typeof f.after) => Object.fromEntries(side.dimensions[0].groups.map((g) => [g.group, g]));
    expect(district(f.before!).South).toMatchObject({ size: 40, favourable: 40, ratio: 1, flagged: false });
    // mean before: (30 * 998 + 10 * 1001) / 40 = 998.75; after: (30 * 800 + 10 * 1001) / 40 = 850.25
    expect(district(f.before!).South.meanScore).toBeCloseTo(998.75, 9);
    expect(district(f.after).South).toMatchObject({ size: 40, favourable: 10, favourableRate: 0.25, ratio: 0.25, flagged: true, tierCounts: [0, 0, 10, 0, 30, 0] });
    expect(district(f.after).South.meanScore).toBeCloseTo(850.25, 9);
    expect(district(f.after).North).toMatchObject({ size: 40, ratio: 1, reference: true, meanScore: 1001 });
    expect(f.flags).toEqual([
      { dimension: 'district', group: 'South', size: 40, ratio: 0.25, ratioBefore: 1 },
      { dimension: 'age', group: '60+', size: 30, ratio: 0, ratioBefore: 1 },
    ]);
  });

  it('by age band at the as-of: 64-year-olds in 60+, 35 in 30-44, 24 (born 2000-06-01, birthday on the as-of) in 18-29', () => {
    const age = Object.fromEntries(simulateRuleset(db, harshDraft()).fairness!.after.dimensions[1].groups.map((g) => [g.group, g]));
    expect(age['60+']).toMatchObject({ size: 30, favourable: 0, flagged: true });
    expect(age['30-44']).toMatchObject({ size: 40, reference: true });
    expect(age['18-29']).toMatchObject({ size: 10, tooSmall: true, flagged: false, ratio: 1 });
    expect(age['45-59']).toMatchObject({ size: 0, tooSmall: true, ratio: null });
    expect(age.unknown.size).toBe(0);
  });
});

describe('approving a ruleset whose report has flags', () => {
  function proposed(): number {
    return proposeRuleset(db, harshDraft(), 'late bills must weigh more', 'alice', simulateRuleset(db, harshDraft()));
  }
  const state = () => ({ version: count('SELECT max(version) FROM rulesets'), ops: count('SELECT count(*) FROM operations'), reports: count('SELECT count(*) FROM fairness_reports'), ledger: count('SELECT count(*) FROM ledger') });

  it('is refused without an acknowledgement, or with a blank or too short one, and nothing is written', () => {
    const id = proposed();
    const before = state();
    for (const ack of [undefined, null, '', '    ', 'ok']) {
      expect(() => approveRuleset(db, id, 'bob', 'agreed in the board meeting', undefined, ack)).toThrow(FairnessAcknowledgementError);
    }
    expect(() => approveRuleset(db, id, 'bob', 'agreed')).toThrow(/flags 2 group\(s\) below four fifths.*district South \(ratio 0\.25, 40 citizens\)/);
    expect(state()).toEqual(before);
    expect(getProposal(db, id).status).toBe('pending');
  });

  it('with a reason, publishes and keeps the report with the version, in the same transaction, with the acknowledgement in the operation', () => {
    const id = proposed();
    const simulated = simulateRuleset(db, harshDraft()).fairness;
    const result = approveRuleset(db, id, 'bob', 'agreed in the board meeting', undefined, 'South pays late because of the water works; reviewed with the district');
    expect(result).toMatchObject({ ok: true, version: 2 });
    const stored = storedFairnessReport(db, 2)!;
    expect(stored).toMatchObject({ rulesetVersion: 2, operationId: result.operationId, acknowledgedBy: 'bob', acknowledgement: 'South pays late because of the water works; reviewed with the district' });
    expect(stored.report).toEqual(simulated);
    const details = JSON.parse(db.prepare('SELECT details FROM operations WHERE id = ?').pluck().get(result.operationId) as string) as Record<string, unknown>;
    expect(details).toMatchObject({ fairness_flags: 2, fairness_acknowledgement: 'South pays late because of the water works; reviewed with the district' });
    expect(() => db.prepare("UPDATE fairness_reports SET acknowledgement = 'nothing to see' WHERE ruleset_version = 2").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM fairness_reports').run()).toThrow(/append-only/);
    expect(verifyIntegrity(db).ok).toBe(true);
  });

  it('a simulation whose flags were removed after it ran does not let the publish through: the published scores are judged again', () => {
    const id = proposed();
    const row = JSON.parse(getProposal(db, id).simulation!) as { result: { fairness: { flags: unknown[] } } };
    row.result.fairness.flags = [];
    db.prepare('UPDATE proposals SET simulation = ? WHERE id = ?').run(JSON.stringify(row), id);
    const before = state();
    expect(() => approveRuleset(db, id, 'bob', 'agreed in the board meeting')).toThrow(/publishing version 2 refused: the fairness report flags 2 group/);
    expect(state()).toEqual(before);
  });

  it('a ruleset without flags needs no acknowledgement and stores its report with none', () => {
    const spec = defaultRuleset() as { rules: { id: string; points: string }[] };
    spec.rules.find((r) => r.id === 'bills-on-time')!.points = '2';
    const id = proposeRuleset(db, spec, 'reward paying on time more', 'alice', simulateRuleset(db, spec));
    const result = approveRuleset(db, id, 'bob', 'agreed in the board meeting', undefined, 'nothing to acknowledge here');
    expect(result.ok).toBe(true);
    expect(storedFairnessReport(db, 2)).toMatchObject({ acknowledgement: null, acknowledgedBy: null, report: { flags: [] } });
  });
});

describe('reading and exporting', () => {
  it('the current report is the stored scores under the current ruleset, without a comparison', () => {
    const current = fairnessOf(db);
    expect(current).toMatchObject({ current: true, rulesetVersion: 1, report: { before: null, flags: [] } });
    expect(current.report!.after.citizens).toBe(80);
    expect(fairnessOf(db, 1)).toMatchObject({ current: false, rulesetVersion: 1 });
    expect(() => fairnessOf(db, 9)).toThrow(/no ruleset version 9/);
  });

  it('CSV: one row per side, dimension and group, formula-like names neutralised; a proposal exports its simulation', () => {
    db.prepare("UPDATE citizens SET district = '=HYPERLINK(\"x\")' WHERE citizen_id = 'N0'").run();
    const { csv, rows, filename } = exportFairness(db, {});
    expect(filename).toBe('fairness-current-2025-06-01.csv');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      '"ruleset","ruleset_version","as_of","dimension","group","size","too_small","withheld","mean_score","favourable","favourable_rate","adverse_impact_ratio","reference","flagged","tier_AAA","tier_AA","tier_A","tier_B","tier_C","tier_D"',
    );
    expect(rows).toBe(lines.length - 1);
    // 3 districts + 6 age bands
    expect(rows).toBe(9);
    // A district of one citizen: its size only (and North's, the smallest other, so the totals cannot give it away).
    expect(csv).toContain('"after","1","2025-06-01T00:00:00.000Z","district","\'=HYPERLINK(""x"")","1","yes","yes","","","","","no","no","","","","","",""');
    // North is judged (39 citizens) and stays the reference, its figures withheld.
    expect(csv).toContain('"after","1","2025-06-01T00:00:00.000Z","district","North","39","no","yes","","","","","yes","no","","","","","",""');
    const id = proposeRuleset(db, harshDraft(), 'late bills must weigh more', 'alice', simulateRuleset(db, harshDraft()));
    const p = exportFairness(db, { proposalId: id });
    expect(p.rows).toBe(18);
    expect(p.csv).toContain('"after","2","2025-06-01T00:00:00.000Z","district","South","40","no","no","850.25","10","0.2500","0.2500","no","yes","0","0","10","0","30","0"');
    expect(() => exportFairness(db, { version: 1, proposalId: id })).toThrow(/not both/);
  });
});
