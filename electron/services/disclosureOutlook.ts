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

export function outlookSection(pdf: PrintedDocument, o: Outlook): void {
  const own = o.points.filter((p) => p.records.length > 0);
  const intro = `A projection under the current ruleset (version ${o.rulesetVersion}), from the data held on ${date(o.asOf)}: the dates on which records of yours stop counting, and your score from then on if nothing else happens. New records, decided disputes or a new ruleset change it.`;
  pdf.heading('Score outlook (projection)', 120);
  pdf.paragraph(intro, { muted: true });
  if (own.length === 0) {
    pdf.paragraph('None of your records stops counting after that date: your score stays as it is unless something new happens.');
  } else {
    pdf.paragraph(outlookSentence(o.now, own[0]), { bold: true });
    const rows = own.slice(0, ROWS_SHOWN).map((p) => {
      const r = p.records[0];
      const more = p.records.length > 1 ? ` and ${p.records.length - 1} more` : '';
      return [date(p.at), `${r.eventId} of ${date(r.occurredAt)} ${r.change === 'expires' ? 'expires' : 'starts to count'}${more}`, formatPoints(p.score), p.tier];
    });
    pdf.table(
      [
        { header: 'From', width: 0.17 },
        { header: 'Record', width: 0.5 },
        { header: 'Score then', width: 0.18, align: 'right' },
        { header: 'Tier', width: 0.15 },
      ],
      rows,
    );
    if (own.length > ROWS_SHOWN) pdf.paragraph(`And ${own.length - ROWS_SHOWN} later dates.`, { muted: true });
  }
  const n = o.nextTier;
  if (n && n.recordsTotal > 0) {
    pdf.paragraph(`You are expected to reach tier ${n.tier} (${n.min} or more) on ${date(n.at)}, with ${formatPoints(n.score)}, once ${n.recordsTotal === 1 ? 'one record of yours has' : `${n.recordsTotal} records of yours have`} stopped counting.`);
  }
  for (const d of o.disputes) {
    pdf.paragraph(
      d.noChange
        ? `If your open dispute #${d.disputeId} (record ${d.eventId}) is upheld, your score does not change: ${d.noChange === 'capped' ? 'the rule total is capped' : 'the record does not count at that date'}.`
        : `If your open dispute #${d.disputeId} (record ${d.eventId}) is upheld, your score would be ${formatPoints(d.score)} (${d.tier}).`,
    );
  }
}
