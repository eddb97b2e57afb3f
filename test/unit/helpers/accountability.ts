/**
 * Fixtures for the accountability tests (proposals, disputes, measures): a
 * small population scored under the default ruleset, built once per test
 * file as a template and copied for each test, and readers of what the
 * services write (scores, operations, ledger entries of one operation).
 *
 * With the default ruleset as of 2025-01-01 (no measures change a score):
 *   C1 own 1001 (a bill paid on time)                      tier A
 *   C2 own 1002 (8 h volunteering), friends C1 and C3,
 *      penalty 0.5/2 * (850 - 820) = 7.5, score 994.50     tier A
 *   C3 own 820: arrears E3 capped at -120, utility theft
 *      E4 -60; friend C2 is above the threshold             tier C
 *   C4 own 1000, no friends, no events                     tier A
 *   D1 own 500: five deliberate damages of public
 *      property (-100 each, E10..E14), no friends           tier D
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../electron/db/connection.js';
import type { LedgerRow } from '../../../electron/db/ledger.js';
import { importFolder } from '../../../electron/services/import.js';
import { publishRuleset } from '../../../electron/services/rulesets.js';
import { defaultRuleset } from './defaultResources.js';
import { BASELINE_FILES, eventRow, writeFolder } from './importFixtures.js';
import { tempDir } from './tempDirs.js';

export const ACCOUNTABILITY_AS_OF = '2025-01-01T00:00:00.000Z';

/** The event D1's five damages: each -100 under the default `public-property` rule. */
export const D1_EVENTS = ['E10', 'E11', 'E12', 'E13', 'E14'];

export const ACCOUNTABILITY_FILES: Record<string, string> = {
  'event_kinds.json': BASELINE_FILES['event_kinds.json'],
  'citizens.csv': `${BASELINE_FILES['citizens.csv']}D1,Fu Dan,Yatou,1985-03-03\n`,
  'relationships.csv': BASELINE_FILES['relationships.csv'],
  'events.csv':
    BASELINE_FILES['events.csv'] +
    D1_EVENTS.map((id, k) => eventRow(id, 'D1', 'public_property_damage', `2024-0${k + 1}-15T10:00:00Z`, { value: 1000, deliberate: true })).join('\n') +
    '\n',
};

export interface AccountabilityDatabases {
  /** A fresh copy of the template, open. Closed and removed by `cleanup`. */
  copy(): Db;
  cleanup(): void;
}

/**
 * Builds the template once (import, operation 1; default ruleset published
 * as of ACCOUNTABILITY_AS_OF, operation 2) and hands out copies of it.
 */
export async function accountabilityDatabases(): Promise<AccountabilityDatabases> {
  const work = tempDir('accountability');
  const template = join(work.dir, 'template.sqlite');
  const db = openDatabase(template);
  try {
    const report = await importFolder(db, writeFolder(join(work.dir, 'in'), ACCOUNTABILITY_FILES), { actor: 'test', reason: 'accountability population' });
    if (!report.ok) throw new Error(`import failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
    const published = publishRuleset(db, defaultRuleset(), { actor: 'test', reason: 'default ruleset for tests', asOf: ACCOUNTABILITY_AS_OF });
    if (!published.ok) throw new Error(`default ruleset rejected: ${JSON.stringify(published.problems)}`);
  } finally {
    db.close();
  }
  const open: Db[] = [];
  let copies = 0;
  return {
    copy() {
      const file = join(work.dir, `copy-${++copies}.sqlite`);
      copyFileSync(template, file);
      const copy = openDatabase(file);
      open.push(copy);
      return copy;
    },
    cleanup() {
      for (const d of open.splice(0)) if (d.open) d.close();
      work.cleanup();
    },
  };
}

export interface ScoreRow {
  cents: number;
  tier: string;
  s: number;
  own: number;
  penalty: number;
  totals: string;
}

export function scoreOf(db: Db, citizenId: string): ScoreRow {
  const row = db.prepare('SELECT s.cents, s.tier, s.s, s.own, s.penalty, s.totals FROM scores s JOIN citizens c ON c.idx = s.citizen_idx WHERE c.citizen_id = ?').get(citizenId) as
    | ScoreRow
    | undefined;
  if (!row) throw new Error(`no score for ${citizenId}`);
  return row;
}

/** Stored score, tier, own score and rule totals of every citizen (what §7.1 compares), by citizen id. */
export function storedScores(db: Db): Record<string, { cents: number; tier: string; own: number; totals: string }> {
  const rows = db.prepare('SELECT c.citizen_id, s.cents, s.tier, s.own, s.totals FROM scores s JOIN citizens c ON c.idx = s.citizen_idx ORDER BY c.citizen_id').all() as {
    citizen_id: string;
    cents: number;
    tier: string;
    own: number;
    totals: string;
  }[];
  return Object.fromEntries(rows.map(({ citizen_id, ...rest }) => [citizen_id, rest]));
}

export interface OperationView {
  id: number;
  kind: string;
  actor: string;
  reason: string;
  details: Record<string, unknown>;
}

export function operation(db: Db, id: number): OperationView {
  const row = db.prepare('SELECT id, kind, actor, reason, details FROM operations WHERE id = ?').get(id) as (Omit<OperationView, 'details'> & { details: string }) | undefined;
  if (!row) throw new Error(`no operation ${id}`);
  return { ...row, details: JSON.parse(row.details) as Record<string, unknown> };
}

export function operationCount(db: Db): number {
  return db.prepare('SELECT count(*) FROM operations').pluck().get() as number;
}

export function ledgerCount(db: Db): number {
  return db.prepare('SELECT count(*) FROM ledger').pluck().get() as number;
}

/** The ledger entries written under one operation, in order. */
export function ledgerOf(db: Db, operationId: number): LedgerRow[] {
  return db.prepare('SELECT * FROM ledger WHERE operation_id = ? ORDER BY seq').all(operationId) as LedgerRow[];
}

export function citizenIdx(db: Db, citizenId: string): number {
  const idx = db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(citizenId) as number | undefined;
  if (idx === undefined) throw new Error(`no citizen ${citizenId}`);
  return idx;
}

export function currentRulesetVersion(db: Db): number {
  return db.prepare('SELECT ruleset_version FROM scoring_state WHERE id = 1').pluck().get() as number;
}
