/**
 * What the logged-in user may do with proposals, disputes and measures. The
 * server decides (see roleAllows in electron/ipc/dispatch.ts); the console
 * only hides buttons that would be refused: auditors read everything and
 * write nothing, officials and administrators act, and only administrators
 * decide on rulesets.
 */
import type { Proposal } from '../../../../shared/contract';
import { useCurrentUser } from '../AuthGate';

export function useAccess() {
  const user = useCurrentUser();
  const role = user?.role;
  return {
    username: user?.username ?? '',
    /** May record disputes, decide measures, propose adjustments and decide adjustment proposals. */
    mayAct: role === 'official' || role === 'admin',
    isAdmin: role === 'admin',
  };
}

/** Usernames compare without case, as the server's two-person check does. */
export const sameUser = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Who may decide a proposal, given its kind; the proposer never may. */
export function mayDecide(p: Proposal, access: ReturnType<typeof useAccess>): boolean {
  if (sameUser(p.proposedBy, access.username)) return false;
  return p.kind === 'ruleset' ? access.isAdmin : access.mayAct;
}
