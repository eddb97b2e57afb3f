/**
 * What a citizen is told about their consent (the disclosure PDF, the
 * subject-access export): the status that counts, whether it decides their
 * scoring, and how to withdraw. One wording, so both documents say the same.
 */
import type { ConsentView } from './consent.js';
import { translator, type Translate } from './translate.js';

export interface ConsentNotice {
  /** One sentence: the consent that counts and what it means for scoring. */
  status: string;
  /** How to withdraw (or give) consent, and what follows. */
  howToWithdraw: string[];
}

/** In the reader's language: `t` is a disclosure-namespace translator (English unless given). */
export function consentNotice(c: ConsentView, t: Translate = translator('en', 'disclosure')): ConsentNotice {
  const asOf = c.asOf ? `${c.asOf.slice(0, 19).replace('T', ' ')} UTC` : null;
  const status = c.atScoringInstant ? t(`consent.statusWord.${c.atScoringInstant}`) : null;
  const current = status
    ? asOf
      ? t('consent.current', { status, asOf })
      : t('consent.currentNoDate', { status })
    : asOf
      ? t('consent.none', { asOf })
      : t('consent.noneNoDate');
  const effect = !c.required ? t('consent.notRequired') : c.inScope ? t('consent.inScope') : t('consent.outOfScope');
  return { status: `${current} ${effect}`, howToWithdraw: [t('consent.how1'), t('consent.how2'), t('consent.how3')] };
}
