/**
 * The consent part of the score disclosure: the consent that counts, its
 * history with the evidence, and how to withdraw (consentNotice.ts). A
 * citizen out of scope (SCORING_MODEL §3) gets a disclosure that says plainly
 * they are not scored and why, instead of a score.
 */
import { keyed } from '../../shared/englishText.js';
import type { Db } from '../db/connection.js';
import { consentOf, type ConsentView } from './consent.js';
import { consentNotice } from './consentNotice.js';
import { PrintedDocument, printable } from './disclosurePdf.js';
import { NotFoundError } from './explain.js';
import type { Language } from '../../shared/language.js';
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

/** The disclosure of a citizen who is not scored because the ruleset requires consent they have not given, in `language`. */
export function renderUnscoredDisclosure(
  citizenId: string,
  who: NonNullable<ReturnType<typeof outOfScope>>,
  options: { generatedBy: string; now: Date; language: Language },
): Buffer {
  if (who.consent.inScope) throw new NotFoundError(keyed('notFound.inScope', { id: citizenId }));
  const { language } = options;
  const t = translator(language, 'disclosure');
  const utc = (iso: string): string => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : t('utc', { instant: d.toISOString().slice(0, 19).replace('T', ' ') });
  };
  const now = options.now.toISOString();
  const pdf = new PrintedDocument({ title: t('title'), author: options.generatedBy, subject: t('subject', { citizenId }), createdAt: options.now, language }, { embedAll: language === 'zh-CN' });
  pdf.title(t('title'), t('unscored.subtitle'));
  const name = printable(who.name);
  pdf.fields([
    [t('field.name'), name.changed ? t('nameNotPrintable', { name: name.text }) : name.text],
    [t('field.citizenId'), citizenId],
    [t('field.district'), who.district],
    [t('field.generated'), t('generatedAtBy', { instant: utc(now), user: options.generatedBy })],
  ]);
  pdf.heading(t('unscored.heading'), 80);
  pdf.paragraph(t('unscored.why', { asOf: utc(who.consent.asOf!) }));
  pdf.paragraph(t('unscored.kept'), { muted: true });
  consentSection(pdf, who.consent, t);
  return pdf.finish((page, pages) => t('unscored.footer', { citizenId, instant: utc(now), page, pages }));
}
