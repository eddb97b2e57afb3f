/**
 * The score disclosure handed to a citizen, as a PDF: what a credit bureau
 * disclosure states (REFERENCE.md: the score, its range, up to 4 key adverse
 * factors, the date and who produced it) plus the rest of the explanation
 * (SCORING_MODEL §5), open disputes and how to contest. It discloses nothing
 * about any other person.
 */
import type { Explanation, TierSpec } from '../../shared/domain.js';
import type { Db } from '../db/connection.js';
import { getRuleset } from '../db/rulesets.js';
import { formatPoints } from '../engine/scoring.js';
import { disputeDeadlineSetting, openDisputes } from './citizenTables.js';
import { PrintedDocument, printable, type Column } from './disclosurePdf.js';
import { explainCitizen } from './explain.js';
import { outlookSection } from './disclosureOutlook.js';
import { scoreOutlook } from './outlook.js';

/**
 * Days within which the console promises a written answer to a contest, by
 * default. The reference systems give 30 (FCRA §611 reinvestigation) and 20
 * (China's Credit Reporting Industry Regulations, Art. 25); the console's
 * default is 30. A database whose settings hold `dispute_deadline_days`
 * states that instead: the document must promise what the office applies.
 */
export const CONTEST_ANSWER_DAYS = 30;

export interface DisclosureOptions {
  /** Who produces the disclosure (the official's name): printed on it. */
  generatedBy: string;
  now?: Date;
}

const DAY_MS = 86_400_000;

/** Points with their sign, to the cent as every other figure is rounded (SCORING_MODEL §5), never "-0.00". */
function pts(x: number): string {
  const text = formatPoints(Math.abs(x));
  if (text === '0.00') return text;
  return `${x > 0 ? '+' : '-'}${text}`;
}

function utc(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return Number.isNaN(d.getTime()) ? String(iso) : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function scoreText(score: number): string {
  return formatPoints(score);
}

function tierBands(tiers: TierSpec[]): { name: string; scores: string }[] {
  return tiers.map((t, i) => {
    if (tiers.length === 1) return { name: t.name, scores: 'every score' };
    if (i === 0) return { name: t.name, scores: `${t.min} or more` };
    if (i === tiers.length - 1) return { name: t.name, scores: `under ${tiers[i - 1].min}` };
    return { name: t.name, scores: `${t.min} to under ${tiers[i - 1].min}` };
  });
}

export function renderDisclosure(db: Db, citizenId: string, options: DisclosureOptions): Buffer {
  // One read transaction: score, explanation and disputes come from the same state even while the console writes.
  return db.transaction(() => render(db, citizenId, options))();
}

function render(db: Db, citizenId: string, options: DisclosureOptions): Buffer {
  const e = explainCitizen(db, citizenId);
  const published = getRuleset(db, e.rulesetVersion);
  if (!published) throw new Error(`ruleset version ${e.rulesetVersion} is missing`);
  const spec = published.spec;
  const now = options.now ?? new Date();
  const idx = db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(citizenId) as number;
  const describe = new Map(spec.rules.map((r) => [r.id, r.description]));
  describe.set('manual_adjustment', 'An adjustment of your score made by an official and approved by a second official, each with a written justification.');
  const answerDays = disputeDeadlineSetting(db, CONTEST_ANSWER_DAYS);

  const pdf = new PrintedDocument({ title: 'Score disclosure', author: options.generatedBy, subject: `Score disclosure for ${e.citizenId}`, createdAt: now });
  pdf.title('Score disclosure', 'Credence rule-based scoring: your score, how it was calculated, and how to contest it.');

  const name = printable(e.name);
  pdf.fields([
    ['Name', name.changed ? `${name.text} (some characters of the name cannot be printed in this document; the record holds the name exactly)` : name.text],
    ['Citizen ID', e.citizenId],
    ['District', e.district],
    ['Generated', `${utc(now)} by ${options.generatedBy}`],
  ]);

  const bands = tierBands(spec.tiers);
  const yours = bands.findIndex((b) => b.name === e.tier);
  const tierColumns: Column[] = [
    { header: 'Tier', width: 0.2 },
    { header: 'Scores in the tier', width: 0.5 },
    { header: '', width: 0.3 },
  ];
  const tierRows = bands.map((b, i) => [b.name, b.scores, i === yours ? 'your tier' : '']);
  const tierOptions = { bold: new Set([yours]), shade: new Set([yours]) };
  pdf.heading('Your score', 82 + pdf.tableHeight(tierColumns, tierRows, tierOptions));
  pdf.scoreBox(scoreText(e.score), `Tier ${e.tier}`, [
    `Possible range: ${spec.score_min} to ${spec.score_max}`,
    `Every citizen starts at ${spec.base_score}`,
    `Scored as of ${utc(e.asOf)}, ruleset version ${e.rulesetVersion}`,
  ]);
  pdf.table(tierColumns, tierRows, tierOptions);

  reasonsSection(pdf, e, describe, spec.friend_penalty.threshold);
  calculationSection(pdf, e, spec.base_score);
  friendPenaltySection(pdf, e, spec.friend_penalty);
  recordsSection(pdf, e);
  outlookSection(pdf, scoreOutlook(db, citizenId));
  disputesSection(pdf, db, { id: e.citizenId, idx }, answerDays);
  contestSection(pdf, answerDays);

  pdf.heading('About this document', 110);
  pdf.fields([
    ['Generated', utc(now)],
    ['Generated by', options.generatedBy],
    ['Ruleset version', String(e.rulesetVersion)],
    ['Scores as of', utc(e.asOf)],
    ['Produced with', 'Credence console'],
  ]);
  pdf.paragraph('Records dated after the as-of instant are not yet counted. The rules, their points and the tier bands are those of the published ruleset version named above.', { muted: true });

  return pdf.finish((page, pages) => `Score disclosure for ${e.citizenId} - generated ${utc(now)} - ruleset version ${e.rulesetVersion} - page ${page} of ${pages}`);
}

function reasonsSection(pdf: PrintedDocument, e: Explanation, describe: Map<string, string>, threshold: number): void {
  pdf.heading('Main reasons lowering your score', 110);
  if (e.reasonCodes.length === 0) {
    pdf.paragraph('No factor lowers your score.');
    return;
  }
  pdf.paragraph(`The largest factors that lower your score, largest first (at most 4). Each has a reason code you can quote when you ask about it.`, { muted: true });
  e.reasonCodes.forEach((r, i) => {
    const title = `${i + 1}. ${r.label}: ${pts(r.points)} points`;
    const what =
      r.code === 'friend_penalty'
        ? `Some of your friends are scored below ${threshold}; see "Friend penalty" below.`
        : `${describe.get(r.code) ?? ''}${pointsApplied(e, r.code)}`;
    const detail = `Reason code ${r.code}. ${what}`;
    pdf.ensureSpace(pdf.paragraphHeight(title, { bold: true }) + pdf.paragraphHeight(detail, { indent: 14 }));
    pdf.paragraph(title, { bold: true });
    pdf.paragraph(detail, { indent: 14 });
  });
}

/**
 * What the rule actually gave each of the citizen's records, beside its
 * description: a description can be out of date ("-2 for each bill paid
 * late" while the published points are -5), and the figures are what count.
 */
function pointsApplied(e: Explanation, ruleId: string): string {
  const rule = e.rules.find((r) => r.ruleId === ruleId);
  if (!rule || rule.events.length === 0) return '';
  const each = [...new Set(rule.events.map((ev) => ev.points))].sort((a, b) => a - b);
  const range = each.length === 1 ? pts(each[0]) : `${pts(each[0])} to ${pts(each[each.length - 1])}`;
  const records = rule.eventCount === 1 ? '1 record' : `${rule.eventCount} records`;
  return ` Points applied: ${range} per record (${records}${rule.capped ? `, capped at a total of ${pts(rule.total)}` : ''}).`;
}

function calculationSection(pdf: PrintedDocument, e: Explanation, base: number): void {
  const intro = 'Your score is the starting score plus the total of each rule that applies to your records, minus the friend penalty. A rule may have a cap: a limit on its total, whatever the number of records.';
  const rows: string[][] = [['Starting score', '', '', formatPoints(base), '']];
  for (const r of e.rules) {
    rows.push([`${r.ruleName} (${r.ruleId})`, r.dimension, String(r.eventCount), pts(r.total), r.capped ? `capped; records add up to ${pts(r.raw)}` : 'not capped']);
  }
  if (e.adjustments !== 0) rows.push(['Manual adjustments', '', '', pts(e.adjustments), '']);
  const own = rows.length;
  rows.push(['Score from your own records', '', '', formatPoints(e.own), '']);
  rows.push(['Friend penalty', 'friends', '', pts(-e.friendPenalty), e.friendPenaltyUncapped > e.friendPenalty ? 'capped' : 'not capped']);
  const final = rows.length;
  rows.push([`Your score (tier ${e.tier})`, '', '', scoreText(e.score), 'rounded to 2 decimals']);
  const columns: Column[] = [
    { header: 'Item', width: 0.36 },
    { header: 'Dimension', width: 0.13 },
    { header: 'Records', width: 0.1, align: 'right' },
    { header: 'Points', width: 0.13, align: 'right' },
    { header: 'Cap', width: 0.28 },
  ];
  const tableOptions = { bold: new Set([own, final]), shade: new Set([final]) };
  pdf.heading('How your score is calculated', pdf.paragraphHeight(intro) + pdf.tableHeight(columns, rows, tableOptions));
  pdf.paragraph(intro, { muted: true });
  pdf.table(columns, rows, tableOptions);
}

/*
 * The friend penalty is shown as a total only, with the number of friendships
 * it was computed over. Per-friend shares, even numbered "friend 1, friend 2",
 * would disclose other people's scores: a share is (w / n) * (T - s_j) scaled
 * by the cap, so with the published w, T and cap and the friend count a
 * reader recovers each friend's score s_j, and a citizen who knows their few
 * friends can tell who is who. The total is what the citizen's own score
 * needs; contesting a friendship itself goes through the relationship
 * records, which the subject-access export lists (by id).
 */
function friendPenaltySection(pdf: PrintedDocument, e: Explanation, fp: { threshold: number; weight: number; cap: number }): void {
  pdf.heading('Friend penalty', 150);
  pdf.paragraph(
    `Friends whose score is below ${fp.threshold} lower your score: the penalty is ${fp.weight} times the average shortfall below ${fp.threshold} over all your friendships active on the as-of date, and at most ${fp.cap} points.`,
  );
  pdf.fields([
    ['Active friendships', String(e.activeFriendCount)],
    ['Friend penalty', `${pts(-e.friendPenalty)} points`],
    ['Cap', e.friendPenaltyUncapped > e.friendPenalty ? `the cap of ${fp.cap} points applied` : `not reached (cap ${fp.cap} points)`],
  ]);
  pdf.paragraph('To protect your friends, this document does not show which friends caused the penalty or how much each contributed: that would reveal their scores.', { muted: true });
}

function recordsSection(pdf: PrintedDocument, e: Explanation): void {
  pdf.heading('Records that count toward your score', 90);
  const rows = e.rules.flatMap((r) => r.events.map((ev) => [ev.occurredAt.slice(0, 10), ev.eventId, r.ruleName, pts(ev.points)]));
  if (rows.length === 0) {
    pdf.paragraph('No record counts toward your score.');
    return;
  }
  pdf.paragraph('Quote the record ID when you contest a record. Records outside a rule\'s counting period, and records withdrawn after a review, are not listed.', { muted: true });
  pdf.table(
    [
      { header: 'Date', width: 0.17 },
      { header: 'Record ID', width: 0.25 },
      { header: 'Rule', width: 0.4 },
      { header: 'Points', width: 0.18, align: 'right' },
    ],
    rows,
  );
}

function disputesSection(pdf: PrintedDocument, db: Db, citizen: { id: string; idx: number }, answerDays: number): void {
  pdf.heading('Open disputes');
  const read = openDisputes(db, citizen);
  if (read.status === 'unknown') {
    pdf.paragraph('The status of your disputes could not be read for this document. Ask the office that gave it to you.');
    return;
  }
  if (read.disputes.length === 0) {
    pdf.paragraph('No open disputes.');
    return;
  }
  pdf.table(
    [
      { header: 'Dispute', width: 0.2 },
      { header: 'Opened', width: 0.15 },
      { header: 'About', width: 0.3 },
      { header: 'Status', width: 0.15 },
      { header: 'Answer due by', width: 0.2 },
    ],
    read.disputes.map((d) => {
      const opened = d.openedAt ? Date.parse(d.openedAt) : NaN;
      // The store's own deadline where it keeps one; else the promised number of days from opening.
      const due = d.deadline
        ? d.deadline.slice(0, 10)
        : Number.isNaN(opened)
          ? `${answerDays} days after opening`
          : new Date(opened + answerDays * DAY_MS).toISOString().slice(0, 10);
      return [d.id, d.openedAt ? d.openedAt.slice(0, 10) : '', d.about ?? '', (d.status ?? 'open').replace(/_/g, ' '), due];
    }),
  );
}

function contestSection(pdf: PrintedDocument, answerDays: number): void {
  pdf.heading('How to contest', 160);
  pdf.bullet('You have the right to contest this score and any record it is based on. Tell the office which record (by its record ID) or which part of the calculation you contest, and why.');
  pdf.bullet('A contested score or record is reviewed by a person, not by the scoring system alone. A record found to be wrong, or that cannot be verified, is withdrawn and your score is recalculated.');
  pdf.bullet(`You will receive a written answer within ${answerDays} days of your request.`);
  pdf.bullet('A score is never the sole basis of a decision about you. If a decision relied on this score, you may ask for it to be reviewed by a person.');
  pdf.bullet('You may also ask for a copy of all the data held about you.');
}
