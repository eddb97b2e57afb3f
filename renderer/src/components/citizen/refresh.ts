/**
 * Which cached queries an action makes stale. Prefix keys: refetching is
 * limited to mounted queries, the rest are only marked stale, so a changed
 * score (which may move friends' penalties too) invalidates every citizen.
 */
import type { QueryClient } from '@tanstack/react-query';

/** After opening or moving a dispute, deciding a measure or proposing an adjustment: nothing scored changed. */
export function refreshCases(qc: QueryClient): Promise<unknown> {
  return Promise.all([qc.invalidateQueries({ queryKey: ['disputes'] }), qc.invalidateQueries({ queryKey: ['measures'] }), qc.invalidateQueries({ queryKey: ['proposals'] })]);
}

/** After an action that changed scores (an upheld event dispute, an approved adjustment). */
export function refreshScores(qc: QueryClient): Promise<unknown> {
  return Promise.all([
    refreshCases(qc),
    qc.invalidateQueries({ queryKey: ['citizen'] }),
    qc.invalidateQueries({ queryKey: ['citizenEvents'] }),
    qc.invalidateQueries({ queryKey: ['overview'] }),
    qc.invalidateQueries({ queryKey: ['operations'] }),
    qc.invalidateQueries({ queryKey: ['search'] }),
    qc.invalidateQueries({ queryKey: ['recordViewers'] }),
    qc.invalidateQueries({ queryKey: ['verifyLedger'] }),
  ]);
}
