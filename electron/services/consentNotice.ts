/**
 * What a citizen is told about their consent (the disclosure PDF, the
 * subject-access export): the status that counts, whether it decides their
 * scoring, and how to withdraw. One wording, so both documents say the same.
 */
import type { ConsentView } from './consent.js';

const STATUS_WORDS = { given: 'given', withdrawn: 'withdrawn', refused: 'refused' } as const;

export interface ConsentNotice {
  /** One sentence: the consent that counts and what it means for scoring. */
  status: string;
  /** How to withdraw (or give) consent, and what follows. */
  howToWithdraw: string[];
}

export function consentNotice(c: ConsentView): ConsentNotice {
  const at = c.asOf ? ` on the scoring date (${c.asOf.slice(0, 19).replace('T', ' ')} UTC)` : '';
  const current = c.atScoringInstant ? `Your consent to being scored is ${STATUS_WORDS[c.atScoringInstant]}${at}.` : `No consent of yours to being scored is on record${at}.`;
  const effect = !c.required
    ? ' This office currently scores every resident, whether or not they consented; your consent record is kept and decides your scoring if the office scores only people who consented.'
    : c.inScope
      ? ' This office scores only people who consented, so you are scored.'
      : ' This office scores only people who consented, so you are not scored: you have no score, no tier and no measures, and your records do not affect anyone else\'s score.';
  return {
    status: current + effect,
    howToWithdraw: [
      'You may withdraw your consent at any time, free of charge and without giving a reason: in person or in writing at the office that gave you this document. Bring or quote this document so the office can find your record.',
      'The office records the withdrawal with the date it was made and the evidence (your form or letter). Where the office scores only people who consented, from that date you are no longer scored, your score and tier lapse, and your friends\' scores are recalculated without you.',
      'Withdrawing does not delete your records; you may ask for a copy of everything held about you. You may give your consent again later in the same way.',
    ],
  };
}
