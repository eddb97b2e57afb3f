/**
 * The score disclosure handed to a citizen, as a PDF: what a credit bureau
 * disclosure states (REFERENCE.md: the score, its range, up to 4 key adverse
 * factors, the date and who produced it) plus the rest of the explanation
 * (SCORING_MODEL §5), open disputes and how to contest. It discloses nothing
 * about any other person. It is written in the citizen's language: the one
 * asked for when printing, else the one on their record, else English; rule
 * and measure names in that language where the ruleset has them.
 */
import type { Explanation, RulesetSpec, TierSpec } from '../../shared/domain.js';
import { isLanguage, type Language } from '../../shared/language.js';
import { localizedText } from '../../shared/localizedText.js';
import type { Db } from '../db/connection.js';
import { getRuleset } from '../db/rulesets.js';
import { formatPoints } from '../engine/scoring.js';
import { disputeDeadlineSetting, openDisputes } from './citizenTables.js';
import { PrintedDocument, type Column } from './disclosurePdf.js';
import { explainCitizen } from './explain.js';
import { consentOf } from './consent.js';
import { consentSection, outOfScope, renderUnscoredDisclosure } from './disclosureConsent.js';
import { outlookSection } from './disclosureOutlook.js';
import { scoreOutlook } from './outlook.js';
import { translator, type Translate } from './translate.js';

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
  /** The language to write it in; without it, the citizen's own (citizens.language), else English. */
  language?: Language;
}

const DAY_MS = 86_400_000;

/** Points with their sign, to the cent as every other figure is rounded (SCORING_MODEL §5), never "-0.00". */
function pts(x: number): string {
  const text = formatPoints(Math.abs(x));
  if (text === '0.00') return text;
  return `${x > 0 ? '+' : '-'}${text}`;
}

function scoreText(score: number): string {
  return formatPoints(score);
}

/** The language a disclosure of `citizenId` is written in: `requested`, else the one on the citizen's record, else English. */
export function disclosureLanguage(db: Db, citizenId: string, requested?: Language): Language {
  if (requested) return requested;
  const hasColumn = (db.prepare("SELECT count(*) FROM pragma_table_info('citizens') WHERE name = 'language'").pluck().get() as number) > 0;
  const stored = hasColumn ? (db.prepare('SELECT language FROM citizens WHERE citizen_id = ?').pluck().get(citizenId) as string | null | undefined) : null;
  return isLanguage(stored) ? stored : 'en';
}

export function renderDisclosure(db: Db, citizenId: string, options: DisclosureOptions): Buffer {
  // One read transaction: score, explanation and disputes come from the same state even while the console writes.
  return db.transaction(() => {
    return render(db, citizenId, options, disclosureLanguage(db, citizenId, options.language));
  })();
}

/** Everything a section needs to write itself in the reader's language. */
interface Context {
  pdf: PrintedDocument;
  t: Translate;
  language: Language;
  e: Explanation;
  spec: RulesetSpec;
  utc: (iso: string | Date) => string;
}

function render(db: Db, citizenId: string, options: DisclosureOptions, language: Language): Buffer {
  const unscored = outOfScope(db, citizenId);
  if (unscored) return renderUnscoredDisclosure(citizenId, unscored, { generatedBy: options.generatedBy, now: options.now ?? new Date(), language });
  const e = explainCitizen(db, citizenId);
  const published = getRuleset(db, e.rulesetVersion);
  if (!published) throw new Error(`ruleset version ${e.rulesetVersion} is missing`);
  const spec = published.spec;
  const now = options.now ?? new Date();
  const t = translator(language, 'disclosure');
  const utc = (iso: string | Date): string => {
    const d = typeof iso === 'string' ? new Date(iso) : iso;
    return Number.isNaN(d.getTime()) ? String(iso) : t('utc', { instant: d.toISOString().slice(0, 19).replace('T', ' ') });
  };
  const idx = db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(citizenId) as number;
  const answerDays = disputeDeadlineSetting(db, CONTEST_ANSWER_DAYS);

  const pdf = new PrintedDocument({ title: t('title'), author: options.generatedBy, subject: t('subject', { citizenId: e.citizenId }), createdAt: now, language }, { embedAll: language === 'zh-CN' });
  const c: Context = { pdf, t, language, e, spec, utc };
  pdf.title(t('title'), t('subtitle'));

  const name = pdf.printable(e.name);
  pdf.fields([
    [t('field.name'), name.changed ? t('nameNotPrintable', { name: name.text }) : name.text],
    [t('field.citizenId'), e.citizenId],
    [t('field.district'), e.district],
    [t('field.generated'), t('generatedAtBy', { instant: utc(now), user: options.generatedBy })],
  ]);

  const bands = tierBands(t, spec.tiers);
  const yours = bands.findIndex((b) => b.name === e.tier);
  const tierColumns: Column[] = [
    { header: t('tiers.tier'), width: 0.2 },
    { header: t('tiers.scores'), width: 0.5 },
    { header: '', width: 0.3 },
  ];
  const tierRows = bands.map((b, i) => [b.name, b.scores, i === yours ? t('tiers.yours') : '']);
  const tierOptions = { bold: new Set([yours]), shade: new Set([yours]) };
  pdf.heading(t('score.heading'), 82 + pdf.tableHeight(tierColumns, tierRows, tierOptions));
  pdf.scoreBox(scoreText(e.score), t('score.tier', { tier: e.tier }), [
    t('score.range', { min: spec.score_min, max: spec.score_max }),
    t('score.start', { base: spec.base_score }),
    t('score.asOf', { instant: utc(e.asOf), version: e.rulesetVersion }),
  ]);
  pdf.table(tierColumns, tierRows, tierOptions);

  reasonsSection(c);
  calculationSection(c);
  friendPenaltySection(c);
  recordsSection(c);
  outlookSection(pdf, t, scoreOutlook(db, citizenId));
  disputesSection(c, db, { id: e.citizenId, idx }, answerDays);
  contestSection(c, answerDays);
  consentSection(pdf, consentOf(db, idx), t);

  pdf.heading(t('about.heading'), 110);
  pdf.fields([
    [t('field.generated'), utc(now)],
    [t('field.generatedBy'), options.generatedBy],
    [t('field.rulesetVersion'), String(e.rulesetVersion)],
    [t('field.scoresAsOf'), utc(e.asOf)],
    [t('field.producedWith'), t('about.producedWith')],
  ]);
  pdf.paragraph(t('about.note'), { muted: true });

  return pdf.finish((page, pages) => t('footer', { citizenId: e.citizenId, instant: utc(now), version: e.rulesetVersion, page, pages }));
}

function tierBands(t: Translate, tiers: TierSpec[]): { name: string; scores: string }[] {
  return tiers.map((tier, i) => {
    if (tiers.length === 1) return { name: tier.name, scores: t('band.every') };
    if (i === 0) return { name: tier.name, scores: t('band.atLeast', { min: tier.min }) };
    if (i === tiers.length - 1) return { name: tier.name, scores: t('band.under', { max: tiers[i - 1].min }) };
    return { name: tier.name, scores: t('band.between', { min: tier.min, max: tiers[i - 1].min }) };
  });
}

/** A rule's name in the disclosure's language (the ruleset's own words where it has no translation). */
function ruleName(c: Context, r: Explanation['rules'][number]): string {
  return localizedText({ name: r.ruleName, i18n: r.i18n }, c.language).name;
}

function reasonsSection(c: Context): void {
  const { pdf, t, e, spec } = c;
  pdf.heading(t('reasons.heading'), 110);
  if (e.reasonCodes.length === 0) {
    pdf.paragraph(t('reasons.none'));
    return;
  }
  pdf.paragraph(t('reasons.intro'), { muted: true });
  e.reasonCodes.forEach((r, i) => {
    const rule = e.rules.find((x) => x.ruleId === r.code);
    const ruleSpec = spec.rules.find((x) => x.id === r.code);
    const label = r.code === 'friend_penalty' ? t('reasons.friendsLabel') : r.code === 'manual_adjustment' ? t('reasons.adjustmentLabel') : rule ? ruleName(c, rule) : r.label;
    const title = t('reasons.item', { n: i + 1, label, points: pts(r.points) });
    const what =
      r.code === 'friend_penalty'
        ? t('reasons.friends', { threshold: spec.friend_penalty.threshold })
        : r.code === 'manual_adjustment'
          ? t('reasons.adjustment')
          : [ruleSpec ? localizedText(ruleSpec, c.language).description : '', pointsApplied(c, r.code)].filter(Boolean).join(' ');
    const detail = t('reasons.detail', { code: r.code, what });
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
function pointsApplied(c: Context, ruleId: string): string {
  const rule = c.e.rules.find((r) => r.ruleId === ruleId);
  if (!rule || rule.events.length === 0) return '';
  const each = [...new Set(rule.events.map((ev) => ev.points))].sort((a, b) => a - b);
  const range = each.length === 1 ? pts(each[0]) : c.t('reasons.pointRange', { low: pts(each[0]), high: pts(each[each.length - 1]) });
  return rule.capped ? c.t('reasons.appliedCapped', { range, count: rule.eventCount, total: pts(rule.total) }) : c.t('reasons.applied', { range, count: rule.eventCount });
}

function calculationSection(c: Context): void {
  const { pdf, t, e } = c;
  const intro = t('calc.intro');
  const rows: string[][] = [[t('calc.start'), '', '', formatPoints(c.spec.base_score), '']];
  for (const r of e.rules) {
    rows.push([t('calc.rule', { name: ruleName(c, r), id: r.ruleId }), r.dimension, String(r.eventCount), pts(r.total), r.capped ? t('calc.cappedFrom', { raw: pts(r.raw) }) : t('calc.notCapped')]);
  }
  if (e.adjustments !== 0) rows.push([t('calc.adjustments'), '', '', pts(e.adjustments), '']);
  const own = rows.length;
  rows.push([t('calc.own'), '', '', formatPoints(e.own), '']);
  rows.push([t('calc.friendPenalty'), t('calc.friends'), '', pts(-e.friendPenalty), e.friendPenaltyUncapped > e.friendPenalty ? t('calc.capped') : t('calc.notCapped')]);
  const final = rows.length;
  rows.push([t('calc.final', { tier: e.tier }), '', '', scoreText(e.score), t('calc.rounded')]);
  const columns: Column[] = [
    { header: t('calc.item'), width: 0.36 },
    { header: t('calc.dimension'), width: 0.13 },
    { header: t('calc.records'), width: 0.1, align: 'right' },
    { header: t('calc.points'), width: 0.13, align: 'right' },
    { header: t('calc.cap'), width: 0.28 },
  ];
  const tableOptions = { bold: new Set([own, final]), shade: new Set([final]) };
  pdf.heading(t('calc.heading'), pdf.paragraphHeight(intro) + pdf.tableHeight(columns, rows, tableOptions));
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
function friendPenaltySection(c: Context): void {
  const { pdf, t, e } = c;
  const fp = c.spec.friend_penalty;
  pdf.heading(t('friends.heading'), 150);
  pdf.paragraph(t('friends.explain', { threshold: fp.threshold, weight: fp.weight, cap: fp.cap }));
  pdf.fields([
    [t('friends.active'), String(e.activeFriendCount)],
    [t('friends.penalty'), t('friends.points', { points: pts(-e.friendPenalty) })],
    [t('friends.cap'), e.friendPenaltyUncapped > e.friendPenalty ? t('friends.capApplied', { cap: fp.cap }) : t('friends.capNotReached', { cap: fp.cap })],
  ]);
  pdf.paragraph(t('friends.privacy'), { muted: true });
}

function recordsSection(c: Context): void {
  const { pdf, t, e } = c;
  pdf.heading(t('records.heading'), 90);
  const rows = e.rules.flatMap((r) => r.events.map((ev) => [ev.occurredAt.slice(0, 10), ev.eventId, ruleName(c, r), pts(ev.points)]));
  if (rows.length === 0) {
    pdf.paragraph(t('records.none'));
    return;
  }
  pdf.paragraph(t('records.intro'), { muted: true });
  pdf.table(
    [
      { header: t('records.date'), width: 0.17 },
      { header: t('records.id'), width: 0.25 },
      { header: t('records.rule'), width: 0.4 },
      { header: t('records.points'), width: 0.18, align: 'right' },
    ],
    rows,
  );
}

const DISPUTE_STATES = new Set(['open', 'under_review', 'upheld', 'rejected']);

/** What a dispute is about ("record E12", "measure no-fast-track-permits"), in the disclosure's language. */
function disputeAbout(t: Translate, about: string | null): string {
  const m = /^(record|measure) (.+)$/.exec(about ?? '');
  if (!m) return about ?? '';
  return m[1] === 'record' ? t('disputes.aboutRecord', { id: m[2] }) : t('disputes.aboutMeasure', { id: m[2] });
}

function disputesSection(c: Context, db: Db, citizen: { id: string; idx: number }, answerDays: number): void {
  const { pdf, t } = c;
  pdf.heading(t('disputes.heading'));
  const read = openDisputes(db, citizen);
  if (read.status === 'unknown') {
    pdf.paragraph(t('disputes.unknown'));
    return;
  }
  if (read.disputes.length === 0) {
    pdf.paragraph(t('disputes.none'));
    return;
  }
  pdf.table(
    [
      { header: t('disputes.dispute'), width: 0.2 },
      { header: t('disputes.opened'), width: 0.15 },
      { header: t('disputes.about'), width: 0.3 },
      { header: t('disputes.status'), width: 0.15 },
      { header: t('disputes.due'), width: 0.2 },
    ],
    read.disputes.map((d) => {
      const opened = d.openedAt ? Date.parse(d.openedAt) : NaN;
      // The store's own deadline where it keeps one; else the promised number of days from opening.
      const due = d.deadline
        ? d.deadline.slice(0, 10)
        : Number.isNaN(opened)
          ? t('disputes.dueAfter', { days: answerDays })
          : new Date(opened + answerDays * DAY_MS).toISOString().slice(0, 10);
      const status = d.status ?? 'open';
      const state = DISPUTE_STATES.has(status) ? t(`disputes.state.${status}`) : status.replace(/_/g, ' ');
      return [d.id, d.openedAt ? d.openedAt.slice(0, 10) : '', disputeAbout(t, d.about), state, due];
    }),
  );
}

function contestSection(c: Context, answerDays: number): void {
  const { pdf, t } = c;
  pdf.heading(t('contest.heading'), 160);
  pdf.bullet(t('contest.right'));
  pdf.bullet(t('contest.human'));
  pdf.bullet(t('contest.answer', { days: answerDays }));
  pdf.bullet(t('contest.notSole'));
  pdf.bullet(t('contest.copy'));
}

