/** How disputes are named and coloured everywhere on the record, and the citizen's disputes query. */
import { useQuery } from '@tanstack/react-query';
import type { Dispute } from '../../../../shared/contract';
import { call, purposeFor } from '../../api';

export const DISPUTE_LABEL: Record<Dispute['status'], string> = { open: 'open', under_review: 'under review', upheld: 'upheld', rejected: 'rejected' };
export const DISPUTE_COLOR: Record<Dispute['status'], string> = { open: 'blue', under_review: 'yellow', upheld: 'teal', rejected: 'gray' };

/** Still waiting for a decision: the server refuses a second dispute about the same thing meanwhile. */
export const isActive = (d: Dispute): boolean => d.status === 'open' || d.status === 'under_review';

export function useCitizenDisputes(citizenId: string) {
  return useQuery({ queryKey: ['disputes', citizenId], queryFn: () => call('disputes', { citizenId, purpose: purposeFor(citizenId) }) });
}

/** "in 12 days", "due today", "3 days overdue". */
export function deadlineText(deadline: string, now = Date.now()): string {
  const days = Math.round((Date.parse(deadline) - now) / 86_400_000);
  if (days > 1) return `in ${days} days`;
  if (days === 1) return 'tomorrow';
  if (days === 0) return 'today';
  return `${-days} day${days === -1 ? '' : 's'} overdue`;
}
