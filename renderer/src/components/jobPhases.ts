/**
 * A job's phases in plain words, and one progress figure for the whole job:
 * each phase the main process reports owns a slice of the bar, so the bar
 * fills once from left to right instead of restarting at every phase.
 * The words are in the console's language (jobs namespace).
 */
import i18next from '../i18n';

const t = i18next.t.bind(i18next);

const PHASES: Record<string, { text: () => string; from: number; to: number }> = {
  starting: { text: () => t('jobs:phase.starting'), from: 0, to: 0.02 },
  'reading files': { text: () => t('jobs:phase.readingFiles'), from: 0.02, to: 0.45 },
  'generating population': { text: () => t('jobs:phase.generatingPopulation'), from: 0.02, to: 0.45 },
  'finding expired records': { text: () => t('jobs:phase.findingExpired'), from: 0.02, to: 0.2 },
  'deleting expired records': { text: () => t('jobs:phase.deletingExpired'), from: 0.2, to: 0.45 },
  'evaluating rules': { text: () => t('jobs:phase.evaluatingRules'), from: 0.02, to: 0.5 },
  scoring: { text: () => t('jobs:phase.scoring'), from: 0.45, to: 0.55 },
  'rule totals': { text: () => t('jobs:phase.ruleTotals'), from: 0.5, to: 0.58 },
  'friend network': { text: () => t('jobs:phase.friendNetwork'), from: 0.58, to: 0.62 },
  'fixed point': { text: () => t('jobs:phase.fixedPoint'), from: 0.62, to: 0.8 },
  'writing scores': { text: () => t('jobs:phase.writingScores'), from: 0.8, to: 0.97 },
  committing: { text: () => t('jobs:phase.committing'), from: 0.97, to: 1 },
  finished: { text: () => t('jobs:phase.finished'), from: 1, to: 1 },
};

/** The phase in the reader's words; a phase this table does not know yet is shown as the job names it. */
export function phaseText(phase: string): string {
  return PHASES[phase]?.text() ?? phase.charAt(0).toUpperCase() + phase.slice(1);
}

/** The whole job's progress, 0..1, from the current phase and its own done/total. */
export function overallProgress(phase: string, done: number, total: number): number {
  const p = PHASES[phase];
  const within = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  if (!p) return within;
  return p.from + (p.to - p.from) * within;
}

/** "about 2 minutes left", from the time spent and the share done; nothing while too early to tell. */
export function remainingText(startedAt: string, fraction: number, now = Date.now()): string | null {
  const spent = now - Date.parse(startedAt);
  if (!(fraction > 0.05) || fraction >= 1 || !(spent > 2000)) return null;
  const left = (spent / fraction) * (1 - fraction);
  if (left < 10_000) return t('jobs:remaining.fewSeconds');
  if (left < 90_000) return t('jobs:remaining.seconds', { count: Math.round(left / 10_000) * 10 });
  return t('jobs:remaining.minutes', { count: Math.round(left / 60_000) });
}
