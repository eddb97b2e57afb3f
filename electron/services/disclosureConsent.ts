/**
 * The consent part of the score disclosure: the consent that counts, its
 * history with the evidence, and how to withdraw (consentNotice.ts). A
 * citizen out of scope (SCORING_MODEL §3) gets a disclosure that says plainly
 * they are not scored and why, instead of a score.
 */
import type { Db } from '../db/connection.js';
import { consentOf, type ConsentView } from './consent.js';
import { consentNotice } from './consentNotice.js';
import { PrintedDocument, printable } from './disclosurePdf.js';
import { NotFoundError } from './explain.js';
import { translator, type Translate } from './translate.js';

function utc(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "Your consent": status, history with evidence, how to withdraw. */
export function consentSection(pdf: PrintedDocument, consent: ConsentView, t: Translate = translator('en', 'disclosure')): void {
  const notice = consentNotice(consent, t);
  pdf.heading(t('consent.heading'), 140);
  pdf.paragraph(notice.status);
  if (consent.history.length > 0) {
    pdf.table(
      [
        { header: t('consent.date'), width: 0.3 },
        { header: t('consent.status'), width: 0.2 },
        { header: t('consent.evidence'), width: 0.5 },
      ],
      consent.history.map((h) => [utc(h.at), t(`consent.statusWord.${h.status}`), printable(h.evidence).text]),
    );
  }
  pdf.paragraph(t('consent.howTitle'), { bold: true });
  for (const line of notice.howToWithdraw) pdf.bullet(line);
}

/** Whether the citizen exists and is out of scope: then the disclosure is renderUnscoredDisclosure's. */
export function outOfScope(db: Db, citizenId: string): { idx: number; name: string; district: string; consent: ConsentView } | null {
  const c = db.prepare('SELECT idx, name, district FROM citizens WHERE citizen_id = ?').get(citizenId) as { idx: number; name: string; district: string } | undefined;
  if (!c) return null;
  const consent = consentOf(db, c.idx);
  return consent.inScope || consent.asOf === null ? null : { ...c, consent };
}

/** The disclosure of a citizen who is not scored because the ruleset requires consent they have not given. */
export function renderUnscoredDisclosure(citizenId: string, who: NonNullable<ReturnType<typeof outOfScope>>, options: { generatedBy: string; now: Date }): Buffer {
  if (who.consent.inScope) throw new NotFoundError(`citizen '${citizenId}' is in scope`);
  const pdf = new PrintedDocument({ title: 'Score disclosure', author: options.generatedBy, subject: `Score disclosure for ${citizenId}`, createdAt: options.now });
  pdf.title('Score disclosure', 'Credence rule-based scoring: whether you are scored, and why.');
  const name = printable(who.name);
  pdf.fields([
    ['Name', name.changed ? `${name.text} (some characters of the name cannot be printed in this document; the record holds the name exactly)` : name.text],
    ['Citizen ID', citizenId],
    ['District', who.district],
    ['Generated', `${utc(options.now.toISOString())} by ${options.generatedBy}`],
  ]);
  pdf.heading('You are not scored', 80);
  pdf.paragraph(
    `This office scores only people who have given their consent, and your consent was not given on the scoring date (${utc(who.consent.asOf!)}). You therefore have no score and no tier, no measure applies to you because of a score, and your records do not count toward anyone else's score, including your friends'.`,
  );
  pdf.paragraph('Your records are kept as the law requires; you may ask for a copy of everything held about you. If you give your consent, you are scored from the date you give it.', { muted: true });
  consentSection(pdf, who.consent);
  return pdf.finish((page, pages) => `Score disclosure for ${citizenId} - generated ${utc(options.now.toISOString())} - not scored - page ${page} of ${pages}`);
}
