/**
 * The score outlook's section of the disclosure (issue 13, part 1): when the
 * citizen's own records stop counting and what the score is expected to be
 * then, the next tier, and what upholding each open dispute would change.
 * A projection under the current ruleset, said so. Like the friend-penalty
 * section it reveals nothing of another person: only dates of the citizen's
 * own records are given (a date on which only a friend's record changes
 * would disclose that friend's record), and no count of other citizens.
 */
import type { Outlook } from '../../shared/recourse.js';
import { formatPoints } from '../engine/scoring.js';
import type { PrintedDocument } from './disclosurePdf.js';
import type { Translate } from './translate.js';

/** Rows of the outlook table; the rest are counted. */
const ROWS_SHOWN = 12;

const date = (iso: string) => iso.slice(0, 10);

/** "Your score is expected to rise to 968.40 (A) on 2027-03-14, when the record of 2024-03-14 expires." */
export function outlookSentence(now: Outlook['now'], p: Outlook['points'][number]): string {
  const record = p.records.find((r) => r.change === 'expires') ?? p.records[0];
  const when = record ? `, when the record of ${date(record.occurredAt)} ${record.change === 'expires' ? 'expires' : 'starts to count'}` : '';
  const move = p.score > now.score ? `rise to ${formatPoints(p.score)} (${p.tier})` : p.score < now.score ? `fall to ${formatPoints(p.score)} (${p.tier})` : `stay at ${formatPoints(p.score)} (${p.tier})`;
  return `Your score is expected to ${move} on ${date(p.at)}${when}.`;
}

/** The outlook's first change, as the disclosure states it in its language (`outlookSentence` is the English of it). */
function outlookLine(t: Translate, now: Outlook['now'], p: Outlook['points'][number]): string {
  const record = p.records.find((r) => r.change === 'expires') ?? p.records[0];
  const move = p.score > now.score ? 'rise' : p.score < now.score ? 'fall' : 'stay';
  const figures = { score: formatPoints(p.score), tier: p.tier, date: date(p.at) };
  if (!record) return t(`disclosure:outlook.${move}`, figures);
  return t(`disclosure:outlook.${move}When`, { ...figures, recordDate: date(record.occurredAt), change: t(record.change === 'expires' ? 'disclosure:outlook.expires' : 'disclosure:outlook.starts') });
}

export function outlookSection(pdf: PrintedDocument, t: Translate, o: Outlook): void {
  const own = o.points.filter((p) => p.records.length > 0);
  pdf.heading(t('disclosure:outlook.heading'), 120);
  pdf.paragraph(t('disclosure:outlook.intro', { version: o.rulesetVersion, date: date(o.asOf) }), { muted: true });
  if (own.length === 0) {
    pdf.paragraph(t('disclosure:outlook.none'));
  } else {
    pdf.paragraph(outlookLine(t, o.now, own[0]), { bold: true });
    const rows = own.slice(0, ROWS_SHOWN).map((p) => {
      const r = p.records[0];
      const what = { eventId: r.eventId, recordDate: date(r.occurredAt), change: t(r.change === 'expires' ? 'disclosure:outlook.expires' : 'disclosure:outlook.starts') };
      return [date(p.at), p.records.length > 1 ? t('disclosure:outlook.rowMore', { ...what, more: p.records.length - 1 }) : t('disclosure:outlook.row', what), formatPoints(p.score), p.tier];
    });
    pdf.table(
      [
        { header: t('disclosure:outlook.from'), width: 0.17 },
        { header: t('disclosure:outlook.record'), width: 0.5 },
        { header: t('disclosure:outlook.scoreThen'), width: 0.18, align: 'right' },
        { header: t('disclosure:outlook.tier'), width: 0.15 },
      ],
      rows,
    );
    if (own.length > ROWS_SHOWN) pdf.paragraph(t('disclosure:outlook.later', { count: own.length - ROWS_SHOWN }), { muted: true });
  }
  const n = o.nextTier;
  if (n && n.recordsTotal > 0) {
    pdf.paragraph(t('disclosure:outlook.nextTier', { tier: n.tier, min: n.min, date: date(n.at), score: formatPoints(n.score), count: n.recordsTotal }));
  }
  for (const d of o.disputes) {
    const which = { id: d.disputeId, eventId: d.eventId };
    pdf.paragraph(
      d.noChange
        ? t(d.noChange === 'capped' ? 'disclosure:outlook.disputeCapped' : 'disclosure:outlook.disputeNotCounting', which)
        : t('disclosure:outlook.disputeScore', { ...which, score: formatPoints(d.score), tier: d.tier }),
    );
  }
}
