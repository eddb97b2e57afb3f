/**
 * Fairness reports from the database: the stored scores grouped by district
 * and by age band (birth dates are read here, by the console, never by a
 * rule), judged by engine/fairness.ts. A publish stores its report with the
 * version (fairness_reports, migration 0390) in the publish's transaction;
 * a simulation is that publish rolled back, so it reports the same figures.
 */
import { keyed, SaidError, type Said } from '../../shared/englishText.js';
import type { KeyedText } from '../../shared/keyedText.js';
import type { FairnessReportReply } from '../../shared/contract.js';
import type { FairnessReport, FairnessSide, StoredFairnessReport } from '../../shared/fairness.js';
import type { Db } from '../db/connection.js';
import { ageBand, DISCLOSURE_MIN, FOUR_FIFTHS, fairnessFlags, fairnessSide, MIN_GROUP_SIZE, Tallies, withholdSmallGroups } from '../engine/fairness.js';
import { csvRow } from './exportScores.js';
import { NotFoundError } from './explain.js';
import { loadScoringState } from './scoring.js';

/** The stored scores now, grouped, under `tiers` (the ruleset they were computed with). */
export function scoresSide(db: Db, rulesetVersion: number | null, tiers: readonly string[], asOfMs: number): FairnessSide {
  const districts = new Tallies();
  for (const [district, tier, n, cents] of db
    .prepare('SELECT c.district, s.tier, count(*), sum(s.cents) FROM scores s JOIN citizens c ON c.idx = s.citizen_idx GROUP BY c.district, s.tier')
    .raw(true)
    .iterate() as IterableIterator<[string, string, number, number]>) {
    districts.add(district, tier, n, cents);
  }
  const ages = new Tallies();
  for (const [birth, tier, n, cents] of db
    .prepare('SELECT c.birth_date, s.tier, count(*), sum(s.cents) FROM scores s JOIN citizens c ON c.idx = s.citizen_idx GROUP BY c.birth_date, s.tier')
    .raw(true)
    .iterate() as IterableIterator<[string | null, string, number, number]>) {
    ages.add(ageBand(birth, asOfMs), tier, n, cents);
  }
  return fairnessSide({ rulesetVersion, tiers, districts, ages });
}

/** A report of `after` against `before`, with the flags of `after`. */
export function fairnessReport(asOf: string, before: FairnessSide | null, after: FairnessSide): FairnessReport {
  return { asOf, minGroupSize: MIN_GROUP_SIZE, disclosureMin: DISCLOSURE_MIN, threshold: FOUR_FIFTHS, before, after, flags: fairnessFlags(after, before) };
}

/** The current scores under the current ruleset (the Overview's report): no comparison. */
export function currentFairness(db: Db): FairnessReport | null {
  const state = loadScoringState(db);
  if (!state) return null;
  return fairnessReport(
    state.asOf,
    null,
    scoresSide(
      db,
      state.version,
      state.ruleset.spec.tiers.map((t) => t.name),
      state.asOfMs,
    ),
  );
}

/** Keep a published version's report, in the publish's transaction (the table is append-only and chained). */
export function storeFairnessReport(db: Db, version: number, operationId: number, report: FairnessReport, acknowledgement: { reason: string; by: string } | null): void {
  db.prepare('INSERT INTO fairness_reports (ruleset_version, operation_id, report, flags, acknowledgement, acknowledged_by) VALUES (?, ?, ?, ?, ?, ?)').run(
    version,
    operationId,
    JSON.stringify(report),
    report.flags.length,
    acknowledgement?.reason ?? null,
    acknowledgement?.by ?? null,
  );
}

/** A kept report as it is shown today: figures of small groups withheld, even in one kept before they were. */
export function keptReport(report: FairnessReport): FairnessReport {
  return { ...withholdSmallGroups(report), disclosureMin: DISCLOSURE_MIN };
}

/** The report stored with a published version; null for a version published before reports were kept. */
export function storedFairnessReport(db: Db, version: number): StoredFairnessReport | null {
  if (!db.prepare('SELECT 1 FROM rulesets WHERE version = ?').get(version)) throw new NotFoundError(keyed('notFound.rulesetVersion', { version }));
  const row = db.prepare('SELECT ruleset_version, operation_id, report, acknowledgement, acknowledged_by FROM fairness_reports WHERE ruleset_version = ?').get(version) as
    | { ruleset_version: number; operation_id: number; report: string; acknowledgement: string | null; acknowledged_by: string | null }
    | undefined;
  if (!row) return null;
  return { rulesetVersion: row.ruleset_version, operationId: row.operation_id, report: keptReport(JSON.parse(row.report) as FairnessReport), acknowledgement: row.acknowledgement, acknowledgedBy: row.acknowledged_by };
}

/**
 * Refuse to publish a report with flags unless they are acknowledged with a
 * reason (at least 5 characters, like every decision's reason).
 */
export function requireAcknowledgement(report: FairnessReport | undefined | null, acknowledgement: string | null | undefined, what: Said): void {
  if (!report || report.flags.length === 0) return;
  if (acknowledgement && acknowledgement.trim().length >= 5) return;
  // Each flagged group keyed (a withheld ratio too), the list as nested pairs, so the whole reads in one language.
  const flags = report.flags.map((f) =>
    keyed('fairness.flag', { dimension: keyed(`fairness.dimensions.${f.dimension}`), group: f.group, ratio: f.ratio === null ? keyed('fairness.withheld') : f.ratio.toFixed(2), size: f.size }),
  );
  const groups = flags.reduceRight<KeyedText | undefined>((rest, first) => (rest ? { key: 'fairness.flags', params: { first: plain(first), rest } } : plain(first)), undefined);
  throw new FairnessAcknowledgementError(keyed('fairness.acknowledgementNeeded', { what: plain(what), n: report.flags.length, groups: groups ?? '' }));
}

/** The key and parameters of a said sentence, without its English. */
function plain(s: Said): KeyedText {
  return s.params ? { key: s.key, params: s.params } : { key: s.key };
}

/** Flagged groups published or approved without an acknowledgement: said keyed (server:fairness.*), the English beside. */
export class FairnessAcknowledgementError extends SaidError {}

/** The report of the current scores (no version), or the one kept with `version`. */
export function fairnessOf(db: Db, version?: number): FairnessReportReply {
  if (version === undefined) {
    const report = currentFairness(db);
    return { current: true, rulesetVersion: report?.after.rulesetVersion ?? null, report, operationId: null, acknowledgement: null, acknowledgedBy: null };
  }
  const stored = storedFairnessReport(db, version);
  return {
    current: false,
    rulesetVersion: version,
    report: stored?.report ?? null,
    operationId: stored?.operationId ?? null,
    acknowledgement: stored?.acknowledgement ?? null,
    acknowledgedBy: stored?.acknowledgedBy ?? null,
  };
}

/** A report as CSV: the current scores', a published version's, or a ruleset proposal's simulation. */
export function exportFairness(db: Db, q: { version?: number; proposalId?: number }): { filename: string; csv: string; rows: number; source: string } {
  if (q.version !== undefined && q.proposalId !== undefined) throw new FairnessInputError(keyed('fairness.bothSources'));
  let report: FairnessReport | null;
  let source: string;
  if (q.proposalId !== undefined) {
    const row = db.prepare('SELECT kind, simulation FROM proposals WHERE id = ?').get(q.proposalId) as { kind: string; simulation: string | null } | undefined;
    if (!row) throw new NotFoundError(keyed('notFound.proposal', { id: q.proposalId }));
    if (row.kind !== 'ruleset') throw new FairnessInputError(keyed('fairness.notRuleset', { id: q.proposalId }));
    const kept = row.simulation ? (JSON.parse(row.simulation) as { result: { fairness?: FairnessReport } }).result.fairness : undefined;
    report = kept ? keptReport(kept) : null;
    source = `proposal-${q.proposalId}`;
  } else {
    report = fairnessOf(db, q.version).report;
    source = q.version === undefined ? 'current' : `version-${q.version}`;
  }
  if (!report) {
    throw new NotFoundError(
      q.proposalId !== undefined
        ? keyed('notFound.fairnessReport.proposal', { id: q.proposalId })
        : q.version !== undefined
          ? keyed('notFound.fairnessReport.version', { version: q.version })
          : keyed('notFound.fairnessReport.current'),
    );
  }
  const csv = fairnessCsv(report);
  return { filename: `fairness-${source}-${report.asOf.slice(0, 10)}.csv`, csv, rows: csv.split('\r\n').length - 2, source };
}

/** A request the report cannot answer as put (dispatch answers it as rejected input). */
export class FairnessInputError extends FairnessAcknowledgementError {}

/** A report as CSV: one row per side, dimension and group; every cell quoted, formula-like cells neutralised; a withheld group's figures empty. */
export function fairnessCsv(report: FairnessReport): string {
  const tiers = [...new Set([...(report.before?.tiers ?? []), ...report.after.tiers])];
  const lines = [
    csvRow(['ruleset', 'ruleset_version', 'as_of', 'dimension', 'group', 'size', 'too_small', 'withheld', 'mean_score', 'favourable', 'favourable_rate', 'adverse_impact_ratio', 'reference', 'flagged', ...tiers.map((t) => `tier_${t}`)]),
  ];
  const sides: [string, FairnessSide | null][] = [
    ['before', report.before],
    ['after', report.after],
  ];
  for (const [label, side] of sides) {
    if (!side) continue;
    for (const d of side.dimensions) {
      for (const g of d.groups) {
        lines.push(
          csvRow([
            label,
            side.rulesetVersion === null ? '' : String(side.rulesetVersion),
            report.asOf,
            d.dimension,
            g.group,
            String(g.size),
            g.tooSmall ? 'yes' : 'no',
            g.withheld ? 'yes' : 'no',
            g.meanScore === null ? '' : g.meanScore.toFixed(2),
            g.favourable === null ? '' : String(g.favourable),
            g.favourableRate === null ? '' : g.favourableRate.toFixed(4),
            g.ratio === null ? '' : g.ratio.toFixed(4),
            g.reference ? 'yes' : 'no',
            g.flagged ? 'yes' : 'no',
            ...tiers.map((t) => {
              const i = side.tiers.indexOf(t);
              return i < 0 || g.tierCounts === null ? '' : String(g.tierCounts[i]);
            }),
          ]),
        );
      }
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
