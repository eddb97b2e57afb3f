/**
 * A job's phases in plain words, and one progress figure for the whole job:
 * each phase the main process reports owns a slice of the bar, so the bar
 * fills once from left to right instead of restarting at every phase.
 */
const PHASES: Record<string, { text: string; from: number; to: number }> = {
  starting: { text: 'Getting ready', from: 0, to: 0.02 },
  'reading files': { text: 'Reading and checking the files', from: 0.02, to: 0.45 },
  'generating population': { text: 'Creating the demo population', from: 0.02, to: 0.45 },
  'finding expired records': { text: 'Finding records past their retention period', from: 0.02, to: 0.2 },
  'deleting expired records': { text: 'Removing the expired records', from: 0.2, to: 0.45 },
  'evaluating rules': { text: 'Applying the rules to every event', from: 0.02, to: 0.5 },
  scoring: { text: 'Computing the scores', from: 0.45, to: 0.55 },
  'rule totals': { text: "Adding up each citizen's points", from: 0.5, to: 0.58 },
  'friend network': { text: 'Loading the friendships', from: 0.58, to: 0.62 },
  'fixed point': { text: 'Working out the friend penalties', from: 0.62, to: 0.8 },
  'writing scores': { text: 'Saving the new scores and ledger entries', from: 0.8, to: 0.97 },
  committing: { text: 'Saving', from: 0.97, to: 1 },
  finished: { text: 'Finished', from: 1, to: 1 },
};

export function phaseText(phase: string): string {
  return PHASES[phase]?.text ?? phase.charAt(0).toUpperCase() + phase.slice(1);
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
  if (left < 10_000) return 'a few seconds left';
  if (left < 90_000) return `about ${Math.round(left / 10_000) * 10} seconds left`;
  return `about ${Math.round(left / 60_000)} minutes left`;
}
