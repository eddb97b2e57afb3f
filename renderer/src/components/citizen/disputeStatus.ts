/** How disputes are named and coloured everywhere on the record, and the citizen's disputes query. */
import { useQuery } from '@tanstack/react-query';
import type { Dispute } from '../../../../shared/contract';
import { call, purposeFor } from '../../api';
import i18next from '../../i18n';

/** A status in the console's language (disputes:status.<status>); call it while rendering. */
export const disputeLabel = (status: Dispute['status'] | string): string => i18next.t(`disputes:status.${status}`, { defaultValue: status.replace(/_/g, ' ') });
export const DISPUTE_COLOR: Record<Dispute['status'], string> = { open: 'blue', under_review: 'yellow', upheld: 'teal', rejected: 'gray' };

/** Still waiting for a decision: the server refuses a second dispute about the same thing meanwhile. */
export const isActive = (d: Dispute): boolean => d.status === 'open' || d.status === 'under_review';

export function useCitizenDisputes(citizenId: string) {
  return useQuery({ queryKey: ['disputes', citizenId], queryFn: () => call('disputes', { citizenId, purpose: purposeFor(citizenId) }) });
}

/** "in 12 days", "due today", "3 days overdue", in the console's language. */
export function deadlineText(deadline: string, now = Date.now()): string {
  const days = Math.round((Date.parse(deadline) - now) / 86_400_000);
  if (days > 1) return i18next.t('disputes:deadline.inDays', { count: days });
  if (days === 1) return i18next.t('disputes:deadline.tomorrow');
  if (days === 0) return i18next.t('disputes:deadline.today');
  return i18next.t('disputes:deadline.overdue', { count: -days });
}
